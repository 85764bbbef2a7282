/* The XLSX package around the worksheet: _rels/.rels -> workbook, the workbook's first visible
 * sheet and its relationships (worksheet, shared strings, styles), the 1904 date system flag, the
 * cell styles that make a number a date, and the shared string table (rich text runs joined,
 * phonetic runs left out). */
#include <stdlib.h>
#include <string.h>

#include "tabular/table_internal.h"
#include "tabular/xlsx_internal.h"

#define SMALL_PART_CAP ((int64_t)64 << 20)
#define MAX_SST_COUNT (1 << 25) /* distinct strings: 32 Mi, 256 MiB of offsets */

/* ---- paths ---- */

/* Joins a relationship target to the folder of the part it belongs to, resolving "." and "..". */
static void resolve(const char *dir, const char *target, char *out, size_t cap)
{
    char joined[1024];
    if (target[0] == '/')
        snprintf(joined, sizeof joined, "%s", target + 1);
    else
        snprintf(joined, sizeof joined, "%s%s", dir, target);
    size_t n = 0;
    out[0] = '\0';
    for (char *save = NULL, *seg = strtok_r(joined, "/", &save); seg;
         seg = strtok_r(NULL, "/", &save)) {
        if (strcmp(seg, ".") == 0)
            continue;
        if (strcmp(seg, "..") == 0) {
            while (n > 0 && out[n - 1] != '/')
                n--;
            if (n > 0)
                n--;
            out[n] = '\0';
            continue;
        }
        int w = snprintf(out + n, cap - n, "%s%s", n ? "/" : "", seg);
        if (w < 0 || (size_t)w >= cap - n)
            return;
        n += (size_t)w;
    }
}

static void dir_of(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path + 1) : 0;
    if (n >= cap)
        n = 0;
    memcpy(out, path, n);
    out[n] = '\0';
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* ---- relationships ---- */

typedef struct rels_ctx {
    xlsx_xml x;
    const char *dir;
    const char *want_id; /* the worksheet's r:id; NULL for the package relationships */
    char target[512], sst[512], styles[512];
} rels_ctx;

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    rels_ctx *c = ud;
    if (strcmp(xlsx_local(name), "Relationship") != 0)
        return;
    const char *id = xlsx_attr(atts, "Id"), *type = xlsx_attr(atts, "Type");
    const char *target = xlsx_attr(atts, "Target"), *mode = xlsx_attr(atts, "TargetMode");
    if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
        return;
    if (!c->want_id && ends_with(type, "/officeDocument"))
        resolve(c->dir, target, c->target, sizeof c->target);
    else if (c->want_id && strcmp(id, c->want_id) == 0)
        resolve(c->dir, target, c->target, sizeof c->target);
    else if (ends_with(type, "/sharedStrings"))
        resolve(c->dir, target, c->sst, sizeof c->sst);
    else if (ends_with(type, "/styles"))
        resolve(c->dir, target, c->styles, sizeof c->styles);
}

static void XMLCALL ignore_end(void *ud, const XML_Char *name)
{
    (void)ud, (void)name;
}

static int parse_rels(zip_t *z, const char *path, rels_ctx *c, pd_err *err)
{
    if (!xlsx_parser_new(&c->x, rels_start, ignore_end, NULL))
        return pd_fail(err, PD_ELIMIT, "file", "Không đủ bộ nhớ để đọc tệp XLSX");
    int rc = xlsx_parse_part(z, path, &c->x, SMALL_PART_CAP, err);
    XML_ParserFree(c->x.parser);
    return rc;
}

/* ---- workbook ---- */

typedef struct wb_ctx {
    xlsx_xml x;
    char first[128], visible[128];
    bool date1904;
} wb_ctx;

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    wb_ctx *c = ud;
    const char *local = xlsx_local(name);
    if (strcmp(local, "workbookPr") == 0) {
        const char *v = xlsx_attr(atts, "date1904");
        c->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    } else if (strcmp(local, "sheet") == 0) {
        const char *id = xlsx_attr(atts, "id"), *state = xlsx_attr(atts, "state");
        if (!id)
            return;
        if (!c->first[0])
            snprintf(c->first, sizeof c->first, "%s", id);
        if (!c->visible[0] && (!state || strcmp(state, "visible") == 0))
            snprintf(c->visible, sizeof c->visible, "%s", id);
    }
}

/* Finds the workbook part, its first visible worksheet and the shared strings/styles parts. */
static int locate_parts(xlsx_book *b, pd_err *err)
{
    rels_ctx root = {.dir = ""};
    int rc = parse_rels(b->zip, "_rels/.rels", &root, err);
    if (rc != PD_OK && rc != PD_ENOTFOUND)
        return rc;
    char wb_path[512];
    snprintf(wb_path, sizeof wb_path, "%s", root.target[0] ? root.target : "xl/workbook.xml");
    wb_ctx wb = {0};
    if (!xlsx_parser_new(&wb.x, wb_start, ignore_end, NULL))
        return pd_fail(err, PD_ELIMIT, "file", "Không đủ bộ nhớ để đọc tệp XLSX");
    rc = xlsx_parse_part(b->zip, wb_path, &wb.x, SMALL_PART_CAP, err);
    XML_ParserFree(wb.x.parser);
    if (rc != PD_OK)
        return rc == PD_ENOTFOUND ? pd_fail(err, PD_EINVAL, "file",
                                            "Tệp không phải bảng tính XLSX (thiếu %s)", wb_path)
                                  : rc;
    if (!wb.first[0])
        return pd_fail(err, PD_EINVAL, "file", "Tệp XLSX không có trang tính nào");
    b->date1904 = wb.date1904;
    char dir[512], rels[1100];
    dir_of(wb_path, dir, sizeof dir);
    snprintf(rels, sizeof rels, "%s_rels/%s.rels", dir, wb_path + strlen(dir));
    rels_ctx wr = {.dir = dir, .want_id = wb.visible[0] ? wb.visible : wb.first};
    rc = parse_rels(b->zip, rels, &wr, err);
    if (rc != PD_OK)
        return rc == PD_ENOTFOUND ? pd_fail(err, PD_EINVAL, "file", "Tệp XLSX thiếu phần %s", rels)
                                  : rc;
    if (!wr.target[0])
        return pd_fail(err, PD_EINVAL, "file", "Tệp XLSX không hợp lệ: không tìm thấy trang tính");
    snprintf(b->sheet_path, sizeof b->sheet_path, "%s", wr.target);
    snprintf(b->sst_path, sizeof b->sst_path, "%s", wr.sst);
    snprintf(b->styles_path, sizeof b->styles_path, "%s", wr.styles);
    return PD_OK;
}

/* ---- styles ---- */

typedef struct styles_ctx {
    xlsx_xml x;
    int in_numfmts, in_cellxfs;
    int *custom_id;
    unsigned char *custom_kind;
    size_t ncustom, custom_cap;
    int *xf_fmt;
    size_t nxf, xf_cap;
} styles_ctx;

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 64;
    void *q = realloc(*p, n * elem);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

static void add_custom(styles_ctx *c, const char **atts)
{
    const char *id = xlsx_attr(atts, "numFmtId"), *code = xlsx_attr(atts, "formatCode");
    if (!id || !code)
        return;
    size_t cap = c->custom_cap;
    if (!grow((void **)&c->custom_id, &cap, c->ncustom + 1, sizeof(int)) ||
        !grow((void **)&c->custom_kind, &c->custom_cap, c->ncustom + 1, 1)) {
        xlsx_abort(&c->x, PD_ELIMIT, "Không đủ bộ nhớ để đọc tệp XLSX");
        return;
    }
    c->custom_id[c->ncustom] = atoi(id);
    c->custom_kind[c->ncustom++] = (unsigned char)xlsx_format_code_kind(code);
}

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    styles_ctx *c = ud;
    const char *local = xlsx_local(name);
    if (strcmp(local, "numFmts") == 0) {
        c->in_numfmts = 1;
    } else if (strcmp(local, "numFmt") == 0 && c->in_numfmts) {
        add_custom(c, atts);
    } else if (strcmp(local, "cellXfs") == 0) {
        c->in_cellxfs = 1;
    } else if (strcmp(local, "xf") == 0 && c->in_cellxfs) {
        const char *id = xlsx_attr(atts, "numFmtId");
        if (c->nxf >= ((size_t)1 << 20) ||
            !grow((void **)&c->xf_fmt, &c->xf_cap, c->nxf + 1, sizeof(int))) {
            xlsx_abort(&c->x, PD_ELIMIT, "Tệp XLSX có quá nhiều kiểu định dạng ô");
            return;
        }
        c->xf_fmt[c->nxf++] = id ? atoi(id) : 0;
    }
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
    styles_ctx *c = ud;
    const char *local = xlsx_local(name);
    if (strcmp(local, "cellXfs") == 0)
        c->in_cellxfs = 0;
    else if (strcmp(local, "numFmts") == 0)
        c->in_numfmts = 0;
}

static enum xlsx_kind kind_of(const styles_ctx *c, int fmt)
{
    for (size_t i = 0; i < c->ncustom; i++)
        if (c->custom_id[i] == fmt)
            return (enum xlsx_kind)c->custom_kind[i];
    return xlsx_builtin_kind(fmt);
}

static int load_styles(xlsx_book *b, pd_err *err)
{
    if (!b->styles_path[0])
        snprintf(b->styles_path, sizeof b->styles_path, "xl/styles.xml");
    styles_ctx c = {0};
    if (!xlsx_parser_new(&c.x, styles_start, styles_end, NULL))
        return pd_fail(err, PD_ELIMIT, "file", "Không đủ bộ nhớ để đọc tệp XLSX");
    int rc = xlsx_parse_part(b->zip, b->styles_path, &c.x, SMALL_PART_CAP, err);
    XML_ParserFree(c.x.parser);
    if (rc == PD_OK && c.nxf > 0) {
        b->xf_kind = malloc(c.nxf);
        if (b->xf_kind) {
            for (size_t i = 0; i < c.nxf; i++)
                b->xf_kind[i] = (unsigned char)kind_of(&c, c.xf_fmt[i]);
            b->xf_count = c.nxf;
        }
    }
    free(c.custom_id);
    free(c.custom_kind);
    free(c.xf_fmt);
    return rc == PD_ENOTFOUND ? PD_OK : rc;
}

/* ---- shared strings ---- */

typedef struct sst_ctx {
    xlsx_xml x;
    xlsx_book *b;
    int in_si, in_t, in_rph;
    size_t start;
} sst_ctx;

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    sst_ctx *c = ud;
    const char *local = xlsx_local(name);
    if (strcmp(local, "si") == 0) {
        c->in_si = 1;
        c->start = c->b->sst.len;
    } else if (strcmp(local, "t") == 0 && c->in_si && !c->in_rph) {
        c->in_t = 1;
    } else if (strcmp(local, "rPh") == 0) {
        c->in_rph++;
    }
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
    sst_ctx *c = ud;
    xlsx_book *b = c->b;
    const char *local = xlsx_local(name);
    if (strcmp(local, "t") == 0) {
        c->in_t = 0;
    } else if (strcmp(local, "rPh") == 0) {
        c->in_rph--;
    } else if (strcmp(local, "si") == 0 && c->in_si) {
        c->in_si = 0;
        if (b->sst_count >= MAX_SST_COUNT) {
            xlsx_abort(&c->x, PD_ELIMIT, "Tệp XLSX quá lớn: hơn %d chuỗi dùng chung", MAX_SST_COUNT);
            return;
        }
        if (!grow((void **)&b->sst_off, &b->sst_cap, b->sst_count + 1, sizeof(size_t))) {
            xlsx_abort(&c->x, PD_ELIMIT, "Không đủ bộ nhớ để đọc tệp XLSX");
            return;
        }
        xlsx_unescape(&b->sst, c->start);
        b->sst_off[b->sst_count++] = c->start;
        pd_buf_add(&b->sst, "", 1);
    }
}

static void XMLCALL sst_text(void *ud, const XML_Char *s, int len)
{
    sst_ctx *c = ud;
    if (!c->in_t)
        return;
    if ((int64_t)(c->b->sst.len + (size_t)len) > PD_XLSX_MAX_SST) {
        xlsx_abort(&c->x, PD_ELIMIT, "Tệp XLSX quá lớn: bảng chuỗi dùng chung vượt quá %lld MiB",
                   (long long)(PD_XLSX_MAX_SST >> 20));
        return;
    }
    pd_buf_add(&c->b->sst, s, (size_t)len);
}

static int load_shared_strings(xlsx_book *b, pd_err *err)
{
    if (!b->sst_path[0])
        snprintf(b->sst_path, sizeof b->sst_path, "xl/sharedStrings.xml");
    sst_ctx c = {.b = b};
    if (!xlsx_parser_new(&c.x, sst_start, sst_end, sst_text))
        return pd_fail(err, PD_ELIMIT, "file", "Không đủ bộ nhớ để đọc tệp XLSX");
    int rc = xlsx_parse_part(b->zip, b->sst_path, &c.x, PD_XLSX_MAX_PART, err);
    XML_ParserFree(c.x.parser);
    return rc == PD_ENOTFOUND ? PD_OK : rc;
}

int xlsx_book_load(xlsx_book *b, pd_err *err)
{
    int rc = locate_parts(b, err);
    if (rc == PD_OK)
        rc = load_styles(b, err);
    if (rc == PD_OK)
        rc = load_shared_strings(b, err);
    return rc;
}

void xlsx_book_free(xlsx_book *b)
{
    if (b->zip)
        zip_discard(b->zip);
    b->zip = NULL;
    pd_buf_free(&b->sst);
    free(b->sst_off);
    free(b->xf_kind);
    b->sst_off = NULL;
    b->xf_kind = NULL;
}
