-- bench/trace_pg.sql: the PostgreSQL baseline of the tracing benchmark (bench/run.sh,
-- BENCH_ONLY=trace). Run with psql -v step=schema|index|run (and for run: -v budget=SECONDS
-- -v max_cases=N -v now=UNIX_TIME):
--   schema  the tables, before the data is COPYed in (from bench_trace --export);
--   index   the indexes, each venue's longest presence, VACUUM ANALYZE;
--   run     the function pd_trace (F1 and F2 of a case, the rules of src/trace/trace.h) and one
--           timed call per case, in id order, until max_cases or the time budget; the results
--           go to bench_results (read back with COPY).
-- The check-ins hold the end of their presence (out_eff = out_at, else in_at + the venue's stay),
-- computed by the exporter; times are Unix seconds.

SELECT :'step' = 'schema' AS step_schema, :'step' = 'index' AS step_index,
       :'step' = 'run' AS step_run \gset

\if :step_schema
SET client_min_messages = warning;
DROP TABLE IF EXISTS checkins, people, venues, cases, case_contacts, bench_results;
-- UNLOGGED: a throwaway copy; loading skips the WAL, reading is the same.
CREATE UNLOGGED TABLE people (id integer NOT NULL, household_id integer);
CREATE UNLOGGED TABLE venues (id integer NOT NULL, stay_s integer NOT NULL,
                              max_len integer NOT NULL DEFAULT 0);
CREATE UNLOGGED TABLE checkins (person_id integer NOT NULL, venue_id integer NOT NULL,
                                in_at integer NOT NULL, out_eff integer NOT NULL);
CREATE UNLOGGED TABLE cases (id integer NOT NULL, person_id integer NOT NULL, onset_date date,
                             sample_date date NOT NULL, infectious_until integer NOT NULL);
CREATE UNLOGGED TABLE case_contacts (case_id integer NOT NULL, person_id integer NOT NULL,
                                     contact_at integer);
\endif

\if :step_index
ALTER TABLE people ADD PRIMARY KEY (id);
ALTER TABLE venues ADD PRIMARY KEY (id);
ALTER TABLE cases ADD PRIMARY KEY (id);
-- Covering indexes: every check-in lookup is an index-only scan.
CREATE INDEX checkins_venue ON checkins (venue_id, in_at) INCLUDE (out_eff, person_id);
CREATE INDEX checkins_person ON checkins (person_id, in_at) INCLUDE (out_eff, venue_id);
CREATE INDEX people_household ON people (household_id) INCLUDE (id) WHERE household_id IS NOT NULL;
CREATE INDEX case_contacts_case ON case_contacts (case_id);
-- The longest presence at each venue bounds the scan back in time: a presence that overlaps
-- [s, e) began after s - max_len.
UPDATE venues v SET max_len = m.len
  FROM (SELECT venue_id, max(out_eff - in_at) AS len FROM checkins GROUP BY venue_id) m
 WHERE v.id = m.venue_id;
VACUUM (ANALYZE) people;
VACUUM (ANALYZE) venues;
VACUUM (ANALYZE) cases;
VACUUM (ANALYZE) case_contacts;
VACUUM (ANALYZE) checkins;
\endif

\if :step_run
-- F1 and F2 of case p_case at time p_now (opts.now), counting overlaps of at least
-- greatest(1, p_min_overlap) seconds. No quarantine orders exist in the benchmark's data, so an
-- F1's window runs from its exposure to p_now.
CREATE OR REPLACE FUNCTION pd_trace(p_case integer, p_now integer, p_min_overlap integer)
RETURNS TABLE (person_id integer, level integer, via integer, exposure integer, window_start integer)
LANGUAGE sql STABLE AS $$
WITH c AS MATERIALIZED (
    -- Window: 00:00 local (UTC+7) two days before the onset (else the sample) date, to
    -- infectious_until.
    SELECT k.person_id AS p, pe.household_id AS hh,
           (extract(epoch FROM (coalesce(k.onset_date, k.sample_date) - 2)::timestamp) - 25200)::integer AS ws,
           k.infectious_until AS we
      FROM cases k JOIN people pe ON pe.id = k.person_id
     WHERE k.id = p_case),
pp AS MATERIALIZED (
    -- The case's presences clipped to the window.
    SELECT x.venue_id, greatest(x.in_at, c.ws) AS s, least(x.out_eff, c.we) AS e
      FROM c JOIN checkins x ON x.person_id = c.p AND x.in_at < c.we
     WHERE x.out_eff > c.ws AND x.out_eff > x.in_at),
f1_all AS (
    SELECT y.person_id AS q, greatest(pp.s, y.in_at) AS exp
      FROM pp JOIN venues v ON v.id = pp.venue_id
      JOIN checkins y ON y.venue_id = pp.venue_id AND y.in_at < pp.e AND y.in_at > pp.s - v.max_len
     WHERE y.out_eff > pp.s AND y.out_eff > y.in_at AND y.person_id <> (SELECT p FROM c)
       AND least(pp.e, y.out_eff) - greatest(pp.s, y.in_at) >= greatest(1, p_min_overlap)
    UNION ALL
    SELECT o.id, c.ws FROM c JOIN people o ON o.household_id = c.hh WHERE o.id <> c.p
    UNION ALL
    SELECT cc.person_id, coalesce(cc.contact_at, c.ws)
      FROM c JOIN case_contacts cc ON cc.case_id = p_case WHERE cc.person_id <> c.p),
f1 AS MATERIALIZED (
    SELECT q, min(exp) AS e FROM f1_all GROUP BY q),
xp AS MATERIALIZED (
    -- Each F1's presences clipped to its window [exposure, now).
    SELECT f1.q AS x, z.venue_id, greatest(z.in_at, f1.e) AS s, least(z.out_eff, p_now) AS e
      FROM f1 JOIN checkins z ON z.person_id = f1.q AND z.in_at < p_now
     WHERE z.out_eff > f1.e AND z.out_eff > z.in_at AND f1.e < p_now),
f2_all AS (
    -- Evidence as one number: exposure, then the F1's id (the earliest evidence, ties to the
    -- lower F1).
    SELECT y.person_id AS q, greatest(xp.s, y.in_at)::bigint * 4294967296 + xp.x AS key
      FROM xp JOIN venues v ON v.id = xp.venue_id
      JOIN checkins y ON y.venue_id = xp.venue_id AND y.in_at < xp.e AND y.in_at > xp.s - v.max_len
     WHERE y.out_eff > xp.s AND y.out_eff > y.in_at
       AND least(xp.e, y.out_eff) - greatest(xp.s, y.in_at) >= greatest(1, p_min_overlap)
    UNION ALL
    SELECT o.id, f1.e::bigint * 4294967296 + f1.q
      FROM f1 JOIN people hx ON hx.id = f1.q
      JOIN people o ON o.household_id = hx.household_id AND o.id <> f1.q
     WHERE f1.e < p_now),
f2 AS (
    SELECT q, min(key) AS key FROM f2_all
     WHERE q <> (SELECT p FROM c) AND NOT EXISTS (SELECT 1 FROM f1 WHERE f1.q = f2_all.q)
     GROUP BY q)
SELECT q, 1, (SELECT p FROM c), e, (SELECT ws FROM c) FROM f1
UNION ALL
SELECT q, 2, (key % 4294967296)::integer, (key / 4294967296)::integer, (SELECT ws FROM c) FROM f2
$$;

-- What the query reads, in shared buffers before the first case (the engine's index is in memory too).
CREATE EXTENSION IF NOT EXISTS pg_prewarm;
SELECT pg_prewarm('checkins_venue') + pg_prewarm('checkins_person') + pg_prewarm('people_household')
       + pg_prewarm('people_pkey') + pg_prewarm('people') + pg_prewarm('venues') + pg_prewarm('cases')
       AS prewarmed_blocks;

DROP TABLE IF EXISTS bench_results;
CREATE TABLE bench_results (case_id integer, ms double precision, f1 bigint, f2 bigint,
                            f1_ids bigint, f2_ids bigint, f1_exp bigint, f2_exp bigint,
                            f2_via bigint);
SET plan_cache_mode = force_custom_plan;
SET bench.budget = :'budget';
SET bench.max_cases = :'max_cases';
SET bench.now = :'now';
SET bench.min_overlap = :'min_overlap';
DO $$
DECLARE
    budget double precision := current_setting('bench.budget')::double precision;
    max_cases integer := current_setting('bench.max_cases')::integer;
    now_at integer := current_setting('bench.now')::integer;
    min_overlap integer := current_setting('bench.min_overlap')::integer;
    began timestamptz := clock_timestamp();
    t0 timestamptz;
    r record;
    s record;
    n integer := 0;
BEGIN
    FOR r IN SELECT id FROM cases ORDER BY id LIMIT max_cases LOOP
        EXIT WHEN extract(epoch FROM clock_timestamp() - began) > budget;
        t0 := clock_timestamp();
        SELECT count(*) FILTER (WHERE level = 1) AS f1, count(*) FILTER (WHERE level = 2) AS f2,
               coalesce(sum(person_id) FILTER (WHERE level = 1), 0) AS f1_ids,
               coalesce(sum(person_id) FILTER (WHERE level = 2), 0) AS f2_ids,
               coalesce(sum(exposure - window_start) FILTER (WHERE level = 1), 0) AS f1_exp,
               coalesce(sum(exposure - window_start) FILTER (WHERE level = 2), 0) AS f2_exp,
               coalesce(sum(via) FILTER (WHERE level = 2), 0) AS f2_via
          INTO s FROM pd_trace(r.id, now_at, min_overlap);
        INSERT INTO bench_results VALUES (r.id,
            extract(epoch FROM clock_timestamp() - t0) * 1000, s.f1, s.f2, s.f1_ids, s.f2_ids,
            s.f1_exp, s.f2_exp, s.f2_via);
        n := n + 1;
        IF n % 10 = 0 THEN
            RAISE NOTICE 'postgres: % cases, % s', n,
                round(extract(epoch FROM clock_timestamp() - began)::numeric, 1);
        END IF;
    END LOOP;
END $$;
\endif
