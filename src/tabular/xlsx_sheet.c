/* Streaming reader of the first worksheet of an XLSX file: the sheet XML is decompressed and parsed
 * in chunks, and expat is suspended at the end of each row so that one row at a time is handed out
 * (memory stays flat for a million rows). Cells land in the column their reference ("C5") names,
 * gaps become "". Shared strings, inline strings (with rich text runs), formula strings, booleans,
 * errors, numbers and date-formatted numbers are turned into text. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tabular/table_internal.h"
#include "tabular/xlsx_internal.h"

#define MAX_CELL_BYTES (1 << 20)

typedef struct xlsx_reader {
    pd_table base;
    xlsx_xml x; /* the parser's user data */
    xlsx_book book;
    zip_file_t *sheet;
    int64_t sheet_size, sheet_read;
    bool suspended, final_sent, row_ready;
    int in_data, in_row, in_cell, in_is, in_rph, collecting;
    int64_t row_num;
    int col, next_col, style;
    char type[16];
    pd_buf value; /* text of the current cell */
    pd_buf row;   /* texts of the current row; offset 0 holds "" for gaps */
    size_t *offs;
    int ncols, offs_cap;
    bool row_has_text;
    char **cells;
    int cells_cap;
} xlsx_reader;

/* Handlers get the embedded xlsx_xml (so that the shared DOCTYPE refusal works): back to the
 * reader. */
static xlsx_reader *reader_of(void *ud)
{
    return (xlsx_reader *)((char *)ud - offsetof(xlsx_reader, x));
}

static void sheet_abort(xlsx_reader *r, int code, const char *msg, const char *detail)
{
    xlsx_abort(&r->x, code, "%s%s (hàng %lld)", msg, detail, (long long)r->row_num);
    snprintf(r->x.err.field, sizeof r->x.err.field, "line %lld", (long long)r->row_num);
}

/* "C5" -> 2; NULL or no letters -> the column after the previous cell. */
static int column_of(xlsx_reader *r, const char *ref)
{
    if (!ref || !((*ref >= 'A' && *ref <= 'Z') || (*ref >= 'a' && *ref <= 'z')))
        return r->next_col;
    int col = 0;
    for (; (*ref >= 'A' && *ref <= 'Z') || (*ref >= 'a' && *ref <= 'z'); ref++) {
        col = col * 26 + ((*ref | 0x20) - 'a' + 1);
        if (col > PD_TABLE_MAX_COLUMNS)
            return -1;
    }
    return col - 1;
}

static void start_row(xlsx_reader *r, const char **atts)
{
    const char *n = xlsx_attr(atts, "r");
    r->row_num = n ? atoll(n) : r->row_num + 1;
    r->in_row = 1;
    r->ncols = 0;
    r->next_col = 0;
    r->row_has_text = false;
    pd_buf_reset(&r->row);
    pd_buf_add(&r->row, "", 1);
}

static void start_cell(xlsx_reader *r, const char **atts)
{
    const char *t = xlsx_attr(atts, "t"), *s = xlsx_attr(atts, "s");
    r->col = column_of(r, xlsx_attr(atts, "r"));
    if (r->col < 0) {
        sheet_abort(r, PD_ELIMIT, "Bảng tính có quá nhiều cột", "");
        return;
    }
    snprintf(r->type, sizeof r->type, "%s", t ? t : "n");
    r->style = s ? atoi(s) : 0;
    r->in_cell = 1;
    pd_buf_reset(&r->value);
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xlsx_reader *r = reader_of(ud);
    const char *local = xlsx_local(name);
    if (strcmp(local, "sheetData") == 0)
        r->in_data = 1;
    else if (strcmp(local, "row") == 0 && r->in_data)
        start_row(r, atts);
    else if (strcmp(local, "c") == 0 && r->in_row)
        start_cell(r, atts);
    else if (strcmp(local, "v") == 0 && r->in_cell)
        r->collecting = 1;
    else if (strcmp(local, "is") == 0 && r->in_cell)
        r->in_is = 1;
    else if (strcmp(local, "t") == 0 && r->in_is && !r->in_rph)
        r->collecting = 1;
    else if (strcmp(local, "rPh") == 0)
        r->in_rph++;
}

static enum xlsx_kind style_kind(const xlsx_reader *r)
{
    if (r->style < 0 || (size_t)r->style >= r->book.xf_count)
        return XF_NUMBER;
    return (enum xlsx_kind)r->book.xf_kind[r->style];
}

/* Appends the text of the finished cell to the row buffer. */
static void cell_text(xlsx_reader *r)
{
    const char *raw = r->value.data ? r->value.data : "";
    const char *t = r->type;
    if (strcmp(t, "s") == 0) {
        char *end;
        unsigned long long i = strtoull(raw, &end, 10);
        if (end == raw || *end || i >= r->book.sst_count) {
            sheet_abort(r, PD_EINVAL,
                        "Tệp XLSX bị hỏng: ô tham chiếu chuỗi dùng chung không có: ", raw);
            return;
        }
        pd_buf_puts(&r->row, r->book.sst.data + r->book.sst_off[i]);
    } else if (strcmp(t, "inlineStr") == 0) {
        xlsx_unescape(&r->value, 0);
        pd_buf_puts(&r->row, r->value.data ? r->value.data : "");
    } else if (strcmp(t, "b") == 0) {
        pd_buf_puts(&r->row, *raw ? (strcmp(raw, "1") == 0 ? "TRUE" : "FALSE") : "");
    } else if (strcmp(t, "d") == 0) { /* ISO 8601 date: keep the date part of midnight values */
        size_t n = strlen(raw);
        bool midnight = n == 10 || (n >= 19 && strncmp(raw + 10, "T00:00:00", 9) == 0);
        pd_buf_add(&r->row, raw, midnight ? 10 : n);
    } else if (strcmp(t, "str") == 0 || strcmp(t, "e") == 0 || !*raw) {
        pd_buf_puts(&r->row, raw);
    } else {
        xlsx_format_value(raw, style_kind(r), r->book.date1904, &r->row);
    }
}

static bool has_text(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return true;
    return false;
}

static void end_cell(xlsx_reader *r)
{
    r->in_cell = 0;
    size_t start = r->row.len;
    cell_text(r);
    r->next_col = r->col + 1;
    if (r->x.failed || r->row.len == start)
        return;
    pd_buf_add(&r->row, "", 1);
    if (r->col >= r->offs_cap) {
        int cap = r->offs_cap ? r->offs_cap : 32;
        while (cap <= r->col)
            cap *= 2;
        size_t *p = realloc(r->offs, (size_t)cap * sizeof *p);
        if (!p) {
            sheet_abort(r, PD_ELIMIT, "Không đủ bộ nhớ để đọc tệp XLSX", "");
            return;
        }
        r->offs = p;
        r->offs_cap = cap;
    }
    for (int i = r->ncols; i < r->col; i++)
        r->offs[i] = 0; /* gap */
    r->offs[r->col] = start;
    if (r->col >= r->ncols)
        r->ncols = r->col + 1;
    r->row_has_text |= has_text(r->row.data + start);
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
    xlsx_reader *r = reader_of(ud);
    const char *local = xlsx_local(name);
    if (strcmp(local, "v") == 0 || strcmp(local, "t") == 0) {
        r->collecting = 0;
    } else if (strcmp(local, "rPh") == 0) {
        r->in_rph--;
    } else if (strcmp(local, "is") == 0) {
        r->in_is = 0;
    } else if (strcmp(local, "c") == 0 && r->in_cell) {
        end_cell(r);
    } else if (strcmp(local, "row") == 0 && r->in_row) {
        r->in_row = 0;
        if (r->row_has_text && !r->x.failed) {
            r->row_ready = true;
            XML_StopParser(r->x.parser, XML_TRUE); /* hand this row out, resume later */
        }
    } else if (strcmp(local, "sheetData") == 0) {
        r->in_data = 0;
    }
}

static void XMLCALL sheet_text(void *ud, const XML_Char *s, int len)
{
    xlsx_reader *r = reader_of(ud);
    if (!r->collecting)
        return;
    if (r->value.len + (size_t)len > MAX_CELL_BYTES) {
        sheet_abort(r, PD_ELIMIT, "Một ô của bảng tính dài quá 1 MiB", "");
        return;
    }
    pd_buf_add(&r->value, s, (size_t)len);
}

/* Runs the parser until a row is ready. 1 row, 0 end, -1 error. */
static int pump(xlsx_reader *r, pd_err *err)
{
    r->row_ready = false;
    while (!r->row_ready) {
        enum XML_Status st = XML_STATUS_OK;
        if (r->suspended) {
            r->suspended = false;
            st = XML_ResumeParser(r->x.parser);
        } else if (r->final_sent) {
            return 0;
        } else {
            int64_t n = xlsx_feed(&r->x, r->sheet, &r->sheet_read, PD_XLSX_MAX_PART, &st, err);
            if (n < 0)
                return -1;
            r->final_sent = n == 0;
        }
        if (st == XML_STATUS_ERROR)
            return xlsx_xml_failure(&r->x, err), -1;
        r->suspended = st == XML_STATUS_SUSPENDED;
    }
    return 1;
}

static int xlsx_next(pd_table *t, char ***cells, int *ncells, int64_t *line, pd_err *err)
{
    xlsx_reader *r = (xlsx_reader *)t;
    int rc = pump(r, err);
    if (rc != 1)
        return rc;
    if (r->ncols > r->cells_cap) {
        int cap = r->ncols < 64 ? 64 : r->ncols;
        char **p = realloc(r->cells, (size_t)cap * sizeof *p);
        if (!p)
            return pd_fail(err, PD_ELIMIT, "file", "Không đủ bộ nhớ để đọc tệp XLSX"), -1;
        r->cells = p;
        r->cells_cap = cap;
    }
    for (int i = 0; i < r->ncols; i++)
        r->cells[i] = r->row.data + r->offs[i];
    *cells = r->cells;
    *ncells = r->ncols;
    *line = r->row_num;
    return 1;
}

static double xlsx_progress(const pd_table *t)
{
    const xlsx_reader *r = (const xlsx_reader *)t;
    return r->sheet_size > 0 ? (double)r->sheet_read / (double)r->sheet_size : 0;
}

static void xlsx_close(pd_table *t)
{
    xlsx_reader *r = (xlsx_reader *)t;
    if (r->x.parser)
        XML_ParserFree(r->x.parser);
    if (r->sheet)
        zip_fclose(r->sheet);
    xlsx_book_free(&r->book);
    pd_buf_free(&r->value);
    pd_buf_free(&r->row);
    free(r->offs);
    free(r->cells);
    free(r);
}

static int open_zip(xlsx_reader *r, const char *path, pd_err *err)
{
    int zerr = 0;
    r->book.zip = zip_open(path, ZIP_RDONLY, &zerr);
    if (r->book.zip)
        return PD_OK;
    if (zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ || zerr == ZIP_ER_NOENT)
        return pd_fail(err, PD_EIO, "file", "Không mở được tệp %s", path);
    return pd_fail(err, PD_EINVAL, "file",
                   "Tệp XLSX bị hỏng hoặc không phải tệp XLSX (không đọc được cấu trúc ZIP)");
}

int pd_xlsx_open(const char *path, pd_table **out, pd_err *err)
{
    xlsx_reader *r = calloc(1, sizeof *r);
    if (!r)
        return pd_fail(err, PD_ELIMIT, "file", "Không đủ bộ nhớ để đọc tệp XLSX");
    r->base = (pd_table){.format = "xlsx",
                         .encoding = "xlsx",
                         .next = xlsx_next,
                         .progress = xlsx_progress,
                         .close = xlsx_close};
    int rc = open_zip(r, path, err);
    if (rc == PD_OK)
        rc = xlsx_book_load(&r->book, err);
    if (rc == PD_OK) {
        r->sheet =
            xlsx_open_part(r->book.zip, r->book.sheet_path, PD_XLSX_MAX_PART, &r->sheet_size, err);
        rc = r->sheet ? PD_OK : (err ? err->code : PD_EINVAL);
        if (rc == PD_ENOTFOUND)
            rc = PD_EINVAL;
    }
    if (rc == PD_OK && !xlsx_parser_new(&r->x, sheet_start, sheet_end, sheet_text))
        rc = pd_fail(err, PD_ELIMIT, "file", "Không đủ bộ nhớ để đọc tệp XLSX");
    if (rc != PD_OK) {
        if (err)
            err->code = rc;
        xlsx_close(&r->base);
        return rc;
    }
    r->x.part = r->book.sheet_path;
    *out = &r->base;
    return PD_OK;
}
