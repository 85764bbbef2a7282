/* Unit tests of directives (src/directives/): agency name keys and groups, due dates read from item
 * text, saving a hand-built dispatch (the reader's JSON shape) with its stubs, chain, items, tasks
 * and unmatched mentions, filling a stub by a later import, visibility by unit, progress reports,
 * attachments, overdue lists, the XLSX export and the .docx draft (a real zip holding XML). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <expat.h>
#include <zip.h>

#include "auth/auth.h"
#include "directives/directives.h"
#include "store/db.h"
#include "units/units.h"

#define T0 1636939800 /* 2021-11-15 08:30 in Hanoi */

static char dir[256];
static sqlite3 *db;
static pd_actor admin, district, district_060, commune, commune_060, province, team, viewer;
static int64_t doc_city, doc_province;

static pd_actor actor_at(pd_role role, pd_scope_level level, const char *code)
{
    pd_actor a;
    memset(&a, 0, sizeof a);
    a.role = role;
    a.scope_level = level;
    a.user_id = 100 + role;
    snprintf(a.scope_code, sizeof a.scope_code, "%s", code);
    snprintf(a.username, sizeof a.username, "%s.%s", pd_role_name(role), code);
    return a;
}

static int64_t sql_int(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int64_t sql_int(const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

static int group_setup(void **state)
{
    (void)state;
    char v[32];
    snprintf(v, sizeof v, "%d", T0);
    setenv("PHONGDICH_NOW", v, 1);
    if (pd_test_make_dir(dir, sizeof dir, "pd_directives") != 0)
        return -1;
    char path[512];
    snprintf(path, sizeof path, "%s/directives.db", dir);
    pd_err err;
    db = pd_db_open(path, &err);
    int loaded;
    if (!db || pd_units_init(db, &loaded, &err) != PD_OK) {
        fprintf(stderr, "setup: %s\n", err.message);
        return -1;
    }
    sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    admin = pd_actor_cli();
    district = actor_at(PD_ROLE_DISTRICT, PD_SCOPE_DISTRICT, "058");
    district_060 = actor_at(PD_ROLE_DISTRICT, PD_SCOPE_DISTRICT, "060");
    province = actor_at(PD_ROLE_PROVINCE, PD_SCOPE_PROVINCE, "06");
    commune = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01834");
    team = actor_at(PD_ROLE_TEAM, PD_SCOPE_COMMUNE, "01834");
    viewer = actor_at(PD_ROLE_VIEWER, PD_SCOPE_DISTRICT, "058");
    char far[16] = "";
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "SELECT min(code) FROM units WHERE parent_code = '060'", -1, &st, NULL);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(far, sizeof far, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    commune_060 = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, far);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    pd_db_close(db);
    pd_test_remove_dir(dir);
    unsetenv("PHONGDICH_NOW");
    return 0;
}

/* ---- keys and due dates ---- */

static void key_is(const char *a, const char *b)
{
    char ka[256], kb[256];
    pd_agency_key(a, ka, sizeof ka);
    pd_agency_key(b, kb, sizeof kb);
    if (strcmp(ka, kb) != 0)
        fail_msg("\"%s\" -> \"%s\" but \"%s\" -> \"%s\"", a, ka, b, kb);
}

static void test_agency_keys(void **state)
{
    (void)state;
    key_is("Phòng VH-TT", "Phòng Văn hóa và Thông tin thành phố");
    key_is("Phòng Văn hóa - Thông tin", "Phòng Văn hóa và Thông tin");
    key_is("TTYT thành phố", "Trung tâm Y tế thành phố Bắc Kạn");
    key_is("UBND phường Sông Cầu", "Ủy ban nhân dân Phường Sông Cầu");
    key_is("Phòng Lao động, Thương binh và Xã hội", "Phòng Lao động - Thương binh và Xã hội");
    char k[128];
    pd_agency_key("Công an thành phố", k, sizeof k);
    assert_string_equal(k, "cong an");
}

static void due_is(const char *text, const char *doc_date, const char *want)
{
    char out[11];
    bool found = pd_due_from_text(text, doc_date, out);
    if (!want) {
        if (found)
            fail_msg("\"%s\": found %s, expected none", text, out);
        return;
    }
    if (!found || strcmp(out, want) != 0)
        fail_msg("\"%s\": got %s, expected %s", text, found ? out : "none", want);
}

static void test_due_dates(void **state)
{
    (void)state;
    due_is("Báo cáo kết quả về UBND thành phố trước ngày 20/11/2021.", "2021-11-15", "2021-11-20");
    due_is("hoàn thành trong tháng 11", "2021-11-15", "2021-11-30");
    due_is("hoàn thành trong tháng 2 năm 2024", "2023-11-15", "2024-02-29");
    due_is("hoàn thành trong tháng 1", "2021-12-20", "2022-01-31"); /* next January */
    due_is("chậm nhất ngày 5/12 gửi báo cáo", "2021-11-15", "2021-12-05");
    due_is("Trước ngày 31/02/2021 báo cáo", "2021-11-15", NULL); /* no such day */
    due_is("Tiếp tục thực hiện nghiêm 5K", "2021-11-15", NULL);
    due_is("hoàn thành trong tháng 11", NULL, NULL); /* no year to read it in */
    assert_string_equal(pd_task_status("new", "2021-11-14", "2021-11-15"), "overdue");
    assert_string_equal(pd_task_status("in_progress", "2021-11-15", "2021-11-15"), "in_progress");
    assert_string_equal(pd_task_status("done", "2021-11-01", "2021-11-15"), "done");
    assert_string_equal(pd_task_status("new", "", "2021-11-15"), "new");
}

/* ---- saving ---- */

static json_t *ref(const char *type, const char *number, const char *date, const char *issuer)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "type", type, "number", number, "date", date, "issuer",
                     issuer);
}

static json_t *item(const char *label, const char *text, json_t *agencies, json_t *lead)
{
    return json_pack("{s:s, s:s, s:o, s:o, s:[]}", "label", label, "text", text, "agencies",
                     agencies, "lead", lead ? lead : json_array(), "coordinating");
}

/* The 2233/UBND-VP dispatch of the city as the reader gives it (shortened texts). */
static json_t *city_dispatch(void)
{
    json_t *refs = json_array();
    json_array_append_new(refs,
                          ref("Văn bản", "7572/UBND-VXNV", "2021-11-10", "UBND tỉnh Bắc Kạn"));
    json_array_append_new(refs,
                          ref("Công điện", "8149/CĐ-VPCP", "2021-11-07", "Văn phòng Chính phủ"));
    json_t *items = json_array();
    json_array_append_new(items,
                          item("1", "Các phòng, ban, ngành ... tiếp tục chỉ đạo, triển khai",
                               json_pack("[s,s]", "Các phòng, ban, ngành, đoàn thể thành phố",
                                         "Ban Chỉ đạo phòng, chống dịch các xã, phường"),
                               NULL));
    json_array_append_new(items,
                          item("2", "Trung tâm Y tế thành phố ... báo cáo trước ngày 20/11/2021",
                               json_pack("[s,s]", "Trung tâm Y tế thành phố", "Sở Y tế tỉnh"),
                               json_pack("[s]", "Trung tâm Y tế thành phố")));
    json_array_append_new(items, item("3", "Phòng VH-TT tuyên truyền 5K",
                                      json_pack("[s]", "Phòng Văn hóa - Thông tin"), NULL));
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:[s], s:{s:s, s:s}, s:[s]}",
                     "issuer", "ỦY BAN NHÂN DÂN THÀNH PHỐ BẮC KẠN", "issuer_parent", "", "number",
                     "2233/UBND-VP", "date", "2021-11-15", "type", "Công văn", "subject",
                     "V/v thực hiện Công điện số 8149/CĐ-VPCP", "place", "TP. Bắc Kạn",
                     "references", refs, "items", items, "recipients",
                     "Các phòng, ban, ngành, đoàn thể thành phố", "signer", "name",
                     "Dương Hữu Bường", "title", "CHỦ TỊCH", "unparsed", "Gửi bản điện tử:");
}

static void test_save_city(void **state)
{
    (void)state;
    json_t *d = city_dispatch();
    pd_err err;
    assert_int_equal(pd_directive_save(db, &viewer, "x", d, &doc_city, &err), PD_EDENIED);
    int rc = pd_directive_save(db, &district, "Số 2233/UBND-VP ...", d, &doc_city, &err);
    if (rc != PD_OK)
        fail_msg("%s: %s", err.field, err.message);
    assert_int_equal(sql_int("SELECT count(*) FROM directive_docs WHERE stub = 1"), 2);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'directive' AND"
                             " action = 'create' AND entity_id = %lld",
                             (long long)doc_city),
                     1);
    assert_int_equal(
        sql_int("SELECT issuer_unit FROM directive_docs WHERE id = %lld", (long long)doc_city), 58);
    /* the stub of the province's dispatch resolved to province 06, the Government's to none */
    assert_int_equal(sql_int("SELECT issuer_unit FROM directive_docs WHERE number = "
                             "'7572/UBND-VXNV'"),
                     6);
    assert_int_equal(sql_int("SELECT count(*) FROM directive_docs WHERE number = '8149/CĐ-VPCP'"
                             " AND issuer_unit IS NULL"),
                     1);
    /* item 1: every department-level agency and mass organisation + every commune's committee */
    int64_t want1 = sql_int("SELECT count(*) FROM agencies WHERE dir_unit = '058' AND kind IN"
                            " ('phong','ban','trung_tam','cong_an','quan_su','doan_the')") +
                    sql_int("SELECT count(*) FROM units WHERE parent_code = '058' AND level = 3");
    assert_true(want1 > 20);
    assert_int_equal(sql_int("SELECT count(*) FROM tasks t JOIN directive_items i ON i.id ="
                             " t.item_id WHERE i.label = '1' AND t.doc_id = %lld",
                             (long long)doc_city),
                     want1);
    /* item 2: the health centre leads, due 20/11; "Sở Y tế tỉnh" is kept unmatched */
    assert_int_equal(sql_int("SELECT count(*) FROM tasks t JOIN agencies a ON a.id = t.agency_id"
                             " WHERE t.doc_id = %lld AND a.name LIKE 'Trung tâm Y tế%%' AND"
                             " t.role = 'lead' AND t.due_date = '2021-11-20'",
                             (long long)doc_city),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM directive_mentions WHERE doc_id = %lld AND"
                             " agency_id IS NULL AND group_kind IS NULL",
                             (long long)doc_city),
                     1);
    /* item 3: the abbreviation found the office of culture */
    assert_int_equal(sql_int("SELECT count(*) FROM tasks t JOIN agencies a ON a.id = t.agency_id"
                             " JOIN directive_items i ON i.id = t.item_id WHERE i.label = '3' AND"
                             " a.name = 'Phòng Văn hóa và Thông tin' AND t.doc_id = %lld",
                             (long long)doc_city),
                     1);
    /* the same dispatch again: refused, nothing added */
    int64_t again = 0, before = sql_int("SELECT count(*) FROM tasks");
    assert_int_equal(pd_directive_save(db, &district, "x", d, &again, &err), PD_ECONFLICT);
    assert_string_equal(err.field, "number");
    assert_int_equal(sql_int("SELECT count(*) FROM tasks"), before);
    json_decref(d);
}

static void test_stub_filled_and_chain(void **state)
{
    (void)state;
    int64_t stub = sql_int("SELECT id FROM directive_docs WHERE number = '7572/UBND-VXNV'");
    json_t *d =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:[o], s:[]}", "issuer",
                  "ỦY BAN NHÂN DÂN TỈNH BẮC KẠN", "number", "7572/UBND-VXNV", "date", "10/11/2021",
                  "type", "Văn bản", "subject", "V/v thực hiện Công điện 8149", "references",
                  ref("Công điện", "8149/CĐ-VPCP", "2021-11-07", "Văn phòng Chính phủ"), "items");
    pd_err err;
    int rc = pd_directive_save(db, &province, "Số: 7572/UBND-VXNV", d, &doc_province, &err);
    if (rc != PD_OK)
        fail_msg("%s: %s", err.field, err.message);
    json_decref(d);
    assert_int_equal(doc_province, stub); /* the stub became the real document */
    assert_int_equal(sql_int("SELECT stub FROM directive_docs WHERE id = %lld", (long long)stub),
                     0);
    json_t *chain = NULL;
    assert_int_equal(pd_directive_chain(db, &commune, doc_province, &chain, &err), PD_OK);
    json_t *up = json_object_get(chain, "ancestors"), *down = json_object_get(chain, "descendants");
    assert_int_equal(json_array_size(up), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(up, 0), "number")),
                        "8149/CĐ-VPCP");
    assert_int_equal(json_array_size(down), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(down, 0), "id")), doc_city);
    json_decref(chain);
    /* from the Government's dispatch down: the province's, then the city's */
    int64_t gov = sql_int("SELECT id FROM directive_docs WHERE number = '8149/CĐ-VPCP'");
    assert_int_equal(pd_directive_chain(db, &district, gov, &chain, &err), PD_OK);
    assert_int_equal(json_array_size(json_object_get(chain, "descendants")), 2);
    json_decref(chain);
}

static void test_visibility(void **state)
{
    (void)state;
    json_t *j = NULL;
    pd_err err;
    assert_int_equal(pd_directive_get(db, &commune, doc_city, &j, &err), PD_OK); /* above it */
    assert_string_equal(json_string_value(json_object_get(j, "original_text")),
                        "Số 2233/UBND-VP ...");
    assert_int_equal(json_array_size(json_object_get(j, "items")), 3);
    json_decref(j);
    assert_int_equal(pd_directive_get(db, &viewer, doc_city, &j, &err), PD_OK);
    json_decref(j);
    assert_int_equal(pd_directive_get(db, &commune_060, doc_city, &j, &err), PD_ENOTFOUND);
    assert_int_equal(pd_directive_get(db, &district_060, doc_city, &j, &err), PD_ENOTFOUND);
    assert_int_equal(pd_directive_get(db, &district_060, doc_province, &j, &err), PD_OK);
    json_decref(j);
    json_t *list = NULL;
    assert_int_equal(pd_directive_list(db, &district_060, "", false, 0, &list, &err), PD_OK);
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
        assert_int_not_equal(json_integer_value(json_object_get(v, "id")), doc_city);
    json_decref(list);
    assert_int_equal(pd_directive_list(db, &commune, "2233", false, 0, &list, &err), PD_OK);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list);
}

/* An issuer not named by its unit is the importer's, never taken for a central body. */
static void test_unknown_issuer(void **state)
{
    (void)state;
    json_t *d =
        json_pack("{s:s, s:s, s:s, s:s, s:[]}", "issuer", "BAN CHỈ ĐẠO PHÒNG, CHỐNG DỊCH COVID-19",
                  "number", "12/TB-BCĐ", "date", "2021-11-16", "type", "thong_bao", "items");
    pd_err err;
    int64_t id = 0;
    assert_int_equal(pd_directive_save(db, &commune, "Thông báo 12/TB-BCĐ", d, &id, &err), PD_OK);
    json_decref(d);
    assert_int_equal(sql_int("SELECT issuer_unit = '01834' AND type = 'Thông báo' FROM"
                             " directive_docs WHERE id = %lld",
                             (long long)id),
                     1);
    json_t *j = NULL;
    assert_int_equal(pd_directive_get(db, &commune_060, id, &j, &err), PD_ENOTFOUND);
    assert_int_equal(pd_directive_get(db, &district, id, &j, &err), PD_OK);
    json_decref(j);
}

static int64_t task_of(const char *agency_like, const char *label)
{
    return sql_int("SELECT t.id FROM tasks t JOIN agencies a ON a.id = t.agency_id JOIN"
                   " directive_items i ON i.id = t.item_id WHERE a.name LIKE '%s' AND i.label = "
                   "'%s' AND t.doc_id = %lld",
                   agency_like, label, (long long)doc_city);
}

static void test_tasks_scope_and_reports(void **state)
{
    (void)state;
    pd_err err;
    json_t *list = NULL;
    pd_tasks_query q = {0};
    assert_int_equal(pd_tasks_list(db, &commune, &q, &list, &err), PD_OK);
    /* the commune sees its own committee's task of item 1 and nothing of the city's offices */
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "unit_code")),
                        "01834");
    int64_t own = json_integer_value(json_object_get(json_array_get(list, 0), "id"));
    json_decref(list);
    assert_int_equal(own, sql_int("SELECT id FROM tasks WHERE unit_code = '01834'"));
    int64_t health = task_of("Trung tâm Y tế%", "2");
    int64_t rid = 0;
    assert_int_equal(pd_task_report(db, &team, own, "in_progress", 40, "Đã họp", &rid, &err),
                     PD_OK);
    assert_int_equal(pd_task_report(db, &commune, health, "done", 0, "", &rid, &err), PD_ENOTFOUND);
    assert_int_equal(pd_task_report(db, &viewer, health, "done", 0, "", &rid, &err), PD_EDENIED);
    assert_int_equal(pd_task_report(db, &district, health, "finished", 0, "", &rid, &err),
                     PD_EINVAL);
    assert_string_equal(err.field, "status");
    pd_actor police = actor_at(PD_ROLE_POLICE, PD_SCOPE_DISTRICT, "058");
    assert_int_equal(pd_task_report(db, &police, health, "done", 0, "", &rid, &err), PD_EDENIED);
    int64_t ca = task_of("Công an thành phố", "1");
    assert_int_equal(
        pd_task_report(db, &police, ca, "in_progress", 30, "Đang kiểm tra", &rid, &err), PD_OK);
    assert_int_equal(pd_task_report(db, &district, health, "done", 10, "Xong", &rid, &err), PD_OK);
    assert_int_equal(sql_int("SELECT progress FROM tasks WHERE id = %lld", (long long)health), 100);
    /* a file on the report, read back byte for byte */
    const char bytes[] = "bien ban\0hop\xff";
    int64_t fid = 0;
    assert_int_equal(pd_task_attach(db, &district, health, rid, "../bien-ban.pdf",
                                    "application/pdf", bytes, sizeof bytes, &fid, &err),
                     PD_OK);
    char name[256], type[128];
    char *data = NULL;
    size_t size = 0;
    assert_int_equal(pd_task_file(db, &viewer, fid, name, type, &data, &size, &err), PD_OK);
    assert_string_equal(name, "bien-ban.pdf");
    assert_int_equal(size, sizeof bytes);
    assert_memory_equal(data, bytes, sizeof bytes);
    free(data);
    assert_int_equal(pd_task_file(db, &commune_060, fid, name, type, &data, &size, &err),
                     PD_ENOTFOUND);
    /* the report is on the task with its file */
    json_t *t = NULL;
    assert_int_equal(pd_task_get(db, &district, health, &t, &err), PD_OK);
    assert_string_equal(json_string_value(json_object_get(t, "status")), "done");
    json_t *r0 = json_array_get(json_object_get(t, "reports"), 0);
    assert_int_equal(json_array_size(json_object_get(r0, "files")), 1);
    json_decref(t);
}

static void test_overdue(void **state)
{
    (void)state;
    pd_err err;
    int64_t culture = task_of("Phòng Văn hóa%", "3");
    assert_int_equal(pd_task_set_due(db, &commune, culture, "2021-11-14", &err), PD_ENOTFOUND);
    assert_int_equal(pd_task_set_due(db, &district, culture, "31/02/2021", &err), PD_EINVAL);
    assert_int_equal(pd_task_set_due(db, &district, culture, "14/11/2021", &err), PD_OK);
    pd_tasks_query q = {0};
    q.overdue = true;
    json_t *list = NULL;
    assert_int_equal(pd_tasks_list(db, &district, &q, &list, &err), PD_OK);
    /* oracle: the same condition in SQL against the clock's day */
    assert_int_equal((int64_t)json_array_size(list),
                     sql_int("SELECT count(*) FROM tasks WHERE status <> 'done' AND due_date <"
                             " '2021-11-15' AND district_code = '058'"));
    bool seen = false;
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        assert_string_equal(json_string_value(json_object_get(v, "status")), "overdue");
        seen = seen || json_integer_value(json_object_get(v, "id")) == culture;
    }
    assert_true(seen);
    json_decref(list);
    int64_t rid;
    assert_int_equal(pd_task_report(db, &district, culture, "done", 100, "", &rid, &err), PD_OK);
    assert_int_equal(pd_tasks_list(db, &district, &q, &list, &err), PD_OK);
    json_array_foreach(list, i, v)
        assert_int_not_equal(json_integer_value(json_object_get(v, "id")), culture);
    json_decref(list);
}

static void test_map_mention(void **state)
{
    (void)state;
    pd_err err;
    int64_t m = sql_int("SELECT id FROM directive_mentions WHERE text = 'Sở Y tế tỉnh'");
    int64_t phong_yte = sql_int("SELECT id FROM agencies WHERE dir_unit = '058' AND name = "
                                "'Phòng Y tế'");
    int added = 0;
    assert_int_equal(pd_directive_map_mention(db, &commune_060, m, phong_yte, &added, &err),
                     PD_ENOTFOUND);
    assert_int_equal(pd_directive_map_mention(db, &district, m, phong_yte, &added, &err), PD_OK);
    assert_int_equal(added, 1);
    assert_int_equal(pd_directive_map_mention(db, &district, m, phong_yte, &added, &err),
                     PD_ECONFLICT);
    /* learned: the next dispatch naming it finds it */
    int64_t ids[4];
    bool group;
    assert_int_equal(pd_agency_match(db, "058", "Sở Y tế tỉnh", ids, 4, &group, &err), 1);
    assert_int_equal(ids[0], phong_yte);
}

static void test_xlsx(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/tasks.xlsx", dir);
    pd_tasks_query q = {0};
    q.doc_id = doc_city;
    int rows = 0;
    pd_err err;
    assert_int_equal(pd_tasks_xlsx(db, &district, &q, path, &rows, &err), PD_OK);
    assert_int_equal(
        rows, sql_int("SELECT count(*) FROM tasks WHERE doc_id = %lld", (long long)doc_city));
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    assert_non_null(z);
    assert_true(zip_name_locate(z, "xl/worksheets/sheet1.xml", 0) >= 0);
    zip_close(z);
    assert_int_equal(pd_tasks_xlsx(db, &commune_060, &q, path, &rows, &err), PD_ENOTFOUND);
}

/* Reads one member of a zip held in memory, NUL-terminated. */
static char *zip_member(const char *data, size_t size, const char *name)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, size, 0, &ze);
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    assert_non_null(z);
    zip_stat_t st;
    assert_int_equal(zip_stat(z, name, 0, &st), 0);
    char *out = calloc(1, st.size + 1);
    zip_file_t *f = zip_fopen(z, name, 0);
    assert_int_equal(zip_fread(f, out, st.size), (zip_int64_t)st.size);
    zip_fclose(f);
    zip_close(z);
    return out;
}

static void test_draft_docx(void **state)
{
    (void)state;
    pd_err err;
    json_t *d = NULL;
    assert_int_equal(pd_directive_draft(db, &viewer, doc_city, &d, &err), PD_EDENIED);
    assert_int_equal(pd_directive_draft(db, &commune, doc_city, &d, &err), PD_OK);
    /* the commune implements the city's dispatch: its own name heads the draft */
    assert_string_equal(json_string_value(json_array_get(json_object_get(d, "issuer_lines"), 1)),
                        "PHƯỜNG NGUYỄN THỊ MINH KHAI");
    assert_non_null(
        strstr(json_string_value(json_object_get(d, "basis")),
               "Thực hiện Công văn số 2233/UBND-VP ngày 15/11/2021 của UBND thành phố Bắc Kạn về"));
    assert_non_null(strstr(json_string_value(json_object_get(d, "basis")),
                           "Ủy ban nhân dân Phường Nguyễn Thị Minh Khai đề nghị"));
    assert_int_equal(json_array_size(json_object_get(d, "items")), 3);
    json_object_set_new(d, "closing", json_string("Đề nghị <thực hiện> & báo cáo./."));
    char *data = NULL;
    size_t size = 0;
    assert_int_equal(pd_draft_docx(d, &data, &size, &err), PD_OK);
    json_decref(d);
    assert_memory_equal(data, "PK", 2);
    char *xml = zip_member(data, size, "word/document.xml");
    char *types = zip_member(data, size, "[Content_Types].xml");
    free(data);
    assert_non_null(strstr(types, "wordprocessingml.document.main+xml"));
    free(types);
    XML_Parser p = XML_ParserCreate("UTF-8");
    assert_int_equal(XML_Parse(p, xml, (int)strlen(xml), 1), XML_STATUS_OK); /* well formed */
    XML_ParserFree(p);
    assert_non_null(strstr(xml, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert_non_null(strstr(xml, "Đề nghị &lt;thực hiện&gt; &amp; báo cáo./."));
    assert_non_null(strstr(xml, "Nơi nhận:"));
    free(xml);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agency_keys),
        cmocka_unit_test(test_due_dates),
        cmocka_unit_test(test_save_city),
        cmocka_unit_test(test_stub_filled_and_chain),
        cmocka_unit_test(test_visibility),
        cmocka_unit_test(test_unknown_issuer),
        cmocka_unit_test(test_tasks_scope_and_reports),
        cmocka_unit_test(test_overdue),
        cmocka_unit_test(test_map_mention),
        cmocka_unit_test(test_xlsx),
        cmocka_unit_test(test_draft_docx),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
