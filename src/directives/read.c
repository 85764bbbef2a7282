/* Reading directives: the list a caller sees, one document with its items, tasks and mentions, the
 * chain of documents up and down, and mapping a mention no directory entry matched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/text.h"
#include "directives/directives.h"
#include "directives/internal.h"
#include "store/db.h"

/* ---- Reading ------------------------------------------------------------------------------ */

#define SUMMARY_COLS                                                                               \
    "d.id, d.stub, d.issuer, d.issuer_parent, d.number, d.doc_date, d.type, d.subject, d.place,"   \
    " d.issuer_level, d.issuer_unit, (SELECT name FROM units WHERE code = d.issuer_unit),"         \
    " d.created_at, (SELECT count(*) FROM tasks t WHERE t.doc_id = d.id),"                         \
    " (SELECT count(*) FROM tasks t WHERE t.doc_id = d.id AND t.status = 'done'),"                 \
    " (SELECT count(*) FROM tasks t WHERE t.doc_id = d.id AND t.status <> 'done'"                  \
    "  AND t.due_date < :today)"

static json_t *summary_json(sqlite3_stmt *st)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(sqlite3_column_int64(st, 0)));
    json_object_set_new(j, "stub", json_boolean(sqlite3_column_int(st, 1)));
    static const char *const names[] = {"issuer", "issuer_parent", "number", "date",
                                        "type",   "subject",       "place"};
    for (int i = 0; i < 7; i++)
        json_object_set_new(j, names[i], dv_col_json(st, 2 + i));
    json_object_set_new(j, "issuer_level", json_integer(sqlite3_column_int(st, 9)));
    json_object_set_new(j, "issuer_unit", dv_col_json(st, 10));
    json_object_set_new(j, "issuer_unit_name", dv_col_json(st, 11));
    json_object_set_new(j, "created_at", json_integer(sqlite3_column_int64(st, 12)));
    json_object_set_new(j, "tasks", json_integer(sqlite3_column_int64(st, 13)));
    json_object_set_new(j, "tasks_done", json_integer(sqlite3_column_int64(st, 14)));
    json_object_set_new(j, "tasks_overdue", json_integer(sqlite3_column_int64(st, 15)));
    return j;
}

static sqlite3_stmt *prepare_visible(sqlite3 *db, const dv_chain *ch, const char *tail, pd_err *err)
{
    char cond[512], sql[2048];
    snprintf(sql, sizeof sql, "SELECT " SUMMARY_COLS " FROM directive_docs d WHERE %s %s",
             dv_visible_sql(ch, "d", cond, sizeof cond), tail);
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return NULL;
    dv_bind_chain(st, ch);
    char today[11];
    dv_today(today);
    dv_bind(st, ":today", today);
    return st;
}

int pd_directive_list(sqlite3 *db, const pd_actor *actor, const char *q, bool include_stubs,
                      int limit, json_t **out, pd_err *err)
{
    *out = NULL;
    if (!pd_actor_can(actor, PD_PERM_DIRECTIVES_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem văn bản chỉ đạo");
    dv_chain ch;
    if (dv_chain_of(db, actor, &ch, err) != PD_OK)
        return PD_EDB;
    sqlite3_stmt *st = prepare_visible(
        db, &ch,
        "AND (:stubs OR d.stub = 0) ORDER BY d.stub, coalesce(d.doc_date, '') DESC, d.id DESC",
        err);
    if (!st)
        return PD_EDB;
    char want[256];
    pd_fold(q ? q : "", want, sizeof want);
    dv_bind_int(st, ":stubs", include_stubs);
    size_t cap = limit > 0 && limit <= 1000 ? (size_t)limit : 200;
    json_t *items = json_array();
    while (json_array_size(items) < cap && sqlite3_step(st) == SQLITE_ROW) {
        if (want[0]) { /* number, type, issuer and subject, folded */
            char hay[2048], folded[2048];
            snprintf(hay, sizeof hay, "%s %s %s %s", pd_col_text(st, 4), pd_col_text(st, 6),
                     pd_col_text(st, 2), pd_col_text(st, 7));
            pd_fold(hay, folded, sizeof folded);
            if (!strstr(folded, want))
                continue;
        }
        json_array_append_new(items, summary_json(st));
    }
    sqlite3_finalize(st);
    *out = items;
    return PD_OK;
}

/* The items of a document with their tasks; agency lists from the corrected structure. */
static json_t *items_json(sqlite3 *db, int64_t doc, const json_t *corrected, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "SELECT id, ord, label, text, due_date FROM directive_items WHERE doc_id = ? ORDER BY ord",
        err);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, doc);
    json_t *tasks = dv_tasks_where(db, "t.doc_id = :id", doc, NULL, 0, err);
    json_t *items = json_array();
    const json_t *given = json_object_get(corrected, "items");
    while (tasks && sqlite3_step(st) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        const json_t *g = json_array_get(given, (size_t)sqlite3_column_int(st, 1) - 1);
        json_t *j =
            json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)id, "label", pd_col_text(st, 2),
                      "text", pd_col_text(st, 3), "due_date", dv_col_json(st, 4));
        static const char *const lists[] = {"agencies", "lead", "coordinating"};
        for (int l = 0; l < 3; l++) {
            json_t *v = json_object_get(g, lists[l]);
            json_object_set_new(j, lists[l], json_is_array(v) ? json_deep_copy(v) : json_array());
        }
        json_t *mine = json_array();
        size_t i;
        json_t *t;
        json_array_foreach(tasks, i, t) if (json_integer_value(json_object_get(t, "item_id")) == id)
            json_array_append(mine, t);
        json_object_set_new(j, "tasks", mine);
        json_array_append_new(items, j);
    }
    sqlite3_finalize(st);
    json_decref(tasks);
    return items;
}

static json_t *mentions_json(sqlite3 *db, int64_t doc, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "SELECT m.id, m.item_id, i.label, m.text, m.role, m.agency_id, a.name, m.group_kind"
        " FROM directive_mentions m JOIN directive_items i ON i.id = m.item_id"
        " LEFT JOIN agencies a ON a.id = m.agency_id WHERE m.doc_id = ? ORDER BY i.ord, m.id",
        err);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, doc);
    json_t *list = json_array();
    while (sqlite3_step(st) == SQLITE_ROW) {
        bool matched =
            sqlite3_column_type(st, 5) != SQLITE_NULL || sqlite3_column_type(st, 7) != SQLITE_NULL;
        json_t *j = json_pack(
            "{s:I, s:I, s:s, s:s, s:s, s:o, s:o, s:b, s:b}", "id",
            (json_int_t)sqlite3_column_int64(st, 0), "item_id",
            (json_int_t)sqlite3_column_int64(st, 1), "item_label", pd_col_text(st, 2), "text",
            pd_col_text(st, 3), "role", pd_col_text(st, 4), "agency_id",
            sqlite3_column_type(st, 5) == SQLITE_NULL ? json_null()
                                                      : json_integer(sqlite3_column_int64(st, 5)),
            "agency_name", dv_col_json(st, 6), "group", sqlite3_column_type(st, 7) != SQLITE_NULL,
            "matched", matched);
        json_array_append_new(list, j);
    }
    sqlite3_finalize(st);
    return list;
}

/* The stored columns that are not in the summary. */
static int load_doc(sqlite3 *db, const dv_chain *ch, int64_t id, json_t **doc, json_t **corrected,
                    json_t **reader, pd_err *err)
{
    sqlite3_stmt *st = prepare_visible(db, ch, "AND d.id = :id", err);
    if (!st)
        return PD_EDB;
    dv_bind_int(st, ":id", id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy văn bản");
    }
    *doc = summary_json(st);
    sqlite3_finalize(st);
    st = pd_db_prepare(db,
                       "SELECT original_text, corrected_json, parsed_json, dir_unit"
                       " FROM directive_docs WHERE id = ?",
                       err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_step(st);
    json_object_set_new(*doc, "original_text", dv_col_json(st, 0));
    json_object_set_new(*doc, "dir_unit", dv_col_json(st, 3));
    *corrected = json_loads(pd_col_text(st, 1), 0, NULL);
    *reader = json_loads(pd_col_text(st, 2), 0, NULL);
    sqlite3_finalize(st);
    if (!*corrected)
        *corrected = json_object();
    return PD_OK;
}

int pd_directive_get(sqlite3 *db, const pd_actor *actor, int64_t id, json_t **out, pd_err *err)
{
    *out = NULL;
    if (!pd_actor_can(actor, PD_PERM_DIRECTIVES_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem văn bản chỉ đạo");
    dv_chain ch;
    json_t *doc = NULL, *corrected = NULL, *reader = NULL;
    if (dv_chain_of(db, actor, &ch, err) != PD_OK)
        return PD_EDB;
    int rc = load_doc(db, &ch, id, &doc, &corrected, &reader, err);
    if (rc != PD_OK)
        return rc;
    /* What the official saved but the summary does not carry. */
    static const char *const extra[] = {"recipients", "references", "closing",
                                        "noi_nhan",   "signer",     "unparsed"};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        json_t *v = json_object_get(corrected, extra[i]);
        json_object_set_new(doc, extra[i], v ? json_deep_copy(v) : json_null());
    }
    json_object_set_new(doc, "parsed", reader ? reader : json_null());
    json_t *items = items_json(db, id, corrected, err);
    json_t *mentions = items ? mentions_json(db, id, err) : NULL;
    json_decref(corrected);
    if (!mentions) {
        json_decref(items);
        json_decref(doc);
        return PD_EDB;
    }
    json_object_set_new(doc, "items", items);
    json_object_set_new(doc, "mentions", mentions);
    pd_audit_read(db, actor, "directive", id, NULL, NULL);
    *out = doc;
    return PD_OK;
}

/* The documents reached from id along the edges, one direction, with their distance. */
static json_t *walk(sqlite3 *db, const dv_chain *ch, int64_t id, bool up, pd_err *err)
{
    char cond[512], sql[3072];
    const char *from = up ? "from_id" : "to_id", *to = up ? "to_id" : "from_id";
    snprintf(sql, sizeof sql,
             "WITH RECURSIVE w(id, depth) AS (SELECT %s, 1 FROM directive_refs WHERE %s = :id"
             " UNION SELECT r.%s, w.depth + 1 FROM directive_refs r JOIN w ON r.%s = w.id"
             " WHERE w.depth < 8)"
             " SELECT " SUMMARY_COLS ", min(w.depth) FROM w JOIN directive_docs d ON d.id = w.id"
             " WHERE d.id <> :id AND %s GROUP BY d.id ORDER BY min(w.depth), d.id",
             to, from, to, from, dv_visible_sql(ch, "d", cond, sizeof cond));
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return NULL;
    dv_bind_chain(st, ch);
    dv_bind_int(st, ":id", id);
    char today[11];
    dv_today(today);
    dv_bind(st, ":today", today);
    json_t *list = json_array();
    while (sqlite3_step(st) == SQLITE_ROW) {
        json_t *j = summary_json(st);
        json_object_set_new(j, "depth", json_integer(sqlite3_column_int(st, 16)));
        json_array_append_new(list, j);
    }
    sqlite3_finalize(st);
    return list;
}

int pd_directive_chain(sqlite3 *db, const pd_actor *actor, int64_t id, json_t **out, pd_err *err)
{
    *out = NULL;
    if (!pd_actor_can(actor, PD_PERM_DIRECTIVES_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem văn bản chỉ đạo");
    dv_chain ch;
    if (dv_chain_of(db, actor, &ch, err) != PD_OK)
        return PD_EDB;
    sqlite3_stmt *st = prepare_visible(db, &ch, "AND d.id = :id", err);
    if (!st)
        return PD_EDB;
    dv_bind_int(st, ":id", id);
    json_t *doc = sqlite3_step(st) == SQLITE_ROW ? summary_json(st) : NULL;
    sqlite3_finalize(st);
    if (!doc)
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy văn bản");
    json_t *up = walk(db, &ch, id, true, err);
    json_t *down = up ? walk(db, &ch, id, false, err) : NULL;
    if (!down) {
        json_decref(doc);
        json_decref(up);
        return PD_EDB;
    }
    *out = json_pack("{s:o, s:o, s:o}", "document", doc, "ancestors", up, "descendants", down);
    return PD_OK;
}

/* ---- Mapping a mention ------------------------------------------------------------------- */

typedef struct mention_row {
    int64_t doc, item;
    char role[16], text[512], dir[16], due[11];
    bool mapped;
} mention_row;

static int load_mention(sqlite3 *db, const dv_chain *ch, int64_t id, mention_row *m, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "SELECT m.doc_id, m.item_id, m.role, m.text, coalesce(d.dir_unit, ''),"
        " coalesce(i.due_date, ''), m.agency_id IS NOT NULL OR m.group_kind IS NOT NULL"
        " FROM directive_mentions m JOIN directive_docs d ON d.id = m.doc_id"
        " JOIN directive_items i ON i.id = m.item_id WHERE m.id = ?",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        m->doc = sqlite3_column_int64(st, 0);
        m->item = sqlite3_column_int64(st, 1);
        pd_strlcpy(m->role, pd_col_text(st, 2), sizeof m->role);
        pd_strlcpy(m->text, pd_col_text(st, 3), sizeof m->text);
        pd_strlcpy(m->dir, pd_col_text(st, 4), sizeof m->dir);
        pd_strlcpy(m->due, pd_col_text(st, 5), sizeof m->due);
        m->mapped = sqlite3_column_int(st, 6) != 0;
    }
    sqlite3_finalize(st);
    if (!found || !dv_doc_visible(db, ch, m->doc))
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy cơ quan được nêu");
    return PD_OK;
}

static bool agency_usable(sqlite3 *db, const pd_actor *actor, const mention_row *m, int64_t agency)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT dir_unit, province_code, district_code, unit_code FROM agencies"
                           " WHERE id = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_int64(st, 1, agency);
    bool ok = sqlite3_step(st) == SQLITE_ROW &&
              (strcmp(pd_col_text(st, 0), m->dir) == 0 ||
               pd_scope_covers(actor, pd_col_text(st, 1), pd_col_text(st, 2), pd_col_text(st, 3)));
    sqlite3_finalize(st);
    return ok;
}

static int map_tx(sqlite3 *db, const pd_actor *actor, int64_t id, const mention_row *m,
                  int64_t agency, int *added, pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_prepare(db, "UPDATE directive_mentions SET agency_id = ? WHERE id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, agency);
    sqlite3_bind_int64(st, 2, id);
    int rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    if (rc == PD_OK)
        rc = dv_agency_learn(db, agency, m->text, err);
    if (rc == PD_OK) {
        *added =
            dv_tasks_for(db, m->doc, m->item, m->role, m->due[0] ? m->due : NULL, &agency, 1, err);
        rc = *added < 0 ? PD_EDB : PD_OK;
    }
    char detail[600];
    snprintf(detail, sizeof detail, "Gán \"%s\" cho cơ quan %lld", m->text, (long long)agency);
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "update", "directive", m->doc, NULL, detail, err);
    return rc;
}

int pd_directive_map_mention(sqlite3 *db, const pd_actor *actor, int64_t mention_id,
                             int64_t agency_id, int *tasks_added, pd_err *err)
{
    *tasks_added = 0;
    if (!pd_actor_can(actor, PD_PERM_DIRECTIVES_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được cập nhật văn bản chỉ đạo");
    dv_chain ch;
    mention_row m;
    if (dv_chain_of(db, actor, &ch, err) != PD_OK)
        return PD_EDB;
    int rc = load_mention(db, &ch, mention_id, &m, err);
    if (rc != PD_OK)
        return rc;
    if (m.mapped)
        return pd_fail(err, PD_ECONFLICT, "agency_id", "Cơ quan này đã được xác định");
    if (!agency_usable(db, actor, &m, agency_id))
        return pd_fail(err, PD_EINVAL, "agency_id", "Không có cơ quan này trong danh bạ");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    rc = map_tx(db, actor, mention_id, &m, agency_id, tasks_added, err);
    if (rc == PD_OK)
        rc = pd_db_commit(db, err);
    if (rc != PD_OK)
        pd_db_rollback(db);
    return rc;
}
