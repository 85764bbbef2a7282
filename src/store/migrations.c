/* The schema, one numbered migration per step. Never edit a released migration: add a new one.
 * Times are Unix seconds (UTC). Every person, household and area belongs to a commune (cấp xã) code and
 * carries its district and province codes too, so that a scope filter is one indexed equality. */
#include "store/migrations.h"

/* The name index rebuilt with prefix indexes (search.c: a word typed is a prefix, and an FTS5 prefix
 * query without one reads and merges every matching term's whole doclist -- "nguyen"* is a third
 * of the registry -- before it can stop at a page's LIMIT; with one, a prefix of 1 to 6 characters
 * is a single doclist walked in rowid order). detail=column keeps the column filters (name :,
 * scope :) but no positions: a smaller index, and search.c no longer sends multi-token phrases;
 * columnsize=0 drops the per-row sizes, used only for ranking, which the search does not do. The
 * scope tokens are unchanged (the bulk inserter and the triggers write the same text). 'hashsize'
 * lets FTS5 gather 32 MiB of terms in memory before writing a segment instead of 1 MiB: with the
 * prefix entries, filling the index for 1,000,000 people took 6-7 s at 1 MiB and takes under 3 s
 * at 32 MiB (about what the old index took); the setting is stored in people_fts_config.
 * Kept apart so that it can be renumbered: it only has to run after migration 1. */
#define PD_MIGRATION_PEOPLE_FTS_PREFIX                                                             \
    "DROP TRIGGER people_fts_ai;"                                                                  \
    "DROP TRIGGER people_fts_ad;"                                                                  \
    "DROP TRIGGER people_fts_au;"                                                                  \
    "DROP TABLE people_fts;"                                                                       \
    "CREATE VIRTUAL TABLE people_fts USING fts5(name, scope, content='', tokenize='unicode61',"    \
    "  prefix='1 2 3 4 5 6', detail=column, columnsize=0);"                                        \
    "INSERT INTO people_fts(people_fts, rank) VALUES ('hashsize', 33554432);"                      \
    "INSERT INTO people_fts(rowid, name, scope) SELECT id, name_folded,"                           \
    "  'p' || province_code || ' d' || district_code || ' c' || unit_code"                         \
    "  FROM people ORDER BY id;"                                                                   \
    "CREATE TRIGGER people_fts_ai AFTER INSERT ON people BEGIN"                                    \
    "  INSERT INTO people_fts(rowid, name, scope) VALUES (new.id, new.name_folded,"                \
    "    'p' || new.province_code || ' d' || new.district_code || ' c' || new.unit_code);"         \
    "END;"                                                                                         \
    "CREATE TRIGGER people_fts_ad AFTER DELETE ON people BEGIN"                                    \
    "  INSERT INTO people_fts(people_fts, rowid, name, scope) VALUES ('delete', old.id,"           \
    "    old.name_folded, 'p' || old.province_code || ' d' || old.district_code || ' c' ||"        \
    "    old.unit_code);"                                                                          \
    "END;"                                                                                         \
    "CREATE TRIGGER people_fts_au AFTER UPDATE OF name_folded, unit_code, district_code,"          \
    "  province_code ON people BEGIN"                                                              \
    "  INSERT INTO people_fts(people_fts, rowid, name, scope) VALUES ('delete', old.id,"           \
    "    old.name_folded, 'p' || old.province_code || ' d' || old.district_code || ' c' ||"        \
    "    old.unit_code);"                                                                          \
    "  INSERT INTO people_fts(rowid, name, scope) VALUES (new.id, new.name_folded,"                \
    "    'p' || new.province_code || ' d' || new.district_code || ' c' || new.unit_code);"         \
    "END;"

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

    /* 2: health declarations, personal QR tokens, outbreak areas and alerts; venues, QR check-ins and
     * stays of foreigners; two more roles (police, venue staff), which needs the users table rebuilt
     * (SQLite cannot change a CHECK constraint; sessions are dropped with the old table). */
    "CREATE TABLE venues ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  name_folded TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('market','supermarket','bus_station','school','hospital',"
    "    'office','factory','restaurant','accommodation','religious','sports','other')),"
    "  unit_code TEXT NOT NULL REFERENCES units(code)," /* commune */
    "  area_code TEXT REFERENCES units(code),"
    "  district_code TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  address TEXT NOT NULL DEFAULT '',"
    "  responsible_name TEXT NOT NULL DEFAULT '',"
    "  responsible_phone TEXT,"
    "  default_stay_minutes INTEGER," /* NULL: the kind's default */
    "  public_code TEXT NOT NULL UNIQUE," /* opaque, in the poster's URL */
    "  closed_at INTEGER,"
    "  created_by INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  version INTEGER NOT NULL DEFAULT 1"
    ");"
    "CREATE INDEX venues_unit ON venues(unit_code, id);"
    "CREATE INDEX venues_district ON venues(district_code, id);"
    "CREATE INDEX venues_province ON venues(province_code, id);"

    "CREATE TABLE users_v2 ("
    "  id INTEGER PRIMARY KEY,"
    "  username TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  role TEXT NOT NULL CHECK (role IN ('admin','province','district','commune','team','viewer',"
    "    'police','venue')),"
    "  unit_code TEXT REFERENCES units(code),"
    "  venue_id INTEGER REFERENCES venues(id)," /* role venue: the venue the account works at */
    "  display_name TEXT NOT NULL DEFAULT '',"
    "  password_hash TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL"
    ");"
    "INSERT INTO users_v2 (id, username, role, unit_code, display_name, password_hash, disabled,"
    "  created_at) SELECT id, username, role, unit_code, display_name, password_hash, disabled,"
    "  created_at FROM users;"
    "DROP TABLE users;"
    "ALTER TABLE users_v2 RENAME TO users;"

    /* A personal QR code holds an opaque random token; only its SHA-256 is stored. */
    "CREATE TABLE person_tokens ("
    "  id INTEGER PRIMARY KEY,"
    "  token_hash TEXT NOT NULL UNIQUE," /* hex */
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  created_at INTEGER NOT NULL,"
    "  revoked_at INTEGER"
    ");"
    "CREATE INDEX person_tokens_person ON person_tokens(person_id);"

    /* A declaration keeps what was declared, as declared; the residence codes are the scope. */
    "CREATE TABLE declarations ("
    "  id INTEGER PRIMARY KEY,"
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('full','daily')),"
    "  via TEXT NOT NULL CHECK (via IN ('self','staff','ingest')),"
    "  declared_at INTEGER NOT NULL,"
    "  unit_code TEXT NOT NULL REFERENCES units(code),"
    "  area_code TEXT REFERENCES units(code),"
    "  district_code TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  address TEXT NOT NULL DEFAULT '',"
    "  travel TEXT NOT NULL DEFAULT '',"      /* means of travel */
    "  places TEXT NOT NULL DEFAULT '[]',"    /* JSON: [{unit_code, place, date}] in the last 14 days */
    "  symptoms INTEGER NOT NULL DEFAULT 0,"  /* bit set, see declare.h */
    "  exposures INTEGER NOT NULL DEFAULT 0," /* bit set, see declare.h */
    "  vaccine_doses INTEGER,"                /* as declared */
    "  note TEXT NOT NULL DEFAULT '',"
    "  external_id TEXT UNIQUE,"              /* bulk ingest: idempotency key */
    "  created_by INTEGER"                    /* staff account for via = staff */
    ");"
    "CREATE INDEX declarations_person ON declarations(person_id, declared_at);"
    "CREATE INDEX declarations_unit ON declarations(unit_code, declared_at);"
    "CREATE INDEX declarations_district ON declarations(district_code, declared_at);"
    "CREATE INDEX declarations_province ON declarations(province_code, declared_at);"

    /* Units (any level) marked as outbreak areas between two local dates (YYYY-MM-DD, inclusive). */
    "CREATE TABLE outbreak_areas ("
    "  id INTEGER PRIMARY KEY,"
    "  unit_code TEXT NOT NULL REFERENCES units(code),"
    "  from_date TEXT NOT NULL,"
    "  to_date TEXT," /* NULL: still an outbreak area */
    "  note TEXT NOT NULL DEFAULT '',"
    "  created_by INTEGER,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX outbreak_areas_unit ON outbreak_areas(unit_code);"

    /* Work for the commune health station responsible for the person's residence. */
    "CREATE TABLE alerts ("
    "  id INTEGER PRIMARY KEY,"
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  declaration_id INTEGER REFERENCES declarations(id),"
    "  reason TEXT NOT NULL," /* symptoms, outbreak_area, exposure (comma list) */
    "  detail TEXT NOT NULL DEFAULT '',"
    "  unit_code TEXT NOT NULL REFERENCES units(code),"
    "  district_code TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','done')),"
    "  action TEXT CHECK (action IN ('called','sent_for_testing','told_to_isolate','no_answer','other')),"
    "  action_note TEXT NOT NULL DEFAULT '',"
    "  acted_by INTEGER,"
    "  acted_at INTEGER"
    ");"
    "CREATE INDEX alerts_unit ON alerts(unit_code, status, created_at);"
    "CREATE INDEX alerts_district ON alerts(district_code, status, created_at);"
    "CREATE INDEX alerts_province ON alerts(province_code, status, created_at);"

    /* Check-ins are the largest table (tens of millions of rows): kept narrow, and without declared
     * foreign keys so bulk ingest does not pay two lookups a row; writers check venue and person. */
    "CREATE TABLE checkins ("
    "  id INTEGER PRIMARY KEY,"
    "  venue_id INTEGER NOT NULL,"
    "  person_id INTEGER NOT NULL,"
    "  in_at INTEGER NOT NULL,"
    "  out_at INTEGER,"                    /* NULL while inside */
    "  flags INTEGER NOT NULL DEFAULT 0," /* 1 out automatic, 2 by staff, 4 ingested */
    "  external_id TEXT"                   /* bulk ingest: idempotency key */
    ");"
    "CREATE INDEX checkins_venue ON checkins(venue_id, in_at);"
    "CREATE INDEX checkins_person ON checkins(person_id, in_at);"
    "CREATE UNIQUE INDEX checkins_external ON checkins(external_id) WHERE external_id IS NOT NULL;"

    /* Stays of foreigners (lưu trú) at accommodation venues; police see them for their area. */
    "CREATE TABLE stays ("
    "  id INTEGER PRIMARY KEY,"
    "  venue_id INTEGER NOT NULL REFERENCES venues(id),"
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  passport TEXT NOT NULL,"
    "  nationality TEXT NOT NULL,"
    "  arrive_date TEXT NOT NULL,"
    "  leave_date TEXT,"
    "  room TEXT NOT NULL DEFAULT '',"
    "  unit_code TEXT NOT NULL," /* the venue's codes, for scope */
    "  district_code TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  created_by INTEGER,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX stays_unit ON stays(unit_code, arrive_date);"
    "CREATE INDEX stays_district ON stays(district_code, arrive_date);"
    "CREATE INDEX stays_province ON stays(province_code, arrive_date);"
    "CREATE INDEX stays_venue ON stays(venue_id, arrive_date);",

    /* 3: the name index with prefix indexes (see PD_MIGRATION_PEOPLE_FTS_PREFIX above). */
    PD_MIGRATION_PEOPLE_FTS_PREFIX,

    /* 4: declarations by time alone, for the country-wide dashboard counts of today. */
    "CREATE INDEX declarations_at ON declarations(declared_at);",

    /* 5: cases (F0), what tracing found (F1/F2 with evidence), contacts declared by a case or
     * added by hand, and the pending quarantine orders tracing leaves for each F1. */
    "CREATE TABLE cases ("
    "  id INTEGER PRIMARY KEY,"
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  confirmed_at INTEGER NOT NULL,"
    "  onset_date TEXT,"          /* YYYY-MM-DD local; NULL when without symptoms */
    "  sample_date TEXT NOT NULL," /* YYYY-MM-DD local, the positive sample */
    "  found_in TEXT NOT NULL CHECK (found_in IN ('community','quarantine','imported')),"
    "  basis TEXT NOT NULL CHECK (basis IN ('pcr','antigen_f1','antigen_link','antigen_twice',"
    "    'entered')),"
    "  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','recovered','died',"
    "    'transferred')),"
    "  status_at INTEGER NOT NULL,"
    "  infectious_until INTEGER NOT NULL," /* end of the transmission window (isolation) */
    "  source_case_id INTEGER REFERENCES cases(id)," /* the likely source, once named */
    "  unit_code TEXT NOT NULL," /* the person's place when confirmed: scope and lists */
    "  area_code TEXT,"
    "  district_code TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  note TEXT NOT NULL DEFAULT '',"
    "  confirmed_by INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  traced_at INTEGER"
    ");"
    "CREATE UNIQUE INDEX cases_person_active ON cases(person_id) WHERE status = 'active';"
    "CREATE INDEX cases_person ON cases(person_id);"
    "CREATE INDEX cases_unit ON cases(unit_code, confirmed_at);"
    "CREATE INDEX cases_district ON cases(district_code, confirmed_at);"
    "CREATE INDEX cases_province ON cases(province_code, confirmed_at);"
    "CREATE INDEX cases_confirmed ON cases(confirmed_at);"
    "CREATE TABLE case_status_log ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  status TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  by_user INTEGER,"
    "  note TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX case_status_log_case ON case_status_log(case_id, at);"
    "CREATE TABLE case_contacts ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('declared','manual')),"
    "  contact_at INTEGER," /* when they met; NULL: the whole window */
    "  note TEXT NOT NULL DEFAULT '',"
    "  created_by INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  UNIQUE (case_id, person_id, kind)"
    ");"
    "CREATE TABLE contacts ("
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  person_id INTEGER NOT NULL,"
    "  level INTEGER NOT NULL CHECK (level IN (1, 2)),"
    "  via_person_id INTEGER," /* F2: the F1 they met */
    "  exposure_at INTEGER NOT NULL,"
    "  evidence TEXT NOT NULL," /* JSON array, see trace.h */
    "  unit_code TEXT NOT NULL," /* the contact's place: scope and hand-off lists */
    "  area_code TEXT,"
    "  district_code TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  found_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  PRIMARY KEY (case_id, person_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX contacts_person ON contacts(person_id);"
    "CREATE INDEX contacts_unit ON contacts(unit_code, level);"
    "CREATE INDEX contacts_district ON contacts(district_code, level);"
    "CREATE INDEX contacts_province ON contacts(province_code, level);"
    "CREATE TABLE quarantine_orders ("
    "  id INTEGER PRIMARY KEY,"
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  case_id INTEGER REFERENCES cases(id),"
    "  reason TEXT NOT NULL CHECK (reason IN ('f1','arrival','other')),"
    "  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','active','done',"
    "    'cancelled')),"
    "  rule TEXT NOT NULL,"           /* the dispatch the schedule follows */
    "  start_date TEXT NOT NULL,"     /* YYYY-MM-DD: day 1 is the day after exposure */
    "  quarantine_days INTEGER NOT NULL,"
    "  place TEXT NOT NULL,"          /* 'centralised' or 'home' */
    "  monitoring_days INTEGER NOT NULL,"
    "  test_days TEXT NOT NULL,"      /* JSON array of day numbers in quarantine */
    "  monitoring_test_days TEXT NOT NULL DEFAULT '[]',"
    "  started_at INTEGER,"           /* when quarantine actually began */
    "  ended_at INTEGER,"
    "  unit_code TEXT NOT NULL,"
    "  district_code TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  UNIQUE (person_id, case_id)"
    ");"
    "CREATE INDEX quarantine_orders_person ON quarantine_orders(person_id);"
    "CREATE INDEX quarantine_orders_unit ON quarantine_orders(unit_code, status);"
    "CREATE INDEX quarantine_orders_district ON quarantine_orders(district_code, status);"
    "CREATE INDEX quarantine_orders_province ON quarantine_orders(province_code, status);"
    "CREATE TABLE settings (" /* deployment-wide settings, see quarantine.h */
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL"
    ");",
    pd_schema_lab,
    pd_schema_quarantine,
    pd_schema_vaccination,
    pd_schema_risk,
    pd_schema_directives,
};

const int pd_migration_count = (int)(sizeof pd_migrations / sizeof pd_migrations[0]);
