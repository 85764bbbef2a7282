/* Import of people from CSV/XLSX and export to XLSX/CSV. The import maps the header row (Vietnamese
 * or English names, matched folded), repairs what spreadsheets do to numbers (lost leading zeros),
 * validates every row with pd_person_normalize and the actor's scope, rejects duplicates inside the
 * file, groups rows sharing a "Mã hộ" into new households, and writes everything in one pass inside
 * one transaction: after the first bad row nothing more is written but every row is still checked,
 * and the transaction is committed only if no row was rejected. Reading and checking run on a second
 * thread (with its own read-only connection for unit look-ups) that hands valid rows in batches to
 * the writer on the calling thread (import_load.c). See docs/import-format.md. */
#include "people/transfer.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <xlsxwriter.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "base/validate.h"
#include "people/import_load.h"
#include "store/db.h"
#include "tabular/table.h"
#include "units/units.h"

/* ---- columns ---- */

enum field {
    F_NAME,
    F_BIRTH,
    F_SEX,
    F_IDTYPE,
    F_IDNUM,
    F_PHONE,
    F_NAT,
    F_UNIT,
    F_AREA,
    F_ADDR,
    F_HHKEY,
    F_REL,
    F_OCC,
    F_NOTE,
    F_COUNT,
    F_SKIP = -1,    /* a row-number column such as "STT" */
    F_UNNAMED = -2, /* no header: must stay empty */
};

static const char *const field_key[F_COUNT] = {
    "full_name", "birth_date", "sex",     "id_type",       "id_number", "phone",      "nationality",
    "unit_code", "area_code",  "address", "household_key", "relation",  "occupation", "note"};

/* The headers the export writes; the first name the import accepts for each field. */
static const char *const field_label[F_COUNT] = {
    "Họ và tên",     "Ngày sinh",          "Giới tính",   "Loại giấy tờ", "Số giấy tờ",
    "Số điện thoại", "Quốc tịch",          "Mã xã",       "Mã thôn",      "Địa chỉ",
    "Mã hộ",         "Quan hệ với chủ hộ", "Nghề nghiệp", "Ghi chú"};

typedef struct alias {
    const char *key; /* folded, letters and digits only */
    int field;
    const char *id_type; /* implied by an identity number column's name */
} alias;

static const alias aliases[] = {
    {"hovaten", F_NAME, NULL},
    {"hoten", F_NAME, NULL},
    {"hotendaydu", F_NAME, NULL},
    {"fullname", F_NAME, NULL},
    {"name", F_NAME, NULL},
    {"ngaysinh", F_BIRTH, NULL},
    {"namsinh", F_BIRTH, NULL},
    {"ngaythangnamsinh", F_BIRTH, NULL},
    {"birthdate", F_BIRTH, NULL},
    {"dateofbirth", F_BIRTH, NULL},
    {"dob", F_BIRTH, NULL},
    {"gioitinh", F_SEX, NULL},
    {"gioi", F_SEX, NULL},
    {"sex", F_SEX, NULL},
    {"gender", F_SEX, NULL},
    {"loaigiayto", F_IDTYPE, NULL},
    {"loaigiaytotuythan", F_IDTYPE, NULL},
    {"idtype", F_IDTYPE, NULL},
    {"sogiayto", F_IDNUM, NULL},
    {"sogiaytotuythan", F_IDNUM, NULL},
    {"idnumber", F_IDNUM, NULL},
    {"socccdcmnd", F_IDNUM, NULL},
    {"socmndcccd", F_IDNUM, NULL},
    {"cccdcmnd", F_IDNUM, NULL},
    {"cmndcccd", F_IDNUM, NULL},
    {"socccdcmndhochieu", F_IDNUM, NULL},
    {"socccd", F_IDNUM, "cccd"},
    {"cccd", F_IDNUM, "cccd"},
    {"socancuoccongdan", F_IDNUM, "cccd"},
    {"cancuoccongdan", F_IDNUM, "cccd"},
    {"socancuoc", F_IDNUM, "cccd"},
    {"socmnd", F_IDNUM, "cmnd"},
    {"cmnd", F_IDNUM, "cmnd"},
    {"sochungminhnhandan", F_IDNUM, "cmnd"},
    {"chungminhnhandan", F_IDNUM, "cmnd"},
    {"sohochieu", F_IDNUM, "passport"},
    {"hochieu", F_IDNUM, "passport"},
    {"passport", F_IDNUM, "passport"},
    {"passportnumber", F_IDNUM, "passport"},
    {"sodienthoai", F_PHONE, NULL},
    {"dienthoai", F_PHONE, NULL},
    {"sdt", F_PHONE, NULL},
    {"sodt", F_PHONE, NULL},
    {"didong", F_PHONE, NULL},
    {"phone", F_PHONE, NULL},
    {"phonenumber", F_PHONE, NULL},
    {"mobile", F_PHONE, NULL},
    {"quoctich", F_NAT, NULL},
    {"nationality", F_NAT, NULL},
    {"maxa", F_UNIT, NULL},
    {"maxaphuong", F_UNIT, NULL},
    {"maxaphuongthitran", F_UNIT, NULL},
    {"madonvi", F_UNIT, NULL},
    {"unitcode", F_UNIT, NULL},
    {"communecode", F_UNIT, NULL},
    {"mathon", F_AREA, NULL},
    {"mathonto", F_AREA, NULL},
    {"matodanpho", F_AREA, NULL},
    {"areacode", F_AREA, NULL},
    {"diachi", F_ADDR, NULL},
    {"address", F_ADDR, NULL},
    {"maho", F_HHKEY, NULL},
    {"mahogiadinh", F_HHKEY, NULL},
    {"householdkey", F_HHKEY, NULL},
    {"household", F_HHKEY, NULL},
    {"quanhevoichuho", F_REL, NULL},
    {"quanhe", F_REL, NULL},
    {"quanhechuho", F_REL, NULL},
    {"relation", F_REL, NULL},
    {"relationship", F_REL, NULL},
    {"nghenghiep", F_OCC, NULL},
    {"occupation", F_OCC, NULL},
    {"job", F_OCC, NULL},
    {"ghichu", F_NOTE, NULL},
    {"note", F_NOTE, NULL},
    {"notes", F_NOTE, NULL},
    {"stt", F_SKIP, NULL},
    {"sott", F_SKIP, NULL},
    {"tt", F_SKIP, NULL},
    {"no", F_SKIP, NULL},
};

const char *pd_import_field_label(const char *field)
{
    for (int f = 0; f < F_COUNT; f++)
        if (strcmp(field, field_key[f]) == 0)
            return field_label[f];
    return field;
}

/* "Số CCCD/CMND (*)" -> "socccdcmnd": hints in brackets and '*' dropped, folded, letters/digits. */
static void header_key(const char *cell, char *out, size_t cap)
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

static const alias *find_alias(const char *key)
{
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(aliases[i].key, key) == 0)
            return &aliases[i];
    return NULL;
}

typedef struct colmap {
    int ncols;
    int *field;       /* per column: enum field */
    int col[F_COUNT]; /* column of each field, -1 if absent */
    const char *id_hint;
} colmap;

/* ---- a small string map: key -> (line, aux), for duplicates and household keys ---- */

typedef struct smap_slot {
    uint32_t hash, off, line;
    int32_t aux;
} smap_slot;

typedef struct smap {
    smap_slot *slots;
    size_t cap, count;
    pd_buf keys; /* offset 0 is a dummy so that off == 0 marks a free slot */
} smap;

static uint32_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (uint32_t)(h ^ (h >> 32));
}

/* Zeroed slots; a large table is put on huge pages where the system offers them: its slots are hit
 * at random, and with 4 KiB pages nearly every look-up would also miss the TLB. */
static smap_slot *smap_alloc(size_t cap)
{
    size_t bytes = cap * sizeof(smap_slot);
#ifdef MADV_HUGEPAGE
    if (bytes >= ((size_t)4 << 20)) {
        void *p = NULL;
        if (posix_memalign(&p, (size_t)2 << 20, bytes) == 0) {
            madvise(p, bytes, MADV_HUGEPAGE);
            memset(p, 0, bytes);
            return p;
        }
    }
#endif
    return calloc(cap, sizeof(smap_slot));
}

static void smap_grow_to(smap *m, size_t cap)
{
    smap_slot *slots = smap_alloc(cap);
    if (!slots)
        abort(); /* out of memory, as pd_buf does */
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].off)
            continue;
        size_t j = m->slots[i].hash & (cap - 1);
        while (slots[j].off)
            j = (j + 1) & (cap - 1);
        slots[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

static void smap_grow(smap *m)
{
    smap_grow_to(m, m->cap ? m->cap * 2 : 1024);
}

/* Makes room for n keys at once: a large file's maps are not rehashed over and over (each rehash
 * moves every key to a random place in memory). */
static void smap_reserve(smap *m, size_t n)
{
    size_t cap = m->cap ? m->cap : 1024;
    while ((n + 1) * 10 >= cap * 7)
        cap *= 2;
    if (cap > m->cap)
        smap_grow_to(m, cap);
}

/* Returns the slot holding key; inserts it with (line, aux) first if absent (*added set). */
static smap_slot *smap_put(smap *m, const char *key, int64_t line, int32_t aux, bool *added)
{
    if ((m->count + 1) * 10 >= m->cap * 7)
        smap_grow(m);
    if (!m->keys.len)
        pd_buf_add(&m->keys, "", 1);
    uint32_t h = hash_str(key);
    size_t j = h & (m->cap - 1);
    for (; m->slots[j].off; j = (j + 1) & (m->cap - 1))
        if (m->slots[j].hash == h && strcmp(m->keys.data + m->slots[j].off, key) == 0) {
            *added = false;
            return &m->slots[j];
        }
    m->slots[j] =
        (smap_slot){h, (uint32_t)m->keys.len, (uint32_t)(line > UINT32_MAX ? 0 : line), aux};
    pd_buf_add(&m->keys, key, strlen(key) + 1);
    m->count++;
    *added = true;
    return &m->slots[j];
}

/* Starts loading key's slot into the cache: called early for a key that will be looked up once the
 * row is checked (with 1,000,000 keys the slots are far apart in memory). */
static void smap_prefetch(const smap *m, const char *key)
{
    if (m->cap && key[0])
        __builtin_prefetch(&m->slots[hash_str(key) & (m->cap - 1)]);
}

static void smap_free(smap *m)
{
    free(m->slots);
    pd_buf_free(&m->keys);
    memset(m, 0, sizeof *m);
}

/* ---- the import state ---- */

typedef struct household_entry {
    int64_t first_line, head_line;
    char unit[16];
    char key[64];
} household_entry;

typedef struct import_ctx {
    sqlite3 *db;  /* the writer's connection, in the import's transaction */
    sqlite3 *rdb; /* the parser's: db itself, or a read-only connection for the parsing thread */
    const pd_actor *actor;
    const pd_import_options *opt;
    pd_import_report *rep; /* rows_total, error_count, errors: written by the parser only */
    pd_table *table;
    colmap map;
    bool writing; /* no row rejected so far: keep handing rows to the writer */
    int64_t now;  /* created_at of every imported row */
    smap ids, phones, hh_keys;
    household_entry *hh;
    size_t nhh, hh_cap;
    int64_t last_report_rows;
    double last_report_frac;
    /* parser -> writer */
    bool pipelined;          /* parsing on a second thread, batches queued to the writer */
    pd_import_batch *batch;  /* being filled by the parser; NULL once the writer stopped */
    pd_import_writer *writer;
    int parse_rc, write_rc;
    pd_err parse_err, write_err;
} import_ctx;

static void row_error(import_ctx *c, int64_t line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void row_error(import_ctx *c, int64_t line, const char *field, const char *fmt, ...)
{
    pd_import_report *r = c->rep;
    r->error_count++;
    c->writing = false;
    if (r->errors_kept >= PD_IMPORT_MAX_REPORTED_ERRORS)
        return;
    pd_row_error *e = &r->errors[r->errors_kept++];
    e->line = line;
    pd_strlcpy(e->field, field, sizeof e->field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

/* ---- header ---- */

static int duplicate_column(const char *a, const char *b, pd_err *err)
{
    return pd_fail(err, PD_EINVAL, "header",
                   "Hai cột \"%s\" và \"%s\" cùng chỉ một thông tin; hãy giữ lại một cột", a, b);
}

/* Maps each header cell; collects the unknown ones into unknown. */
static int map_columns(colmap *m, char **cells, int n, pd_buf *unknown, pd_err *err)
{
    for (int i = 0; i < n; i++) {
        char key[128];
        header_key(cells[i], key, sizeof key);
        const alias *a = key[0] ? find_alias(key) : NULL;
        m->field[i] = !key[0] ? F_UNNAMED : a ? a->field : F_UNNAMED;
        if (key[0] && !a) {
            pd_buf_printf(unknown, "%s\"%.60s\"", unknown->len ? ", " : "", cells[i]);
            continue;
        }
        if (m->field[i] < 0)
            continue;
        if (m->col[m->field[i]] >= 0)
            return duplicate_column(cells[m->col[m->field[i]]], cells[i], err);
        m->col[m->field[i]] = i;
        if (a->field == F_IDNUM)
            m->id_hint = a->id_type;
    }
    return PD_OK;
}

static int read_header(import_ctx *c, pd_err *err)
{
    char **cells;
    int n;
    int64_t line;
    int rc = pd_table_next(c->table, &cells, &n, &line, err);
    if (rc < 0)
        return err ? err->code : PD_EINVAL;
    if (rc == 0)
        return pd_fail(err, PD_EINVAL, "file", "Tệp không có dữ liệu: không tìm thấy dòng tiêu đề");
    colmap *m = &c->map;
    m->ncols = n;
    m->field = calloc((size_t)n, sizeof *m->field);
    if (!m->field)
        return pd_fail(err, PD_ELIMIT, "file", "Không đủ bộ nhớ");
    for (int f = 0; f < F_COUNT; f++)
        m->col[f] = -1;
    pd_buf unknown;
    pd_buf_init(&unknown);
    rc = map_columns(m, cells, n, &unknown, err);
    if (rc == PD_OK && unknown.len)
        rc = pd_fail(
            err, PD_EINVAL, "header",
            "Dòng tiêu đề (dòng %lld) có cột không được hỗ trợ: %s. Tên cột được chấp nhận: "
            "Họ và tên, Ngày sinh, Giới tính, Loại giấy tờ, Số giấy tờ (hoặc Số CCCD, Số "
            "CMND, Số hộ chiếu), Số điện thoại, Quốc tịch, Mã xã, Mã thôn, Địa chỉ, Mã hộ, "
            "Quan hệ với chủ hộ, Nghề nghiệp, Ghi chú",
            (long long)line, unknown.data);
    pd_buf_free(&unknown);
    if (rc == PD_OK && m->col[F_NAME] < 0)
        rc = pd_fail(err, PD_EINVAL, "header", "Thiếu cột \"Họ và tên\" ở dòng tiêu đề (dòng %lld)",
                     (long long)line);
    bool default_unit = c->opt && c->opt->default_unit && c->opt->default_unit[0];
    if (rc == PD_OK && m->col[F_UNIT] < 0 && !default_unit)
        rc = pd_fail(err, PD_EINVAL, "header",
                     "Thiếu cột \"Mã xã\" (mã xã, phường, thị trấn); hãy thêm cột này hoặc chọn "
                     "đơn vị cho cả tệp");
    return rc;
}

/* ---- cell values ---- */

static const char *cell_at(const colmap *m, char **cells, int n, int field)
{
    int col = m->col[field];
    return col >= 0 && col < n ? cells[col] : "";
}

/* Copies a cell without surrounding blanks (and without the apostrophe the CSV export puts before
 * text starting with = + - @). Reports the field when it does not fit. */
static void put_field(import_ctx *c, int64_t line, int field, const char *v, char *dst, size_t cap)
{
    while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
        v++;
    if (v[0] == '\'' && v[1] && strchr("=+-@", v[1]))
        v++;
    size_t n = strlen(v);
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' || v[n - 1] == '\n'))
        n--;
    if (n >= cap) {
        row_error(c, line, field_key[field], "%s quá dài", field_label[field]);
        n = 0;
    }
    memcpy(dst, v, n);
    dst[n] = '\0';
}

/* Drops the separators people type in numbers ("0912 345.678", "001-085-012345"). */
static void strip_separators(char *s, const char *seps)
{
    bool drop[256] = {false};
    for (const char *c = seps; *c; c++)
        drop[(unsigned char)*c] = true;
    char *w = s;
    for (const char *r = s; *r; r++)
        if (!drop[(unsigned char)*r])
            *w++ = *r;
    *w = '\0';
}

static void left_pad(char *s, size_t cap, size_t width)
{
    size_t n = strlen(s);
    if (n >= width || width >= cap)
        return;
    memmove(s + (width - n), s, n + 1);
    memset(s, '0', width - n);
}

/* A number a spreadsheet stored as a number: all digits, no leading zero left. */
static bool lost_zeros(const char *s)
{
    return s[0] >= '1' && s[0] <= '9' && pd_all_digits(s);
}

static bool folded_is(const char *v, const char *const *names)
{
    char f[64];
    pd_fold(v, f, sizeof f);
    for (; *names; names++)
        if (strcmp(f, *names) == 0)
            return true;
    return false;
}

static void parse_sex(import_ctx *c, int64_t line, const char *v, pd_person *p)
{
    static const char *const male[] = {"nam", "m", "male", "trai", NULL};
    static const char *const female[] = {"nu", "f", "female", "gai", NULL};
    if (!v[0])
        return;
    if (strcmp(v, "Nam") == 0 || strcmp(v, "M") == 0 || folded_is(v, male))
        pd_strlcpy(p->sex, "M", sizeof p->sex);
    else if (strcmp(v, "Nữ") == 0 || strcmp(v, "F") == 0 || folded_is(v, female))
        pd_strlcpy(p->sex, "F", sizeof p->sex);
    else
        row_error(c, line, "sex", "Giới tính \"%.40s\" không hợp lệ: ghi Nam hoặc Nữ", v);
}

static void parse_id_type(import_ctx *c, int64_t line, const char *v, pd_person *p)
{
    static const char *const cccd[] = {"cccd", "can cuoc cong dan", "can cuoc", "the can cuoc",
                                       NULL};
    static const char *const cmnd[] = {"cmnd", "chung minh nhan dan", "cmtnd", NULL};
    static const char *const passport[] = {"ho chieu", "passport", "hc", NULL};
    const char *type = NULL;
    if (!v[0])
        return;
    if (strcmp(v, "CCCD") == 0 || folded_is(v, cccd))
        type = "cccd";
    else if (strcmp(v, "CMND") == 0 || folded_is(v, cmnd))
        type = "cmnd";
    else if (folded_is(v, passport))
        type = "passport";
    else
        row_error(c, line, "id_type",
                  "Loại giấy tờ \"%.40s\" không hợp lệ: ghi CCCD, CMND hoặc Hộ chiếu", v);
    if (type)
        pd_strlcpy(p->id_type, type, sizeof p->id_type);
}

/* Country names officials write instead of the two-letter code. */
static void parse_nationality(const char *v, pd_person *p)
{
    static const struct {
        const char *name, *code;
    } names[] = {
        {"viet nam", "VN"},    {"vietnam", "VN"},    {"lao", "LA"},       {"campuchia", "KH"},
        {"cambodia", "KH"},    {"trung quoc", "CN"}, {"china", "CN"},     {"han quoc", "KR"},
        {"korea", "KR"},       {"nhat ban", "JP"},   {"japan", "JP"},     {"hoa ky", "US"},
        {"my", "US"},          {"thai lan", "TH"},   {"thailand", "TH"},  {"dai loan", "TW"},
        {"taiwan", "TW"},      {"phap", "FR"},       {"anh", "GB"},       {"duc", "DE"},
        {"nga", "RU"},         {"uc", "AU"},         {"singapore", "SG"}, {"malaysia", "MY"},
        {"philippines", "PH"}, {"indonesia", "ID"},  {"an do", "IN"}};
    if (!v[0] || strlen(v) == 2) {
        pd_strlcpy(p->nationality, v, sizeof p->nationality);
        return;
    }
    char f[64];
    pd_fold(v, f, sizeof f);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(f, names[i].name) == 0) {
            pd_strlcpy(p->nationality, names[i].code, sizeof p->nationality);
            return;
        }
    pd_strlcpy(p->nationality, "?", sizeof p->nationality); /* normalize names the problem */
}

/* Spreadsheet artefacts: numbers that lost their leading zeros. */
static void repair_numbers(pd_person *p)
{
    size_t n = strlen(p->phone);
    if (lost_zeros(p->phone) &&
        ((n == 9 && strchr("35789", p->phone[0])) || (n == 10 && p->phone[0] == '2')))
        left_pad(p->phone, sizeof p->phone, n + 1);
    n = strlen(p->id_number);
    bool cccd = strcmp(p->id_type, "cccd") == 0, unknown = !p->id_type[0];
    if (lost_zeros(p->id_number) && (n == 10 || n == 11) && (cccd || unknown)) {
        left_pad(p->id_number, sizeof p->id_number, 12);
        if (unknown)
            pd_strlcpy(p->id_type, "cccd", sizeof p->id_type);
    }
    if (lost_zeros(p->id_number) && n == 8 && strcmp(p->id_type, "cmnd") == 0)
        left_pad(p->id_number, sizeof p->id_number, 9);
    if (lost_zeros(p->unit_code) && strlen(p->unit_code) < 5)
        left_pad(p->unit_code, sizeof p->unit_code, 5);
}

/* Cells under columns without a header must be empty (their data would be lost). */
static void check_unnamed(import_ctx *c, char **cells, int n, int64_t line)
{
    for (int i = 0; i < n; i++) {
        bool unnamed = i >= c->map.ncols || c->map.field[i] == F_UNNAMED;
        const char *v = cells[i];
        while (*v == ' ' || *v == '\t')
            v++;
        if (unnamed && *v) {
            row_error(c, line, "",
                      "Ô ở cột thứ %d có dữ liệu (\"%.40s\") nhưng cột không có tiêu đề", i + 1,
                      cells[i]);
            return;
        }
    }
}

static void fill_person(import_ctx *c, char **cells, int n, int64_t line, pd_person *p,
                        char *hh_key, size_t key_cap)
{
    const colmap *m = &c->map;
#define COLV(f) cell_at(m, cells, n, f)
    put_field(c, line, F_NAME, COLV(F_NAME), p->full_name, sizeof p->full_name);
    put_field(c, line, F_BIRTH, COLV(F_BIRTH), p->birth_date, sizeof p->birth_date);
    char tmp[64];
    put_field(c, line, F_SEX, COLV(F_SEX), tmp, sizeof tmp);
    parse_sex(c, line, tmp, p);
    put_field(c, line, F_IDTYPE, COLV(F_IDTYPE), tmp, sizeof tmp);
    parse_id_type(c, line, tmp, p);
    char num[64];
    put_field(c, line, F_IDNUM, COLV(F_IDNUM), num, sizeof num);
    strip_separators(num, " .-");
    put_field(c, line, F_IDNUM, num, p->id_number, sizeof p->id_number);
    if (!p->id_type[0] && p->id_number[0] && m->id_hint) /* the column is "Số CCCD", ... */
        pd_strlcpy(p->id_type, m->id_hint, sizeof p->id_type);
    put_field(c, line, F_PHONE, COLV(F_PHONE), num, sizeof num);
    strip_separators(num, " .-()");
    put_field(c, line, F_PHONE, num, p->phone, sizeof p->phone);
    put_field(c, line, F_NAT, COLV(F_NAT), tmp, sizeof tmp);
    parse_nationality(tmp, p);
    put_field(c, line, F_UNIT, COLV(F_UNIT), p->unit_code, sizeof p->unit_code);
    if (!p->unit_code[0] && c->opt && c->opt->default_unit)
        pd_strlcpy(p->unit_code, c->opt->default_unit, sizeof p->unit_code);
    put_field(c, line, F_AREA, COLV(F_AREA), p->area_code, sizeof p->area_code);
    put_field(c, line, F_ADDR, COLV(F_ADDR), p->address, sizeof p->address);
    put_field(c, line, F_HHKEY, COLV(F_HHKEY), hh_key, key_cap);
    put_field(c, line, F_REL, COLV(F_REL), p->relation, sizeof p->relation);
    put_field(c, line, F_OCC, COLV(F_OCC), p->occupation, sizeof p->occupation);
    put_field(c, line, F_NOTE, COLV(F_NOTE), p->note, sizeof p->note);
#undef COLV
    repair_numbers(p);
}

/* ---- row checks ---- */

static void check_scope(import_ctx *c, const pd_person *p, int64_t line)
{
    if (!p->province_code[0] ||
        pd_scope_covers(c->actor, p->province_code, p->district_code, p->unit_code))
        return;
    pd_unit u;
    pd_err e;
    if (pd_unit_get(c->rdb, p->unit_code, &u, &e) == PD_OK)
        row_error(c, line, "unit_code", "Đơn vị %s (%s) nằm ngoài phạm vi quản lý của tài khoản",
                  u.name, p->unit_code);
    else
        row_error(c, line, "unit_code", "Đơn vị %s nằm ngoài phạm vi quản lý của tài khoản",
                  p->unit_code);
}

static bool has_error(const pd_field_errors *fe, const char *field)
{
    for (int i = 0; i < fe->count; i++)
        if (strcmp(fe->items[i].field, field) == 0)
            return true;
    return false;
}

/* The same id number twice in the file, or the same phone in two households (family members often
 * share a phone, so rows of one household may). Only values valid themselves are compared. */
static void check_duplicates(import_ctx *c, const pd_person *p, const pd_field_errors *fe,
                             int64_t line, int hh)
{
    bool added;
    if (p->id_number[0] && !has_error(fe, "id_number") && !has_error(fe, "id_type")) {
        smap_slot *s = smap_put(&c->ids, p->id_number, line, hh, &added);
        if (!added)
            row_error(c, line, "id_number", "Số giấy tờ %s trùng với dòng %u của tệp", p->id_number,
                      s->line);
    }
    if (p->phone[0] && !has_error(fe, "phone")) {
        smap_slot *s = smap_put(&c->phones, p->phone, line, hh, &added);
        if (!added && (hh < 0 || s->aux != hh))
            row_error(c, line, "phone",
                      "Số điện thoại %s trùng với dòng %u của tệp (chỉ người cùng hộ mới được "
                      "dùng chung số điện thoại)",
                      p->phone, s->line);
    }
}

static bool is_head(const char *relation)
{
    static const char *const head[] = {"chu ho", "head", "head of household", NULL};
    if (strcmp(relation, "Chủ hộ") == 0)
        return true;
    /* Fold only what may be a variant ("CHỦ HỘ", "chu ho", "Head"): "Ch..." or "He...". */
    char a = (char)(relation[0] | 0x20), b = relation[0] ? (char)(relation[1] | 0x20) : 0;
    return ((a == 'c' && b == 'h') || (a == 'h' && b == 'e')) && folded_is(relation, head);
}

/* Finds or opens the household of a "Mã hộ" key. Returns its index, -1 without a key; *first is set
 * when this row opened it. */
static int household_of(import_ctx *c, const char *key, const pd_person *p, int64_t line,
                        bool *first)
{
    *first = false;
    if (!key[0])
        return -1;
    bool added;
    smap_slot *s = smap_put(&c->hh_keys, key, line, (int32_t)c->nhh, &added);
    if (added) {
        if (c->nhh == c->hh_cap) {
            c->hh_cap = c->hh_cap ? c->hh_cap * 2 : 256;
            c->hh = realloc(c->hh, c->hh_cap * sizeof *c->hh);
            if (!c->hh)
                abort(); /* out of memory */
        }
        household_entry *h = &c->hh[c->nhh++];
        memset(h, 0, sizeof *h);
        h->first_line = line;
        pd_strlcpy(h->unit, p->unit_code, sizeof h->unit);
        pd_strlcpy(h->key, key, sizeof h->key);
    }
    *first = added;
    household_entry *h = &c->hh[s->aux];
    if (!added && strcmp(h->unit, p->unit_code) != 0)
        row_error(c, line, "household_key",
                  "Mã hộ %s đã dùng cho đơn vị %s ở dòng %lld; người cùng hộ phải cùng xã, phường",
                  key, h->unit, (long long)h->first_line);
    if (is_head(p->relation)) {
        if (h->head_line)
            row_error(c, line, "relation", "Hộ %s đã có chủ hộ ở dòng %lld", key,
                      (long long)h->head_line);
        else
            h->head_line = line;
    }
    return s->aux;
}

/* ---- handing rows to the writer ---- */

/* Passes the filled batch on. false when the writer has failed (its error stands). */
static bool hand_over(import_ctx *c)
{
    if (c->batch->n == 0)
        return true;
    if (c->pipelined) {
        pd_import_writer_give(c->writer, c->batch);
        c->batch = pd_import_writer_take(c->writer);
        return c->batch != NULL;
    }
    c->write_rc = pd_import_writer_rows(c->writer, c->batch, &c->write_err);
    c->batch->n = 0;
    return c->write_rc == PD_OK;
}

/* Checks one row; a row that passes goes into the batch while no row was rejected. Returns false
 * when the writer failed and reading should stop. */
static bool process_row(import_ctx *c, char **cells, int n, int64_t line)
{
    if (!c->batch)
        return false;
    pd_import_row *r = &c->batch->rows[c->batch->n];
    pd_person *p = &r->p;
    memset(p, 0, sizeof *p);
    int64_t before = c->rep->error_count;
    char key[64];
    check_unnamed(c, cells, n, line);
    fill_person(c, cells, n, line, p, key, sizeof key);
    smap_prefetch(&c->ids, p->id_number); /* normalising barely changes them */
    smap_prefetch(&c->phones, p->phone);
    pd_field_errors fe;
    fe.count = 0;
    if (pd_person_normalize(c->rdb, p, &fe) != PD_OK)
        for (int i = 0; i < fe.count; i++)
            row_error(c, line, fe.items[i].field, "%s", fe.items[i].message);
    check_scope(c, p, line);
    bool first;
    int hh = household_of(c, key, p, line, &first);
    check_duplicates(c, p, &fe, line, hh);
    if (c->rep->error_count != before || !c->writing)
        return true;
    p->created_at = c->now;
    pd_fold(p->full_name, r->folded, sizeof r->folded);
    r->line = line;
    r->hh = hh;
    r->hh_first = first;
    r->hh_head = hh >= 0 && c->hh[hh].head_line == line;
    return ++c->batch->n < PD_IMPORT_BATCH_ROWS || hand_over(c);
}

/* ---- the pass over the file ---- */

static int report_progress(import_ctx *c, const char *phase, bool force)
{
    if (!c->opt || !c->opt->progress)
        return 0;
    int64_t done = c->rep->rows_total;
    double frac = pd_table_progress(c->table);
    if (!force && done - c->last_report_rows < 10000 && frac - c->last_report_frac < 0.01)
        return 0;
    c->last_report_rows = done;
    c->last_report_frac = frac;
    int64_t total = force || frac <= 0 ? done : (int64_t)((double)done / frac);
    return c->opt->progress(phase, done, total < done ? done : total, c->opt->progress_ctx);
}

/* A file-level refusal: appended to the report too when rows were already rejected. */
static int refuse_file(import_ctx *c, pd_err *err)
{
    if (c->rep->error_count > 0 && err) {
        int64_t line = strncmp(err->field, "line ", 5) == 0 ? atoll(err->field + 5) : 0;
        row_error(c, line, "file", "%s", err->message);
    }
    return err && err->code ? err->code : PD_EINVAL;
}

static int read_rows(import_ctx *c, pd_err *err)
{
    char **cells;
    int n;
    int64_t line;
    for (;;) {
        int r = pd_table_next(c->table, &cells, &n, &line, err);
        if (r < 0)
            return refuse_file(c, err);
        if (r == 0)
            return PD_OK;
        c->rep->rows_total++;
        if (!process_row(c, cells, n, line))
            return PD_OK; /* the writer failed: its error is the import's */
        if ((c->rep->rows_total & 255) == 0 && report_progress(c, "validate", false) != 0)
            return pd_fail(err, PD_ELIMIT, "cancelled",
                           "Đã hủy việc nhập dữ liệu; không có dòng nào được ghi");
    }
}

/* The parser's whole job: every row read and checked, the valid ones handed to the writer. */
static void parse_all(import_ctx *c)
{
    c->parse_rc = read_rows(c, &c->parse_err);
    bool rest = c->parse_rc == PD_OK && c->rep->error_count == 0 && c->batch;
    if (!c->pipelined) {
        if (rest)
            hand_over(c);
        return;
    }
    pd_import_batch *b = c->batch;
    c->batch = NULL;
    if (rest && b->n > 0) {
        pd_import_writer_give(c->writer, b);
        b = NULL;
    }
    pd_import_writer_end(c->writer, b);
}

static void *parse_thread(void *arg)
{
    parse_all(arg);
    return NULL;
}

/* A read-only connection to the same database for the parsing thread's unit look-ups; NULL when
 * the database has no file (":memory:") or cannot be opened again. */
static sqlite3 *open_reader(sqlite3 *db)
{
    const char *path = sqlite3_db_filename(db, "main");
    if (!path || !path[0])
        return NULL;
    sqlite3 *r = NULL;
    if (sqlite3_open_v2(path, &r, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        sqlite3_close(r);
        return NULL;
    }
    sqlite3_busy_timeout(r, 10000);
    return r;
}

/* Reads, checks and writes every row: pipelined, a second thread reads and checks while this one
 * writes; otherwise all on this thread. */
static void load_rows(import_ctx *c, sqlite3 *reader)
{
    pthread_t thread;
    if (c->pipelined) {
        c->rdb = reader;
        c->batch = pd_import_writer_take(c->writer);
        if (pthread_create(&thread, NULL, parse_thread, c) == 0) {
            c->write_rc = pd_import_writer_run(c->writer, &c->write_err);
            pthread_join(thread, NULL);
            return;
        }
        c->write_rc = pd_fail(&c->write_err, PD_ELIMIT, "", "Không tạo được luồng đọc tệp");
        pd_import_writer_end(c->writer, c->batch);
        c->batch = NULL;
        return;
    }
    c->rdb = c->db;
    c->batch = malloc(sizeof *c->batch);
    if (!c->batch) {
        c->write_rc = pd_fail(&c->write_err, PD_ELIMIT, "", "Không đủ bộ nhớ");
        return;
    }
    c->batch->n = 0;
    parse_all(c);
    free(c->batch);
    c->batch = NULL;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* After the pass: refuse, or build the indexes and write the audit entry (COMMIT follows). */
static int finish_import(import_ctx *c, const char *path, pd_err *err)
{
    pd_import_report *r = c->rep;
    if (r->rows_total == 0)
        return pd_fail(err, PD_EINVAL, "file",
                       "Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào");
    if (r->error_count > 0)
        return pd_fail(err, PD_EINVAL, r->errors[0].field,
                       "Tệp có %lld lỗi trong %lld dòng; không nhập dòng nào",
                       (long long)r->error_count, (long long)r->rows_total);
    if (report_progress(c, "write", true) != 0)
        return pd_fail(err, PD_ELIMIT, "cancelled",
                       "Đã hủy việc nhập dữ liệu; không có dòng nào được ghi");
    int rc = pd_import_writer_finish(c->writer, err);
    if (rc != PD_OK)
        return rc;
    char detail[512];
    const char *name = c->opt && c->opt->file_name ? c->opt->file_name : base_name(path);
    snprintf(detail, sizeof detail, "Nhập %lld người, %lld hộ từ tệp %.200s (%s, %s)",
             (long long)pd_import_writer_people(c->writer),
             (long long)pd_import_writer_households(c->writer), name, r->format, r->encoding);
    const char *unit =
        c->opt && c->opt->default_unit && c->opt->default_unit[0] ? c->opt->default_unit : NULL;
    return pd_audit_write(c->db, c->actor, "import", "person", 0, unit, detail, err);
}

static int run_import(import_ctx *c, const char *path, int64_t size, pd_err *err)
{
    bool single = c->opt && c->opt->single_thread;
    sqlite3 *reader = single ? NULL : open_reader(c->db);
    c->pipelined = reader != NULL;
    int rc = pd_import_writer_open(c->db, size, c->pipelined, &c->writer, err);
    if (rc != PD_OK) {
        sqlite3_close(reader);
        return rc;
    }
    c->now = pd_now();
    load_rows(c, reader);
    sqlite3_close(reader);
    c->rdb = c->db;
    if (c->parse_rc != PD_OK) {
        rc = c->parse_rc;
        if (err)
            *err = c->parse_err;
    } else if (c->write_rc != PD_OK) {
        rc = c->write_rc;
        if (err)
            *err = c->write_err;
    } else {
        rc = finish_import(c, path, err);
    }
    int64_t people = pd_import_writer_people(c->writer);
    int64_t households = pd_import_writer_households(c->writer);
    int crc = pd_import_writer_close(c->writer, rc == PD_OK, err);
    c->writer = NULL;
    if (rc == PD_OK)
        rc = crc;
    if (rc != PD_OK)
        return rc;
    c->rep->rows_imported = people;
    c->rep->households_imported = households;
    return PD_OK;
}

static int64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

int pd_people_import(sqlite3 *db, const pd_actor *actor, const char *path,
                     const pd_import_options *opt, pd_import_report *report, pd_err *err)
{
    memset(report, 0, sizeof *report);
    pd_err_clear(err);
    if (!pd_actor_can(actor, PD_PERM_PEOPLE_IMPORT))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được nhập dữ liệu dân cư");
    import_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return pd_fail(err, PD_ELIMIT, "", "Không đủ bộ nhớ");
    c->db = c->rdb = db;
    c->actor = actor;
    c->opt = opt;
    c->rep = report;
    c->writing = true;
    int rc = pd_table_open(path, opt ? opt->format : NULL, &c->table, err);
    if (rc == PD_OK) {
        pd_strlcpy(report->format, pd_table_format(c->table), sizeof report->format);
        pd_strlcpy(report->encoding, pd_table_encoding(c->table), sizeof report->encoding);
        rc = read_header(c, err);
        int64_t size = file_size(path);
        if (rc == PD_OK) {
            /* Rows of a registry's CSV take about 100 bytes or more. */
            size_t rows = (size_t)(size / 100 < 16000000 ? size / 100 : 16000000);
            if (c->map.col[F_IDNUM] >= 0)
                smap_reserve(&c->ids, rows);
            if (c->map.col[F_PHONE] >= 0)
                smap_reserve(&c->phones, rows);
            rc = run_import(c, path, size, err);
        }
        pd_table_close(c->table);
    }
    free(c->map.field);
    free(c->hh);
    smap_free(&c->ids);
    smap_free(&c->phones);
    smap_free(&c->hh_keys);
    free(c);
    return rc;
}

/* ---- export ---- */

#define XLSX_MAX_ROWS 1048576

typedef struct export_sink {
    /* CSV */
    FILE *csv;
    /* XLSX */
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold, *text, *date;
    uint32_t row;
    int64_t rows, last_id;
    int failed; /* PD_E* */
    pd_err *err;
} export_sink;

/* The texts of a person's row, in field order. */
static void person_cells(const pd_person *p, char hh[24], const char *cells[F_COUNT])
{
    if (p->household_id)
        snprintf(hh, 24, "%lld", (long long)p->household_id);
    else
        hh[0] = '\0';
    const char *sex = p->sex[0] == 'M' ? "Nam" : p->sex[0] == 'F' ? "Nữ" : "";
    const char *type = strcmp(p->id_type, "cccd") == 0       ? "CCCD"
                       : strcmp(p->id_type, "cmnd") == 0     ? "CMND"
                       : strcmp(p->id_type, "passport") == 0 ? "Hộ chiếu"
                                                             : "";
    const char *v[F_COUNT] = {
        p->full_name, p->birth_date, sex,        type, p->id_number, p->phone,      p->nationality,
        p->unit_code, p->area_code,  p->address, hh,   p->relation,  p->occupation, p->note};
    memcpy(cells, v, sizeof v);
}

static void csv_cell(FILE *f, const char *s)
{
    bool formula = s[0] && strchr("=+-@", s[0]); /* would run as a formula when opened in Excel */
    if (!formula && !strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    if (formula)
        fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void csv_row(FILE *f, const char *const cells[F_COUNT])
{
    for (int i = 0; i < F_COUNT; i++) {
        if (i)
            fputc(',', f);
        csv_cell(f, cells[i]);
    }
    fputs("\r\n", f);
}

/* Columns holding codes and numbers that must stay text (leading zeros). */
static bool text_column(int f)
{
    return f == F_IDNUM || f == F_PHONE || f == F_UNIT || f == F_AREA || f == F_HHKEY;
}

static int xlsx_begin(export_sink *s, const char *path)
{
    static const double widths[F_COUNT] = {28, 12, 9, 12, 16, 14, 9, 9, 14, 40, 10, 18, 20, 30};
    lxw_workbook_options o = {.constant_memory = LXW_TRUE, .use_zip64 = LXW_TRUE};
    s->wb = workbook_new_opt(path, &o);
    if (!s->wb)
        return pd_fail(s->err, PD_EIO, "file", "Không tạo được tệp %s", path);
    s->ws = workbook_add_worksheet(s->wb, "Danh sách dân cư");
    s->bold = workbook_add_format(s->wb);
    format_set_bold(s->bold);
    s->text = workbook_add_format(s->wb);
    format_set_num_format(s->text, "@");
    s->date = workbook_add_format(s->wb);
    format_set_num_format(s->date, "dd/mm/yyyy");
    for (int f = 0; f < F_COUNT; f++)
        worksheet_set_column(s->ws, (lxw_col_t)f, (lxw_col_t)f, widths[f],
                             text_column(f) ? s->text : NULL);
    worksheet_freeze_panes(s->ws, 1, 0);
    for (int f = 0; f < F_COUNT; f++)
        worksheet_write_string(s->ws, 0, (lxw_col_t)f, field_label[f], s->bold);
    s->row = 1;
    return PD_OK;
}

static void xlsx_cell(export_sink *s, int f, const char *v)
{
    if (!v[0])
        return;
    int y, m, d;
    if (f == F_BIRTH && strlen(v) == 10 && sscanf(v, "%4d-%2d-%2d", &y, &m, &d) == 3) {
        lxw_datetime dt = {y, m, d, 0, 0, 0};
        worksheet_write_datetime(s->ws, s->row, (lxw_col_t)f, &dt, s->date);
        return;
    }
    worksheet_write_string(s->ws, s->row, (lxw_col_t)f, v, text_column(f) ? s->text : NULL);
}

static int export_person(const pd_person *p, void *ctx)
{
    export_sink *s = ctx;
    char hh[24];
    const char *cells[F_COUNT];
    person_cells(p, hh, cells);
    if (s->csv) {
        csv_row(s->csv, cells);
    } else {
        if (s->row >= XLSX_MAX_ROWS) {
            s->failed = pd_fail(s->err, PD_ELIMIT, "format",
                                "Quá nhiều người cho một tệp XLSX (tối đa %d dòng); hãy xuất CSV "
                                "hoặc lọc theo đơn vị",
                                XLSX_MAX_ROWS - 1);
            return 1;
        }
        for (int f = 0; f < F_COUNT; f++)
            xlsx_cell(s, f, cells[f]);
        s->row++;
    }
    s->rows++;
    s->last_id = p->id;
    return 0;
}

static int sink_open(export_sink *s, const char *path, bool csv)
{
    if (!csv)
        return xlsx_begin(s, path);
    s->csv = fopen(path, "wb");
    if (!s->csv)
        return pd_fail(s->err, PD_EIO, "file", "Không tạo được tệp %s", path);
    setvbuf(s->csv, NULL, _IOFBF, 1 << 20);
    fputs("\xEF\xBB\xBF", s->csv); /* BOM: Excel then reads the file as UTF-8 */
    csv_row(s->csv, field_label);
    return PD_OK;
}

static int sink_close(export_sink *s, int rc, const char *path)
{
    if (s->csv) {
        if (fclose(s->csv) != 0 && rc == PD_OK)
            rc = pd_fail(s->err, PD_EIO, "file", "Không ghi được tệp %s", path);
    } else if (s->wb) {
        if (rc == PD_OK && s->row > 1)
            worksheet_autofilter(s->ws, 0, 0, s->row - 1, F_COUNT - 1);
        lxw_error e = workbook_close(s->wb);
        if (e != LXW_NO_ERROR && rc == PD_OK)
            rc = pd_fail(s->err, PD_EIO, "file", "Không ghi được tệp %s (%s)", path,
                         lxw_strerror(e));
    }
    if (rc != PD_OK)
        remove(path);
    return rc;
}

static int export_pages(sqlite3 *db, const pd_actor *actor, const pd_people_query *q,
                        export_sink *s, pd_err *err)
{
    pd_people_query page = *q;
    page.after_id = 0;
    page.limit = 500;
    page.household_id = q->household_id;
    bool more = true;
    while (more && !s->failed) {
        int rc = pd_people_list(db, actor, &page, export_person, s, &more, err);
        if (rc != PD_OK)
            return rc;
        page.after_id = s->last_id;
    }
    return s->failed;
}

int pd_people_export(sqlite3 *db, const pd_actor *actor, const pd_people_query *q, const char *path,
                     const char *format, int64_t *rows_out, pd_err *err)
{
    if (rows_out)
        *rows_out = 0;
    if (!pd_actor_can(actor, PD_PERM_PEOPLE_EXPORT))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xuất dữ liệu dân cư");
    const char *fmt = format && *format ? format : "xlsx";
    if (strcmp(fmt, "xlsx") != 0 && strcmp(fmt, "csv") != 0)
        return pd_fail(err, PD_EINVAL, "format", "Định dạng xuất phải là xlsx hoặc csv");
    export_sink s;
    memset(&s, 0, sizeof s);
    s.err = err;
    int rc = sink_open(&s, path, strcmp(fmt, "csv") == 0);
    if (rc == PD_OK)
        rc = export_pages(db, actor, q, &s, err);
    rc = sink_close(&s, rc, path);
    if (rc != PD_OK)
        return rc;
    char detail[512];
    snprintf(detail, sizeof detail, "Xuất %lld người ra %s%s%.120s", (long long)s.rows, fmt,
             q->q[0] ? ", tìm: " : "", q->q);
    rc = pd_audit_write(db, actor, "export", "person", 0, q->unit_code[0] ? q->unit_code : NULL,
                        detail, err);
    if (rc == PD_OK && rows_out)
        *rows_out = s.rows;
    return rc;
}
