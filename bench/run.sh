#!/usr/bin/env bash
# bench/run.sh: the benchmarks of docs/benchmarks.md in one command (`make bench`). Builds what it needs,
# generates a 1,000,000-person CSV into bench/out/, then measures, each beside a baseline taken in the
# same run: CSV import rate, name search p50/p99, authenticated GET throughput (wrk) and the people
# page's time to first render (Chromium). Prints one Markdown table (also saved to bench/out/results.md);
# the details of every run are in bench/out/*.log. Never run by `make check`.
#
# Settings (environment): PHONGDICH_BUILD_DIR (default build/), BENCH_OUT (bench/out), BENCH_ROWS (1000000),
# BENCH_SEED (2021), BENCH_IMPORT_RUNS (3), BENCH_SEARCH_QUERIES (300), BENCH_SEARCH_PASSES (3),
# BENCH_SEARCH_BASELINE_PASSES (1), BENCH_COMMUNE (01837), BENCH_HTTP_RUNS (3), BENCH_WRK_DURATION (10s),
# BENCH_WRK_CONNECTIONS (64), BENCH_WRK_THREADS (2), BENCH_SERVE_THREADS (2), BENCH_BROWSER_RUNS (5),
# BENCH_SMALL_ROWS (1000: the browser baseline's registry), BENCH_ONLY (comma list of import,search,http,
# browser,checkin; the others are skipped and the last imported database in BENCH_OUT is reused).
# Check-ins (BENCH_ONLY=checkin needs no imported database): BENCH_CHECKIN_PEOPLE (600000: each sends one
# check-in), BENCH_CHECKIN_VENUES (1000), BENCH_CHECKIN_RUNS (3), BENCH_CHECKIN_DURATION (10s),
# BENCH_CHECKIN_CONNECTIONS (512), BENCH_CHECKIN_BASELINE_DURATION (5s).
# Bulk ingest (BENCH_ONLY=ingest needs no imported database): BENCH_INGEST_ROWS (10000000 check-ins in one
# file), BENCH_INGEST_RUNS (3), BENCH_INGEST_FORMAT (csv or jsonl).
# Tracing (only with BENCH_ONLY=trace: ~25 GB of disk and an hour or more): BENCH_TRACE_ROWS (100000000
# check-ins), BENCH_TRACE_PEOPLE (rows / 100), BENCH_TRACE_VENUES (people * 3 / 100), BENCH_TRACE_CASES (1000),
# BENCH_TRACE_OUT (bench/out-trace), BENCH_TRACE_ENGINE_BUDGET (0: every case), BENCH_TRACE_PG_CASES (all cases),
# BENCH_TRACE_PG_BUDGET (1800 s),
# BENCH_TRACE_PG_PORT (55432), BENCH_TRACE_PG_SHARED_BUFFERS (10GB), BENCH_TRACE_PG_BIN (/usr/lib/postgresql/15/bin).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${PHONGDICH_BUILD_DIR:-$ROOT/build}"
OUT="${BENCH_OUT:-$ROOT/bench/out}"
ROWS="${BENCH_ROWS:-1000000}"
SEED="${BENCH_SEED:-2021}"
IMPORT_RUNS="${BENCH_IMPORT_RUNS:-3}"
SEARCH_QUERIES="${BENCH_SEARCH_QUERIES:-300}"
SEARCH_PASSES="${BENCH_SEARCH_PASSES:-3}"
SEARCH_BASELINE_PASSES="${BENCH_SEARCH_BASELINE_PASSES:-1}"
COMMUNE="${BENCH_COMMUNE:-01837}"
HTTP_RUNS="${BENCH_HTTP_RUNS:-3}"
WRK_DURATION="${BENCH_WRK_DURATION:-10s}"
WRK_CONNECTIONS="${BENCH_WRK_CONNECTIONS:-64}"
WRK_THREADS="${BENCH_WRK_THREADS:-2}"
SERVE_THREADS="${BENCH_SERVE_THREADS:-2}"
BROWSER_RUNS="${BENCH_BROWSER_RUNS:-5}"
SMALL_ROWS="${BENCH_SMALL_ROWS:-1000}"
ONLY="${BENCH_ONLY:-import,search,http,browser,checkin}"
BENCH_USER=bench
BENCH_PASSWORD='Bench-phongdich-2021'

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
BIN="$BUILD/phongdich"
CSV="$OUT/people-$ROWS.csv"
DB="$OUT/people-$ROWS.db"
SMALL_CSV="$OUT/people-small.csv"
SMALL_DB="$OUT/people-small.db"

wants() { [[ ",$ONLY," == *",$1,"* ]]; }
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
now_ns() { date +%s%N; }
# Median of the numbers on stdin, one a line.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# 1234567.8 -> 1,234,568
thousands() { awk -v x="$1" 'BEGIN { if (x == "" || x == "nan") { print "–"; exit } s = sprintf("%.0f", x); n = ""; while (length(s) > 3) { n = "," substr(s, length(s) - 2) n; s = substr(s, 1, length(s) - 3) } print s n }'; }
# ok VALUE OP LIMIT -> ✔ or ✘ (OP is ge or lt)
ok() { awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { if (v == "" || v == "nan") { print "?"; exit } r = (op == "ge") ? (v + 0 >= l + 0) : (v + 0 < l + 0); print r ? "✔" : "✘" }'; }
result() { awk -v k="$1" '$1 == "RESULT" && $2 == k { print $3 }' "$2" | tail -n 1; }
rm_db() { rm -f "$1" "$1-wal" "$1-shm"; }

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

# --- Build -------------------------------------------------------------------------------------------
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    log "configuring a Release build in $BUILD"
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DPHONGDICH_SANITIZE=OFF >"$OUT/build.log" 2>&1 \
        || { cat "$OUT/build.log" >&2; die "cmake configure of $BUILD"; }
fi
if ! grep -q '^CMAKE_BUILD_TYPE:[A-Z]*=Release$' "$BUILD/CMakeCache.txt"; then
    log "warning: $BUILD is not a Release build; figures will not be comparable"
fi
cmake --build "$BUILD" -j "$(nproc)" --target phongdich gen_people bench_insert_baseline bench_search bench_checkin_setup \
    bench_ingest_gen bench_ingest bench_trace_gen bench_trace \
    >"$OUT/build.log" 2>&1 || { tail -n 30 "$OUT/build.log" >&2; die "build in $BUILD (see $OUT/build.log)"; }
T_START=$(now_ns)
LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
awk -v l="$LOAD_START" 'BEGIN { exit !(l > 1.0) }' \
    && log "warning: load average $LOAD_START: other work on this machine will skew the figures"

# --- Data --------------------------------------------------------------------------------------------
wants_registry() { wants import || wants search || wants http || wants browser; }
STAMP="$OUT/people-$ROWS.stamp"
if wants_registry && { [ ! -s "$CSV" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "rows=$ROWS seed=$SEED gen=$(cksum <"$ROOT/bench/gen_people.c")" ]; }; then
    log "generating $ROWS people into $CSV"
    "$BUILD/gen_people" --rows "$ROWS" --seed "$SEED" --out "$CSV"
    echo "rows=$ROWS seed=$SEED gen=$(cksum <"$ROOT/bench/gen_people.c")" >"$STAMP"
fi
CSV_MB=$(awk -v b="$(stat -c %s "$CSV" 2>/dev/null || echo 0)" 'BEGIN { printf "%.0f", b / 1048576 }')

# --- 1. Import -----------------------------------------------------------------------------------------
IMPORT_RATE="" IMPORT_SECONDS="" BASE_RATE=""
if wants import; then
    : >"$OUT/import.log"
    rates=() secs=() base_rates=()
    for r in $(seq 1 "$IMPORT_RUNS"); do
        rm_db "$DB"
        "$BIN" init --db "$DB" >>"$OUT/import.log" 2>&1 || die "phongdich init (see $OUT/import.log)"
        sync
        log "import run $r/$IMPORT_RUNS: phongdich import of $ROWS rows ($CSV_MB MiB)"
        t0=$(now_ns)
        "$BIN" import --db "$DB" "$CSV" >>"$OUT/import.log" 2>&1 || die "phongdich import (see $OUT/import.log)"
        t1=$(now_ns)
        "$BUILD/bench_search" --db "$DB" --check-rows "$ROWS" >/dev/null \
            || die "the imported database does not hold $ROWS people"
        s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
        rate=$(awk -v s="$s" -v n="$ROWS" 'BEGIN { printf "%.0f", n / s }')
        echo "run $r: phongdich import $s s, $rate rows/s" >>"$OUT/import.log"
        rates+=("$rate") secs+=("$s")

        rm_db "$OUT/baseline.db"
        sync
        log "import run $r/$IMPORT_RUNS: baseline, plain SQLite insert of the same rows"
        t0=$(now_ns)
        n=$("$BUILD/bench_insert_baseline" --db "$OUT/baseline.db" "$CSV") || die "bench_insert_baseline"
        t1=$(now_ns)
        [ "$n" = "$ROWS" ] || die "baseline inserted $n rows, not $ROWS"
        s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
        rate=$(awk -v s="$s" -v n="$ROWS" 'BEGIN { printf "%.0f", n / s }')
        echo "run $r: baseline insert $s s, $rate rows/s" >>"$OUT/import.log"
        base_rates+=("$rate")
    done
    rm_db "$OUT/baseline.db"
    IMPORT_RATE=$(printf '%s\n' "${rates[@]}" | median)
    IMPORT_SECONDS=$(printf '%s\n' "${secs[@]}" | median | awk '{ printf "%.1f", $1 }')
    BASE_RATE=$(printf '%s\n' "${base_rates[@]}" | median)
    log "import: median $IMPORT_RATE rows/s (baseline $BASE_RATE rows/s)"
fi
! wants_registry || [ -f "$DB" ] || die "no database $DB: run with the import benchmark first"

# --- 2. Search -----------------------------------------------------------------------------------------
if wants search; then
    log "search: $SEARCH_QUERIES queries x $SEARCH_PASSES passes (baseline $SEARCH_BASELINE_PASSES), admin and commune $COMMUNE"
    "$BUILD/bench_search" --db "$DB" --queries "$SEARCH_QUERIES" --passes "$SEARCH_PASSES" \
        --baseline-passes "$SEARCH_BASELINE_PASSES" --seed "$SEED" --commune "$COMMUNE" --explain \
        >"$OUT/search.log" 2>&1 || die "bench_search (see $OUT/search.log)"
fi

# --- Servers for 3 and 4 -------------------------------------------------------------------------------
add_user() { # DB
    printf '%s\n' "$BENCH_PASSWORD" | "$BIN" user add --db "$1" --username "$BENCH_USER" --role admin \
        --password-stdin >/dev/null 2>&1 || true # already there from an earlier run
}
start_server() { # DB LOG -> sets SERVER_URL
    "$BIN" serve --db "$1" --listen 127.0.0.1:0 --threads "$SERVE_THREADS" >"$2" 2>&1 &
    PIDS+=("$!")
    SERVER_URL=""
    for _ in $(seq 1 150); do
        SERVER_URL=$(grep -o 'http://[0-9.]*:[0-9]*/' "$2" | head -n 1 || true)
        [ -n "$SERVER_URL" ] && return 0
        kill -0 "$!" 2>/dev/null || break
        sleep 0.2
    done
    die "phongdich serve did not start (see $2)"
}
login() { # URL -> prints the session token
    local jar="$OUT/cookies.txt"
    rm -f "$jar"
    curl -sf -c "$jar" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$BENCH_USER\",\"password\":\"$BENCH_PASSWORD\"}" "${1}api/login" >/dev/null \
        || die "login as $BENCH_USER at $1 failed"
    awk '$6 == "pd_session" { print $7 }' "$jar"
}

SERVER_URL=""
if wants http || wants browser; then
    add_user "$DB"
    start_server "$DB" "$OUT/serve.log"
    URL="$SERVER_URL"
    log "server on the $ROWS-person database at $URL (--threads $SERVE_THREADS)"
fi

# --- 3. HTTP throughput ----------------------------------------------------------------------------------
declare -A RPS=()
if wants http; then
    TOKEN=$(login "$URL")
    [ -n "$TOKEN" ] || die "no pd_session cookie after login"
    paths=("api/people?limit=20&after=1000" "api/people/12345" "index.html")
    for p in "${paths[@]}"; do
        code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: pd_session=$TOKEN" "$URL$p")
        [ "$code" = 200 ] || die "GET /$p answered $code, not 200"
    done
    : >"$OUT/wrk.log"
    for p in "${paths[@]}"; do # warm-up
        wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d2s -H "Cookie: pd_session=$TOKEN" "$URL$p" >/dev/null
    done
    declare -A series=()
    for r in $(seq 1 "$HTTP_RUNS"); do
        for p in "${paths[@]}"; do
            log "wrk run $r/$HTTP_RUNS: GET /$p for $WRK_DURATION"
            out=$(wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" --latency \
                -H "Cookie: pd_session=$TOKEN" "$URL$p")
            printf '### run %s GET /%s\n%s\n\n' "$r" "$p" "$out" >>"$OUT/wrk.log"
            if grep -q 'Non-2xx or 3xx responses' <<<"$out"; then
                die "GET /$p had error answers during the run (see $OUT/wrk.log)"
            fi
            rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
            series[$p]="${series[$p]:-} $rps"
        done
    done
    for p in "${paths[@]}"; do
        RPS[$p]=$(tr ' ' '\n' <<<"${series[$p]}" | grep . | median)
        echo "median GET /$p: ${RPS[$p]} req/s (runs:${series[$p]})" >>"$OUT/wrk.log"
    done
fi

# --- 4. Browser ----------------------------------------------------------------------------------------
BROWSER_OK=0
if wants browser; then
    if [ ! -d "$ROOT/tests/node_modules/playwright-core" ] || ! command -v node >/dev/null; then
        log "browser: skipped (needs node and tests/node_modules/playwright-core: scripts/install-deps.sh --test)"
    else
        head -n "$((SMALL_ROWS + 1))" "$CSV" >"$SMALL_CSV"
        rm_db "$SMALL_DB"
        "$BIN" init --db "$SMALL_DB" >/dev/null 2>&1 || die "phongdich init of the small database"
        "$BIN" import --db "$SMALL_DB" "$SMALL_CSV" >/dev/null 2>&1 || die "phongdich import of $SMALL_CSV"
        add_user "$SMALL_DB"
        start_server "$SMALL_DB" "$OUT/serve-small.log"
        SMALL_URL="$SERVER_URL"
        log "browser: $BROWSER_RUNS runs against $URL, baseline $SMALL_URL ($SMALL_ROWS people)"
        node "$ROOT/bench/browser_first_render.mjs" --url "$URL" --baseline-url "$SMALL_URL" \
            --user "$BENCH_USER" --password "$BENCH_PASSWORD" --runs "$BROWSER_RUNS" \
            >"$OUT/browser.log" 2>&1 || die "browser benchmark (see $OUT/browser.log)"
        BROWSER_OK=1
    fi
fi

# --- 5. Check-ins -------------------------------------------------------------------------------------
# POST /api/public/checkins with personal QR tokens, every request a new visit, against a copy of the same
# database each run: the group-commit writer (the server as shipped) and the baseline, one transaction
# per request in the HTTP worker (PHONGDICH_CHECKIN_COMMIT=each), both with synchronous=FULL, answered
# only after their COMMIT. After each run the file must hold at least as many check-ins as were answered.
CK_PEOPLE="${BENCH_CHECKIN_PEOPLE:-600000}"
CK_VENUES="${BENCH_CHECKIN_VENUES:-1000}"
CK_RUNS="${BENCH_CHECKIN_RUNS:-3}"
CK_DURATION="${BENCH_CHECKIN_DURATION:-10s}"
CK_BASE_DURATION="${BENCH_CHECKIN_BASELINE_DURATION:-5s}"
CK_CONNECTIONS="${BENCH_CHECKIN_CONNECTIONS:-512}"
CK_RATE="" CK_BASE_RATE=""
# One run: MODE (group|each) DURATION -> CK_LAST (check-ins per second); details in checkin.log.
checkin_run() {
    local mode="$1" duration="$2" db="$OUT/checkin-run.db" log="$OUT/checkin-serve.log" out rate reqs stored
    rm_db "$db"
    cp "$OUT/checkin-base.db" "$db"
    sync
    local env=(PHONGDICH_CHECKIN_STATS=1)
    [ "$mode" = each ] && env+=(PHONGDICH_CHECKIN_COMMIT=each)
    env "${env[@]}" "$BIN" serve --db "$db" --listen 127.0.0.1:0 --threads "$SERVE_THREADS" \
        --checkin-rate 100000000 >"$log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    local url=""
    for _ in $(seq 1 150); do
        url=$(grep -o 'http://[0-9.]*:[0-9]*/' "$log" | head -n 1 || true)
        [ -n "$url" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    [ -n "$url" ] || die "phongdich serve did not start (see $log)"
    out=$(wrk -t"$WRK_THREADS" -c"$CK_CONNECTIONS" -d"$duration" --latency -s "$ROOT/bench/bench_checkin.lua" \
        "$url" -- "$OUT/checkin-bodies.txt" "$WRK_THREADS" 2>&1)
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    printf '### %s commit, %s\n%s\n%s\n\n' "$mode" "$duration" "$out" "$(grep 'check-in writer' "$log" || true)" >>"$OUT/checkin.log"
    grep -q 'Non-2xx or 3xx responses' <<<"$out" && die "check-ins answered with errors (see $OUT/checkin.log)"
    grep -q 'replays were measured' <<<"$out" && die "wrk ran out of distinct check-ins: raise BENCH_CHECKIN_PEOPLE"
    rate=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    reqs=$(awk '/requests in/ { print $1 }' <<<"$out")
    stored=$("$BUILD/bench_checkin_setup" --count "$db" | cut -d' ' -f1)
    [ "$stored" -ge "$reqs" ] || die "$mode commit: $reqs check-ins answered but $stored on disk"
    echo "$mode: $rate check-ins/s, $reqs answered, $stored on disk" >>"$OUT/checkin.log"
    rm_db "$db"
    CK_LAST="$rate"
}
if wants checkin; then
    CK_STAMP="people=$CK_PEOPLE venues=$CK_VENUES seed=$SEED setup=$(cksum <"$ROOT/bench/bench_checkin_setup.c")"
    if [ ! -s "$OUT/checkin-base.db" ] || [ "$(cat "$OUT/checkin.stamp" 2>/dev/null)" != "$CK_STAMP" ]; then
        log "check-ins: creating $CK_PEOPLE people with personal QR tokens and $CK_VENUES venues"
        rm_db "$OUT/checkin-base.db"
        "$BUILD/bench_checkin_setup" --db "$OUT/checkin-base.db" --out "$OUT/checkin-bodies.txt" \
            --people "$CK_PEOPLE" --venues "$CK_VENUES" --seed "$SEED" || die "bench_checkin_setup"
        echo "$CK_STAMP" >"$OUT/checkin.stamp"
    fi
    : >"$OUT/checkin.log"
    ck_rates=() ck_base=()
    for r in $(seq 1 "$CK_RUNS"); do
        log "check-in run $r/$CK_RUNS: group commit, wrk -t$WRK_THREADS -c$CK_CONNECTIONS for $CK_DURATION"
        checkin_run group "$CK_DURATION"
        ck_rates+=("$CK_LAST")
        log "check-in run $r/$CK_RUNS: baseline, one transaction per request, for $CK_BASE_DURATION"
        checkin_run each "$CK_BASE_DURATION"
        ck_base+=("$CK_LAST")
    done
    CK_RATE=$(printf '%s\n' "${ck_rates[@]}" | median)
    CK_BASE_RATE=$(printf '%s\n' "${ck_base[@]}" | median)
    log "check-ins: median $CK_RATE/s (baseline $CK_BASE_RATE/s)"
fi

# --- 6. Bulk ingest of check-ins ---------------------------------------------------------------------
# A file of BENCH_INGEST_ROWS check-ins naming the demo's venues and people (bench_ingest_gen), ingested
# with `phongdich ingest` into a fresh copy of the demo database (45,036 people, 36 venues, ~42,000
# check-ins): rows/s from the wall time of the command, then the same file again (every row skipped),
# then the bytes per check-in (table + its three indexes, dbstat). Baseline: the same number of rows
# made in memory and inserted into a bare table (bench_ingest --baseline).
IN_ROWS="${BENCH_INGEST_ROWS:-10000000}"
IN_RUNS="${BENCH_INGEST_RUNS:-3}"
IN_FORMAT="${BENCH_INGEST_FORMAT:-csv}"
IN_RATE="" IN_SECONDS="" IN_RESEND="" IN_BASE="" IN_BYTES="" IN_FILE_MB=""
if wants ingest; then
    IN_DEMO="$OUT/ingest-demo.db"
    IN_DATA="$OUT/checkins-$IN_ROWS.$IN_FORMAT"
    IN_STAMP="rows=$IN_ROWS format=$IN_FORMAT seed=$SEED gen=$(cksum <"$ROOT/bench/bench_ingest_gen.c")"
    # The demo's activity is dated up to its build day; the file is generated against the same clock.
    export PHONGDICH_NOW="${PHONGDICH_NOW:-$(date +%s)}"
    if [ ! -s "$IN_DEMO" ] || [ ! -s "$IN_DATA" ] || [ "$(cat "$OUT/ingest.stamp" 2>/dev/null)" != "$IN_STAMP" ]; then
        log "ingest: demo database and $IN_ROWS check-ins ($IN_FORMAT)"
        rm_db "$IN_DEMO"
        "$BIN" demo --db "$IN_DEMO" --seed "$SEED" >"$OUT/ingest.log" 2>&1 || die "phongdich demo (see $OUT/ingest.log)"
        "$BUILD/bench_ingest_gen" --db "$IN_DEMO" --rows "$IN_ROWS" --seed "$SEED" --format "$IN_FORMAT" --out "$IN_DATA" \
            || die "bench_ingest_gen"
        echo "$IN_STAMP" >"$OUT/ingest.stamp"
    fi
    IN_FILE_MB=$(awk -v b="$(stat -c %s "$IN_DATA")" 'BEGIN { printf "%.0f", b / 1048576 }')
    : >"$OUT/ingest-runs.log"
    in_rates=() in_secs=() in_base=()
    for r in $(seq 1 "$IN_RUNS"); do
        rm_db "$OUT/ingest.db"
        cp "$IN_DEMO" "$OUT/ingest.db"
        sync
        log "ingest run $r/$IN_RUNS: phongdich ingest of $IN_ROWS check-ins ($IN_FILE_MB MiB)"
        t0=$(now_ns)
        "$BIN" ingest --db "$OUT/ingest.db" --kind checkins --json "$IN_DATA" >"$OUT/ingest-report.json" 2>>"$OUT/ingest-runs.log" \
            || die "phongdich ingest (see $OUT/ingest-report.json)"
        t1=$(now_ns)
        grep -q "\"rows_inserted\": $IN_ROWS," "$OUT/ingest-report.json" || die "ingest did not insert $IN_ROWS rows"
        s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
        rate=$(awk -v s="$s" -v n="$IN_ROWS" 'BEGIN { printf "%.0f", n / s }')
        echo "run $r: phongdich ingest $s s, $rate rows/s: $(cat "$OUT/ingest-report.json")" >>"$OUT/ingest-runs.log"
        in_rates+=("$rate") in_secs+=("$s")
        rm_db "$OUT/ingest-baseline.db"
        sync
        log "ingest run $r/$IN_RUNS: baseline, plain SQLite insert of $IN_ROWS rows"
        b=$("$BUILD/bench_ingest" --baseline --db "$OUT/ingest-baseline.db" --rows "$IN_ROWS") || die "bench_ingest --baseline"
        echo "run $r: $b" >>"$OUT/ingest-runs.log"
        in_base+=("$(awk '$2 == "ingest.baseline.rows_per_s" { print $3 }' <<<"$b")")
        rm_db "$OUT/ingest-baseline.db"
    done
    IN_RATE=$(printf '%s\n' "${in_rates[@]}" | median)
    IN_SECONDS=$(printf '%s\n' "${in_secs[@]}" | median | awk '{ printf "%.1f", $1 }')
    IN_BASE=$(printf '%s\n' "${in_base[@]}" | median)
    log "ingest: the same file again (every row already there)"
    t0=$(now_ns)
    "$BIN" ingest --db "$OUT/ingest.db" --kind checkins --json "$IN_DATA" >"$OUT/ingest-resend.json" 2>>"$OUT/ingest-runs.log" \
        || die "phongdich ingest, second time"
    t1=$(now_ns)
    grep -q "\"rows_skipped\": $IN_ROWS," "$OUT/ingest-resend.json" || die "the second ingest did not skip every row"
    IN_RESEND=$(awk -v a="$t0" -v b="$t1" -v n="$IN_ROWS" 'BEGIN { printf "%.0f", n / ((b - a) / 1e9) }')
    echo "resend: $IN_RESEND rows/s: $(cat "$OUT/ingest-resend.json")" >>"$OUT/ingest-runs.log"
    "$BUILD/bench_ingest" --storage --db "$OUT/ingest.db" >"$OUT/ingest-storage.log" \
        || die "bench_ingest --storage"
    IN_BYTES=$(result ingest.storage.total.bytes_per_row "$OUT/ingest-storage.log")
    log "ingest: median $IN_RATE rows/s (baseline $IN_BASE rows/s), resend $IN_RESEND rows/s, $IN_BYTES bytes a check-in"
fi

# --- 7. Tracing ------------------------------------------------------------------------------------
# A generated province (bench_trace_gen: BENCH_TRACE_PEOPLE people, BENCH_TRACE_ROWS check-ins over 14 days,
# BENCH_TRACE_CASES cases), kept in BENCH_TRACE_OUT and reused while its parameters stay the same. The engine
# (bench_trace): pd_tracer_open in a fresh process (the restart), then pd_trace_run on every case. The
# baseline: the same data in a throwaway PostgreSQL 15 cluster (BENCH_TRACE_OUT/pg, Unix socket only, kept
# between runs and stopped at the end) with covering indexes, and one SQL function applying the same rules
# (bench/trace_pg.sql), timed per case inside the server until BENCH_TRACE_PG_BUDGET seconds have passed;
# both must find the same F1 and F2 for every case PostgreSQL ran.
TR_ROWS="${BENCH_TRACE_ROWS:-100000000}"
TR_PEOPLE="${BENCH_TRACE_PEOPLE:-$((TR_ROWS / 100))}"
TR_VENUES="${BENCH_TRACE_VENUES:-$((TR_PEOPLE * 3 / 100))}"
TR_CASES="${BENCH_TRACE_CASES:-1000}"
TR_ENGINE_BUDGET="${BENCH_TRACE_ENGINE_BUDGET:-0}"
TR_PG_CASES="${BENCH_TRACE_PG_CASES:-$TR_CASES}"
TR_PG_BUDGET="${BENCH_TRACE_PG_BUDGET:-1800}"
TR_PG_PORT="${BENCH_TRACE_PG_PORT:-55432}"
TR_PG_SHARED="${BENCH_TRACE_PG_SHARED_BUFFERS:-10GB}"
PGBIN="${BENCH_TRACE_PG_BIN:-/usr/lib/postgresql/15/bin}"
TR_OK=0
if wants trace; then
    TR_OUT="${BENCH_TRACE_OUT:-$ROOT/bench/out-trace}"
    mkdir -p "$TR_OUT"
    TR_OUT="$(cd "$TR_OUT" && pwd)"
    TR_DB="$TR_OUT/trace.db"
    TR_STAMP="rows=$TR_ROWS people=$TR_PEOPLE venues=$TR_VENUES cases=$TR_CASES seed=$SEED gen=$(cksum <"$ROOT/bench/bench_trace_gen.c")"
    if [ ! -s "$TR_DB" ] || [ "$(cat "$TR_OUT/trace.stamp" 2>/dev/null)" != "$TR_STAMP" ]; then
        log "trace: generating $TR_PEOPLE people, $TR_VENUES venues, $TR_ROWS check-ins, $TR_CASES cases into $TR_DB"
        rm_db "$TR_DB"
        rm -f "$TR_OUT/trace.stamp" "$TR_OUT/pg.stamp"
        SQLITE_TMPDIR="$TR_OUT" "$BUILD/bench_trace_gen" --db "$TR_DB" --rows "$TR_ROWS" --people "$TR_PEOPLE" \
            --venues "$TR_VENUES" --cases "$TR_CASES" --seed "$SEED" >"$TR_OUT/gen.log" 2>&1 \
            || die "bench_trace_gen (see $TR_OUT/gen.log)"
        echo "$TR_STAMP" >"$TR_OUT/trace.stamp"
    fi
    TR_NOW=$(result trace.gen.end "$TR_OUT/gen.log")
    TR_CHECKINS=$(result trace.gen.checkins "$TR_OUT/gen.log")
    [ -n "$TR_NOW" ] || die "no trace.gen.end in $TR_OUT/gen.log"
    TR_DB_MB=$(du -cm "$TR_DB"* | tail -n 1 | cut -f1)

    # The engine, in a fresh process after one read of the file (a restart of phongdich, not of the machine).
    cat "$TR_DB" >/dev/null
    log "trace: engine, pd_tracer_open then pd_trace_run on $TR_CASES cases (now = end of the 14 days)"
    "$BUILD/bench_trace" --db "$TR_DB" --now "$TR_NOW" --out "$TR_OUT/engine.tsv" --budget "$TR_ENGINE_BUDGET" \
        >"$TR_OUT/engine.log" 2>&1 || die "bench_trace (see $TR_OUT/engine.log)"
    E="$TR_OUT/engine.log"
    TR_DONE=$(result trace.cases "$E")
    [ "$TR_PG_CASES" -gt "$TR_DONE" ] && TR_PG_CASES="$TR_DONE" # PostgreSQL runs only cases the engine ran
    log "trace: engine p50 $(result trace.ms.p50 "$E") ms, p99 $(result trace.ms.p99 "$E") ms, restart $(result trace.restart_ms "$E") ms"

    # PostgreSQL: a cluster of our own, owned by postgres when we are root (initdb refuses root).
    [ -x "$PGBIN/initdb" ] || die "no PostgreSQL 15 in $PGBIN (apt-get install postgresql-15)"
    PGDIR="$TR_OUT/pg"
    as_pg=()
    [ "$(id -u)" = 0 ] && as_pg=(runuser -u postgres --)
    PSQL=("${as_pg[@]}" "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGDIR" -p "$TR_PG_PORT" -d postgres)
    trace_pg_stop() { "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true; }
    trap 'trace_pg_stop; cleanup' EXIT
    PG_STAMP="$TR_STAMP pg=$(sed -n '1,/step_run$/p' "$ROOT/bench/trace_pg.sql" | cksum)"
    PG_LOAD=0
    if [ ! -s "$PGDIR/data/PG_VERSION" ] || [ "$(cat "$TR_OUT/pg.stamp" 2>/dev/null)" != "$PG_STAMP" ]; then
        PG_LOAD=1
        trace_pg_stop
        rm -rf "$PGDIR" "$TR_OUT/pg.stamp"
        mkdir -p "$PGDIR"
        [ "$(id -u)" = 0 ] && chown postgres: "$PGDIR"
        "${as_pg[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust --no-locale -E UTF8 --no-sync \
            >"$TR_OUT/pg-init.log" 2>&1 || die "initdb (see $TR_OUT/pg-init.log)"
        cat >>"$PGDIR/data/postgresql.conf" <<EOF
# bench/run.sh (trace): a throwaway cluster tuned for this one machine and this one query.
listen_addresses = ''
effective_cache_size = 16GB
work_mem = 256MB
maintenance_work_mem = 2GB
max_parallel_workers_per_gather = 2
max_parallel_maintenance_workers = 2
random_page_cost = 1.1
effective_io_concurrency = 200
jit = off
plan_cache_mode = force_custom_plan
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = 20GB
checkpoint_timeout = 1h
autovacuum = off
EOF
    fi
    "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 300 \
        -o "-p $TR_PG_PORT -k $PGDIR -c shared_buffers=$TR_PG_SHARED" start >/dev/null || die "PostgreSQL did not start (see $PGDIR/server.log)"
    if [ "$PG_LOAD" = 1 ]; then
        log "trace: loading PostgreSQL (COPY of people, venues, cases and $TR_CHECKINS check-ins, then indexes)"
        t0=$(now_ns)
        "${PSQL[@]}" -v step=schema -f "$ROOT/bench/trace_pg.sql" >"$TR_OUT/pg-load.log" 2>&1 \
            || die "trace_pg.sql schema (see $TR_OUT/pg-load.log)"
        for table in people venues cases case_contacts checkins; do
            cols=""
            [ "$table" = venues ] && cols="(id, stay_s)"
            "$BUILD/bench_trace" --export "$table" --db "$TR_DB" | "${PSQL[@]}" -c "COPY $table $cols FROM STDIN" \
                >>"$TR_OUT/pg-load.log" 2>&1 || die "COPY $table (see $TR_OUT/pg-load.log)"
        done
        t1=$(now_ns)
        "${PSQL[@]}" -v step=index -f "$ROOT/bench/trace_pg.sql" >>"$TR_OUT/pg-load.log" 2>&1 \
            || die "trace_pg.sql index (see $TR_OUT/pg-load.log)"
        t2=$(now_ns)
        awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "load: COPY %.0f s, indexes and VACUUM ANALYZE %.0f s\n", (b - a) / 1e9, (c - b) / 1e9 }' \
            >>"$TR_OUT/pg-load.log"
        echo "$PG_STAMP" >"$TR_OUT/pg.stamp"
    fi
    PG_ROWS=$("${PSQL[@]}" -At -c "SELECT count(*) FROM checkins")
    [ "$PG_ROWS" = "$TR_CHECKINS" ] || die "PostgreSQL holds $PG_ROWS check-ins, not $TR_CHECKINS"
    PG_MB=$("${PSQL[@]}" -At -c "SELECT pg_database_size(current_database()) / 1048576")
    log "trace: PostgreSQL, pd_trace() on up to $TR_PG_CASES cases for at most $TR_PG_BUDGET s"
    "${PSQL[@]}" -v step=run -v budget="$TR_PG_BUDGET" -v max_cases="$TR_PG_CASES" -v now="$TR_NOW" \
        -v min_overlap=0 -f "$ROOT/bench/trace_pg.sql" >"$TR_OUT/pg-run.log" 2>&1 \
        || die "trace_pg.sql run (see $TR_OUT/pg-run.log)"
    "${PSQL[@]}" -At -F $'\t' -c "SELECT case_id, round(ms::numeric, 4), f1, f2, f1_ids, f2_ids, f1_exp, f2_exp, f2_via FROM bench_results ORDER BY case_id" \
        >"$TR_OUT/pg.tsv" || die "reading bench_results"
    # The plan of the first case, with its times (auto_explain, sent back to psql).
    "${PSQL[@]}" -c "LOAD 'auto_explain'" -c "SET auto_explain.log_min_duration = 0" \
        -c "SET auto_explain.log_analyze = on" -c "SET auto_explain.log_buffers = on" \
        -c "SET auto_explain.log_nested_statements = on" -c "SET auto_explain.log_level = notice" \
        -c "SELECT count(*) FROM pd_trace((SELECT min(id) FROM cases), $TR_NOW, 0)" >"$TR_OUT/pg-explain.log" 2>&1 || true
    trace_pg_stop
    trap cleanup EXIT
    "$BUILD/bench_trace" --compare "$TR_OUT/engine.tsv" "$TR_OUT/pg.tsv" >"$TR_OUT/compare.log" 2>&1 \
        || die "bench_trace --compare (see $TR_OUT/compare.log)"
    C="$TR_OUT/compare.log"
    log "trace: PostgreSQL ran $(result compare.cases "$C") cases, p50 $(result compare.pg_ms.p50 "$C") ms;" \
        "$(result compare.count_mismatches "$C") with other F1/F2 counts"
    TR_OK=1
fi

# --- Table -------------------------------------------------------------------------------------------
ELAPSED=$(awk -v a="$T_START" -v b="$(now_ns)" 'BEGIN { printf "%.0f", (b - a) / 1e9 }')
S="$OUT/search.log"
ms() { awk -v x="$1" 'BEGIN { if (x == "") print "–"; else printf "%.1f ms", x }'; }
{
    echo "| metric | target | measured (median) | baseline (median) | runs |"
    echo "| --- | --- | --- | --- | --- |"
    if wants import; then
        echo "| CSV import of $(thousands "$ROWS") people (\`phongdich import\`, fresh db, $CSV_MB MiB) | ≥ 200,000 rows/s |" \
            "$(thousands "$IMPORT_RATE") rows/s ($IMPORT_SECONDS s) $(ok "$IMPORT_RATE" ge 200000) |" \
            "$(thousands "$BASE_RATE") rows/s (plain SQLite insert, no index/FTS) | $IMPORT_RUNS |"
    fi
    if wants search && [ -s "$S" ]; then
        nq=$(result search.queries "$S")
        for who in admin commune; do
            label="country admin"
            [ "$who" = commune ] && label="commune $COMMUNE"
            p50=$(result "search.$who.fts.p50" "$S") p99=$(result "search.$who.fts.p99" "$S")
            l50=$(result "search.$who.like.p50" "$S") l99=$(result "search.$who.like.p99" "$S")
            echo "| name search p50, $label (list + count, as GET /api/people) | – | $(ms "$p50") | $(ms "$l50") (LIKE '%q%' + count) | $SEARCH_PASSES × $nq queries (baseline $SEARCH_BASELINE_PASSES ×) |"
            echo "| name search p99, $label (list + count, as GET /api/people) | < 20 ms | $(ms "$p99") $(ok "$p99" lt 20) | $(ms "$l99") (LIKE '%q%' + count) | $SEARCH_PASSES × $nq queries (baseline $SEARCH_BASELINE_PASSES ×) |"
        done
    fi
    if wants http; then
        st="${RPS[index.html]}"
        for p in "api/people?limit=20&after=1000" "api/people/12345"; do
            echo "| authenticated GET /$p, wrk -t$WRK_THREADS -c$WRK_CONNECTIONS keep-alive | ≥ 20,000 req/s |" \
                "$(thousands "${RPS[$p]}") req/s $(ok "${RPS[$p]}" ge 20000) | $(thousands "$st") req/s (GET /index.html, same server) |" \
                "$HTTP_RUNS × $WRK_DURATION |"
        done
    fi
    if [ "$BROWSER_OK" = 1 ]; then
        B="$OUT/browser.log"
        fr=$(result browser.first_render.ms "$B") br=$(result browser.baseline.ms "$B")
        echo "| people page: navigation to #/people → first row painted (Chromium), $(thousands "$ROWS") people | < 1 s |" \
            "$(awk -v x="$fr" 'BEGIN { printf "%.0f ms", x }') $(ok "$fr" lt 1000) |" \
            "$(awk -v x="$br" 'BEGIN { printf "%.0f ms", x }') (same page, $(thousands "$SMALL_ROWS") people) | $BROWSER_RUNS |"
    fi
    if wants checkin; then
        echo "| durable check-ins: POST /api/public/checkins (group commit, synchronous=FULL), wrk -t$WRK_THREADS -c$CK_CONNECTIONS keep-alive |" \
            "≥ 20,000/s | $(thousands "$CK_RATE")/s $(ok "$CK_RATE" ge 20000) |" \
            "$(thousands "$CK_BASE_RATE")/s (one transaction per request, same server) | $CK_RUNS × $CK_DURATION (baseline $CK_BASE_DURATION) |"
    fi
    if wants ingest; then
        echo "| bulk ingest of $(thousands "$IN_ROWS") check-ins (\`phongdich ingest\`, $IN_FORMAT, $IN_FILE_MB MiB, into the demo db) |" \
            "≥ 1,000,000 rows/s | $(thousands "$IN_RATE") rows/s ($IN_SECONDS s) $(ok "$IN_RATE" ge 1000000) |" \
            "$(thousands "$IN_BASE") rows/s (bare SQLite insert of made-up rows, no index) | $IN_RUNS |"
        echo "| the same file sent again (every row skipped) | – | $(thousands "$IN_RESEND") rows/s | – | 1 |"
        echo "| storage per check-in (table + 3 indexes, dbstat) | – | $IN_BYTES bytes | – | 1 |"
    fi
    if [ "$TR_OK" = 1 ]; then
        E="$TR_OUT/engine.log" C="$TR_OUT/compare.log"
        tr_n=$(result trace.cases "$E") pg_n=$(result compare.cases "$C")
        tr_what="$(thousands "$TR_PEOPLE") people, $(thousands "$TR_CHECKINS") check-ins over 14 days"
        [ "$tr_n" != "$TR_CASES" ] && tr_what="$tr_what; the first $tr_n of $TR_CASES cases only: time budget $TR_ENGINE_BUDGET s"
        pg_what="PostgreSQL 15, same SQL rules, covering indexes, $(thousands "$pg_n") cases"
        [ "$pg_n" != "$tr_n" ] && pg_what="$pg_what (the first $pg_n only: time budget $TR_PG_BUDGET s)"
        e50=$(result trace.ms.p50 "$E") e99=$(result trace.ms.p99 "$E")
        p50=$(result compare.pg_ms.p50 "$C") p99=$(result compare.pg_ms.p99 "$C")
        s50=$(result compare.engine_ms.p50 "$C")
        speed=$(awk -v p="$p50" -v e="$s50" 'BEGIN { if (e > 0) printf "%.1f", p / e; else print "nan" }')
        echo "| trace F1+F2 of one F0, p50 ($tr_what; default options) | ≤ 10 ms | $(ms "$e50") $(ok "$e50" lt 10.0001) | $(ms "$p50") ($pg_what) | $(thousands "$tr_n") cases |"
        echo "| trace F1+F2 of one F0, p99 | – | $(ms "$e99") | $(ms "$p99") | $(thousands "$tr_n") cases |"
        echo "| trace: speed-up over PostgreSQL (p50 over the same $(thousands "$pg_n") cases: $(ms "$p50") / $(ms "$s50")) | ≥ 20× | ${speed}× $(ok "$speed" ge 20) | – | $(thousands "$pg_n") cases |"
        echo "| trace: F1 / F2 per case (mean; p50) | – | $(thousands "$(result trace.f1.mean "$E")") / $(thousands "$(result trace.f2.mean "$E")"); $(thousands "$(result trace.f1.p50 "$E")") / $(thousands "$(result trace.f2.p50 "$E")") | – | $(thousands "$tr_n") cases |"
        echo "| trace: cases where PostgreSQL finds other F1/F2 (counts; ids; exposures; via) | 0 | $(result compare.count_mismatches "$C"); $(result compare.id_mismatches "$C"); $(result compare.exposure_mismatches "$C"); $(result compare.via_mismatches "$C") | – | $(thousands "$pg_n") cases |"
        echo "| trace: memory, tracer index (pd_tracer_stats) / process peak RSS | – | $(awk -v b="$(result trace.bytes "$E")" 'BEGIN { printf "%.0f MiB", b / 1048576 }') / $(awk -v k="$(result trace.hwm_kb "$E")" 'BEGIN { printf "%.0f MiB", k / 1024 }') | PostgreSQL database $(thousands "$PG_MB") MiB (SQLite file $(thousands "$TR_DB_MB") MiB) | 1 |"
        echo "| trace: engine up after a restart (open db + pd_tracer_open over $(thousands "$(result trace.presences "$E")") presences) | – | $(awk -v x="$(result trace.restart_ms "$E")" 'BEGIN { printf "%.1f s", x / 1000 }') | – | 1 |"
    fi
    echo
    echo "$(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), SQLite $(pkg-config --modversion sqlite3 2>/dev/null || echo '?'), build $(basename "$BUILD"); $(date '+%Y-%m-%d %H:%M'); measured in ${ELAPSED} s; load average $LOAD_START at the start, $(cut -d' ' -f1 /proc/loadavg) at the end (anything else running skews the figures). Details: ${OUT#"$ROOT"/}/*.log"
} | tee "$OUT/results.md"
