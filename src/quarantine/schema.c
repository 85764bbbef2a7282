/* The schema migration of quarantine and F0 care (migration 7 of store/migrations.c): the F1 and
 * arrival quarantine rules as data rows with their legal basis and effective date (copied from the
 * project's domain rules, §2 "Quarantine timeline"), facilities (quarantine sites, hotels,
 * treatment facilities by tier, mobile medical stations), what quarantine orders gain once work
 * starts (facility, release, hand-over), daily health checks, F0 care episodes with their home
 * monitoring entries, and the care rules of §6 (home-care criteria, release) as data rows. */
#include "store/migrations.h"

/* Rule rows: (category, immunity, effective_from, basis, quarantine, place, quarantine_days,
 * test_days, monitoring_days, monitoring_test_days, note). Immunity 0 none, 1 one dose, 2 full,
 * 3 recovered (quarantine.h). The f1 rows repeat rules.c's table, which tracing reads;
 * tests/unit/test_quarantine.c checks that both say the same. */
#define F1_ALL(from, basis, q, place, days, tests, mon, mtests, note)                              \
    "('f1',0,'" from "','" basis "'," q ",'" place "'," days ",'" tests "'," mon ",'" mtests       \
    "','" note "'),"                                                                               \
    "('f1',1,'" from "','" basis "'," q ",'" place "'," days ",'" tests "'," mon ",'" mtests       \
    "','" note "'),"                                                                               \
    "('f1',2,'" from "','" basis "'," q ",'" place "'," days ",'" tests "'," mon ",'" mtests       \
    "','" note "'),"                                                                               \
    "('f1',3,'" from "','" basis "'," q ",'" place "'," days ",'" tests "'," mon ",'" mtests       \
    "','" note "'),"

const char pd_schema_quarantine[] =
    "CREATE TABLE quarantine_rules ("
    "  id INTEGER PRIMARY KEY,"
    "  category TEXT NOT NULL CHECK (category IN ('f1','arrival','other')),"
    "  immunity INTEGER NOT NULL CHECK (immunity BETWEEN 0 AND 3),"
    "  effective_from TEXT NOT NULL," /* YYYY-MM-DD, in force until the next row */
    "  basis TEXT NOT NULL,"
    "  quarantine INTEGER NOT NULL CHECK (quarantine IN (0,1)),"
    "  place TEXT NOT NULL CHECK (place IN ('centralised','home','hotel')),"
    "  quarantine_days INTEGER NOT NULL,"
    "  test_days TEXT NOT NULL,"
    "  monitoring_days INTEGER NOT NULL,"
    "  monitoring_test_days TEXT NOT NULL,"
    "  note TEXT NOT NULL DEFAULT '',"
    "  UNIQUE (category, immunity, effective_from)"
    ");"
    "INSERT INTO quarantine_rules(category, immunity, effective_from, basis, quarantine, place,"
    "  quarantine_days, test_days, monitoring_days, monitoring_test_days, note) VALUES " F1_ALL(
        "2021-05-05", "600/CĐ-BCĐ", "1", "centralised", "21", "[1,14,20]", "7", "[7]",
        "✔ Công điện 600/CĐ-BCĐ")
        F1_ALL(
            "2021-07-14", "5599/BYT-MT", "1", "centralised", "14", "[1,7,14]", "14", "[]",
            "✔ Công văn 5599/BYT-MT") "('f1',0,'2021-10-11','Hướng dẫn sau Nghị quyết "
                                      "128/NQ-CP',1,'home',14,'[7,14]',14,'[]',"
                                      "  '⚠ nguồn thứ cấp'),"
                                      "('f1',1,'2021-10-11','Hướng dẫn sau Nghị quyết "
                                      "128/NQ-CP',1,'home',7,'[7]',7,'[]',"
                                      "  '⚠ nguồn thứ cấp; xét nghiệm ngày 7 là mặc định của dự "
                                      "án'),"
                                      "('f1',2,'2021-10-11','Hướng dẫn sau Nghị quyết "
                                      "128/NQ-CP',1,'home',0,'[]',7,'[]',"
                                      "  '⚠ nguồn thứ cấp: chỉ theo dõi sức khỏe'),"
                                      "('f1',3,'2021-10-11','Hướng dẫn sau Nghị quyết "
                                      "128/NQ-CP',1,'home',0,'[]',7,'[]',"
                                      "  '⚠ nguồn thứ cấp: chỉ theo dõi sức khỏe'),"
                                      "('f1',0,'2021-12-16','10696/"
                                      "BYT-MT',1,'home',14,'[7,14]',14,'[]','✔ như tháng 10/2021'),"
                                      "('f1',1,'2021-12-16','10696/"
                                      "BYT-MT',1,'home',7,'[7]',7,'[]','✔ như tháng 10/2021'),"
                                      "('f1',2,'2021-12-16','10696/"
                                      "BYT-MT',1,'home',7,'[1,7]',7,'[]','✔ Công văn "
                                      "10696/BYT-MT'),"
                                      "('f1',3,'2021-12-16','10696/"
                                      "BYT-MT',1,'home',7,'[1,7]',7,'[]','✔ Công văn "
                                      "10696/BYT-MT'),"
                                      "('f1',0,'2022-02-21','762/"
                                      "BYT-DP',1,'home',7,'[7]',3,'[]','✔ Công văn 762/BYT-DP'),"
                                      "('f1',1,'2022-02-21','762/"
                                      "BYT-DP',1,'home',7,'[7]',3,'[]','✔ Công văn 762/BYT-DP'),"
                                      "('f1',2,'2022-02-21','762/"
                                      "BYT-DP',1,'home',5,'[5]',5,'[]','✔ Công văn 762/BYT-DP'),"
                                      "('f1',3,'2022-02-21','762/"
                                      "BYT-DP',1,'home',5,'[5]',5,'[]','✔ Công văn "
                                      "762/BYT-DP')," F1_ALL("2022-04-01",
                                                             "Định nghĩa F1 mới từ 01/04/2022", "0",
                                                             "home", "0", "[]", "0", "[]",
                                                             "✔ F1 không còn phải cách ly")
    /* Arrivals (entrants, people from outbreak areas): 600 and 5599 name entrants too; the
     * August 2021 guidance (number not found) is for arrivals from outbreak areas. No later
     * source: the August row stays in force (project default, editable data). */
    "('arrival',0,'2021-05-05','600/CĐ-BCĐ',1,'centralised',21,'[1,14,20]',7,'[7]','✔'),"
    "('arrival',1,'2021-05-05','600/CĐ-BCĐ',1,'centralised',21,'[1,14,20]',7,'[7]','✔'),"
    "('arrival',2,'2021-05-05','600/CĐ-BCĐ',1,'centralised',21,'[1,14,20]',7,'[7]','✔'),"
    "('arrival',3,'2021-05-05','600/CĐ-BCĐ',1,'centralised',21,'[1,14,20]',7,'[7]','✔'),"
    "('arrival',0,'2021-07-14','5599/BYT-MT',1,'centralised',14,'[1,7,14]',14,'[]','✔'),"
    "('arrival',1,'2021-07-14','5599/BYT-MT',1,'centralised',14,'[1,7,14]',14,'[]','✔'),"
    "('arrival',2,'2021-07-14','5599/BYT-MT',1,'centralised',14,'[1,7,14]',14,'[]','✔'),"
    "('arrival',3,'2021-07-14','5599/BYT-MT',1,'centralised',14,'[1,7,14]',14,'[]','✔'),"
    "('arrival',0,'2021-08-01','Hướng dẫn của Bộ Y tế tháng 8/2021 (không rõ số)',1,'home',14,"
    "  '[1,7,14]',14,'[]','⚠ ngày hiệu lực là mặc định của dự án (tháng 8/2021)'),"
    "('arrival',1,'2021-08-01','Hướng dẫn của Bộ Y tế tháng 8/2021 (không rõ số)',1,'home',14,"
    "  '[1,7,14]',14,'[]','⚠ ngày hiệu lực là mặc định của dự án (tháng 8/2021)'),"
    "('arrival',2,'2021-08-01','Hướng dẫn của Bộ Y tế tháng 8/2021 (không rõ số)',1,'home',7,"
    "  '[1,7]',0,'[]','⚠ ngày hiệu lực là mặc định của dự án (tháng 8/2021)'),"
    "('arrival',3,'2021-08-01','Hướng dẫn của Bộ Y tế tháng 8/2021 (không rõ số)',1,'home',7,"
    "  '[1,7]',0,'[]','⚠ ngày hiệu lực là mặc định của dự án (tháng 8/2021)');"

    "CREATE TABLE facilities ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('quarantine','hotel','treatment','mobile_station')),"
    "  name TEXT NOT NULL,"
    "  tier INTEGER CHECK (tier IN (1,2,3))," /* treatment: tầng 1/2/3 */
    "  beds INTEGER NOT NULL DEFAULT 0 CHECK (beds >= 0),"
    "  icu_beds INTEGER NOT NULL DEFAULT 0 CHECK (icu_beds >= 0),"
    "  address TEXT NOT NULL DEFAULT '',"
    "  phone TEXT NOT NULL DEFAULT '',"
    "  team TEXT NOT NULL DEFAULT ''," /* mobile station: its team, one member a line */
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  unit_code TEXT NOT NULL,"
    "  district_code TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX facilities_unit ON facilities(unit_code);"
    "CREATE INDEX facilities_district ON facilities(district_code);"
    "CREATE INDEX facilities_province ON facilities(province_code);"

    /* What an order gains once started: place may become 'hotel' too. */
    "ALTER TABLE quarantine_orders ADD COLUMN facility_id INTEGER REFERENCES facilities(id);"
    "ALTER TABLE quarantine_orders ADD COLUMN started_on TEXT;"
    "ALTER TABLE quarantine_orders ADD COLUMN released_on TEXT;"
    "ALTER TABLE quarantine_orders ADD COLUMN release_note TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE quarantine_orders ADD COLUMN monitoring_end TEXT;"
    "ALTER TABLE quarantine_orders ADD COLUMN handover_unit TEXT;"
    "ALTER TABLE quarantine_orders ADD COLUMN handover_confirmed_at INTEGER;"
    "ALTER TABLE quarantine_orders ADD COLUMN handover_confirmed_by INTEGER;"
    "CREATE INDEX quarantine_orders_facility ON quarantine_orders(facility_id)"
    "  WHERE status = 'active';"
    "CREATE INDEX quarantine_orders_monitoring ON quarantine_orders(monitoring_end)"
    "  WHERE status = 'done';"
    "CREATE INDEX quarantine_orders_started ON quarantine_orders(started_at);"
    "CREATE INDEX quarantine_orders_ended ON quarantine_orders(ended_at);"

    /* The test days of every order with their dates, kept by triggers from test_days and
     * start_date, so that the worklists find the tests of a day through an index instead of
     * reading every order's JSON (bench/bench_quarantine_worklist.c). */
    "CREATE TABLE quarantine_test_days ("
    "  order_id INTEGER NOT NULL REFERENCES quarantine_orders(id) ON DELETE CASCADE,"
    "  day INTEGER NOT NULL,"
    "  on_date TEXT NOT NULL,"
    "  PRIMARY KEY (order_id, day)"
    ") WITHOUT ROWID;"
    "CREATE INDEX quarantine_test_days_date ON quarantine_test_days(on_date, order_id);"
    "INSERT INTO quarantine_test_days SELECT o.id, j.value, date(o.start_date, '+' || j.value ||"
    "  ' days') FROM quarantine_orders o, json_each(o.test_days) j;"
    "CREATE TRIGGER quarantine_test_days_ai AFTER INSERT ON quarantine_orders BEGIN"
    "  INSERT INTO quarantine_test_days SELECT new.id, j.value, date(new.start_date, '+' ||"
    "    j.value || ' days') FROM json_each(new.test_days) j;"
    "END;"
    "CREATE TRIGGER quarantine_test_days_au AFTER UPDATE OF start_date, test_days ON"
    "  quarantine_orders BEGIN"
    "  DELETE FROM quarantine_test_days WHERE order_id = old.id;"
    "  INSERT INTO quarantine_test_days SELECT new.id, j.value, date(new.start_date, '+' ||"
    "    j.value || ' days') FROM json_each(new.test_days) j;"
    "END;"

    "CREATE TABLE quarantine_checks ("
    "  id INTEGER PRIMARY KEY,"
    "  order_id INTEGER NOT NULL REFERENCES quarantine_orders(id),"
    "  person_id INTEGER NOT NULL,"
    "  checked_on TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  temperature REAL,"
    "  symptoms TEXT NOT NULL DEFAULT '[]',"
    "  note TEXT NOT NULL DEFAULT '',"
    "  alert INTEGER NOT NULL DEFAULT 0," /* symptoms or fever: send for testing */
    "  by_user INTEGER"
    ");"
    "CREATE INDEX quarantine_checks_order ON quarantine_checks(order_id, checked_on);"
    "CREATE INDEX quarantine_checks_alert ON quarantine_checks(checked_on) WHERE alert = 1;"

    "CREATE TABLE care_episodes ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL UNIQUE REFERENCES cases(id),"
    "  person_id INTEGER NOT NULL,"
    "  colour TEXT NOT NULL CHECK (colour IN ('green','yellow','orange','red')),"
    "  colour_reason TEXT NOT NULL,"
    "  colour_basis TEXT NOT NULL,"
    "  place TEXT NOT NULL CHECK (place IN ('home','facility')),"
    "  place_reason TEXT NOT NULL,"
    "  place_basis TEXT NOT NULL,"
    "  tier INTEGER NOT NULL CHECK (tier IN (1,2,3))," /* recommended tier */
    "  age INTEGER,"
    "  vaccination TEXT NOT NULL CHECK (vaccination IN ('none','partial','full')),"
    "  comorbidity TEXT NOT NULL DEFAULT 'none' CHECK (comorbidity IN "
    "('none','stable','unstable')),"
    "  pregnant INTEGER NOT NULL DEFAULT 0,"
    "  symptoms TEXT NOT NULL CHECK (symptoms IN ('none','mild','moderate','severe')),"
    "  resp_rate INTEGER,"
    "  spo2 INTEGER,"
    "  self_care INTEGER NOT NULL DEFAULT 1,"
    "  facility_id INTEGER REFERENCES facilities(id)," /* bed, or the mobile station at home */
    "  bed_kind TEXT CHECK (bed_kind IN ('bed','icu','station')),"
    "  bed_at INTEGER,"
    "  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','released')),"
    "  started_on TEXT NOT NULL," /* day 0: the positive sample's day */
    "  negative_test_on TEXT,"    /* a negative antigen test reported at release */
    "  released_on TEXT,"
    "  released_at INTEGER,"
    "  release_basis TEXT,"
    "  unit_code TEXT NOT NULL,"
    "  district_code TEXT NOT NULL,"
    "  province_code TEXT NOT NULL,"
    "  triaged_at INTEGER NOT NULL,"
    "  triaged_by INTEGER"
    ");"
    "CREATE INDEX care_episodes_unit ON care_episodes(unit_code, status);"
    "CREATE INDEX care_episodes_district ON care_episodes(district_code, status);"
    "CREATE INDEX care_episodes_province ON care_episodes(province_code, status);"
    "CREATE INDEX care_episodes_facility ON care_episodes(facility_id) WHERE status = 'active';"
    "CREATE TABLE care_monitoring ("
    "  id INTEGER PRIMARY KEY,"
    "  episode_id INTEGER NOT NULL REFERENCES care_episodes(id),"
    "  at INTEGER NOT NULL,"
    "  day TEXT NOT NULL,"
    "  slot TEXT NOT NULL CHECK (slot IN ('morning','evening')),"
    "  spo2 INTEGER NOT NULL,"
    "  resp_rate INTEGER NOT NULL,"
    "  temperature REAL,"
    "  pulse INTEGER,"
    "  note TEXT NOT NULL DEFAULT '',"
    "  alert TEXT NOT NULL DEFAULT ''," /* why this entry needs a doctor; '' none */
    "  alert_done_at INTEGER,"
    "  alert_done_by INTEGER,"
    "  by_user INTEGER"
    ");"
    "CREATE INDEX care_monitoring_episode ON care_monitoring(episode_id, at);"
    "CREATE INDEX care_monitoring_alert ON care_monitoring(episode_id)"
    "  WHERE alert <> '' AND alert_done_at IS NULL;"

    /* Home-care criteria (§6), inclusive thresholds: Decision 4038 says RR <= 20 and SpO2 >= 96,
     * Decision 261 RR < 20 and SpO2 > 96. A monitoring entry outside them raises an alert. */
    "CREATE TABLE care_home_rules ("
    "  effective_from TEXT PRIMARY KEY,"
    "  basis TEXT NOT NULL,"
    "  resp_rate_max INTEGER NOT NULL,"
    "  spo2_min INTEGER NOT NULL,"
    "  stable_comorbidity_ok INTEGER NOT NULL,"     /* 261: a comorbidity under stable treatment */
    "  needs_vaccine_or_low_risk INTEGER NOT NULL," /* 4038: 2 doses (1 >= 14 d), or 1-49 healthy */
    "  note TEXT NOT NULL DEFAULT ''"
    ");"
    "INSERT INTO care_home_rules VALUES"
    " ('2021-08-21','4038/QĐ-BYT',20,96,0,1,'✔ nhịp thở ≤ 20, SpO₂ ≥ 96 %'),"
    " ('2022-01-31','261/QĐ-BYT',19,97,1,0,'✔ nhịp thở < 20, SpO₂ > 96 %');"
    /* Release from isolation (§6): days with a negative antigen test, else days without one by
     * vaccination (NULL: a negative test is required). Days count from the positive sample. */
    "CREATE TABLE care_release_rules ("
    "  effective_from TEXT PRIMARY KEY,"
    "  basis TEXT NOT NULL,"
    "  days_with_negative INTEGER NOT NULL,"
    "  days_full_without INTEGER,"
    "  days_other_without INTEGER,"
    "  note TEXT NOT NULL DEFAULT ''"
    ");"
    "INSERT INTO care_release_rules VALUES"
    " ('2021-12-01','Hướng dẫn tháng 12/2021',10,NULL,NULL,"
    "  '⚠ ngày hiệu lực là mặc định của dự án; 10 ngày và test nhanh âm tính'),"
    " ('2022-01-28','250/QĐ-BYT',7,10,14,"
    "  '✔ 7 ngày và test nhanh âm tính; không thì 10 ngày (đủ liều) hoặc 14 ngày');";
