/* Ingest of health declarations: the columns, a row turned into a pd_declaration_in (identity and
 * residence for a full declaration; for a daily one, the registry person named by id number or
 * phone), validated by the declarations module (declare/declare.h) and recorded with
 * pd_declaration_record inside the ingest's transaction, which also skips an external id already
 * stored and raises the alerts the rules call for. Rows are handled one by one on this thread. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "declare/declare.h"
#include "ingest/internal.h"
#include "store/db.h"

enum {
    D_EXT,
    D_AT,
    D_KIND,
    D_NAME,
    D_BIRTH,
    D_SEX,
    D_IDNUM,
    D_PHONE,
    D_NAT,
    D_UNIT,
    D_AREA,
    D_ADDR,
    D_TRAVEL,
    D_PLACES,
    D_SYM,
    D_EXP,
    D_DOSES,
    D_NOTE,
    D_COUNT
};

static const char *const names[D_COUNT] = {
    "external_id", "declared_at", "kind",        "full_name", "birth_date",    "sex",
    "id_number",   "phone",       "nationality", "unit_code", "area_code",     "address",
    "travel",      "places",      "symptoms",    "exposures", "vaccine_doses", "note"};

static const ingest_alias aliases[] = {
    {"externalid", D_EXT},   {"mangoai", D_EXT},       {"makhaibao", D_EXT},
    {"id", D_EXT},           {"uuid", D_EXT},          {"declaredat", D_AT},
    {"thoigiankhai", D_AT},  {"thoidiemkhai", D_AT},   {"ngaykhai", D_AT},
    {"thoigian", D_AT},      {"kind", D_KIND},         {"loai", D_KIND},
    {"loaikhaibao", D_KIND}, {"fullname", D_NAME},     {"hovaten", D_NAME},
    {"hoten", D_NAME},       {"name", D_NAME},         {"birthdate", D_BIRTH},
    {"ngaysinh", D_BIRTH},   {"namsinh", D_BIRTH},     {"dob", D_BIRTH},
    {"sex", D_SEX},          {"gioitinh", D_SEX},      {"gender", D_SEX},
    {"idnumber", D_IDNUM},   {"sogiayto", D_IDNUM},    {"cccd", D_IDNUM},
    {"socccd", D_IDNUM},     {"cmnd", D_IDNUM},        {"cccdcmnd", D_IDNUM},
    {"socccdcmnd", D_IDNUM}, {"hochieu", D_IDNUM},     {"passport", D_IDNUM},
    {"phone", D_PHONE},      {"sodienthoai", D_PHONE}, {"sdt", D_PHONE},
    {"dienthoai", D_PHONE},  {"nationality", D_NAT},   {"quoctich", D_NAT},
    {"unitcode", D_UNIT},    {"maxa", D_UNIT},         {"communecode", D_UNIT},
    {"areacode", D_AREA},    {"mathon", D_AREA},       {"address", D_ADDR},
    {"diachi", D_ADDR},      {"travel", D_TRAVEL},     {"phuongtien", D_TRAVEL},
    {"places", D_PLACES},    {"noidaden", D_PLACES},   {"cacnoidaden", D_PLACES},
    {"symptoms", D_SYM},     {"trieuchung", D_SYM},    {"exposures", D_EXP},
    {"tiepxuc", D_EXP},      {"yeutodichte", D_EXP},   {"vaccinedoses", D_DOSES},
    {"somuitiem", D_DOSES},  {"muitiem", D_DOSES},     {"note", D_NOTE},
    {"ghichu", D_NOTE},
};

const ingest_fields ingest_declaration_fields = {D_COUNT, names, aliases,
                                                 (int)(sizeof aliases / sizeof aliases[0]),
                                                 (1u << D_EXT) | (1u << D_AT)};

#define EARLIEST 1577811600 /* 2020-01-01 00:00 UTC+7 */
#define SKEW 600

/* ---- answers given as lists ---- */

/* "sốt, ho" / "fever,cough" / ["fever","cough"]: names or Vietnamese labels, folded. */
static int bit_of(const char *word, const char *const *names_, const char *const *labels, int n)
{
    char a[160], b[160];
    pd_fold(word, a, sizeof a);
    for (int i = 0; i < n; i++) {
        pd_fold(labels[i], b, sizeof b);
        if (strcmp(a, names_[i]) == 0 || strcmp(a, b) == 0)
            return 1 << i;
    }
    return 0;
}

static bool parse_bits(ingest_ctx *c, const char *v, int64_t line, const char *field,
                       const char *const *names_, const char *const *labels, int n, int *out)
{
    *out = 0;
    char buf[1024];
    pd_strlcpy(buf, v, sizeof buf);
    for (char *p = buf; *p; p++)
        if (*p == '[' || *p == ']' || *p == '"')
            *p = ' ';
    char *save = NULL;
    for (char *w = strtok_r(buf, ",;|", &save); w; w = strtok_r(NULL, ",;|", &save)) {
        while (*w == ' ')
            w++;
        size_t len = strlen(w);
        while (len && w[len - 1] == ' ')
            w[--len] = '\0';
        if (!*w || strcmp(w, "none") == 0 || strcmp(w, "0") == 0 || strcmp(w, "không") == 0)
            continue;
        int bit = bit_of(w, names_, labels, n);
        if (!bit) {
            ingest_row_error(c, line, field, "Không hiểu \"%.60s\"; các giá trị nhận được: %s", w,
                             strcmp(field, "symptoms") == 0
                                 ? "fever, cough, breath, sore_throat, taste_smell, nausea, "
                                   "diarrhoea"
                                 : "contact, outbreak_area, animal_market");
            return false;
        }
        *out |= bit;
    }
    return true;
}

/* [{"unit_code": "01834", "place": "Chợ", "date": "2021-11-10"}, ...] */
static void parse_places(ingest_ctx *c, const char *v, int64_t line, pd_declaration_in *in)
{
    if (!v[0])
        return;
    json_error_t jerr;
    json_t *a = json_loads(v, 0, &jerr);
    if (!json_is_array(a)) {
        ingest_row_error(c, line, "places",
                         "Nơi đã đến phải là mảng JSON [{\"unit_code\", \"place\", \"date\"}]");
        json_decref(a);
        return;
    }
    size_t i;
    json_t *o;
    json_array_foreach(a, i, o)
    {
        if (in->nplaces >= PD_MAX_PLACES || !json_is_object(o))
            break;
        pd_place_visit *p = &in->places[in->nplaces++];
        const char *s;
        if ((s = json_string_value(json_object_get(o, "unit_code"))))
            pd_strlcpy(p->unit_code, s, sizeof p->unit_code);
        if ((s = json_string_value(json_object_get(o, "place"))))
            pd_strlcpy(p->place, s, sizeof p->place);
        if ((s = json_string_value(json_object_get(o, "date"))))
            pd_strlcpy(p->date, s, sizeof p->date);
    }
    if (json_array_size(a) > PD_MAX_PLACES || i < json_array_size(a))
        ingest_row_error(c, line, "places", "Tối đa %d nơi đã đến, mỗi nơi là một đối tượng JSON",
                         PD_MAX_PLACES);
    json_decref(a);
}

static void parse_sex(const char *v, char out[2])
{
    char f[16];
    pd_fold(v, f, sizeof f);
    if (strcmp(f, "nam") == 0 || strcmp(f, "m") == 0)
        v = "M";
    else if (strcmp(f, "nu") == 0 || strcmp(f, "f") == 0)
        v = "F";
    pd_strlcpy(out, v, 2);
}

static void copy_person(const char **vals, pd_person *p)
{
    pd_strlcpy(p->full_name, vals[D_NAME], sizeof p->full_name);
    pd_strlcpy(p->birth_date, vals[D_BIRTH], sizeof p->birth_date);
    parse_sex(vals[D_SEX], p->sex);
    pd_strlcpy(p->id_number, vals[D_IDNUM], sizeof p->id_number);
    pd_strlcpy(p->phone, vals[D_PHONE], sizeof p->phone);
    pd_strlcpy(p->nationality, vals[D_NAT], sizeof p->nationality);
    pd_strlcpy(p->unit_code, vals[D_UNIT], sizeof p->unit_code);
    pd_strlcpy(p->area_code, vals[D_AREA], sizeof p->area_code);
    pd_strlcpy(p->address, vals[D_ADDR], sizeof p->address);
}

/* ---- a row ---- */

static bool parse_kind(ingest_ctx *c, const char *v, int64_t line, pd_declaration_in *in)
{
    char f[32];
    pd_fold(v, f, sizeof f);
    in->daily = strcmp(f, "daily") == 0 || strcmp(f, "hang ngay") == 0;
    if (!f[0] || in->daily || strcmp(f, "full") == 0 || strcmp(f, "day du") == 0)
        return true;
    ingest_row_error(c, line, "kind", "Loại khai báo phải là full (đầy đủ) hoặc daily (hằng ngày)");
    return false;
}

static void parse_at(ingest_ctx *c, const char *v, int64_t line, pd_declaration_in *in)
{
    if (!pd_ingest_parse_time(v, &in->declared_at))
        ingest_row_error(
            c, line, "declared_at",
            "Thời điểm khai báo không hợp lệ: \"%.40s\" (dạng 2021-11-15T08:30:00+07:00)", v);
    else if (in->declared_at < EARLIEST || in->declared_at > c->now + SKEW)
        ingest_row_error(c, line, "declared_at", "Thời điểm khai báo %s",
                         in->declared_at < EARLIEST ? "trước năm 2020" : "ở tương lai");
}

static void parse_doses(ingest_ctx *c, const char *v, int64_t line, pd_declaration_in *in)
{
    if (!v[0])
        return;
    char *end = NULL;
    long n = strtol(v, &end, 10);
    if (end == v || *end || n < 0 || n > 10)
        ingest_row_error(c, line, "vaccine_doses", "Số mũi vắc xin phải là số từ 0 đến 10");
    else
        in->vaccine_doses = (int)n;
}

/* A daily declaration names a registry person in scope by id number or phone. */
static void daily_person(ingest_ctx *c, const char **vals, int64_t line, pd_declaration_in *in)
{
    char key[40];
    const char *given = vals[D_IDNUM][0] ? vals[D_IDNUM] : vals[D_PHONE];
    person_key_kind kind = ingest_person_key(given, key, sizeof key);
    int64_t id = kind == PK_NONE ? 0 : ingest_people_find(&c->people, kind, key);
    if (id > 0) {
        sqlite3_stmt *st = pd_db_cached(
            c->db, "SELECT province_code, district_code, unit_code FROM people WHERE id = ?", NULL);
        bool ok = false;
        if (st) {
            sqlite3_bind_int64(st, 1, id);
            ok = sqlite3_step(st) == SQLITE_ROW &&
                 pd_scope_covers(c->actor, pd_col_text(st, 0), pd_col_text(st, 1),
                                 pd_col_text(st, 2));
            pd_db_release(st);
        }
        id = ok ? id : 0;
    }
    if (id > 0)
        in->person_id = id;
    else
        ingest_row_error(c, line, vals[D_IDNUM][0] ? "id_number" : "phone",
                         id < 0 ? "Số điện thoại này là của nhiều người; hãy dùng số giấy tờ"
                                : "Khai báo hằng ngày cần số giấy tờ hoặc số điện thoại của một "
                                  "người trong sổ dân cư thuộc phạm vi quản lý");
}

static void fill(ingest_ctx *c, const char **vals, int64_t line, pd_declaration_in *in)
{
    pd_declaration_init(in);
    in->via = PD_VIA_INGEST;
    if (strlen(vals[D_EXT]) >= sizeof in->external_id)
        ingest_row_error(c, line, "external_id", "Mã bản ghi dài quá %zu ký tự",
                         sizeof in->external_id - 1);
    else if (!vals[D_EXT][0])
        ingest_row_error(c, line, "external_id",
                         "Thiếu mã bản ghi (external_id): cần để nhận ra dòng gửi lại");
    pd_strlcpy(in->external_id, vals[D_EXT], sizeof in->external_id);
    parse_at(c, vals[D_AT], line, in);
    parse_kind(c, vals[D_KIND], line, in);
    parse_bits(c, vals[D_SYM], line, "symptoms", pd_symptom_names, pd_symptom_labels, PD_SYM_COUNT,
               &in->symptoms);
    parse_bits(c, vals[D_EXP], line, "exposures", pd_exposure_names, pd_exposure_labels,
               PD_EXP_COUNT, &in->exposures);
    pd_strlcpy(in->note, vals[D_NOTE], sizeof in->note);
    if (in->daily) {
        daily_person(c, vals, line, in);
        return;
    }
    copy_person(vals, &in->person);
    pd_strlcpy(in->travel, vals[D_TRAVEL], sizeof in->travel);
    parse_places(c, vals[D_PLACES], line, in);
    parse_doses(c, vals[D_DOSES], line, in);
}

/* Validation by the declarations module, then the residence's scope. */
static void check(ingest_ctx *c, int64_t line, pd_declaration_in *in)
{
    pd_field_errors errs = {0};
    if (pd_declaration_normalize(c->db, in, false, &errs) != PD_OK) {
        for (int i = 0; i < errs.count; i++)
            ingest_row_error(c, line, errs.items[i].field, "%s", errs.items[i].message);
        return;
    }
    const pd_person *p = &in->person;
    if (!in->daily && !pd_scope_covers(c->actor, p->province_code, p->district_code, p->unit_code))
        ingest_row_error(c, line, "unit_code", "Nơi cư trú %s nằm ngoài phạm vi quản lý",
                         p->unit_code);
}

static int record(ingest_ctx *c, int64_t line, pd_declaration_in *in, pd_err *err)
{
    pd_declaration_out out;
    int rc = pd_declaration_record(c->db, c->actor, in, &out, err);
    if (rc == PD_OK) {
        if (out.replayed)
            c->rep->rows_skipped++;
        else
            c->rep->rows_inserted++;
        return PD_OK;
    }
    if (rc == PD_EDB || rc == PD_EIO || rc == PD_ELIMIT)
        return rc;
    ingest_row_error(c, line, err->field[0] ? err->field : "", "%s", err->message);
    return PD_OK;
}

int decl_run(ingest_ctx *c, pd_err *err)
{
    pd_declaration_in *in = malloc(sizeof *in);
    if (!in)
        return pd_fail(err, PD_ELIMIT, "", "Hết bộ nhớ");
    const char *vals[INGEST_MAX_FIELDS], *pf, *problem;
    int64_t line;
    int rc = PD_OK;
    for (;;) {
        int s = ingest_source_next(c->src, vals, &line, &pf, &problem, err);
        if (s <= 0) {
            rc = s < 0 ? (err->code ? err->code : PD_EINVAL) : PD_OK;
            break;
        }
        c->rep->rows_total++;
        int64_t before = c->rep->error_count;
        if (problem) {
            ingest_row_error(c, line, pf, "%s", problem);
            continue;
        }
        fill(c, vals, line, in);
        if (c->rep->error_count == before)
            check(c, line, in);
        if (c->rep->error_count == before && c->writing && (rc = record(c, line, in, err)) != PD_OK)
            break;
        if ((c->rep->rows_total & 255) == 0 && ingest_progress(c, "read", false) != 0) {
            rc = pd_fail(err, PD_ELIMIT, "cancelled",
                         "Đã hủy việc nhận dữ liệu; không có dòng nào được ghi");
            break;
        }
    }
    free(in);
    return rc;
}
