/* The schema migration of the weekly risk level of communes: rule sets, capacity checklists,
 * published weeks, boundaries: one numbered step of store/migrations.c.
 *
 * Rule sets are data rows (risk_rules, with the level matrix in risk_matrix) seeded here with their
 * legal basis and effective dates (docs/risk.md; domain rules §1, Resolution 128/NQ-CP, Decision
 * 4800/QĐ-BYT of 12 Oct 2021, Decision 218/QĐ-BYT of 27 Jan 2022). A province may adjust a row: its
 * copy carries the province_code and wins over the national row inside that province. */
#include "store/migrations.h"

/* The 4800 matrix (project default, the official table was not found): the C1 band if coverage is
 * met, one level higher (at most 4) if not; C3 only stops a lowering (rule flag). The 218 matrix:
 * the transmission level (band, +1 if coverage is not met) combined with the response capacity: met
 * -> high (one level lower, at least 1), not met -> medium (the transmission level). */
#define PD_RISK_MATRIX_SQL(rule, expr)                                                             \
    "INSERT INTO risk_matrix(rule_id, c1_band, c2_met, c3_met, level)"                             \
    "  SELECT " rule ", b.v, c.v, k.v, " expr " FROM"                                              \
    "  (SELECT 1 AS v UNION SELECT 2 UNION SELECT 3 UNION SELECT 4) b,"                            \
    "  (SELECT 0 AS v UNION SELECT 1) c, (SELECT 0 AS v UNION SELECT 1) k;"

const char pd_schema_risk[] =
    "CREATE TABLE risk_rules ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL,"           /* 4800-65, 4800-50, 218 */
    "  name TEXT NOT NULL,"           /* shown with every result */
    "  legal_basis TEXT NOT NULL,"    /* the decision and what it says */
    "  effective_from TEXT NOT NULL," /* YYYY-MM-DD: applies to weeks ending on or after */
    "  effective_to TEXT,"            /* YYYY-MM-DD inclusive; NULL: open */
    "  province_code TEXT,"           /* NULL: national; else a province's adjustment */
    "  method TEXT NOT NULL CHECK (method IN ('4800','218')),"
    "  band2_min REAL NOT NULL," /* C1: community cases per 100,000 per week */
    "  band3_min REAL NOT NULL,"
    "  band4_min REAL NOT NULL,"
    "  coverage_measure TEXT NOT NULL CHECK (coverage_measure IN ('dose1_18plus','full_all')),"
    "  coverage_min REAL NOT NULL,"             /* fraction, e.g. 0.70 */
    "  elderly_age INTEGER NOT NULL,"           /* 65 or 50 */
    "  elderly_min REAL NOT NULL,"              /* fraction of the elderly fully vaccinated */
    "  quiet_days INTEGER NOT NULL DEFAULT 14," /* no community case in this many days -> level 1 */
    "  c3_no_lower INTEGER NOT NULL DEFAULT 1," /* C3 unmet: not lower than last week */
    "  is_default INTEGER NOT NULL DEFAULT 0,"  /* a project default where the source stops */
    "  note TEXT NOT NULL DEFAULT '',"
    "  updated_by INTEGER,"
    "  updated_at INTEGER"
    ");"
    "CREATE UNIQUE INDEX risk_rules_code ON risk_rules(code, ifnull(province_code, ''));"
    "CREATE TABLE risk_matrix ("
    "  rule_id INTEGER NOT NULL REFERENCES risk_rules(id) ON DELETE CASCADE,"
    "  c1_band INTEGER NOT NULL CHECK (c1_band BETWEEN 1 AND 4),"
    "  c2_met INTEGER NOT NULL CHECK (c2_met IN (0, 1)),"
    "  c3_met INTEGER NOT NULL CHECK (c3_met IN (0, 1)),"
    "  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),"
    "  PRIMARY KEY (rule_id, c1_band, c2_met, c3_met)"
    ") WITHOUT ROWID;"
    "INSERT INTO risk_rules(id, code, name, legal_basis, effective_from, effective_to, method,"
    "  band2_min, band3_min, band4_min, coverage_measure, coverage_min, elderly_age, elderly_min,"
    "  is_default, note) VALUES"
    " (1, '4800-65', 'Quyết định 4800/QĐ-BYT (người cao tuổi từ 65 tuổi)',"
    "  'Nghị quyết 128/NQ-CP ngày 11/10/2021; Quyết định 4800/QĐ-BYT ngày 12/10/2021 của Bộ Y tế: "
    "tiêu chí 1 ca mắc mới tại cộng đồng/100.000 dân/tuần (<20, 20-<50, 50-<150, >=150); tiêu chí "
    "2 "
    ">=70% người từ 18 tuổi tiêm ít nhất 1 mũi và >=80% người từ 65 tuổi tiêm đủ liều; tiêu chí 3 "
    "năng lực điều trị: chưa đạt thì không được hạ cấp.',"
    "  '2021-10-12', '2021-10-31', '4800', 20, 50, 150, 'dose1_18plus', 0.70, 65, 0.80, 1,"
    "  'Bảng kết hợp tiêu chí 1 x tiêu chí 2 là mặc định của dự án (chưa có bảng chính thức): "
    "không có ca cộng đồng trong 14 ngày -> cấp 1; đạt độ bao phủ -> cấp theo tiêu chí 1; chưa đạt "
    "-> tăng 1 cấp (tối đa cấp 4).'),"
    " (2, '4800-50', 'Quyết định 4800/QĐ-BYT (người cao tuổi từ 50 tuổi, từ 01/11/2021)',"
    "  'Quyết định 4800/QĐ-BYT ngày 12/10/2021: từ tháng 11/2021 điều kiện người cao tuổi là "
    ">=80% người từ 50 tuổi tiêm đủ liều; các tiêu chí khác như trên.',"
    "  '2021-11-01', '2022-01-26', '4800', 20, 50, 150, 'dose1_18plus', 0.70, 50, 0.80, 1,"
    "  'Bảng kết hợp là mặc định của dự án, như trên.'),"
    " (3, '218', 'Quyết định 218/QĐ-BYT',"
    "  'Quyết định 218/QĐ-BYT ngày 27/01/2022 thay thế Quyết định 4800: mức độ lây nhiễm (ca mắc "
    "mới tại cộng đồng/100.000 dân/tuần, tăng 1 mức nếu chưa đạt độ bao phủ: >=75% dân số tiêm đủ "
    "liều và >=90% nhóm nguy cơ cao tiêm đủ liều) kết hợp khả năng đáp ứng.',"
    "  '2022-01-27', NULL, '218', 20, 50, 150, 'full_all', 0.75, 50, 0.90, 1,"
    "  'Ngưỡng mức lây nhiễm và bảng kết hợp là mặc định của dự án: đạt năng lực (đáp ứng cao) -> "
    "giảm 1 cấp so với mức lây nhiễm (tối thiểu cấp 1), chưa đạt (đáp ứng trung bình) -> bằng mức "
    "lây nhiễm.');" PD_RISK_MATRIX_SQL("1", "CASE WHEN c.v = 1 THEN b.v ELSE min(4, b.v + 1) END")
        PD_RISK_MATRIX_SQL("2", "CASE WHEN c.v = 1 THEN b.v ELSE min(4, b.v + 1) END")
            PD_RISK_MATRIX_SQL("3", "CASE WHEN k.v = 1 THEN max(1, (CASE WHEN c.v = 1 THEN b.v "
                                    "ELSE min(4, b.v + 1) END) - 1) ELSE (CASE WHEN c.v = 1 THEN "
                                    "b.v ELSE min(4, b.v + 1) END) END")

    /* Criterion 3: the health centre's checklist for one commune and ISO week. */
    "CREATE TABLE risk_capacity ("
    "  unit_code TEXT NOT NULL," /* commune */
    "  week TEXT NOT NULL,"      /* YYYY-Www */
    "  district_code TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  oxygen INTEGER NOT NULL CHECK (oxygen IN (0, 1))," /* trạm y tế có oxy */
    "  mobile_station INTEGER NOT NULL CHECK (mobile_station IN (0, 1)),"
    "  care_team INTEGER NOT NULL CHECK (care_team IN (0, 1))," /* tổ chăm sóc cộng đồng */
    "  met INTEGER NOT NULL CHECK (met IN (0, 1)),"
    "  note TEXT NOT NULL DEFAULT '',"
    "  filled_by INTEGER,"
    "  filled_at INTEGER NOT NULL,"
    "  PRIMARY KEY (unit_code, week)"
    ");"
    "CREATE INDEX risk_capacity_week ON risk_capacity(week, unit_code);"

    /* A week's result confirmed and published by an official: what the public map shows. */
    "CREATE TABLE risk_published ("
    "  week TEXT NOT NULL,"
    "  unit_code TEXT NOT NULL,"
    "  district_code TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),"
    "  population INTEGER NOT NULL,"
    "  cases INTEGER NOT NULL,"
    "  rate REAL NOT NULL,"
    "  c1_band INTEGER NOT NULL,"
    "  coverage_met INTEGER NOT NULL,"
    "  dose1_18plus REAL NOT NULL,"
    "  full_elderly REAL NOT NULL,"
    "  full_all REAL NOT NULL,"
    "  capacity_met INTEGER NOT NULL,"
    "  previous_level INTEGER,"
    "  reason TEXT NOT NULL,"
    "  rule_id INTEGER NOT NULL,"
    "  published_by INTEGER,"
    "  published_at INTEGER NOT NULL,"
    "  PRIMARY KEY (week, unit_code)"
    ");"
    "CREATE INDEX risk_published_unit ON risk_published(unit_code, week);"

    /* Commune boundaries a province imported (GeoJSON geometry of one feature). */
    "CREATE TABLE risk_boundaries ("
    "  unit_code TEXT PRIMARY KEY,"
    "  district_code TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  geometry TEXT NOT NULL,"
    "  imported_by INTEGER,"
    "  imported_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX risk_boundaries_district ON risk_boundaries(district_code);"

    /* The week's population and age groups per commune come from this index alone (a covering
     * scan grouped by commune, no table rows read); criterion 1 reads community cases by
     * confirmation time. */
    "CREATE INDEX IF NOT EXISTS people_unit_birth ON people(unit_code, birth_date);"
    "CREATE INDEX IF NOT EXISTS cases_found_confirmed ON cases(found_in, confirmed_at, unit_code);";
