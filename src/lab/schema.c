/* The schema migration of testing: samples, results, pools and screening campaigns: one numbered
 * step of store/migrations.c. Samples carry their person's unit codes (scope); pools and campaigns
 * carry the codes of their first member or their target. Dates are local YYYY-MM-DD, times Unix. */
#include "store/migrations.h"

const char pd_schema_lab[] =
    /* A pool of samples tested as one (Decision 3486/QĐ-BYT; docs/lab.md). */
    "CREATE TABLE lab_pools ("
    "  id INTEGER PRIMARY KEY,"
    "  label TEXT UNIQUE,"
    "  size INTEGER NOT NULL,"
    "  result TEXT NOT NULL DEFAULT 'pending' CHECK (result IN ('pending','negative','positive',"
    "    'invalid')),"
    "  result_at INTEGER,"
    "  unit_code TEXT NOT NULL,"
    "  district_code TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  created_by INTEGER"
    ");"
    "CREATE INDEX lab_pools_unit ON lab_pools(unit_code, id);"
    "CREATE INDEX lab_pools_district ON lab_pools(district_code, id);"
    "CREATE INDEX lab_pools_province ON lab_pools(province_code, id);"

    /* A screening campaign: a venue, the venues of a kind in a unit, or a unit's residents. */
    "CREATE TABLE lab_campaigns ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  target TEXT NOT NULL CHECK (target IN ('venue','venue_kind','area')),"
    "  venue_id INTEGER REFERENCES venues(id),"
    "  venue_kind TEXT,"
    "  target_unit TEXT NOT NULL REFERENCES units(code)," /* the unit the target lies in */
    "  kind TEXT NOT NULL DEFAULT 'pcr' CHECK (kind IN ('pcr','antigen')),"
    "  from_date TEXT NOT NULL,"
    "  to_date TEXT NOT NULL,"
    "  lookback_days INTEGER NOT NULL,"
    "  unit_code TEXT NOT NULL," /* '' for a district- or province-wide campaign */
    "  district_code TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  created_by INTEGER"
    ");"
    "CREATE INDEX lab_campaigns_unit ON lab_campaigns(unit_code, id);"
    "CREATE INDEX lab_campaigns_district ON lab_campaigns(district_code, id);"
    "CREATE INDEX lab_campaigns_province ON lab_campaigns(province_code, id);"
    /* Who is due, fixed when the campaign is created. */
    "CREATE TABLE lab_campaign_due ("
    "  campaign_id INTEGER NOT NULL REFERENCES lab_campaigns(id),"
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  PRIMARY KEY (campaign_id, person_id)"
    ") WITHOUT ROWID;"

    "CREATE TABLE samples ("
    "  id INTEGER PRIMARY KEY,"
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('pcr','antigen')),"
    "  reason TEXT NOT NULL CHECK (reason IN ('symptoms','f1_schedule','screening','entry',"
    "    'release','retest','other')),"
    "  sampled_on TEXT NOT NULL," /* YYYY-MM-DD local */
    "  sampled_at INTEGER,"
    "  quarantine_order_id INTEGER REFERENCES quarantine_orders(id),"
    "  test_day INTEGER," /* the order's day this sample is for, with quarantine_order_id */
    "  campaign_id INTEGER REFERENCES lab_campaigns(id),"
    "  pool_id INTEGER REFERENCES lab_pools(id),"
    "  pool_blocked INTEGER NOT NULL DEFAULT 0," /* 1: its pool was positive, never assume negative
                                                  */
    "  site TEXT,"
    "  team TEXT,"
    "  label TEXT UNIQUE," /* the tube label */
    "  result TEXT NOT NULL DEFAULT 'pending' CHECK (result IN ('pending','negative','positive',"
    "    'invalid')),"
    "  result_at INTEGER,"
    "  case_id INTEGER REFERENCES cases(id)," /* the case confirmed from this positive result */
    "  proposal TEXT NOT NULL DEFAULT '' CHECK (proposal IN ('','confirmed','dismissed')),"
    "  proposal_note TEXT NOT NULL DEFAULT '',"
    "  unit_code TEXT NOT NULL,"
    "  district_code TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  created_by INTEGER"
    ");"
    "CREATE INDEX samples_unit ON samples(unit_code, sampled_on);"
    "CREATE INDEX samples_district ON samples(district_code, sampled_on);"
    "CREATE INDEX samples_province ON samples(province_code, sampled_on);"
    "CREATE INDEX samples_person ON samples(person_id, sampled_on);"
    "CREATE INDEX samples_pool ON samples(pool_id) WHERE pool_id IS NOT NULL;"
    "CREATE INDEX samples_campaign ON samples(campaign_id, person_id) WHERE campaign_id IS NOT "
    "NULL;"
    "CREATE INDEX samples_order ON samples(quarantine_order_id) WHERE quarantine_order_id IS NOT"
    "  NULL;"
    "CREATE INDEX samples_positive ON samples(result, proposal) WHERE result = 'positive';"

    /* A member of a positive pool must be sampled again and tested alone. */
    "CREATE TABLE lab_retests ("
    "  id INTEGER PRIMARY KEY,"
    "  pool_id INTEGER NOT NULL REFERENCES lab_pools(id),"
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  from_sample_id INTEGER NOT NULL REFERENCES samples(id),"
    "  sample_id INTEGER REFERENCES samples(id)," /* the new sample once taken */
    "  due_on TEXT NOT NULL,"
    "  unit_code TEXT NOT NULL,"
    "  district_code TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX lab_retests_unit ON lab_retests(unit_code, sample_id);"
    "CREATE INDEX lab_retests_district ON lab_retests(district_code, sample_id);"
    "CREATE INDEX lab_retests_province ON lab_retests(province_code, sample_id);";
