/* The schema, one numbered migration per step. Never edit a released migration: add a new one.
 * Times are Unix seconds (UTC). Every person, household and area belongs to a commune (cấp xã) code and
 * carries its district and province codes too, so that a scope filter is one indexed equality. */
#include "store/migrations.h"

const char *const pd_migrations[] = {
    /* 1: administrative units, people and households, accounts, sessions, audit log. */
    "CREATE TABLE units ("
    "  code TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  type TEXT NOT NULL,"
    "  parent_code TEXT REFERENCES units(code),"
    "  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4)," /* 4 = thôn/bản/tổ dân phố */
    "  name_folded TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  district_code TEXT,"
    "  commune_code TEXT,"
    "  population INTEGER," /* 2019 census, NULL when unknown */
    "  created_by INTEGER,"
    "  created_at INTEGER"
    ");"
    "CREATE INDEX units_parent ON units(parent_code, code);"
    "CREATE INDEX units_folded ON units(name_folded);"

    "CREATE TABLE households ("
    "  id INTEGER PRIMARY KEY,"
    "  unit_code TEXT NOT NULL REFERENCES units(code),"
    "  area_code TEXT REFERENCES units(code),"
    "  district_code TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  address TEXT NOT NULL DEFAULT '',"
    "  head_person_id INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX households_unit ON households(unit_code, id);"
    "CREATE INDEX households_district ON households(district_code, id);"
    "CREATE INDEX households_province ON households(province_code, id);"

    "CREATE TABLE people ("
    "  id INTEGER PRIMARY KEY,"
    "  full_name TEXT NOT NULL,"
    "  name_folded TEXT NOT NULL,"
    "  birth_date TEXT," /* YYYY-MM-DD, or YYYY when only the year is known */
    "  sex TEXT NOT NULL DEFAULT '' CHECK (sex IN ('', 'M', 'F')),"
    "  id_type TEXT NOT NULL DEFAULT '' CHECK (id_type IN ('', 'cccd', 'cmnd', 'passport')),"
    "  id_number TEXT,"
    "  phone TEXT," /* national form: 0912345678 */
    "  nationality TEXT NOT NULL DEFAULT 'VN',"
    "  unit_code TEXT NOT NULL REFERENCES units(code)," /* commune */
    "  area_code TEXT REFERENCES units(code),"          /* thôn/tổ, optional */
    "  district_code TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  address TEXT NOT NULL DEFAULT '',"
    "  household_id INTEGER REFERENCES households(id) ON DELETE SET NULL,"
    "  relation TEXT NOT NULL DEFAULT '',"
    "  occupation TEXT NOT NULL DEFAULT '',"
    "  note TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  version INTEGER NOT NULL DEFAULT 1"
    ");"
    "CREATE INDEX people_unit ON people(unit_code, id);"
    "CREATE INDEX people_district ON people(district_code, id);"
    "CREATE INDEX people_province ON people(province_code, id);"
    "CREATE INDEX people_id_number ON people(id_number) WHERE id_number IS NOT NULL;"
    "CREATE INDEX people_phone ON people(phone) WHERE phone IS NOT NULL;"
    "CREATE INDEX people_household ON people(household_id) WHERE household_id IS NOT NULL;"

    /* Name search: the folded name plus scope tokens (p06 d058 c01834), so that a commune's search
     * never walks the rest of the country. Contentless: the text lives in people. */
    "CREATE VIRTUAL TABLE people_fts USING fts5(name, scope, content='', tokenize='unicode61');"
    "CREATE TRIGGER people_fts_ai AFTER INSERT ON people BEGIN"
    "  INSERT INTO people_fts(rowid, name, scope) VALUES (new.id, new.name_folded,"
    "    'p' || new.province_code || ' d' || new.district_code || ' c' || new.unit_code);"
    "END;"
    "CREATE TRIGGER people_fts_ad AFTER DELETE ON people BEGIN"
    "  INSERT INTO people_fts(people_fts, rowid, name, scope) VALUES ('delete', old.id,"
    "    old.name_folded, 'p' || old.province_code || ' d' || old.district_code || ' c' || old.unit_code);"
    "END;"
    "CREATE TRIGGER people_fts_au AFTER UPDATE OF name_folded, unit_code, district_code, province_code"
    "  ON people BEGIN"
    "  INSERT INTO people_fts(people_fts, rowid, name, scope) VALUES ('delete', old.id,"
    "    old.name_folded, 'p' || old.province_code || ' d' || old.district_code || ' c' || old.unit_code);"
    "  INSERT INTO people_fts(rowid, name, scope) VALUES (new.id, new.name_folded,"
    "    'p' || new.province_code || ' d' || new.district_code || ' c' || new.unit_code);"
    "END;"

    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  username TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  role TEXT NOT NULL CHECK (role IN ('admin','province','district','commune','team','viewer')),"
    "  unit_code TEXT REFERENCES units(code)," /* NULL: the whole country */
    "  display_name TEXT NOT NULL DEFAULT '',"
    "  password_hash TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE TABLE sessions ("
    "  token_hash TEXT PRIMARY KEY," /* SHA-256 of the cookie value, hex */
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  csrf_token TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX sessions_user ON sessions(user_id);"

    "CREATE TABLE audit_log ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  user_id INTEGER,"
    "  username TEXT NOT NULL,"
    "  action TEXT NOT NULL," /* read, create, update, search, import, export, login, ... */
    "  entity TEXT NOT NULL," /* person, household, unit, user, session, audit */
    "  entity_id INTEGER,"
    "  unit_code TEXT,"
    "  detail TEXT NOT NULL DEFAULT '',"
    "  ip TEXT"
    ");"
    "CREATE INDEX audit_at ON audit_log(at);"
    "CREATE INDEX audit_entity ON audit_log(entity, entity_id, at);"
    "CREATE INDEX audit_user ON audit_log(user_id, at);",
};

const int pd_migration_count = (int)(sizeof pd_migrations / sizeof pd_migrations[0]);
