/* Row sources of the ingest: CSV and XLSX through src/tabular (the header row names the columns,
 * in Vietnamese or English, matched folded) and JSON Lines (one JSON object a line, its keys named
 * like the columns). Both hand out one row at a time as an array of values indexed by field. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ingest/internal.h"
#include "tabular/table.h"

struct ingest_source {
    const ingest_fields *f;
    const char *format;
    const char *vals[INGEST_MAX_FIELDS];
    /* CSV / XLSX */
    pd_table *table;
    int *col_field; /* per column: field or -1 */
    int ncols;
    /* JSON Lines */
    FILE *file;
    char *line;
    size_t line_cap;
    int64_t line_no, size, read;
    pd_buf values;
    char problem[256], problem_field[32];
};

/* ---- header names ---- */

void ingest_header_key(const char *cell, char *out, size_t cap)
{
    char stripped[256];
    size_t n = 0;
    int depth = 0;
    for (const char *s = cell; *s && n + 1 < sizeof stripped; s++) {
        if (*s == '(' || *s == '[')
            depth++;
        else if ((*s == ')' || *s == ']') && depth > 0)
            depth--;
        else if (depth == 0 && *s != '*')
            stripped[n++] = *s;
    }
    stripped[n] = '\0';
    char folded[256];
    pd_fold(stripped, folded, sizeof folded);
    size_t k = 0;
    for (const char *s = folded; *s && k + 1 < cap; s++)
        if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
            out[k++] = *s;
    out[k] = '\0';
}

int ingest_field_of(const ingest_fields *f, const char *name)
{
    char key[128];
    ingest_header_key(name, key, sizeof key);
    for (int i = 0; i < f->alias_count; i++)
        if (strcmp(f->aliases[i].key, key) == 0)
            return f->aliases[i].field;
    return -1;
}

static void accepted_names(const ingest_fields *f, char *out, size_t cap)
{
    out[0] = '\0';
    for (int i = 0; i < f->count; i++)
        snprintf(out + strlen(out), cap - strlen(out), "%s%s", i ? ", " : "", f->names[i]);
}

static int missing_required(const ingest_fields *f, uint32_t seen, pd_err *err)
{
    uint32_t missing = f->required & ~seen;
    if (!missing)
        return PD_OK;
    for (int i = 0; i < f->count; i++)
        if (missing & (1u << i))
            return pd_fail(err, PD_EINVAL, "header",
                           "Tệp thiếu cột bắt buộc %s; dòng đầu tiên phải là dòng tiêu đề",
                           f->names[i]);
    return PD_OK;
}

/* ---- CSV / XLSX ---- */

static int map_header(ingest_source *s, char **cells, int n, pd_err *err)
{
    s->col_field = calloc((size_t)(n > 0 ? n : 1), sizeof *s->col_field);
    if (!s->col_field)
        return pd_fail(err, PD_ELIMIT, "", "Hết bộ nhớ");
    s->ncols = n;
    uint32_t seen = 0;
    for (int i = 0; i < n; i++) {
        s->col_field[i] = -1;
        if (!cells[i][0])
            continue; /* an unnamed column must stay empty */
        int f = ingest_field_of(s->f, cells[i]);
        if (f < 0) {
            char names[512];
            accepted_names(s->f, names, sizeof names);
            return pd_fail(err, PD_EINVAL, "header",
                           "Cột \"%.60s\" không được hỗ trợ. Các cột nhận được: %s", cells[i],
                           names);
        }
        if (seen & (1u << f))
            return pd_fail(err, PD_EINVAL, "header",
                           "Cột %s xuất hiện hai lần; hãy giữ lại một cột", s->f->names[f]);
        seen |= 1u << f;
        s->col_field[i] = f;
    }
    return missing_required(s->f, seen, err);
}

static int open_table(ingest_source *s, const char *path, const char *format, pd_err *err)
{
    int rc = pd_table_open(path, format, &s->table, err);
    if (rc != PD_OK)
        return rc;
    s->format = pd_table_format(s->table);
    char **cells;
    int n;
    int64_t line;
    int r = pd_table_next(s->table, &cells, &n, &line, err);
    if (r < 0)
        return err->code ? err->code : PD_EINVAL;
    if (r == 0)
        return pd_fail(err, PD_EINVAL, "file", "Tệp rỗng: không có dòng tiêu đề");
    return map_header(s, cells, n, err);
}

static int next_table_row(ingest_source *s, int64_t *line, pd_err *err)
{
    char **cells;
    int n;
    int r = pd_table_next(s->table, &cells, &n, line, err);
    if (r <= 0)
        return r < 0 ? -1 : 0;
    for (int i = 0; i < s->f->count; i++)
        s->vals[i] = "";
    for (int i = 0; i < n; i++) {
        if (i < s->ncols && s->col_field[i] >= 0) {
            s->vals[s->col_field[i]] = cells[i];
        } else if (cells[i][0]) {
            snprintf(s->problem, sizeof s->problem,
                     "Ô ở cột %d có dữ liệu nhưng cột không có tiêu đề", i + 1);
            pd_strlcpy(s->problem_field, "header", sizeof s->problem_field);
        }
    }
    return 1;
}

/* ---- JSON Lines ---- */

static int open_jsonl(ingest_source *s, const char *path, pd_err *err)
{
    s->format = "jsonl";
    s->file = fopen(path, "rb");
    if (!s->file)
        return pd_fail(err, PD_EIO, "file", "Không đọc được tệp: %s", strerror(errno));
    struct stat st;
    s->size = fstat(fileno(s->file), &st) == 0 ? (int64_t)st.st_size : 0;
    setvbuf(s->file, NULL, _IOFBF, 1 << 20);
    pd_buf_init(&s->values);
    return PD_OK;
}

static void set_problem(ingest_source *s, const char *field, const char *fmt, const char *arg)
{
    pd_strlcpy(s->problem_field, field, sizeof s->problem_field);
    snprintf(s->problem, sizeof s->problem, fmt, arg);
}

/* Copies one member's value as text into s->values; offsets kept in offs. */
static void json_value(ingest_source *s, const char *key, json_t *v, int f, size_t *offs)
{
    char num[64];
    const char *text = NULL;
    char *dumped = NULL; /* arrays and objects (places, symptoms) are kept as JSON text */
    if (json_is_array(v) || json_is_object(v))
        text = dumped = json_dumps(v, JSON_COMPACT);
    else if (json_is_string(v))
        text = json_string_value(v);
    else if (json_is_integer(v))
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v)), text = num;
    else if (json_is_null(v))
        text = "";
    else if (json_is_real(v))
        snprintf(num, sizeof num, "%.17g", json_real_value(v)), text = num;
    if (!text) {
        set_problem(s, s->f->names[f], "Giá trị của %s phải là chuỗi hoặc số", key);
        return;
    }
    if (json_is_string(v) && json_string_length(v) != strlen(text)) {
        set_problem(s, s->f->names[f], "Giá trị của %s chứa ký tự NUL", key);
        return;
    }
    offs[f] = s->values.len + 1; /* the buffer may move: pointers are taken at the end */
    pd_buf_add(&s->values, text, strlen(text) + 1);
    free(dumped);
}

static void map_object(ingest_source *s, json_t *o)
{
    size_t offs[INGEST_MAX_FIELDS] = {0}; /* 1 + offset of each value in s->values; 0 absent */
    pd_buf_reset(&s->values);
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        int f = ingest_field_of(s->f, key);
        if (f < 0) {
            set_problem(s, "header", "Khóa \"%.60s\" không được hỗ trợ", key);
            continue;
        }
        json_value(s, key, v, f, offs);
    }
    for (int i = 0; i < s->f->count; i++)
        if (offs[i])
            s->vals[i] = s->values.data + offs[i] - 1;
}

static bool blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            return false;
    return true;
}

static int next_json_row(ingest_source *s, int64_t *line, pd_err *err)
{
    for (;;) {
        errno = 0;
        ssize_t n = getline(&s->line, &s->line_cap, s->file);
        if (n < 0) {
            if (errno && !feof(s->file))
                return pd_fail(err, PD_EIO, "file", "Không đọc được tệp: %s", strerror(errno)), -1;
            return 0;
        }
        s->line_no++;
        s->read += n;
        if (blank(s->line, (size_t)n))
            continue;
        *line = s->line_no;
        for (int i = 0; i < s->f->count; i++)
            s->vals[i] = "";
        json_error_t jerr;
        json_t *o = json_loadb(s->line, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
        if (!o || !json_is_object(o)) {
            set_problem(s, "",
                        o ? "Dòng không phải một đối tượng JSON {...}%s"
                          : "Dòng không phải JSON hợp lệ: %s",
                        o ? "" : jerr.text);
            json_decref(o);
            return 1;
        }
        map_object(s, o);
        json_decref(o);
        return 1;
    }
}

/* ---- the source ---- */

static const char *detect(const char *path, const char *format)
{
    if (format && *format)
        return format;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char buf[64];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    size_t i = n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF ? 3 : 0;
    while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    return i < n && buf[i] == '{' ? "jsonl" : NULL;
}

int ingest_source_open(const char *path, const char *format, const ingest_fields *f,
                       ingest_source **out, pd_err *err)
{
    *out = NULL;
    if (format && *format && strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0 &&
        strcmp(format, "jsonl") != 0)
        return pd_fail(err, PD_EINVAL, "format", "Định dạng phải là csv, xlsx hoặc jsonl");
    ingest_source *s = calloc(1, sizeof *s);
    if (!s)
        return pd_fail(err, PD_ELIMIT, "", "Hết bộ nhớ");
    s->f = f;
    const char *fmt = detect(path, format);
    int rc =
        fmt && strcmp(fmt, "jsonl") == 0 ? open_jsonl(s, path, err) : open_table(s, path, fmt, err);
    if (rc != PD_OK) {
        ingest_source_close(s);
        return rc;
    }
    *out = s;
    return PD_OK;
}

int ingest_source_next(ingest_source *s, const char **vals, int64_t *line,
                       const char **problem_field, const char **problem, pd_err *err)
{
    s->problem[0] = s->problem_field[0] = '\0';
    int r = s->table ? next_table_row(s, line, err) : next_json_row(s, line, err);
    if (r != 1)
        return r;
    memcpy(vals, s->vals, sizeof s->vals[0] * (size_t)s->f->count);
    *problem = s->problem[0] ? s->problem : NULL;
    *problem_field = s->problem_field;
    return 1;
}

double ingest_source_progress(const ingest_source *s)
{
    if (s->table)
        return pd_table_progress(s->table);
    return s->size > 0 ? (double)s->read / (double)s->size : 0;
}

const char *ingest_source_format(const ingest_source *s)
{
    return s->format ? s->format : "csv";
}

void ingest_source_close(ingest_source *s)
{
    if (!s)
        return;
    if (s->table)
        pd_table_close(s->table);
    if (s->file)
        fclose(s->file);
    free(s->col_field);
    free(s->line);
    pd_buf_free(&s->values);
    free(s);
}
