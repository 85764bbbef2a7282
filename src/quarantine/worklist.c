/* The quarantine worklists of one day, each one SQL statement over every order in scope (no loop
 * per person in C): tests due that day, overdue tests, releases due, hand-overs waiting for the
 * commune station, monitoring that ends that day, and health checks with symptoms that nobody has
 * tested since. A sample counts for a test day when it was taken for that day of the order
 * (samples.test_day), or for the order on that day's date. The test days come from
 * quarantine_test_days (dates kept by triggers), found by their date through an index. */
#include <stdio.h>
#include <string.h>

#include "quarantine/internal.h"
#include "quarantine/quarantine.h"
#include "store/db.h"

#define PERSON_COLUMNS                                                                             \
    "o.id AS order_id, o.person_id, p.full_name, coalesce(p.phone,'') AS phone, p.address,"        \
    " o.unit_code, u.name AS unit_name, o.place, f.name AS facility_name, o.start_date"
#define PERSON_FROM                                                                                \
    " JOIN people p ON p.id = o.person_id LEFT JOIN units u ON u.code = o.unit_code"               \
    " LEFT JOIN facilities f ON f.id = o.facility_id"
#define SAMPLE_FOR_DAY                                                                             \
    "SELECT 1 FROM samples s WHERE s.quarantine_order_id = o.id AND (s.test_day = t.day OR"        \
    " (s.test_day IS NULL AND s.sampled_on = t.on_date))"
/* The rows of a list are found first (hit: order ids and what the list needs, no names), counted,
 * and only the first ?2 of them are joined to the people with the list's own columns. */
#define LIMITED(sort, columns)                                                                     \
    " SELECT " PERSON_COLUMNS ", h.*, " columns ", (SELECT count(*) FROM hit) AS total FROM"       \
    " (SELECT * FROM hit ORDER BY " sort " LIMIT ?2) h JOIN quarantine_orders o ON o.id ="         \
    " h.order_id" PERSON_FROM

typedef struct worklist {
    const char *name;
    const char *sql; /* %s: the scope condition on o; ?1 the day, ?2 the row limit */
} worklist;

static const worklist lists[] = {
    {"tests_due",
     "WITH hit AS MATERIALIZED (SELECT o.id AS order_id, o.unit_code AS sort1, t.day AS test_day,"
     " t.on_date AS test_date FROM quarantine_test_days t JOIN quarantine_orders o ON o.id ="
     " t.order_id WHERE t.on_date = ?1 AND o.status = 'active' AND %s AND NOT EXISTS "
     "(" SAMPLE_FOR_DAY
     "))" LIMITED("sort1, order_id", "0 AS days_late") " ORDER BY h.sort1, p.full_name"},
    {"tests_overdue",
     "WITH hit AS MATERIALIZED (SELECT o.id AS order_id, t.on_date AS sort1, t.day AS test_day,"
     " t.on_date AS test_date, o.unit_code AS sort2 FROM quarantine_test_days t JOIN"
     " quarantine_orders o ON o.id = t.order_id WHERE t.on_date < ?1 AND o.status = 'active' AND"
     " %s AND NOT EXISTS (" SAMPLE_FOR_DAY "))" LIMITED(
         "sort1, sort2, order_id", "CAST(julianday(?1) - julianday(h.test_date) AS INTEGER) AS "
                                   "days_late") " ORDER BY h.sort1, h.sort2, p.full_name"},
    {"releases_due",
     "WITH hit AS MATERIALIZED (SELECT o.id AS order_id, o.start_date AS sort1, o.unit_code AS"
     " sort2 FROM quarantine_orders o WHERE o.status = 'active' AND %s AND o.start_date <="
     " date(?1, '-' || o.quarantine_days || ' days'))" LIMITED(
         "sort1, sort2, order_id",
         "date(o.start_date, '+' || o.quarantine_days || ' days') AS release_from,"
         " (SELECT count(*) FROM quarantine_test_days t WHERE t.order_id = o.id AND NOT EXISTS"
         " (SELECT 1 FROM samples s WHERE s.quarantine_order_id = o.id AND s.result ="
         " 'negative' AND (s.test_day = t.day OR (s.test_day IS NULL AND s.sampled_on ="
         " t.on_date)))) AS tests_not_negative") " ORDER BY h.sort1, h.sort2, p.full_name"},
    {"handovers",
     "WITH hit AS MATERIALIZED (SELECT o.id AS order_id, o.released_on AS sort1, o.unit_code AS"
     " sort2 FROM quarantine_orders o WHERE o.status = 'done' AND %s AND o.monitoring_end >="
     " date(?1, '-30 days') AND o.handover_unit IS NOT NULL AND o.handover_confirmed_at IS NULL"
     " AND o.released_on <= ?1)" LIMITED(
         "sort1, sort2, order_id",
         "o.released_on, o.monitoring_end, o.handover_unit") " ORDER BY h.sort1, h.sort2, "
                                                             "p.full_name"},
    {"monitoring_ends",
     "WITH hit AS MATERIALIZED (SELECT o.id AS order_id, o.unit_code AS sort1 FROM"
     " quarantine_orders o WHERE o.status = 'done' AND %s AND o.monitoring_end = ?1)" LIMITED(
         "sort1, order_id", "o.released_on, o.monitoring_end, o.handover_confirmed_at IS NOT"
                            " NULL AS handover_confirmed") " ORDER BY h.sort1, p.full_name"},
    {"alerts",
     "WITH hit AS MATERIALIZED (SELECT o.id AS order_id, c.id AS check_id, c.checked_on AS sort1"
     " FROM quarantine_checks c JOIN quarantine_orders o ON o.id = c.order_id WHERE c.alert = 1"
     " AND c.checked_on BETWEEN date(?1, '-14 days') AND ?1 AND o.status = 'active' AND %s AND"
     " NOT EXISTS (SELECT 1 FROM samples s WHERE s.person_id = o.person_id AND s.sampled_on >="
     " c.checked_on) AND c.id = (SELECT max(c2.id) FROM quarantine_checks c2 WHERE c2.order_id ="
     " o.id AND c2.alert = 1))" LIMITED(
         "sort1 DESC, order_id",
         "(SELECT c.checked_on FROM quarantine_checks c WHERE c.id ="
         " h.check_id) AS checked_on, (SELECT c.temperature FROM"
         " quarantine_checks c WHERE c.id = h.check_id) AS"
         " temperature, (SELECT c.symptoms FROM quarantine_checks c"
         " WHERE c.id = h.check_id) AS symptoms_json") " ORDER BY h.sort1 DESC, p.full_name"},
};

/* Drops the sort keys from the rows. */
static void tidy(json_t *items)
{
    size_t i;
    json_t *row;
    json_array_foreach(items, i, row)
    {
        json_object_del(row, "sort1");
        json_object_del(row, "sort2");
    }
}

static int one_list(sqlite3 *db, const pd_actor *a, const worklist *w, const char *day, int limit,
                    json_t *out, pd_err *err)
{
    char scope[64], sql[4096];
    snprintf(sql, sizeof sql, w->sql, pdq_scope_sql(a, "o", scope, sizeof scope));
    sqlite3_stmt *st = pd_db_cached(db, sql, err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, day, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, limit);
    pdq_bind_scope(st, a);
    json_t *items = pdq_rows(db, st, err);
    pd_db_release(st);
    if (!items)
        return PD_EDB;
    tidy(items);
    json_t *first = json_array_get(items, 0);
    json_int_t total = first ? json_integer_value(json_object_get(first, "total")) : 0;
    json_object_set_new(out, w->name, json_pack("{s:o, s:I}", "items", items, "total", total));
    return PD_OK;
}

int pd_quarantine_worklists(sqlite3 *db, const pd_actor *actor, const char *unit, const char *day,
                            json_t **out, pd_err *err)
{
    *out = NULL;
    if (!pd_actor_can(actor, PD_PERM_QUARANTINE_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem cách ly");
    char on[11];
    pd_actor a;
    if (pdq_day(day, "date", on, err) != PD_OK || pdq_narrow(db, actor, unit, &a, err) != PD_OK)
        return err->code;
    json_t *j = json_pack("{s:s}", "date", on);
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if (one_list(db, &a, &lists[i], on, 1000, j, err) != PD_OK) {
            json_decref(j);
            return err->code;
        }
    *out = j;
    return PD_OK;
}
