/* Unit tests of health declarations (src/declare/): validation messages, matching a declaration to
 * a registry person (by id number, else phone + name, within scope; registry data never
 * overwritten, disagreements flagged for review), personal tokens (format, hashing, revocation),
 * the alert rules (symptoms, exposures, outbreak areas on the day of the visit or declaration), the
 * worklist's scope and actions, outbreak marking permissions, lists, ingest replay and the
 * dashboard figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "declare/declare.h"
#include "people/people.h"
#include "store/db.h"
#include "units/units.h"

#define T0 1636939800 /* 2021-11-15 08:30 in Hanoi */

static char dir[256], db_path[512], area[16];
static sqlite3 *db;
static pd_actor admin, c1834, c1837, d058, d060, p01, team1834, viewer;

static pd_actor actor_at(pd_role role, pd_scope_level level, const char *code, const char *name)
{
    pd_actor a;
    memset(&a, 0, sizeof a);
    a.role = role;
    a.scope_level = level;
    a.user_id = 0;
    snprintf(a.scope_code, sizeof a.scope_code, "%s", code);
    snprintf(a.username, sizeof a.username, "%s", name);
    snprintf(a.ip, sizeof a.ip, "192.0.2.1");
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

/* The text of the first column of the first row ("" if none), copied into out. */
static const char *sql_text(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static const char *sql_text(char *out, size_t cap, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    sqlite3_stmt *st = NULL;
    out[0] = '\0';
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

static int group_setup(void **state)
{
    (void)state;
    char v[32];
    snprintf(v, sizeof v, "%d", T0);
    setenv("PHONGDICH_NOW", v, 1);
    if (pd_test_make_dir(dir, sizeof dir, "pd_declare") != 0)
        return -1;
    snprintf(db_path, sizeof db_path, "%s/declare.db", dir);
    pd_err err;
    db = pd_db_open(db_path, &err);
    if (!db)
        return -1;
    sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    int loaded;
    if (pd_units_init(db, &loaded, &err) != PD_OK)
        return -1;
    admin = pd_actor_cli();
    c1834 = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01834", "xa.1834");
    c1837 = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01837", "xa.1837");
    d058 = actor_at(PD_ROLE_DISTRICT, PD_SCOPE_DISTRICT, "058", "huyen.058");
    d060 = actor_at(PD_ROLE_DISTRICT, PD_SCOPE_DISTRICT, "060", "huyen.060");
    p01 = actor_at(PD_ROLE_PROVINCE, PD_SCOPE_PROVINCE, "01", "tinh.01");
    team1834 = actor_at(PD_ROLE_TEAM, PD_SCOPE_COMMUNE, "01834", "to.1834");
    viewer = actor_at(PD_ROLE_VIEWER, PD_SCOPE_COUNTRY, "", "xem");
    pd_unit u;
    if (pd_area_add(db, &admin, "01834", "Tổ dân phố 7", "Tổ dân phố", &u, &err) != PD_OK)
        return -1;
    snprintf(area, sizeof area, "%s", u.code);
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

/* ---- Helpers -------------------------------------------------------------------------------- */

static pd_declaration_in typed(const char *name, const char *year, const char *sex, const char *id,
                               const char *phone, const char *unit)
{
    pd_declaration_in in;
    pd_declaration_init(&in);
    snprintf(in.person.full_name, sizeof in.person.full_name, "%s", name);
    snprintf(in.person.birth_date, sizeof in.person.birth_date, "%s", year);
    snprintf(in.person.sex, sizeof in.person.sex, "%s", sex);
    snprintf(in.person.id_number, sizeof in.person.id_number, "%s", id);
    snprintf(in.person.phone, sizeof in.person.phone, "%s", phone);
    snprintf(in.person.unit_code, sizeof in.person.unit_code, "%s", unit);
    return in;
}

static void add_place(pd_declaration_in *in, const char *unit, const char *date)
{
    pd_place_visit *p = &in->places[in->nplaces++];
    snprintf(p->unit_code, sizeof p->unit_code, "%s", unit);
    snprintf(p->place, sizeof p->place, "Chợ");
    snprintf(p->date, sizeof p->date, "%s", date);
}

/* Validates and records one declaration as actor (the ingest path), in its own transaction. */
static pd_declaration_out record_as(const pd_actor *actor, pd_declaration_in *in)
{
    pd_field_errors errs = {0};
    pd_declaration_out out;
    pd_err err;
    if (pd_declaration_normalize(db, in, false, &errs) != PD_OK)
        fail_msg("invalid declaration: %s %s", errs.items[0].field, errs.items[0].message);
    assert_int_equal(pd_db_begin(db, &err), PD_OK);
    if (pd_declaration_record(db, actor, in, &out, &err) != PD_OK)
        fail_msg("record: %s", err.message);
    assert_int_equal(pd_db_commit(db, &err), PD_OK);
    return out;
}

/* A registry person created by the CLI admin; returns the id. */
static int64_t registry(const char *name, const char *birth, const char *sex, const char *id,
                        const char *phone, const char *unit)
{
    pd_person p;
    memset(&p, 0, sizeof p);
    snprintf(p.full_name, sizeof p.full_name, "%s", name);
    snprintf(p.birth_date, sizeof p.birth_date, "%s", birth);
    snprintf(p.sex, sizeof p.sex, "%s", sex);
    snprintf(p.id_number, sizeof p.id_number, "%s", id);
    snprintf(p.phone, sizeof p.phone, "%s", phone);
    snprintf(p.unit_code, sizeof p.unit_code, "%s", unit);
    pd_field_errors errs;
    pd_duplicates dups;
    pd_err err;
    if (pd_person_create(db, &admin, &p, true, &errs, &dups, &err) != PD_OK)
        fail_msg("create %s: %s", name, err.message);
    return p.id;
}

static bool has_error(const pd_field_errors *errs, const char *field)
{
    for (int i = 0; i < errs->count; i++)
        if (strcmp(errs->items[i].field, field) == 0)
            return true;
    return false;
}

static int64_t people_count(void)
{
    return sql_int("SELECT count(*) FROM people");
}

/* ---- Tests ---------------------------------------------------------------------------------- */

static void test_bits_and_tokens(void **state)
{
    (void)state;
    assert_int_equal(pd_symptom_bit("fever"), PD_SYM_FEVER);
    assert_int_equal(pd_symptom_bit("diarrhoea"), PD_SYM_DIARRHOEA);
    assert_int_equal(pd_symptom_bit("sneezing"), 0);
    assert_int_equal(pd_exposure_bit("contact"), PD_EXP_CONTACT);
    assert_int_equal(pd_exposure_bit(NULL), 0);
    for (int i = 0; i < PD_SYM_COUNT; i++)
        assert_int_equal(pd_symptom_bit(pd_symptom_names[i]), 1 << i);

    char t[PD_TOKEN_CHARS + 1], disp[40], hex[65];
    assert_true(pd_token_normalize("abcd-efgh-jkmn-pqrs-tvwx-yz01-23", t)); /* 26 characters */
    assert_string_equal(t, "ABCDEFGHJKMNPQRSTVWXYZ0123");
    assert_false(pd_token_normalize("abcd", t));
    assert_true(pd_token_normalize("oOiI lL00 0000 0000 0000 0000 00", t));
    assert_string_equal(t, "00111100000000000000000000");
    assert_false(
        pd_token_normalize("U0000000000000000000000000", t)); /* U is not in the alphabet */
    assert_false(pd_token_normalize("000000000000000000000000000", t)); /* 27 */
    pd_token_display("0123456789ABCDEFGHJKMNPQRS", disp, sizeof disp);
    assert_string_equal(disp, "0123-4567-89AB-CDEF-GHJK-MNPQ-RS");
    pd_token_hash("abc", hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_validation_messages(void **state)
{
    (void)state;
    pd_declaration_in in = typed("Trần Thị Bình", "", "", "", "", "01834");
    pd_field_errors errs = {0};
    /* The public form needs birth year, sex and a phone number. */
    assert_int_equal(pd_declaration_normalize(db, &in, true, &errs), PD_EINVAL);
    assert_true(has_error(&errs, "birth_year"));
    assert_true(has_error(&errs, "sex"));
    assert_true(has_error(&errs, "phone"));
    /* Staff may leave them out. */
    in = typed("Trần Thị Bình", "", "", "", "", "01834");
    errs.count = 0;
    assert_int_equal(pd_declaration_normalize(db, &in, false, &errs), PD_OK);

    in = typed("Trần Thị 9", "1800", "F", "006090000001", "0123", "99999");
    in.symptoms = 1 << 9;
    in.vaccine_doses = 11;
    add_place(&in, "01837", "2021-10-01"); /* more than 14 days before 15/11/2021 */
    add_place(&in, "01837", "2021-11-16"); /* after the declaration */
    add_place(&in, "77777", "2021-11-14");
    errs.count = 0;
    assert_int_equal(pd_declaration_normalize(db, &in, true, &errs), PD_EINVAL);
    const char *fields[] = {"full_name",     "birth_year", "phone",     "unit_code", "symptoms",
                            "vaccine_doses", "places[0]",  "places[1]", "places[2]"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (!has_error(&errs, fields[i]))
            fail_msg("no error for %s", fields[i]);
    for (int i = 0; i < errs.count; i++)
        assert_true(strlen(errs.items[i].message) > 10); /* a sentence, in Vietnamese */

    /* A CCCD that contradicts the birth year is refused, naming the field. */
    in = typed("Lê Văn Cường", "1985", "M", "006090000001", "0912000001", "01834");
    errs.count = 0;
    assert_int_equal(pd_declaration_normalize(db, &in, true, &errs), PD_EINVAL);
    assert_true(has_error(&errs, "id_number"));

    /* Valid: normalised phone, a thôn/tổ given as the unit moves to area_code, dates rewritten. */
    in = typed("  lê   văn cường ", "1990", "m", "006090000001", "+84 912 000 001", area);
    add_place(&in, "01837", "14/11/2021");
    errs.count = 0;
    assert_int_equal(pd_declaration_normalize(db, &in, true, &errs), PD_OK);
    assert_string_equal(in.person.phone, "0912000001");
    assert_string_equal(in.person.unit_code, "01834");
    assert_string_equal(in.person.area_code, area);
    assert_string_equal(in.person.sex, "M");
    assert_string_equal(in.places[0].date, "2021-11-14");
}

static void test_matching_rules(void **state)
{
    (void)state;
    int64_t an = registry("Phạm Văn An", "1990-02-03", "M", "006090000101", "0912000101", "01834");
    int64_t before = people_count();

    /* Same id number and identity: the registry person, nothing created, nothing flagged. */
    pd_declaration_in in = typed("PHAM VAN AN", "1990", "M", "006090000101", "0912999999", "01834");
    pd_declaration_out out = record_as(&admin, &in);
    assert_int_equal(out.person_id, an);
    assert_false(out.person_created);
    assert_false(out.needs_review);
    assert_int_equal(out.alert_id, 0);
    assert_int_equal(people_count(), before);

    /* No id number: phone + name (folded) finds them. */
    in = typed("Phạm Văn An", "1990", "M", "", "0912000101", "01834");
    out = record_as(&admin, &in);
    assert_int_equal(out.person_id, an);
    assert_int_equal(people_count(), before);

    /* Same phone, another name: a relative, a new person. */
    in = typed("Phạm Thị Hoa", "", "F", "", "0912000101", "01834");
    out = record_as(&admin, &in);
    assert_true(out.person_created);
    assert_int_not_equal(out.person_id, an);
    assert_int_equal(people_count(), before + 1);
    /* Same phone and name, another birth year: another person again (a namesake). */
    in = typed("Phạm Văn An", "2012", "M", "", "0912000101", "01834");
    out = record_as(&admin, &in);
    assert_true(out.person_created);
    assert_int_not_equal(out.person_id, an);
    before++;

    /* Same phone and name but another id number: not the same person either. */
    in = typed("Phạm Văn An", "1990", "M", "006090000102", "0912000101", "01834");
    out = record_as(&admin, &in);
    assert_true(out.person_created);
    assert_int_equal(people_count(), before + 2);

    /* Same id number, another name: kept on the registry person, flagged, registry untouched. */
    char text[600];
    in = typed("Hoàng Văn Lạ", "1990", "M", "006090000101", "0988000000", "01837");
    out = record_as(&admin, &in);
    assert_int_equal(out.person_id, an);
    assert_true(out.needs_review);
    assert_int_not_equal(out.alert_id, 0);
    assert_string_equal(
        sql_text(text, sizeof text, "SELECT full_name FROM people WHERE id = %lld", (long long)an),
        "Phạm Văn An");
    assert_string_equal(
        sql_text(text, sizeof text, "SELECT phone FROM people WHERE id = %lld", (long long)an),
        "0912000101");
    assert_int_equal(people_count(), before + 2);
    sql_text(text, sizeof text, "SELECT note FROM declarations WHERE id = %lld",
             (long long)out.declaration_id);
    assert_non_null(strstr(text, "Hoàng Văn Lạ"));
    sql_text(text, sizeof text, "SELECT reason FROM alerts WHERE id = %lld",
             (long long)out.alert_id);
    assert_string_equal(text, "review");
    /* Filed under the declared residence (01837), where the typed address is. */
    sql_text(text, sizeof text, "SELECT unit_code FROM alerts WHERE id = %lld",
             (long long)out.alert_id);
    assert_string_equal(text, "01837");

    /* A different birth year with the same id number is flagged too. */
    in = typed("Phạm Văn An", "1991", "M", "006091000101", "", "01834");
    out = record_as(&admin, &in);
    assert_true(out.person_created); /* another id number: no match */
    in = typed("Phạm Văn An", "1990", "", "006090000101", "", "01834");
    out = record_as(&admin, &in);
    assert_false(out.needs_review); /* sex left out: not a disagreement */
}

static void test_matching_stays_in_scope(void **state)
{
    (void)state;
    int64_t binh = registry("Đỗ Thị Bình", "1988", "F", "006188000201", "0912000201", "01834");
    pd_declaration_in in = typed("Đỗ Thị Bình", "1988", "F", "006188000201", "0912000201", "01837");
    pd_declaration_out out;
    pd_field_errors errs;
    pd_err err;
    /* Staff of 01837 cannot see the 01834 record: they get a new person of their own. */
    assert_int_equal(pd_declare_assist(db, &c1837, &in, &out, &errs, &err), PD_OK);
    assert_true(out.person_created);
    assert_int_not_equal(out.person_id, binh);
    /* The district sees both communes: the registry person. */
    in = typed("Đỗ Thị Bình", "1988", "F", "006188000201", "0912000201", "01837");
    assert_int_equal(pd_declare_assist(db, &d058, &in, &out, &errs, &err), PD_OK);
    assert_int_equal(out.person_id, binh);
    /* Staff declare only for residences and people in scope. */
    in = typed("Đỗ Thị Bình", "1988", "F", "", "", "01834");
    assert_int_equal(pd_declare_assist(db, &c1837, &in, &out, &errs, &err), PD_EINVAL);
    assert_string_equal(err.field, "unit_code");
    pd_declaration_init(&in);
    in.person_id = binh;
    assert_int_equal(pd_declare_assist(db, &c1837, &in, &out, &errs, &err), PD_ENOTFOUND);
    pd_declaration_init(&in);
    in.person_id = 987654321;
    assert_int_equal(pd_declare_assist(db, &c1837, &in, &out, &errs, &err), PD_ENOTFOUND);
    pd_declaration_init(&in);
    in.person_id = binh;
    assert_int_equal(pd_declare_assist(db, &viewer, &in, &out, &errs, &err), PD_EDENIED);
    /* The team may declare for a resident; the residence defaults to the registry's. */
    assert_int_equal(pd_declare_assist(db, &team1834, &in, &out, &errs, &err), PD_OK);
    assert_int_equal(out.person_id, binh);
    char text[64];
    assert_string_equal(sql_text(text, sizeof text,
                                 "SELECT via || ',' || unit_code FROM declarations WHERE id = %lld",
                                 (long long)out.declaration_id),
                        "staff,01834");
}

static void test_tokens_issue_and_revoke(void **state)
{
    (void)state;
    pd_declaration_in in = typed("Vũ Minh Khánh", "1995", "M", "", "0912000301", area);
    char token[PD_TOKEN_CHARS + 1], again[PD_TOKEN_CHARS + 1], hash[65], text[80];
    int64_t at, pid;
    pd_field_errors errs;
    pd_err err;
    assert_int_equal(pd_declare_public(db, "198.51.100.7", &in, "", token, &at, &errs, &err),
                     PD_OK);
    assert_int_equal(at, T0);
    assert_int_equal(strlen(token), PD_TOKEN_CHARS);
    assert_int_equal(pd_token_resolve(db, token, &pid, &err), PD_OK);
    assert_int_equal(sql_int("SELECT count(*) FROM declarations WHERE person_id = %lld AND via ="
                             " 'self'",
                             (long long)pid),
                     1);
    /* Only the hash is stored. */
    pd_token_hash(token, hash);
    assert_int_equal(sql_int("SELECT count(*) FROM person_tokens WHERE token_hash = '%s'", hash),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM person_tokens WHERE token_hash = '%s'", token),
                     0);
    /* The audit entry names the public, from the client address. */
    sql_text(text, sizeof text,
             "SELECT username || ' ' || ip FROM audit_log WHERE entity ="
             " 'declaration' ORDER BY id DESC LIMIT 1");
    assert_string_equal(text, "public 198.51.100.7");

    /* Declaring again with the token the page holds keeps it; lower case and dashes are fine. */
    char typed_token[40];
    pd_token_display(token, typed_token, sizeof typed_token);
    for (char *c = typed_token; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    in = typed("Vũ Minh Khánh", "1995", "M", "", "0912000301", area);
    assert_int_equal(
        pd_declare_public(db, "198.51.100.7", &in, typed_token, again, &at, &errs, &err), PD_OK);
    assert_string_equal(again, token);
    /* Someone else's token is not kept: a new one for this person. */
    in = typed("Ngô Thị Lan", "1970", "F", "", "0912000302", "01834");
    assert_int_equal(pd_declare_public(db, "198.51.100.7", &in, token, again, &at, &errs, &err),
                     PD_OK);
    assert_string_not_equal(again, token);
    int64_t other;
    assert_int_equal(pd_token_resolve(db, again, &other, &err), PD_OK);
    assert_int_not_equal(other, pid);

    /* Daily re-declaration: filed under the residence of the last full declaration (the area). */
    pd_declaration_in daily;
    pd_declaration_init(&daily);
    daily.symptoms = PD_SYM_COUGH;
    assert_int_equal(pd_declare_daily(db, "198.51.100.7", token, &daily, &at, &errs, &err), PD_OK);
    char want[40];
    snprintf(want, sizeof want, "daily,%s", area);
    sql_text(
        text, sizeof text,
        "SELECT kind || ',' || coalesce(area_code, '') FROM declarations WHERE person_id = %lld"
        " ORDER BY id DESC LIMIT 1",
        (long long)pid);
    assert_string_equal(text, want);

    /* Staff issue a new token: the old one stops working. */
    char fresh[PD_TOKEN_CHARS + 1];
    assert_int_equal(pd_token_issue(db, &c1837, pid, fresh, &err), PD_ENOTFOUND); /* outside */
    assert_int_equal(pd_token_issue(db, &viewer, pid, fresh, &err), PD_EDENIED);
    assert_int_equal(pd_token_issue(db, &team1834, pid, fresh, &err), PD_OK);
    assert_int_equal(pd_token_resolve(db, token, &other, &err), PD_ENOTFOUND);
    assert_int_equal(pd_declare_daily(db, "198.51.100.7", token, &daily, &at, &errs, &err),
                     PD_ENOTFOUND);
    assert_int_equal(pd_token_resolve(db, fresh, &other, &err), PD_OK);
    assert_int_equal(other, pid);
    int live;
    int64_t last;
    assert_int_equal(pd_token_status(db, &c1834, pid, &live, &last, &err), PD_OK);
    assert_int_equal(live, 1);
    assert_int_equal(last, T0);

    /* Revoking every token. */
    int revoked;
    assert_int_equal(pd_token_revoke_all(db, &c1837, pid, &revoked, &err), PD_ENOTFOUND);
    assert_int_equal(pd_token_revoke_all(db, &c1834, pid, &revoked, &err), PD_OK);
    assert_int_equal(revoked, 1);
    assert_int_equal(pd_token_resolve(db, fresh, &other, &err), PD_ENOTFOUND);
    assert_int_equal(pd_token_resolve(db, "not a token", &other, &err), PD_ENOTFOUND);
    assert_int_equal(pd_token_status(db, &c1834, pid, &live, &last, &err), PD_OK);
    assert_int_equal(live, 0);
}

static void test_outbreak_marking(void **state)
{
    (void)state;
    pd_outbreak_area a;
    pd_err err;
    memset(&a, 0, sizeof a);
    snprintf(a.unit_code, sizeof a.unit_code, "01837");
    assert_int_equal(pd_outbreak_add(db, &c1837, &a, &err), PD_EDENIED);  /* communes may not */
    assert_int_equal(pd_outbreak_add(db, &d060, &a, &err), PD_ENOTFOUND); /* another district */
    snprintf(a.unit_code, sizeof a.unit_code, "06");
    assert_int_equal(pd_outbreak_add(db, &d058, &a, &err), PD_ENOTFOUND); /* above its scope */
    snprintf(a.unit_code, sizeof a.unit_code, "01837");
    snprintf(a.from_date, sizeof a.from_date, "31/02/2021");
    assert_int_equal(pd_outbreak_add(db, &d058, &a, &err), PD_EINVAL);
    assert_string_equal(err.field, "from_date");
    snprintf(a.from_date, sizeof a.from_date, "12/11/2021");
    snprintf(a.to_date, sizeof a.to_date, "2021-11-10");
    assert_int_equal(pd_outbreak_add(db, &d058, &a, &err), PD_EINVAL);
    assert_string_equal(err.field, "to_date");
    a.to_date[0] = '\0';
    assert_int_equal(pd_outbreak_add(db, &d058, &a, &err), PD_OK);
    assert_string_equal(a.from_date, "2021-11-12");
    assert_string_equal(a.unit_name, "Phường Sông Cầu");
    int64_t id = a.id;
    /* Ending it: outside scope answers like a missing one. */
    pd_outbreak_area out;
    assert_int_equal(pd_outbreak_end(db, &d060, id, "", &out, &err), PD_ENOTFOUND);
    assert_int_equal(pd_outbreak_end(db, &d058, 987654, "", &out, &err), PD_ENOTFOUND);
    assert_int_equal(pd_outbreak_end(db, &d058, id, "2021-11-11", &out, &err), PD_EINVAL);
    assert_int_equal(pd_outbreak_end(db, &d058, id, "", &out, &err), PD_OK);
    assert_string_equal(out.to_date, "2021-11-15");
    /* A marking that ended on an earlier day cannot be ended again. */
    memset(&a, 0, sizeof a);
    snprintf(a.unit_code, sizeof a.unit_code, "01837");
    snprintf(a.from_date, sizeof a.from_date, "2021-11-01");
    snprintf(a.to_date, sizeof a.to_date, "2021-11-02");
    assert_int_equal(pd_outbreak_add(db, &admin, &a, &err), PD_OK);
    assert_int_equal(pd_outbreak_end(db, &d058, a.id, "", &out, &err), PD_ECONFLICT);
    /* Cleanup: the alert tests below set their own markings. */
    sqlite3_exec(db, "DELETE FROM outbreak_areas", NULL, NULL, NULL);
}

/* Records a declaration of nothing but one visited place, for a new person; returns the alert id.
 */
static int64_t visit_alert(const char *who, const char *unit, const char *date)
{
    pd_declaration_in in = typed(who, "1980", "F", "", "", "01834");
    add_place(&in, unit, date);
    return record_as(&admin, &in).alert_id;
}

static void mark(const char *unit, const char *from, const char *to)
{
    pd_outbreak_area a;
    pd_err err;
    memset(&a, 0, sizeof a);
    snprintf(a.unit_code, sizeof a.unit_code, "%s", unit);
    snprintf(a.from_date, sizeof a.from_date, "%s", from);
    snprintf(a.to_date, sizeof a.to_date, "%s", to);
    if (pd_outbreak_add(db, &admin, &a, &err) != PD_OK)
        fail_msg("mark %s: %s", unit, err.message);
}

static void test_alert_rules(void **state)
{
    (void)state;
    char text[2100];
    /* Nothing to say: no alert. */
    pd_declaration_in in = typed("Lý Văn Quang", "1975", "M", "", "", "01834");
    in.exposures = PD_EXP_ANIMAL_MARKET;
    pd_declaration_out out = record_as(&admin, &in);
    assert_int_equal(out.alert_id, 0);

    /* A symptom: an alert for the residence's commune, in words. */
    in = typed("Lý Văn Quang", "1975", "M", "", "", "01834");
    in.symptoms = PD_SYM_FEVER | PD_SYM_TASTE_SMELL;
    out = record_as(&admin, &in);
    assert_int_not_equal(out.alert_id, 0);
    sql_text(text, sizeof text,
             "SELECT reason || '|' || unit_code || '|' || detail FROM alerts"
             " WHERE id = %lld",
             (long long)out.alert_id);
    assert_string_equal(text, "symptoms|01834|15/11/2021: Có triệu chứng: sốt, mất vị giác hoặc"
                              " khứu giác.");
    /* Another declaration of the same person extends the open alert instead of a second one. */
    int64_t first = out.alert_id;
    pd_declaration_in more;
    pd_declaration_init(&more);
    more.daily = true;
    more.person_id = out.person_id;
    more.exposures = PD_EXP_CONTACT;
    out = record_as(&admin, &more);
    assert_int_equal(out.alert_id, first);
    sql_text(text, sizeof text, "SELECT reason FROM alerts WHERE id = %lld", (long long)first);
    assert_string_equal(text, "symptoms,exposure");
    assert_int_equal(
        sql_int("SELECT count(*) FROM alerts WHERE person_id = %lld", (long long)out.person_id), 1);
    assert_int_equal(sql_int("SELECT declaration_id FROM alerts WHERE id = %lld", (long long)first),
                     out.declaration_id);

    /* Visited places count on the day of the visit: 01837 is an outbreak area 10-12/11 only. */
    mark("01837", "2021-11-10", "2021-11-12");
    assert_int_equal(visit_alert("Khách Một", "01837", "2021-11-09"), 0);
    int64_t hit = visit_alert("Khách Hai", "01837", "2021-11-10");
    assert_int_not_equal(hit, 0);
    sql_text(text, sizeof text, "SELECT reason || '|' || detail FROM alerts WHERE id = %lld",
             (long long)hit);
    assert_non_null(strstr(text, "outbreak_area|"));
    assert_non_null(strstr(text, "Phường Sông Cầu"));
    assert_non_null(strstr(text, "10/11/2021"));
    assert_int_not_equal(visit_alert("Khách Ba", "01837", "2021-11-12"), 0);
    assert_int_equal(visit_alert("Khách Bốn", "01837", "2021-11-13"), 0);
    /* Living there on the day of declaring (15/11, after the end): no alert. */
    in = typed("Cư Dân Sông Cầu", "1970", "M", "", "", "01837");
    assert_int_equal(record_as(&admin, &in).alert_id, 0);

    /* A marked district covers its communes (an ancestor counts), open-ended markings too. */
    mark("060", "2021-11-03", "");
    assert_int_not_equal(visit_alert("Khách Năm", "01858", "2021-11-03"), 0);
    assert_int_equal(visit_alert("Khách Sáu", "01858", "2021-11-02"), 0);
    /* A marked thôn/tổ is not its commune: residents of the tổ get an alert, the rest do not. */
    mark(area, "2021-11-14", "");
    in = typed("Người Trong Tổ", "1960", "F", "", "", area);
    out = record_as(&admin, &in);
    assert_int_not_equal(out.alert_id, 0);
    sql_text(text, sizeof text, "SELECT detail FROM alerts WHERE id = %lld",
             (long long)out.alert_id);
    assert_non_null(strstr(text, "Nơi cư trú thuộc vùng dịch Tổ dân phố 7"));
    in = typed("Người Ngoài Tổ", "1960", "F", "", "", "01834");
    assert_int_equal(record_as(&admin, &in).alert_id, 0);
    sqlite3_exec(db, "DELETE FROM outbreak_areas", NULL, NULL, NULL);
}

typedef struct collect {
    int n;
    int64_t ids[64];
    char units[64][16];
} collect;

static int collect_alert(const pd_alert *a, void *ctx)
{
    collect *c = ctx;
    if (c->n < 64) {
        c->ids[c->n] = a->id;
        snprintf(c->units[c->n], sizeof c->units[0], "%s", a->unit_code);
        c->n++;
    }
    return 0;
}

static bool all_units(const collect *c, const char *unit)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->units[i], unit) != 0)
            return false;
    return true;
}

static int64_t symptom_alert(const char *who, const char *unit)
{
    pd_declaration_in in = typed(who, "1980", "M", "", "", unit);
    in.symptoms = PD_SYM_COUGH;
    return record_as(&admin, &in).alert_id;
}

static void test_worklist_scope_and_actions(void **state)
{
    (void)state;
    int64_t mine = symptom_alert("Người Xã Một", "01834");
    int64_t theirs = symptom_alert("Người Xã Hai", "01837");
    pd_alert_query q;
    memset(&q, 0, sizeof q);
    collect c = {0};
    bool more;
    pd_err err;
    assert_int_equal(pd_alerts_list(db, &c1834, &q, collect_alert, &c, &more, &err), PD_OK);
    assert_true(c.n > 0 && all_units(&c, "01834"));
    collect d = {0};
    assert_int_equal(pd_alerts_list(db, &d058, &q, collect_alert, &d, &more, &err), PD_OK);
    assert_true(d.n > c.n);
    collect none = {0};
    assert_int_equal(pd_alerts_list(db, &p01, &q, collect_alert, &none, &more, &err), PD_OK);
    assert_int_equal(none.n, 0);
    assert_int_equal(pd_alerts_list(db, &viewer, &q, collect_alert, &none, &more, &err),
                     PD_EDENIED);
    collect team = {0};
    assert_int_equal(pd_alerts_list(db, &team1834, &q, collect_alert, &team, &more, &err), PD_OK);
    assert_int_equal(team.n, c.n);
    /* Unit filter: a commune outside scope lists nothing; an unknown unit is refused. */
    snprintf(q.unit_code, sizeof q.unit_code, "01837");
    collect f = {0};
    assert_int_equal(pd_alerts_list(db, &c1834, &q, collect_alert, &f, &more, &err), PD_OK);
    assert_int_equal(f.n, 0);
    snprintf(q.unit_code, sizeof q.unit_code, "99999");
    assert_int_equal(pd_alerts_list(db, &c1834, &q, collect_alert, &f, &more, &err), PD_EINVAL);
    q.unit_code[0] = '\0';
    /* Paging: one at a time walks the same alerts. */
    q.limit = 1;
    collect paged = {0};
    for (int guard = 0; guard < 100; guard++) {
        int before = paged.n;
        assert_int_equal(pd_alerts_list(db, &c1834, &q, collect_alert, &paged, &more, &err), PD_OK);
        assert_int_equal(paged.n, before + 1);
        if (!more)
            break;
        q.before_id = paged.ids[paged.n - 1];
    }
    assert_int_equal(paged.n, c.n);
    memset(&q, 0, sizeof q);

    /* Acting: permission, scope, action names, a note for "other", once only. */
    pd_alert a;
    assert_int_equal(pd_alert_act(db, &team1834, mine, "called", "", &a, &err), PD_EDENIED);
    assert_int_equal(pd_alert_act(db, &c1834, theirs, "called", "", &a, &err), PD_ENOTFOUND);
    char missing_msg[512];
    snprintf(missing_msg, sizeof missing_msg, "%s", err.message);
    assert_int_equal(pd_alert_act(db, &c1834, 987654321, "called", "", &a, &err), PD_ENOTFOUND);
    assert_string_equal(err.message, missing_msg);
    assert_int_equal(pd_alert_act(db, &c1834, mine, "shouted", "", &a, &err), PD_EINVAL);
    assert_string_equal(err.field, "action");
    assert_int_equal(pd_alert_act(db, &c1834, mine, "other", "  ", &a, &err), PD_EINVAL);
    assert_string_equal(err.field, "note");
    assert_int_equal(
        pd_alert_act(db, &c1834, mine, "sent_for_testing", "Test nhanh lúc 9 giờ", &a, &err),
        PD_OK);
    assert_string_equal(a.status, "done");
    assert_string_equal(a.action, "sent_for_testing");
    assert_string_equal(a.action_note, "Test nhanh lúc 9 giờ");
    assert_int_equal(a.acted_at, T0);
    assert_int_equal(pd_alert_act(db, &c1834, mine, "called", "", &a, &err), PD_ECONFLICT);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'alert' AND entity_id ="
                             " %lld AND action = 'update'",
                             (long long)mine),
                     1);
    /* Open and done lists. */
    collect open = {0}, done = {0};
    assert_int_equal(pd_alerts_list(db, &c1834, &q, collect_alert, &open, &more, &err), PD_OK);
    for (int i = 0; i < open.n; i++)
        assert_int_not_equal(open.ids[i], mine);
    snprintf(q.status, sizeof q.status, "done");
    assert_int_equal(pd_alerts_list(db, &c1834, &q, collect_alert, &done, &more, &err), PD_OK);
    assert_int_equal(done.n, 1);
    assert_int_equal(done.ids[0], mine);
    snprintf(q.status, sizeof q.status, "closed");
    assert_int_equal(pd_alerts_list(db, &c1834, &q, collect_alert, &done, &more, &err), PD_EINVAL);
}

typedef struct dcollect {
    int n;
    bool outside;
    bool no_symptoms;
    int64_t first_id;
    int64_t ids[256];
} dcollect;

static int collect_declaration(const pd_declaration *d, void *ctx)
{
    dcollect *c = ctx;
    if (c->n < 256)
        c->ids[c->n] = d->id;
    if (c->n++ == 0)
        c->first_id = d->id;
    if (strcmp(d->unit_code, "01834") != 0)
        c->outside = true;
    if (!d->symptoms)
        c->no_symptoms = true;
    return 0;
}

static void test_declarations_list_and_get(void **state)
{
    (void)state;
    pd_declaration_query q;
    memset(&q, 0, sizeof q);
    dcollect c = {0};
    bool more;
    pd_err err;
    q.limit = 200;
    assert_int_equal(pd_declarations_list(db, &c1834, &q, collect_declaration, &c, &more, &err),
                     PD_OK);
    assert_true(c.n > 5);
    assert_false(c.outside);
    /* Keyset paging, three at a time, walks the same declarations in the same order (by time within
     * a commune; by id for the country). */
    for (int scoped = 0; scoped < 2; scoped++) {
        const pd_actor *who = scoped ? &c1834 : &admin;
        pd_declaration_query page;
        memset(&page, 0, sizeof page);
        page.limit = 200;
        dcollect all = {0}, paged = {0};
        assert_int_equal(
            pd_declarations_list(db, who, &page, collect_declaration, &all, &more, &err), PD_OK);
        page.limit = 3;
        for (int guard = 0; guard < 200; guard++) {
            assert_int_equal(
                pd_declarations_list(db, who, &page, collect_declaration, &paged, &more, &err),
                PD_OK);
            if (!more)
                break;
            page.before_id = paged.ids[paged.n - 1];
        }
        assert_int_equal(paged.n, all.n);
        assert_memory_equal(paged.ids, all.ids,
                            sizeof(int64_t) * (size_t)(all.n < 256 ? all.n : 256));
    }
    q.symptoms_only = true;
    dcollect s = {0};
    assert_int_equal(pd_declarations_list(db, &c1834, &q, collect_declaration, &s, &more, &err),
                     PD_OK);
    assert_true(s.n > 0 && s.n < c.n);
    assert_false(s.no_symptoms);
    q.symptoms_only = false;
    /* Dates: all of them are on 15/11/2021. */
    snprintf(q.from, sizeof q.from, "2021-11-16");
    dcollect later = {0};
    assert_int_equal(pd_declarations_list(db, &c1834, &q, collect_declaration, &later, &more, &err),
                     PD_OK);
    assert_int_equal(later.n, 0);
    snprintf(q.from, sizeof q.from, "2021-11-15");
    snprintf(q.to, sizeof q.to, "2021-11-15");
    dcollect day = {0};
    assert_int_equal(pd_declarations_list(db, &c1834, &q, collect_declaration, &day, &more, &err),
                     PD_OK);
    assert_int_equal(day.n, c.n);
    snprintf(q.to, sizeof q.to, "15-15-2021");
    assert_int_equal(pd_declarations_list(db, &c1834, &q, collect_declaration, &day, &more, &err),
                     PD_EINVAL);
    memset(&q, 0, sizeof q);
    /* The tổ filter narrows to its residents. */
    snprintf(q.unit_code, sizeof q.unit_code, "%s", area);
    dcollect in_area = {0};
    assert_int_equal(
        pd_declarations_list(db, &c1834, &q, collect_declaration, &in_area, &more, &err), PD_OK);
    assert_true(in_area.n > 0 && in_area.n < c.n);
    assert_int_equal(in_area.n,
                     sql_int("SELECT count(*) FROM declarations WHERE area_code = '%s'", area));
    memset(&q, 0, sizeof q);
    assert_int_equal(pd_declarations_list(db, &viewer, &q, collect_declaration, &c, &more, &err),
                     PD_EDENIED);

    /* One declaration: in scope, audited; outside scope like a missing one. */
    pd_declaration *d = malloc(sizeof *d);
    assert_int_equal(pd_declaration_get(db, &team1834, c.first_id, d, &err), PD_OK);
    assert_string_equal(d->unit_code, "01834");
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'declaration' AND"
                             " action = 'read' AND entity_id = %lld",
                             (long long)c.first_id),
                     1);
    assert_int_equal(pd_declaration_get(db, &c1837, c.first_id, d, &err), PD_ENOTFOUND);
    assert_int_equal(pd_declaration_get(db, &c1837, 987654321, d, &err), PD_ENOTFOUND);
    free(d);
}

static void test_ingest_replay_and_stats(void **state)
{
    (void)state;
    pd_declare_stats before, after;
    pd_err err;
    assert_int_equal(pd_declare_stats_get(db, &c1834, &before, &err), PD_OK);
    pd_declaration_in in = typed("Trịnh Văn Nhập", "1979", "M", "", "0912000401", "01834");
    in.via = PD_VIA_INGEST;
    in.symptoms = PD_SYM_FEVER;
    snprintf(in.external_id, sizeof in.external_id, "tokhai-2021-0001");
    pd_declaration_out first = record_as(&d058, &in);
    assert_false(first.replayed);
    assert_int_not_equal(first.alert_id, 0);
    in = typed("Trịnh Văn Nhập", "1979", "M", "", "0912000401", "01834");
    in.via = PD_VIA_INGEST;
    in.symptoms = PD_SYM_FEVER;
    snprintf(in.external_id, sizeof in.external_id, "tokhai-2021-0001");
    pd_declaration_out second = record_as(&d058, &in);
    assert_true(second.replayed);
    assert_int_equal(second.declaration_id, first.declaration_id);
    assert_int_equal(second.person_id, first.person_id);
    assert_int_equal(second.alert_id, first.alert_id);
    assert_int_equal(sql_int("SELECT count(*) FROM declarations WHERE external_id ="
                             " 'tokhai-2021-0001'"),
                     1);
    char text[32];
    assert_string_equal(sql_text(text, sizeof text, "SELECT via FROM declarations WHERE id = %lld",
                                 (long long)first.declaration_id),
                        "ingest");

    assert_int_equal(pd_declare_stats_get(db, &c1834, &after, &err), PD_OK);
    assert_int_equal(after.declarations_today, before.declarations_today + 1);
    assert_int_equal(after.symptoms_today, before.symptoms_today + 1);
    assert_int_equal(after.open_alerts, before.open_alerts + 1);
    assert_int_equal(after.open_alerts,
                     sql_int("SELECT count(*) FROM alerts WHERE unit_code = '01834' AND status ="
                             " 'open'"));
    pd_declare_stats far;
    assert_int_equal(pd_declare_stats_get(db, &p01, &far, &err), PD_OK);
    assert_int_equal(far.declarations_today, 0);
    assert_int_equal(far.open_alerts, 0);
    pd_actor venue = actor_at(PD_ROLE_VENUE, PD_SCOPE_COMMUNE, "01834", "quay");
    assert_int_equal(pd_declare_stats_get(db, &venue, &far, &err), PD_EDENIED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bits_and_tokens),
        cmocka_unit_test(test_validation_messages),
        cmocka_unit_test(test_matching_rules),
        cmocka_unit_test(test_matching_stays_in_scope),
        cmocka_unit_test(test_tokens_issue_and_revoke),
        cmocka_unit_test(test_outbreak_marking),
        cmocka_unit_test(test_alert_rules),
        cmocka_unit_test(test_worklist_scope_and_actions),
        cmocka_unit_test(test_declarations_list_and_get),
        cmocka_unit_test(test_ingest_replay_and_stats),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
