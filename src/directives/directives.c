/* The directive store: saving a dispatch (its original text, the reader's and the corrected
 * structure, stubs for the documents it references, the chain edges, its items, the agencies each
 * item names and their tasks), reading it back, listing, the chain up and down, and mapping a
 * mention no directory entry matched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "directives/directives.h"
#include "directives/internal.h"
#include "store/db.h"

#define MAX_GROUP 256

/* The fields of a document as saved or referenced. */
typedef struct doc_fields {
    const char *issuer, *parent, *number, *date, *type, *subject, *place;
    int level;
    int known; /* dv_issuer_unit(): 1 found, 0 central, -1 not found */
    char unit[16];
    char key[600]; /* match key, "" without a number */
} doc_fields;

static bool has_digit(const char *s)
{
    for (; *s; s++)
        if (*s >= '0' && *s <= '9')
            return true;
    return false;
}

/* type|number|issuer, folded; "Văn bản" and "Công văn" are one type. */
static void match_key(const doc_fields *f, char *out, size_t cap)
{
    out[0] = '\0';
    if (!has_digit(f->number))
        return;
    char type[128], num[128], issuer[256];
    dv_norm(f->type, type, sizeof type);
    if (strcmp(type, "van ban") == 0 || !type[0])
        pd_strlcpy(type, "cong van", sizeof type);
    size_t n = 0;
    char folded[128];
    pd_fold(f->number, folded, sizeof folded);
    for (const char *p = folded; *p && n + 1 < sizeof num; p++)
        if (*p != ' ')
            num[n++] = *p;
    num[n] = '\0';
    if (f->unit[0])
        pd_strlcpy(issuer, f->unit, sizeof issuer);
    else
        dv_norm(f->issuer, issuer, sizeof issuer);
    snprintf(out, cap, "%s|%s|%s", type, num, issuer);
}

static bool date_ok(const char *s, char out[11])
{
    out[0] = '\0';
    if (!s || !s[0])
        return true;
    pd_date d;
    if (!pd_date_parse(s, &d) || d.month == 0)
        return false;
    pd_date_format(&d, out, 11);
    return true;
}

/* The reader writes types as codes ("cong_dien"); documents keep their Vietnamese name. */
static const char *type_name(const char *t)
{
    static const char *const names[][2] = {
        {"cong_van", "Công văn"},     {"cong_dien", "Công điện"}, {"thong_bao", "Thông báo"},
        {"quyet_dinh", "Quyết định"}, {"chi_thi", "Chỉ thị"},     {"nghi_quyet", "Nghị quyết"},
        {"ke_hoach", "Kế hoạch"},     {"thong_tu", "Thông tư"},   {"nghi_dinh", "Nghị định"},
        {"huong_dan", "Hướng dẫn"},   {"bao_cao", "Báo cáo"},     {"to_trinh", "Tờ trình"},
        {"giay_moi", "Giấy mời"},     {"van_ban", "Văn bản"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(t, names[i][0]) == 0)
            return names[i][1];
    return t;
}

static void fields_of(sqlite3 *db, const dv_chain *ch, const json_t *o, doc_fields *f)
{
    memset(f, 0, sizeof *f);
    f->issuer = dv_str(o, "issuer");
    f->parent = dv_str(o, "issuer_parent");
    f->number = dv_str(o, "number");
    f->date = dv_str(o, "date");
    f->type = type_name(dv_str(o, "type_name")[0] ? dv_str(o, "type_name") : dv_str(o, "type"));
    f->subject = dv_str(o, "subject");
    f->place = dv_str(o, "place");
    f->known = dv_issuer_unit(db, ch, f->issuer, f->parent, &f->level, f->unit);
    match_key(f, f->key, sizeof f->key);
}

/* Finds the document with f's key: its id and whether it is a stub (0 when none). */
static int64_t find_key(sqlite3 *db, const char *key, bool *stub)
{
    *stub = false;
    if (!key[0])
        return 0;
    sqlite3_stmt *st =
        pd_db_cached(db, "SELECT id, stub FROM directive_docs WHERE match_key = ?", NULL);
    if (!st)
        return 0;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int64_t id = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        *stub = sqlite3_column_int(st, 1) != 0;
    }
    pd_db_release(st);
    return id;
}

/* A reference's document: by its key, else when one side does not name the issuer ("Công điện số
 * 8149/CĐ-VPCP" without "của ..."), the only document of that type and number. */
static int64_t find_ref(sqlite3 *db, const char *key, bool *stub)
{
    int64_t id = find_key(db, key, stub);
    const char *bar = strrchr(key, '|');
    if (id || !bar)
        return id;
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%.*s", (int)(bar - key + 1), key);
    if (bar[1]) /* named here: a stub that did not name it */
        return find_key(db, prefix, stub);
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT id, stub FROM directive_docs WHERE match_key >= ?1 AND"
                                    " match_key < ?1 || char(1114111) LIMIT 2",
                                    NULL);
    if (!st)
        return 0;
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW && ++n == 1) {
        id = sqlite3_column_int64(st, 0);
        *stub = sqlite3_column_int(st, 1) != 0;
    }
    pd_db_release(st);
    return n == 1 ? id : 0;
}

/* Inserts (id 0) or fills in (a stub's id) a document row. */
static int write_doc(sqlite3 *db, const pd_actor *actor, const dv_chain *ch, const doc_fields *f,
                     bool stub, const char *text, const char *corrected, const char *reader,
                     int64_t *id, pd_err *err)
{
    const char *sql =
        *id ? "UPDATE directive_docs SET stub = :stub, issuer = :issuer, issuer_parent = :parent,"
              " number = :number, doc_date = :date, type = :type, subject = :subject,"
              " place = :place, match_key = :key, issuer_level = :level, issuer_unit = :unit,"
              " province_code = (SELECT province_code FROM units WHERE code = :unit),"
              " district_code = (SELECT district_code FROM units WHERE code = :unit),"
              " unit_code = (SELECT commune_code FROM units WHERE code = :unit),"
              " owner_province = :op, owner_district = :od, owner_unit = :oc,"
              " original_text = :text, corrected_json = :corr, parsed_json = :parsed,"
              " created_by = :by, updated_at = :now WHERE id = :id"
            : "INSERT INTO directive_docs(stub, issuer, issuer_parent, number, doc_date, type,"
              " subject, place, match_key, issuer_level, issuer_unit, province_code,"
              " district_code, unit_code, owner_province, owner_district, owner_unit,"
              " original_text, corrected_json, parsed_json, created_by, created_at, updated_at)"
              " VALUES (:stub, :issuer, :parent, :number, :date, :type, :subject, :place, :key,"
              " :level, :unit, (SELECT province_code FROM units WHERE code = :unit),"
              " (SELECT district_code FROM units WHERE code = :unit),"
              " (SELECT commune_code FROM units WHERE code = :unit), :op, :od, :oc, :text,"
              " :corr, :parsed, :by, :now, :now)";
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    char date[11];
    date_ok(f->date, date);
    dv_bind_int(st, ":stub", stub);
    dv_bind(st, ":issuer", f->issuer);
    dv_bind(st, ":parent", f->parent);
    dv_bind(st, ":number", f->number);
    dv_bind_opt(st, ":date", date);
    dv_bind(st, ":type", f->type);
    dv_bind(st, ":subject", f->subject);
    dv_bind(st, ":place", f->place);
    dv_bind_opt(st, ":key", f->key);
    dv_bind_int(st, ":level", f->level);
    dv_bind_opt(st, ":unit", f->unit);
    dv_bind_opt(st, ":op", stub ? NULL : ch->p);
    dv_bind_opt(st, ":od", stub ? NULL : ch->d);
    dv_bind_opt(st, ":oc", stub ? NULL : ch->c);
    dv_bind(st, ":text", text);
    dv_bind(st, ":corr", corrected);
    dv_bind(st, ":parsed", reader);
    if (actor->user_id)
        dv_bind_int(st, ":by", actor->user_id);
    dv_bind_int(st, ":now", pd_now());
    dv_bind_int(st, ":id", *id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return pd_db_error(db, err);
    if (!*id)
        *id = sqlite3_last_insert_rowid(db);
    return PD_OK;
}

static int add_edge(sqlite3 *db, int64_t from, int64_t to, bool inferred, pd_err *err)
{
    if (from == to)
        return PD_OK;
    sqlite3_stmt *st = pd_db_cached(
        db, "INSERT OR IGNORE INTO directive_refs(from_id, to_id, inferred) VALUES (?, ?, ?)", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    sqlite3_bind_int(st, 3, inferred);
    int rc = sqlite3_step(st);
    pd_db_release(st);
    return rc == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

typedef struct ref_doc {
    int64_t id;
    int level;
    bool stub;
} ref_doc;

/* Each reference: found by its key or made a stub, cited by the document. Then a stub's own basis
 * is inferred from the citing text: it implements the references one level above it. */
static int save_refs(sqlite3 *db, const pd_actor *actor, const dv_chain *ch, int64_t doc,
                     const json_t *refs, pd_err *err)
{
    ref_doc r[32];
    int n = 0;
    size_t i;
    json_t *ref;
    json_array_foreach(refs, i, ref)
    {
        if (n >= 32 || !json_is_object(ref))
            continue;
        doc_fields f;
        fields_of(db, ch, ref, &f);
        bool stub = false;
        int64_t id = find_ref(db, f.key, &stub);
        if (!id && f.key[0]) {
            stub = true;
            if (write_doc(db, actor, ch, &f, true, NULL, NULL, NULL, &id, err) != PD_OK)
                return PD_EDB;
        }
        if (!id)
            continue; /* no number: nothing to find it by */
        if (add_edge(db, doc, id, false, err) != PD_OK)
            return PD_EDB;
        r[n++] = (ref_doc){id, f.level, stub};
    }
    for (int a = 0; a < n; a++) {
        int above = -1;
        for (int b = 0; b < n; b++)
            if (r[b].level < r[a].level && (above < 0 || r[b].level > r[above].level))
                above = b;
        if (r[a].stub && above >= 0 && add_edge(db, r[a].id, r[above].id, true, err) != PD_OK)
            return PD_EDB;
    }
    return PD_OK;
}

static int64_t insert_item(sqlite3 *db, int64_t doc, int ord, const json_t *item, const char *due,
                           pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_cached(db,
                     "INSERT INTO directive_items(doc_id, ord, label, text, due_date)"
                     " VALUES (?, ?, ?, ?, ?)",
                     err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, doc);
    sqlite3_bind_int(st, 2, ord);
    sqlite3_bind_text(st, 3, dv_str(item, "label"), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, dv_str(item, "text"), -1, SQLITE_TRANSIENT);
    pd_bind_text_or_null(st, 5, due);
    int rc = sqlite3_step(st);
    pd_db_release(st);
    if (rc != SQLITE_DONE)
        return pd_db_error(db, err), -1;
    return sqlite3_last_insert_rowid(db);
}

static int64_t insert_mention(sqlite3 *db, int64_t doc, int64_t item, const char *text,
                              const char *role, int64_t agency, bool group, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db,
                                    "INSERT INTO directive_mentions(doc_id, item_id, text, role,"
                                    " agency_id, group_kind) VALUES (?, ?, ?, ?, ?, ?)",
                                    err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, doc);
    sqlite3_bind_int64(st, 2, item);
    sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, role, -1, SQLITE_STATIC);
    if (agency)
        sqlite3_bind_int64(st, 5, agency);
    pd_bind_text_or_null(st, 6, group ? "group" : NULL);
    int rc = sqlite3_step(st);
    pd_db_release(st);
    if (rc != SQLITE_DONE)
        return pd_db_error(db, err), -1;
    return sqlite3_last_insert_rowid(db);
}

/* The role of a mention of the item: named among "lead", else "coordinating", else assigned. */
static const char *role_of(const json_t *item, const char *name)
{
    static const char *const lists[] = {"lead", "coordinating"};
    for (int l = 0; l < 2; l++) {
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(item, lists[l]), i,
                           v) if (json_is_string(v) &&
                                  strcmp(json_string_value(v), name) == 0) return l == 0
            ? "lead"
            : "coordinating";
    }
    return "assigned";
}

/* Every distinct agency string of an item, leads first. */
static json_t *item_mentions(const json_t *item)
{
    json_t *all = json_array();
    static const char *const lists[] = {"lead", "coordinating", "agencies"};
    for (int l = 0; l < 3; l++) {
        size_t i, k;
        json_t *v, *w;
        json_array_foreach(json_object_get(item, lists[l]), i, v)
        {
            const char *s = json_string_value(v);
            bool seen = !s || !s[0];
            json_array_foreach(all, k, w) seen = seen || strcmp(json_string_value(w), s) == 0;
            if (!seen)
                json_array_append_new(all, json_string(s));
        }
    }
    return all;
}

static int save_item_tasks(sqlite3 *db, const char *dir, int64_t doc, int64_t item_id,
                           const json_t *item, const char *due, pd_err *err)
{
    json_t *names = item_mentions(item);
    int rc = PD_OK;
    size_t i;
    json_t *v;
    int64_t ids[MAX_GROUP];
    json_array_foreach(names, i, v)
    {
        const char *name = json_string_value(v);
        const char *role = role_of(item, name);
        bool group = false;
        int n = pd_agency_match(db, dir, name, ids, MAX_GROUP, &group, err);
        if (n < 0 ||
            insert_mention(db, doc, item_id, name, role, n == 1 && !group ? ids[0] : 0,
                           group && n > 0, err) < 0 ||
            dv_tasks_for(db, doc, item_id, role, due, ids, n, err) < 0) {
            rc = PD_EDB;
            break;
        }
    }
    json_decref(names);
    return rc;
}

static int save_items(sqlite3 *db, const char *dir, int64_t doc, const char *doc_date,
                      const json_t *items, pd_err *err)
{
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        char due[11] = "";
        const char *set = dv_str(item, "due_date");
        if (set[0])
            date_ok(set, due);
        else if (!pd_due_from_text(dv_str(item, "text"), doc_date, due))
            due[0] = '\0';
        int64_t id = insert_item(db, doc, (int)i + 1, item, due, err);
        if (id < 0 || save_item_tasks(db, dir, doc, id, item, due, err) != PD_OK)
            return PD_EDB;
    }
    return PD_OK;
}

static int check_fields(const json_t *c, pd_err *err)
{
    char d[11];
    if (!json_is_object(c))
        return pd_fail(err, PD_EINVAL, "parsed", "Thiếu nội dung văn bản đã đọc");
    if (!dv_str(c, "issuer")[0])
        return pd_fail(err, PD_EINVAL, "issuer", "Cần ghi cơ quan ban hành");
    if (!date_ok(dv_str(c, "date"), d))
        return pd_fail(err, PD_EINVAL, "date", "Ngày ban hành không hợp lệ (dạng 15/11/2021)");
    json_t *items = json_object_get(c, "items");
    if (items && !json_is_array(items))
        return pd_fail(err, PD_EINVAL, "items", "Các mục phải là một danh sách");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (!json_is_object(it) || !date_ok(dv_str(it, "due_date"), d))
            return pd_fail(err, PD_EINVAL, "items", "Mục %zu: hạn hoàn thành không hợp lệ", i + 1);
    }
    json_t *refs = json_object_get(c, "references");
    json_array_foreach(refs, i, it)
    {
        if (!date_ok(dv_str(it, "date"), d))
            return pd_fail(err, PD_EINVAL, "references", "Văn bản căn cứ %zu: ngày không hợp lệ",
                           i + 1);
    }
    return PD_OK;
}

/* The directory a document's agencies are looked up in: its issuer's district (seeded with the
 * standard list the first time), else the importer's. */
static int directory_of(sqlite3 *db, const doc_fields *f, const dv_chain *ch, char dir[16],
                        pd_err *err)
{
    dir[0] = '\0';
    const char *unit = f->unit[0] ? f->unit : ch->c[0] ? ch->c : ch->d[0] ? ch->d : NULL;
    if (!unit)
        return PD_OK;
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "SELECT CASE WHEN level = 1 THEN NULL WHEN level = 2 THEN code ELSE district_code END"
        " FROM units WHERE code = ?",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        pd_strlcpy(dir, pd_col_text(st, 0), 16);
    sqlite3_finalize(st);
    if (!dir[0])
        return PD_OK;
    st = pd_db_prepare(db, "SELECT 1 FROM agencies WHERE dir_unit = ? LIMIT 1", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, dir, -1, SQLITE_STATIC);
    bool have = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    int added = 0;
    return have ? PD_OK : pd_agencies_seed_tx(db, dir, &added, err);
}

static int set_dir(sqlite3 *db, int64_t id, const char *dir, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db, "UPDATE directive_docs SET dir_unit = ? WHERE id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, dir, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    int rc = sqlite3_step(st);
    pd_db_release(st);
    return rc == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

static int save_tx(sqlite3 *db, const pd_actor *actor, const dv_chain *ch, const char *text,
                   const json_t *c, const json_t *reader, int64_t *id, pd_err *err)
{
    doc_fields f;
    fields_of(db, ch, c, &f);
    if (f.known < 0 && ch->level != PD_SCOPE_COUNTRY) {
        /* a local body not named by its unit ("Ban Chỉ đạo thành phố"): the importer's unit, so
         * that the document is not taken for a central one seen by everyone */
        pd_strlcpy(f.unit, actor->scope_code, sizeof f.unit);
        f.level = (int)ch->level;
        match_key(&f, f.key, sizeof f.key);
    }
    bool stub = false;
    *id = find_key(db, f.key, &stub);
    if (*id && !stub)
        return pd_fail(err, PD_ECONFLICT, "number", "Văn bản số %s của %s đã có (mã %lld)",
                       f.number, f.issuer, (long long)*id);
    char *corr = json_dumps(c, JSON_COMPACT);
    char *rd = json_dumps(reader ? reader : c, JSON_COMPACT);
    int rc = write_doc(db, actor, ch, &f, false, text, corr, rd, id, err);
    free(corr);
    free(rd);
    char dir[16], date[11];
    date_ok(f.date, date);
    if (rc == PD_OK)
        rc = directory_of(db, &f, ch, dir, err);
    if (rc == PD_OK && dir[0])
        rc = set_dir(db, *id, dir, err);
    if (rc == PD_OK)
        rc = save_refs(db, actor, ch, *id, json_object_get(c, "references"), err);
    if (rc == PD_OK)
        rc = save_items(db, dir, *id, date[0] ? date : NULL, json_object_get(c, "items"), err);
    char detail[300];
    snprintf(detail, sizeof detail, "Nhập văn bản %s %s của %s%s", f.type, f.number, f.issuer,
             stub ? " (thay văn bản được dẫn chiếu)" : "");
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "create", "directive", *id, f.unit[0] ? f.unit : NULL,
                            detail, err);
    return rc;
}

int pd_directive_save_ex(sqlite3 *db, const pd_actor *actor, const char *original_text,
                         const json_t *corrected, const json_t *reader, int64_t *id, pd_err *err)
{
    *id = 0;
    if (!pd_actor_can(actor, PD_PERM_DIRECTIVES_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được nhập văn bản chỉ đạo");
    if (check_fields(corrected, err) != PD_OK)
        return PD_EINVAL;
    if (!original_text || !original_text[0])
        return pd_fail(err, PD_EINVAL, "text", "Cần nội dung gốc của văn bản");
    dv_chain ch;
    if (dv_chain_of(db, actor, &ch, err) != PD_OK)
        return PD_EDB;
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    int rc = save_tx(db, actor, &ch, original_text, corrected, reader, id, err);
    if (rc == PD_OK)
        rc = pd_db_commit(db, err);
    if (rc != PD_OK) {
        pd_db_rollback(db);
        *id = 0;
    }
    return rc;
}

int pd_directive_save(sqlite3 *db, const pd_actor *actor, const char *original_text,
                      const json_t *parsed, int64_t *id, pd_err *err)
{
    return pd_directive_save_ex(db, actor, original_text, parsed, NULL, id, err);
}
