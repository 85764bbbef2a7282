/* The agencies directory of a unit and the matching of the agency names a dispatch uses to it.
 * Names are compared by a key: folded (no diacritics, lower case), the usual abbreviations
 * expanded, punctuation and "và" dropped, and the unit's own qualifier ("thành phố", "huyện ...")
 * cut off the end, so "Phòng VH-TT", "Phòng Văn hóa - Thông tin" and "Phòng Văn hóa và Thông tin
 * thành phố" are one agency. Groups ("UBND các xã, phường") name every agency of some kinds in the
 * directory. The standard list follows the district-level specialised agencies of Decree
 * 37/2014/NĐ-CP as amended by Decree 108/2020/NĐ-CP, plus the units every district has (health
 * centre, police, military command, mass organisations). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "directives/directives.h"
#include "directives/internal.h"
#include "store/db.h"

/* Abbreviations as written in dispatches (folded, punctuation as spaces) and what they stand for.
 */
static const struct {
    const char *abbr, *full;
} abbreviations[] = {
    {"ubnd", "uy ban nhan dan"},
    {"hdnd", "hoi dong nhan dan"},
    {"ttyt", "trung tam y te"},
    {"tp", "thanh pho"},
    {"bcd", "ban chi dao"},
    {"bch", "ban chi huy"},
    {"mttq", "mat tran to quoc"},
    {"vh tt", "van hoa thong tin"},
    {"vhtt", "van hoa thong tin"},
    {"ld tb xh", "lao dong thuong binh xa hoi"},
    {"ldtbxh", "lao dong thuong binh xa hoi"},
    {"gd dt", "giao duc dao tao"},
    {"gddt", "giao duc dao tao"},
    {"tc kh", "tai chinh ke hoach"},
    {"tckh", "tai chinh ke hoach"},
    {"tn mt", "tai nguyen moi truong"},
    {"tnmt", "tai nguyen moi truong"},
    {"ql dt", "quan ly do thi"},
    {"qldt", "quan ly do thi"},
    {"kt ht", "kinh te ha tang"},
    {"ttdt", "thong tin dien tu"},
    {"vp", "van phong"},
    {"ttvh tt tt", "trung tam van hoa the thao truyen thong"},
    {"lđld", "lien doan lao dong"},
    {"ca", "cong an"},
};

/* Qualifiers of the unit itself that may end an agency's name. */
static const char *const qualifiers[] = {" thanh pho", " huyen", " thi xa", " quan", " tinh"};

/* Replaces whole words of s (space separated, padded with a space each side) in place. */
static void expand(char *s, size_t cap)
{
    for (size_t i = 0; i < sizeof abbreviations / sizeof abbreviations[0]; i++) {
        char pat[64], rep[96];
        snprintf(pat, sizeof pat, " %s ", abbreviations[i].abbr);
        snprintf(rep, sizeof rep, " %s ", abbreviations[i].full);
        char *hit;
        while ((hit = strstr(s, pat)) != NULL) {
            size_t pl = strlen(pat), rl = strlen(rep), len = strlen(s);
            if (len - pl + rl + 1 > cap)
                return;
            memmove(hit + rl, hit + pl, len - (size_t)(hit - s) - pl + 1);
            memcpy(hit, rep, rl);
        }
    }
}

/* Drops " va " and collapses spaces; trims. */
static void squeeze(char *s)
{
    char *hit;
    while ((hit = strstr(s, " va ")) != NULL)
        memmove(hit, hit + 3, strlen(hit + 3) + 1);
    char *w = s;
    for (char *r = s; *r; r++)
        if (*r != ' ' || (w > s && w[-1] != ' '))
            *w++ = *r;
    while (w > s && w[-1] == ' ')
        w--;
    *w = '\0';
}

void dv_norm(const char *in, char *out, size_t cap)
{
    char folded[1024], buf[1536];
    pd_fold(in ? in : "", folded, sizeof folded);
    size_t n = 0;
    buf[n++] = ' ';
    for (const char *p = folded; *p && n + 2 < sizeof buf; p++)
        buf[n++] = isalnum((unsigned char)*p) ? *p : ' ';
    buf[n++] = ' ';
    buf[n] = '\0';
    expand(buf, sizeof buf);
    squeeze(buf);
    pd_strlcpy(out, buf[0] == ' ' ? buf + 1 : buf, cap);
}

void pd_agency_key(const char *name, char *out, size_t cap)
{
    dv_norm(name, out, cap);
    for (size_t i = 0; i < sizeof qualifiers / sizeof qualifiers[0]; i++) {
        char *hit = NULL, *p = out;
        while ((p = strstr(p, qualifiers[i])) != NULL) {
            hit = p;
            p++;
        }
        if (hit && hit != out)
            *hit = '\0';
    }
}

/* ---- The standard directory ---------------------------------------------------------------- */

typedef struct std_agency {
    const char *name; /* "%s": the unit's type in lower case ("thành phố", "huyện") */
    const char *kind;
    const char *aliases; /* '|' separated */
} std_agency;

static const std_agency standard[] = {
    {"Văn phòng HĐND và UBND %s", "phong", "Văn phòng UBND|VP HĐND-UBND"},
    {"Phòng Nội vụ", "phong", ""},
    {"Phòng Tư pháp", "phong", ""},
    {"Phòng Tài chính - Kế hoạch", "phong", "Phòng TC-KH"},
    {"Phòng Tài nguyên và Môi trường", "phong", "Phòng TN-MT"},
    {"Phòng Lao động - Thương binh và Xã hội", "phong", "Phòng LĐ-TB&XH|Phòng LĐTBXH"},
    {"Phòng Văn hóa và Thông tin", "phong", "Phòng VH-TT|Phòng Văn hóa - Thông tin"},
    {"Phòng Giáo dục và Đào tạo", "phong", "Phòng GD-ĐT|Phòng GD&ĐT|Ngành giáo dục"},
    {"Phòng Y tế", "phong", ""},
    {"Phòng Kinh tế", "phong", ""},
    {"Phòng Quản lý đô thị", "phong", "Phòng QLĐT|Phòng Kinh tế và Hạ tầng"},
    {"Thanh tra %s", "phong", ""},
    {"Trung tâm Y tế %s", "trung_tam", "TTYT|Ngành y tế|Ngành Y tế"},
    {"Trung tâm Văn hóa, Thể thao và Truyền thông", "trung_tam", "TTVH-TT&TT"},
    {"Cổng thông tin điện tử %s", "trung_tam", "Công TTĐT|Cổng TTĐT|Công thông tin điện tử"},
    {"Công an %s", "cong_an", "CA"},
    {"Ban Chỉ huy Quân sự %s", "quan_su", "BCH Quân sự"},
    {"Ban Chỉ đạo phòng, chống dịch COVID-19 %s", "ban", "BCĐ phòng, chống dịch|Ban Chỉ đạo"},
    {"Ủy ban MTTQ Việt Nam %s", "doan_the", "Ủy ban MTTQ|Ủy ban Mặt trận Tổ quốc Việt Nam"},
    {"Đoàn Thanh niên Cộng sản Hồ Chí Minh %s", "doan_the", "Thành đoàn|Huyện đoàn"},
    {"Hội Liên hiệp Phụ nữ %s", "doan_the", "Hội LHPN"},
    {"Hội Nông dân %s", "doan_the", ""},
    {"Hội Cựu chiến binh %s", "doan_the", ""},
    {"Liên đoàn Lao động %s", "doan_the", ""},
};

/* Groups: a key prefix and the kinds of the agencies it names. Longest prefix wins. */
static const struct {
    const char *prefix, *kinds;
} groups[] = {
    {"cac phong ban nganh doan the", "phong,ban,trung_tam,cong_an,quan_su,doan_the"},
    {"cac co quan ban nganh doan the", "phong,ban,trung_tam,cong_an,quan_su,doan_the"},
    {"cac ban nganh doan the", "phong,ban,trung_tam,cong_an,quan_su,doan_the"},
    {"cac phong ban nganh", "phong,ban,trung_tam,cong_an,quan_su"},
    {"cac co quan don vi", "phong,ban,trung_tam,cong_an,quan_su"},
    {"cac hoi doan the", "doan_the"},
    {"uy ban mat tran to quoc cac hoi doan the", "doan_the"},
    {"uy ban nhan dan cac xa", "ubnd_xa"},
    {"uy ban nhan dan cac phuong", "ubnd_xa"},
    {"cac xa phuong", "ubnd_xa"},
    {"cac xa thi tran", "ubnd_xa"},
    {"cac dia phuong", "ubnd_xa"},
    {"ban chi dao phong chong dich cac xa", "bcd_xa"},
    {"ban chi dao phong chong dich covid 19 cac xa", "bcd_xa"},
};

static int insert_agency(sqlite3 *db, const char *dir, const char *name, const char *kind,
                         const char *unit, int64_t *id, pd_err *err)
{
    char key[512];
    pd_agency_key(name, key, sizeof key);
    sqlite3_stmt *st = pd_db_cached(
        db,
        "INSERT INTO agencies(dir_unit, name, name_key, kind, province_code, district_code,"
        " unit_code, created_at) SELECT :dir, :name, :key, :kind, u.province_code,"
        " u.district_code, u.code, :now FROM units u WHERE u.code = :unit"
        " ON CONFLICT(dir_unit, name_key) DO NOTHING",
        err);
    if (!st)
        return PD_EDB;
    dv_bind(st, ":dir", dir);
    dv_bind(st, ":name", name);
    dv_bind(st, ":key", key);
    dv_bind(st, ":kind", kind);
    dv_bind(st, ":unit", unit);
    dv_bind_int(st, ":now", pd_now());
    int rc = sqlite3_step(st);
    bool added = sqlite3_changes(db) > 0;
    pd_db_release(st);
    if (rc != SQLITE_DONE)
        return pd_db_error(db, err);
    *id = added ? sqlite3_last_insert_rowid(db) : 0;
    return PD_OK;
}

static int add_alias(sqlite3 *db, int64_t agency, const char *alias, pd_err *err)
{
    char key[512];
    pd_agency_key(alias, key, sizeof key);
    if (!key[0])
        return PD_OK;
    sqlite3_stmt *st = pd_db_cached(
        db, "INSERT OR IGNORE INTO agency_aliases(agency_id, alias_key) VALUES (?, ?)", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, agency);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    pd_db_release(st);
    return rc == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

static int add_aliases(sqlite3 *db, int64_t agency, const char *list, pd_err *err)
{
    char buf[512];
    pd_strlcpy(buf, list, sizeof buf);
    char *save = NULL;
    for (char *a = strtok_r(buf, "|", &save); a; a = strtok_r(NULL, "|", &save))
        if (add_alias(db, agency, a, err) != PD_OK)
            return PD_EDB;
    return PD_OK;
}

static int seed_standard(sqlite3 *db, const char *dir, const char *type_lower, int *added,
                         pd_err *err)
{
    for (size_t i = 0; i < sizeof standard / sizeof standard[0]; i++) {
        char name[256];
        snprintf(name, sizeof name, standard[i].name, type_lower);
        int64_t id = 0;
        if (insert_agency(db, dir, name, standard[i].kind, dir, &id, err) != PD_OK)
            return PD_EDB;
        if (id && add_aliases(db, id, standard[i].aliases, err) != PD_OK)
            return PD_EDB;
        *added += id ? 1 : 0;
    }
    return PD_OK;
}

static int seed_communes(sqlite3 *db, const char *dir, int *added, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(
        db, "SELECT code, name FROM units WHERE parent_code = ? AND level = 3 ORDER BY code", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, dir, -1, SQLITE_STATIC);
    int rc = PD_OK;
    while (rc == PD_OK && sqlite3_step(st) == SQLITE_ROW) {
        char code[16], name[256], full[320];
        pd_strlcpy(code, pd_col_text(st, 0), sizeof code);
        pd_strlcpy(name, pd_col_text(st, 1), sizeof name);
        int64_t id = 0;
        snprintf(full, sizeof full, "Ủy ban nhân dân %s", name);
        rc = insert_agency(db, dir, full, "ubnd_xa", code, &id, err);
        if (rc == PD_OK && id) {
            rc = add_alias(db, id, name, err);
            (*added)++;
        }
        snprintf(full, sizeof full, "Ban Chỉ đạo phòng, chống dịch %s", name);
        if (rc == PD_OK)
            rc = insert_agency(db, dir, full, "bcd_xa", code, &id, err);
        *added += rc == PD_OK && id ? 1 : 0;
    }
    sqlite3_finalize(st);
    return rc;
}

int pd_agencies_seed_tx(sqlite3 *db, const char *unit_code, int *added, pd_err *err)
{
    *added = 0;
    sqlite3_stmt *st = pd_db_prepare(db,
                                     "SELECT CASE WHEN level = 2 THEN code ELSE district_code END, "
                                     " (SELECT lower(type) FROM units d WHERE d.code = "
                                     "  CASE WHEN u.level = 2 THEN u.code ELSE u.district_code END)"
                                     " FROM units u WHERE code = ? AND level IN (2, 3, 4)",
                                     err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, unit_code, -1, SQLITE_STATIC);
    char dir[16] = "", type[64] = "";
    if (sqlite3_step(st) == SQLITE_ROW) {
        pd_strlcpy(dir, pd_col_text(st, 0), sizeof dir);
        pd_strlcpy(type, pd_col_text(st, 1), sizeof type);
    }
    sqlite3_finalize(st);
    if (!dir[0])
        return pd_fail(err, PD_EINVAL, "unit_code", "Danh bạ cơ quan lập cho cấp huyện");
    /* "thành phố" for a Thành phố, "huyện" for a Huyện, "thị xã", "quận" */
    int rc = seed_standard(db, dir, type, added, err);
    return rc == PD_OK ? seed_communes(db, dir, added, err) : rc;
}

int pd_agencies_seed(sqlite3 *db, const pd_actor *actor, const char *unit_code, int *added,
                     pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_DIRECTIVES_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được cập nhật danh bạ cơ quan");
    *added = 0;
    sqlite3_stmt *st = pd_db_prepare(
        db, "SELECT province_code, district_code, code FROM units WHERE code = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, unit_code, -1, SQLITE_STATIC);
    bool in = sqlite3_step(st) == SQLITE_ROW &&
              pd_scope_covers(actor, pd_col_text(st, 0), pd_col_text(st, 1), pd_col_text(st, 2));
    sqlite3_finalize(st);
    if (!in)
        return pd_fail(err, PD_ENOTFOUND, "unit_code", "Không tìm thấy đơn vị");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    int rc = pd_agencies_seed_tx(db, unit_code, added, err);
    char detail[96];
    snprintf(detail, sizeof detail, "Lập danh bạ cơ quan: %d mục", *added);
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "create", "agency", 0, unit_code, detail, err);
    if (rc == PD_OK)
        rc = pd_db_commit(db, err);
    if (rc != PD_OK)
        pd_db_rollback(db);
    return rc;
}

int pd_agency_add(sqlite3 *db, const pd_actor *actor, const char *dir_unit, const char *name,
                  const char *kind, const char *unit_code, int64_t *id, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_DIRECTIVES_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được cập nhật danh bạ cơ quan");
    char key[512];
    pd_agency_key(name, key, sizeof key);
    if (!key[0])
        return pd_fail(err, PD_EINVAL, "name", "Cần tên cơ quan");
    const char *own = unit_code && unit_code[0] ? unit_code : dir_unit;
    sqlite3_stmt *st = pd_db_prepare(
        db, "SELECT province_code, district_code, code FROM units WHERE code = ? AND level <= 3",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, own, -1, SQLITE_STATIC);
    bool in = sqlite3_step(st) == SQLITE_ROW &&
              pd_scope_covers(actor, pd_col_text(st, 0), pd_col_text(st, 1), pd_col_text(st, 2));
    sqlite3_finalize(st);
    if (!in)
        return pd_fail(err, PD_ENOTFOUND, "unit_code", "Không tìm thấy đơn vị");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    int rc = insert_agency(db, dir_unit, name, kind && kind[0] ? kind : "khac", own, id, err);
    if (rc == PD_OK && *id == 0)
        rc = pd_fail(err, PD_ECONFLICT, "name", "Cơ quan này đã có trong danh bạ");
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "create", "agency", *id, own, name, err);
    if (rc == PD_OK)
        rc = pd_db_commit(db, err);
    if (rc != PD_OK)
        pd_db_rollback(db);
    return rc;
}

int pd_agencies_list(sqlite3 *db, const pd_actor *actor, const char *unit_code, json_t **out,
                     pd_err *err)
{
    *out = NULL;
    if (!pd_actor_can(actor, PD_PERM_DIRECTIVES_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem văn bản chỉ đạo");
    dv_chain ch;
    if (dv_chain_of(db, actor, &ch, err) != PD_OK)
        return PD_EDB;
    /* A directory is seen by accounts in its unit's scope and by those under it. */
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "SELECT a.id, a.name, a.kind, a.dir_unit, a.unit_code, u.name,"
        " (SELECT group_concat(alias_key, '|') FROM agency_aliases WHERE agency_id = a.id),"
        " (SELECT count(*) FROM tasks t WHERE t.agency_id = a.id),"
        " (SELECT count(*) FROM tasks t WHERE t.agency_id = a.id AND t.status = 'done')"
        " FROM agencies a JOIN units u ON u.code = a.unit_code"
        " WHERE (:dir IS NULL OR a.dir_unit = :dir) AND (:lvl = 0 OR a.dir_unit IN (:ap, :ad)"
        " OR (:lvl = 1 AND a.province_code = :ap) OR (:lvl = 2 AND a.district_code = :ad))"
        " ORDER BY a.dir_unit, a.kind = 'ubnd_xa', a.kind = 'bcd_xa', a.id",
        err);
    if (!st)
        return PD_EDB;
    dv_bind_opt(st, ":dir", unit_code);
    dv_bind_int(st, ":lvl", ch.level);
    dv_bind_chain(st, &ch);
    json_t *items = json_array();
    while (sqlite3_step(st) == SQLITE_ROW) {
        json_t *j =
            json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "id",
                      (json_int_t)sqlite3_column_int64(st, 0), "name", pd_col_text(st, 1), "kind",
                      pd_col_text(st, 2), "dir_unit", pd_col_text(st, 3), "unit_code",
                      pd_col_text(st, 4), "unit_name", pd_col_text(st, 5), "aliases",
                      pd_col_text(st, 6), "tasks", (json_int_t)sqlite3_column_int64(st, 7),
                      "tasks_done", (json_int_t)sqlite3_column_int64(st, 8));
        json_array_append_new(items, j);
    }
    sqlite3_finalize(st);
    *out = items;
    return PD_OK;
}

static int match_group(sqlite3 *db, const char *dir, const char *kinds, int64_t *ids, int cap,
                       pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(db,
                                     "SELECT id FROM agencies WHERE dir_unit = ? AND"
                                     " instr(',' || ? || ',', ',' || kind || ',') > 0 ORDER BY id",
                                     err);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, dir, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kinds, -1, SQLITE_STATIC);
    int n = 0;
    while (n < cap && sqlite3_step(st) == SQLITE_ROW)
        ids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

int pd_agency_match(sqlite3 *db, const char *dir_unit, const char *mention, int64_t *ids, int cap,
                    bool *group, pd_err *err)
{
    char key[512];
    pd_agency_key(mention, key, sizeof key);
    *group = false;
    if (!key[0] || !dir_unit || !dir_unit[0])
        return 0;
    size_t best = 0, best_len = 0;
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        size_t l = strlen(groups[i].prefix);
        if (strncmp(key, groups[i].prefix, l) == 0 && l > best_len) {
            best = i;
            best_len = l;
        }
    }
    if (best_len) {
        *group = true;
        return match_group(db, dir_unit, groups[best].kinds, ids, cap, err);
    }
    sqlite3_stmt *st =
        pd_db_prepare(db,
                      "SELECT id FROM agencies WHERE dir_unit = :dir AND name_key = :k UNION "
                      "SELECT a.id FROM agency_aliases x JOIN agencies a ON a.id = x.agency_id"
                      " WHERE x.alias_key = :k AND a.dir_unit = :dir LIMIT 2",
                      err);
    if (!st)
        return -1;
    dv_bind(st, ":dir", dir_unit);
    dv_bind(st, ":k", key);
    int n = 0;
    while (n < 2 && sqlite3_step(st) == SQLITE_ROW)
        ids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n == 1 && cap >= 1 ? 1 : 0; /* two agencies for one name: the official chooses */
}

int dv_agency_learn(sqlite3 *db, int64_t agency, const char *alias, pd_err *err)
{
    return add_alias(db, agency, alias, err);
}
