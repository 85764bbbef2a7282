/* Streaming CSV reader: RFC 4180 quoting (quoted newlines, doubled quotes), comma/semicolon/tab
 * detected from the header line (or an Excel "sep=;" line), CRLF/LF/CR line ends, the line where
 * each record starts, and refusal of anything that is not UTF-8 text with a message naming the
 * likely encoding (UTF-16, Windows-1258) and how to re-save the file. Reads 1 MiB at a time. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tabular/csv_encoding.h"
#include "tabular/table_internal.h"

#define CSV_CHUNK (1 << 20)
#define CSV_MAX_RECORD (16u << 20)

enum csv_state { ST_SKIP_LF, ST_START, ST_PLAIN, ST_QUOTED, ST_QUOTE_SEEN };

/* Byte classes that stop the fast scan of a run of ordinary bytes. */
enum { STOP_NONE = 0, STOP_DELIM, STOP_QUOTE, STOP_LF, STOP_CR, STOP_NUL };

typedef struct csv_reader {
    pd_table base;
    int fd;
    unsigned char *in;
    size_t pos, len;
    bool eof, skip_lf;
    int64_t before; /* bytes of the file before in[0] */
    int64_t size;
    int64_t line; /* 1-based line at in[pos] */
    unsigned char plain_stop[256], quoted_stop[256];
    unsigned char delim;
    char *rec;
    size_t rec_len, rec_cap;
    size_t *starts;
    int ncells, starts_cap;
    char **cells;
    int cells_cap;
} csv_reader;

static int fill(csv_reader *r, pd_err *err)
{
    r->before += (int64_t)r->len;
    r->pos = r->len = 0;
    while (r->len < CSV_CHUNK) {
        ssize_t n = read(r->fd, r->in + r->len, CSV_CHUNK - r->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            pd_table_fail_at(err, PD_EIO, r->line, "Không đọc được tệp: %s", strerror(errno));
            return -1;
        }
        if (n == 0) {
            r->eof = true;
            break;
        }
        r->len += (size_t)n;
    }
    return r->len > 0 ? 1 : 0;
}

static int rec_add(csv_reader *r, const void *s, size_t n, pd_err *err)
{
    if (r->rec_len + n + 1 > r->rec_cap) {
        if (r->rec_len + n + 1 > CSV_MAX_RECORD)
            return pd_table_fail_at(
                err, PD_ELIMIT, r->line,
                "Bản ghi ở gần dòng %lld dài hơn 16 MiB: có thể thiếu dấu ngoặc "
                "kép đóng (\") trong tệp",
                (long long)r->line);
        size_t cap = r->rec_cap * 2;
        while (cap < r->rec_len + n + 1)
            cap *= 2;
        char *p = realloc(r->rec, cap);
        if (!p)
            return pd_table_fail_at(err, PD_ELIMIT, r->line, "Không đủ bộ nhớ để đọc tệp");
        r->rec = p;
        r->rec_cap = cap;
    }
    memcpy(r->rec + r->rec_len, s, n);
    r->rec_len += n;
    return 0;
}

/* Ends the current field (NUL) and, if more follow, opens the next one at rec_len. */
static int end_field(csv_reader *r, bool another, pd_err *err)
{
    if (rec_add(r, "", 1, err))
        return -1;
    if (!another)
        return 0;
    if (r->ncells >= PD_TABLE_MAX_COLUMNS)
        return pd_table_fail_at(err, PD_ELIMIT, r->line, "Dòng %lld có quá %d cột",
                                (long long)r->line, PD_TABLE_MAX_COLUMNS),
               -1;
    if (r->ncells == r->starts_cap) {
        int cap = r->starts_cap * 2;
        size_t *p = realloc(r->starts, (size_t)cap * sizeof *p);
        if (!p)
            return pd_table_fail_at(err, PD_ELIMIT, r->line, "Không đủ bộ nhớ để đọc tệp"), -1;
        r->starts = p;
        r->starts_cap = cap;
    }
    r->starts[r->ncells++] = r->rec_len;
    return 0;
}

static int fail_nul(csv_reader *r, pd_err *err)
{
    pd_table_fail_at(err, PD_EINVAL, r->line,
                     "Tệp chứa byte NUL ở dòng %lld: đây có vẻ là tệp nhị phân, không phải tệp văn "
                     "bản CSV",
                     (long long)r->line);
    return -1;
}

/* Scans a run of bytes that need no attention and copies it into the record. */
static int copy_run(csv_reader *r, const unsigned char **pp, const unsigned char *end,
                    const unsigned char *stop, pd_err *err)
{
    const unsigned char *p = *pp, *q = p;
    while (q < end && !stop[*q])
        q++;
    *pp = q;
    return q > p ? (rec_add(r, p, (size_t)(q - p), err) ? -1 : 0) : 0;
}

/* One step of the unquoted state at *pp (a stop byte). Returns 1 at the end of the record. */
static int plain_stop_byte(csv_reader *r, const unsigned char **pp, int *state, pd_err *err)
{
    unsigned char c = *(*pp)++;
    switch (r->plain_stop[c]) {
    case STOP_DELIM:
        *state = ST_START;
        return end_field(r, true, err);
    case STOP_LF:
        r->line++;
        return 1;
    case STOP_CR:
        r->line++;
        r->skip_lf = true;
        return 1;
    case STOP_QUOTE: /* a quote inside an unquoted field is kept as it is */
        return rec_add(r, "\"", 1, err) ? -1 : 0;
    default:
        return fail_nul(r, err);
    }
}

static int quoted_stop_byte(csv_reader *r, const unsigned char **pp, int *state, pd_err *err)
{
    unsigned char c = *(*pp)++;
    if (c == '"') {
        *state = ST_QUOTE_SEEN;
        return 0;
    }
    if (c == '\n') {
        r->line++;
        return rec_add(r, "\n", 1, err) ? -1 : 0;
    }
    return fail_nul(r, err);
}

/* Runs the state machine over the buffered bytes. Returns 1 at the end of a record, 0 when the
 * buffer is used up, -1 on error. */
static int scan(csv_reader *r, int *state, int64_t *quote_line, bool *any, pd_err *err)
{
    const unsigned char *p = r->in + r->pos, *end = r->in + r->len;
    int rc = 0;
    while (p < end && rc == 0) {
        if (*state != ST_SKIP_LF)
            *any = true;
        switch (*state) {
        case ST_SKIP_LF:
            if (*p == '\n')
                p++;
            *state = ST_START;
            break;
        case ST_START:
            if (*p == '"') {
                p++;
                *quote_line = r->line;
                *state = ST_QUOTED;
            } else {
                *state = ST_PLAIN;
            }
            break;
        case ST_PLAIN:
            rc = copy_run(r, &p, end, r->plain_stop, err);
            if (rc == 0 && p < end)
                rc = plain_stop_byte(r, &p, state, err);
            break;
        case ST_QUOTED:
            rc = copy_run(r, &p, end, r->quoted_stop, err);
            if (rc == 0 && p < end)
                rc = quoted_stop_byte(r, &p, state, err);
            break;
        default: /* ST_QUOTE_SEEN: "" is a quote, anything else closes the field */
            if (*p == '"') {
                p++;
                rc = rec_add(r, "\"", 1, err) ? -1 : 0;
                *state = ST_QUOTED;
            } else {
                *state = ST_PLAIN;
            }
        }
    }
    r->pos = (size_t)(p - r->in);
    return rc;
}

/* Reads one record into rec/starts. Returns 1, 0 at the end of the file, -1 on error. */
static int parse_record(csv_reader *r, int64_t *start_line, pd_err *err)
{
    r->rec_len = 0;
    r->ncells = 1;
    r->starts[0] = 0;
    int state = r->skip_lf ? ST_SKIP_LF : ST_START;
    r->skip_lf = false;
    int64_t quote_line = 0;
    bool any = false;
    *start_line = r->line; /* skipping the LF of a CRLF does not change the line */
    for (;;) {
        int rc = scan(r, &state, &quote_line, &any, err);
        if (rc != 0)
            return rc < 0 ? -1 : (end_field(r, false, err) ? -1 : 1);
        if (r->eof)
            break;
        int f = fill(r, err);
        if (f < 0)
            return -1;
        if (f == 0)
            break;
    }
    if (state == ST_QUOTED)
        return pd_table_fail_at(err, PD_EINVAL, quote_line,
                                "Dấu ngoặc kép (\") mở ở dòng %lld không được đóng cho đến hết tệp",
                                (long long)quote_line),
               -1;
    if (!any)
        return 0;
    return end_field(r, false, err) ? -1 : 1;
}

static int csv_next(pd_table *t, char ***cells, int *ncells, int64_t *line, pd_err *err)
{
    csv_reader *r = (csv_reader *)t;
    int64_t start = 0;
    int rc = parse_record(r, &start, err);
    if (rc != 1)
        return rc;
    size_t bad = pd_utf8_invalid_at((const unsigned char *)r->rec, r->rec_len);
    if (bad < r->rec_len) {
        pd_csv_explain_encoding(r->rec, r->rec_len, r->starts, r->ncells, bad, start, err);
        return -1;
    }
    if (r->ncells > r->cells_cap) {
        int cap = r->ncells < 64 ? 64 : r->ncells;
        char **p = realloc(r->cells, (size_t)cap * sizeof *p);
        if (!p)
            return pd_table_fail_at(err, PD_ELIMIT, start, "Không đủ bộ nhớ để đọc tệp"), -1;
        r->cells = p;
        r->cells_cap = cap;
    }
    for (int i = 0; i < r->ncells; i++)
        r->cells[i] = r->rec + r->starts[i];
    *cells = r->cells;
    *ncells = r->ncells;
    *line = start;
    return 1;
}

static double csv_progress(const pd_table *t)
{
    const csv_reader *r = (const csv_reader *)t;
    if (r->size <= 0)
        return 0;
    return (double)(r->before + (int64_t)r->pos) / (double)r->size;
}

static void csv_close(pd_table *t)
{
    csv_reader *r = (csv_reader *)t;
    if (r->fd >= 0)
        close(r->fd);
    free(r->in);
    free(r->rec);
    free(r->starts);
    free(r->cells);
    free(r);
}

static void set_delimiter(csv_reader *r, unsigned char delim)
{
    r->delim = delim;
    memset(r->plain_stop, STOP_NONE, sizeof r->plain_stop);
    memset(r->quoted_stop, STOP_NONE, sizeof r->quoted_stop);
    r->plain_stop[delim] = STOP_DELIM;
    r->plain_stop['"'] = STOP_QUOTE;
    r->plain_stop['\n'] = STOP_LF;
    r->plain_stop['\r'] = STOP_CR;
    r->plain_stop[0] = STOP_NUL;
    r->quoted_stop['"'] = r->quoted_stop['\n'] = r->quoted_stop[0] = 1;
}

/* Looks at the start of the file: BOM, NUL bytes, emptiness, "sep=" line and the delimiter. */
static int examine_start(csv_reader *r, pd_err *err)
{
    pd_csv_start st;
    int rc = pd_csv_examine_start(r->in, r->len, r->eof, &st, err);
    if (rc != PD_OK)
        return rc;
    r->base.encoding = st.bom ? "utf-8-bom" : "utf-8";
    r->pos = st.skip;
    r->line = st.first_line;
    set_delimiter(r, st.delim);
    return PD_OK;
}

static int alloc_reader(csv_reader *r)
{
    r->in = malloc(CSV_CHUNK);
    r->rec_cap = 4096;
    r->rec = malloc(r->rec_cap);
    r->starts_cap = 64;
    r->starts = malloc((size_t)r->starts_cap * sizeof *r->starts);
    return r->in && r->rec && r->starts ? 0 : -1;
}

int pd_csv_open(const char *path, pd_table **out, pd_err *err)
{
    csv_reader *r = calloc(1, sizeof *r);
    if (!r || alloc_reader(r) != 0) {
        if (r)
            csv_close(&r->base);
        return pd_fail(err, PD_ELIMIT, "file", "Không đủ bộ nhớ để đọc tệp");
    }
    r->base = (pd_table){.format = "csv",
                         .encoding = "utf-8",
                         .next = csv_next,
                         .progress = csv_progress,
                         .close = csv_close};
    r->line = 1;
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    int rc = PD_OK;
    struct stat sb;
    if (r->fd < 0 || fstat(r->fd, &sb) != 0)
        rc = pd_fail(err, PD_EIO, "file", "Không mở được tệp %s: %s", path, strerror(errno));
    else if ((r->size = sb.st_size), fill(r, err) < 0)
        rc = PD_EIO;
    else
        rc = examine_start(r, err);
    if (rc != PD_OK) {
        csv_close(&r->base);
        return rc;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    *out = &r->base;
    return PD_OK;
}
