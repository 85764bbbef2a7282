/* The schema migration of directives: dispatches, their chain, agencies and tasks: one numbered
 * step of store/migrations.c. A document's issuing unit (issuer_unit, NULL for central bodies or
 * when not known) and the unit of the account that imported it (owner_*) decide who sees it
 * (directives.c); an agency carries the codes of the unit it belongs to (a commune's UBND: that
 * commune), and so do its tasks, so a task scope filter is one equality (pd_scope_sql). */
#include "store/migrations.h"

const char pd_schema_directives[] =
    "CREATE TABLE directive_docs ("
    "  id INTEGER PRIMARY KEY,"
    "  stub INTEGER NOT NULL DEFAULT 0," /* referenced, not held: only the reference's fields */
    "  issuer TEXT NOT NULL DEFAULT '',"
    "  issuer_parent TEXT NOT NULL DEFAULT '',"
    "  number TEXT NOT NULL DEFAULT '',"
    "  doc_date TEXT," /* YYYY-MM-DD */
    "  type TEXT NOT NULL DEFAULT '',"
    "  subject TEXT NOT NULL DEFAULT '',"
    "  place TEXT NOT NULL DEFAULT '',"
    "  match_key TEXT," /* type|number|issuer folded, NULL without a number */
    "  issuer_level INTEGER NOT NULL DEFAULT 0," /* 0 central/unknown, 1 province, 2 district, 3
                                                    commune */
    "  issuer_unit TEXT,"
    "  province_code TEXT, district_code TEXT, unit_code TEXT,"    /* of issuer_unit */
    "  owner_province TEXT, owner_district TEXT, owner_unit TEXT," /* importer's scope */
    "  dir_unit TEXT," /* the agencies directory its items were matched in */
    "  original_text TEXT,"
    "  parsed_json TEXT,"    /* as the reader gave it */
    "  corrected_json TEXT," /* as the official saved it */
    "  created_by INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL"
    ");"
    "CREATE UNIQUE INDEX directive_docs_key ON directive_docs(match_key) WHERE match_key IS NOT "
    "NULL;"
    "CREATE INDEX directive_docs_date ON directive_docs(doc_date, id);"
    "CREATE TABLE directive_refs ("
    "  from_id INTEGER NOT NULL REFERENCES directive_docs(id),"
    "  to_id INTEGER NOT NULL REFERENCES directive_docs(id),"
    "  inferred INTEGER NOT NULL DEFAULT 0," /* a stub's own basis, read from the citing text */
    "  PRIMARY KEY (from_id, to_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX directive_refs_to ON directive_refs(to_id, from_id);"
    "CREATE TABLE directive_items ("
    "  id INTEGER PRIMARY KEY,"
    "  doc_id INTEGER NOT NULL REFERENCES directive_docs(id),"
    "  ord INTEGER NOT NULL,"
    "  label TEXT NOT NULL DEFAULT '',"
    "  text TEXT NOT NULL DEFAULT '',"
    "  due_date TEXT" /* read from the text, NULL when none is stated */
    ");"
    "CREATE INDEX directive_items_doc ON directive_items(doc_id, ord);"
    "CREATE TABLE agencies ("
    "  id INTEGER PRIMARY KEY,"
    "  dir_unit TEXT NOT NULL," /* the unit whose directory lists it (a district, a province) */
    "  name TEXT NOT NULL,"
    "  name_key TEXT NOT NULL," /* folded, abbreviations expanded (agencies.c) */
    "  kind TEXT NOT NULL," /* phong | ban | trung_tam | cong_an | doan_the | ubnd_xa | bcd_xa */
    "  province_code TEXT NOT NULL, district_code TEXT, unit_code TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  UNIQUE (dir_unit, name_key)"
    ");"
    "CREATE INDEX agencies_unit ON agencies(unit_code);"
    "CREATE TABLE agency_aliases ("
    "  agency_id INTEGER NOT NULL REFERENCES agencies(id),"
    "  alias_key TEXT NOT NULL,"
    "  PRIMARY KEY (agency_id, alias_key)"
    ") WITHOUT ROWID;"
    "CREATE INDEX agency_aliases_key ON agency_aliases(alias_key);"
    "CREATE TABLE directive_mentions ("
    "  id INTEGER PRIMARY KEY,"
    "  doc_id INTEGER NOT NULL REFERENCES directive_docs(id),"
    "  item_id INTEGER NOT NULL REFERENCES directive_items(id),"
    "  text TEXT NOT NULL,"
    "  role TEXT NOT NULL,"                        /* lead | coordinating | assigned */
    "  agency_id INTEGER REFERENCES agencies(id)," /* NULL: not matched, waiting for the official */
    "  group_kind TEXT"                            /* matched a group: the kinds it expanded to */
    ");"
    "CREATE INDEX directive_mentions_doc ON directive_mentions(doc_id);"
    "CREATE TABLE tasks ("
    "  id INTEGER PRIMARY KEY,"
    "  doc_id INTEGER NOT NULL REFERENCES directive_docs(id),"
    "  item_id INTEGER NOT NULL REFERENCES directive_items(id),"
    "  agency_id INTEGER NOT NULL REFERENCES agencies(id),"
    "  role TEXT NOT NULL,"
    "  due_date TEXT,"
    "  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new','in_progress','done')),"
    "  progress INTEGER NOT NULL DEFAULT 0,"
    "  done_at INTEGER,"
    "  province_code TEXT NOT NULL, district_code TEXT, unit_code TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
    "  UNIQUE (item_id, agency_id)"
    ");"
    "CREATE INDEX tasks_doc ON tasks(doc_id, item_id);"
    "CREATE INDEX tasks_agency ON tasks(agency_id, status);"
    "CREATE INDEX tasks_due ON tasks(status, due_date);"
    "CREATE TABLE task_reports ("
    "  id INTEGER PRIMARY KEY,"
    "  task_id INTEGER NOT NULL REFERENCES tasks(id),"
    "  at INTEGER NOT NULL,"
    "  user_id INTEGER, username TEXT NOT NULL,"
    "  status TEXT NOT NULL, progress INTEGER NOT NULL,"
    "  note TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX task_reports_task ON task_reports(task_id, id);"
    "CREATE TABLE task_files ("
    "  id INTEGER PRIMARY KEY,"
    "  report_id INTEGER NOT NULL REFERENCES task_reports(id),"
    "  task_id INTEGER NOT NULL REFERENCES tasks(id),"
    "  name TEXT NOT NULL, type TEXT NOT NULL, size INTEGER NOT NULL,"
    "  data BLOB NOT NULL,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX task_files_report ON task_files(report_id);";
