#!/usr/bin/env bash
# Builds the libFuzzer target of the dispatch reader (tests/fuzz/fuzz_directive_parse.c) with clang
# (-fsanitize=fuzzer,address,undefined) from the parser sources and the text helpers they use, and
# runs it for a bounded time over a seed corpus made of the example dispatches
# (tests/unit/data/directives/*.md). Exits non-zero on a crash, a leak or a sanitizer report.
# Usage: tests/fuzz/run.sh [SECONDS] (default $FUZZ_SECONDS or 45). Needs clang and the libFuzzer
# runtime (Debian: clang, libclang-rt-14-dev), pkg-config, jansson and utf8proc headers; exits 77
# (skipped) when clang is missing.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-${FUZZ_SECONDS:-45}}
CC=${CLANG:-clang}
if ! command -v "$CC" >/dev/null; then
    echo "run.sh: $CC not found (install clang and libclang-rt-14-dev); skipped" >&2
    exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/pd_fuzz_XXXXXX")
trap 'rm -rf "$work"' EXIT

sources=("$root"/src/directives/parse*.c "$root/src/base/text.c" "$root/src/base/err.c")
# shellcheck disable=SC2046
"$CC" -std=c17 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -I"$root/src" \
    "${sources[@]}" "$root/tests/fuzz/fuzz_directive_parse.c" \
    $(pkg-config --cflags --libs jansson libutf8proc) -lpthread -o "$work/fuzz_directive_parse"

mkdir -p "$work/corpus" "$work/seeds"
for f in "$root"/tests/unit/data/directives/*.md; do
    cp "$f" "$work/seeds/"
    # Variants as seeds: CRLF line ends and the first half.
    base=$(basename "$f" .md)
    sed 's/$/\r/' "$f" >"$work/seeds/$base.crlf"
    head -c $(($(wc -c <"$f") / 2)) "$f" >"$work/seeds/$base.half"
done

cd "$work"
status=0
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ./fuzz_directive_parse -max_total_time="$seconds" -max_len=16384 -timeout=10 \
    -error_exitcode=1 -timeout_exitcode=1 -rss_limit_mb=1024 -print_final_stats=1 \
    -artifact_prefix="$work/" corpus seeds || status=$?
found=0
for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
    [ -e "$a" ] || continue
    found=1
    mkdir -p "$root/build"
    cp "$a" "$root/build/"
    echo "run.sh: failing input kept as $root/build/$(basename "$a")" >&2
done
if [ "$found" -ne 0 ] && [ "$status" -eq 0 ]; then
    status=1
fi
if [ "$status" -ne 0 ]; then
    echo "run.sh: the fuzzer failed (exit $status)" >&2
fi
exit "$status"
