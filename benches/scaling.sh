#!/usr/bin/env bash
# The scaling curve of docs/benchmarks.md: full index, no-change refresh, queries and the
# TUI's first frame and keystroke latency at several deck sizes, with the floors (`cat` and
# `find` of the same files) measured the same way, so the cost per card can be compared.
#
#   bash benches/scaling.sh [SIZES...]        # default: 1000 10000 100000 300000
#
# Needs hyperfine and python3. Decks are written once to $DECKS (default /tmp) as cN
# (e.g. /tmp/c300k needs ~2.3 GB and its index ~0.8 GB). Prints one markdown table row per
# size; the raw hyperfine JSON stays in $OUT (default /tmp/termdex-scaling).
set -euo pipefail

cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000 300000)
decks=${DECKS:-/tmp}
out=${OUT:-/tmp/termdex-scaling}
mkdir -p "$out"

cargo build --release --locked --quiet --example gen_corpus
cargo build --release --locked --quiet
target=${CARGO_TARGET_DIR:-$PWD/target}
t=$target/release/termdex
gen=$target/release/examples/gen_corpus

name() {
    case $1 in
        *000000) echo "${1%000000}m" ;;
        *000) echo "${1%000}k" ;;
        *) echo "$1" ;;
    esac
}

# The median: on a shared virtual machine a few runs land 100 ms late, which moves the mean.
median_ms() {
    python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$1"
}

runs() {
    # Fewer runs for big decks: each full build of 300k cards takes half a minute.
    if [ "$1" -ge 300000 ]; then echo 3; elif [ "$1" -ge 100000 ]; then echo 5; else echo 10; fi
}

echo "| cards | full index | cat floor | no-change refresh | find floor | query all (refresh incl.) | query --no-refresh | status:blocked | TUI first frame | TUI keystroke p95 | TUI peak memory |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
    d=$decks/c$(name "$n")
    [ -f "$d/.generated" ] || { rm -rf "$d"; "$gen" "$n" "$d" >/dev/null; touch "$d/.generated"; }
    find "$d" -name '*.md' -print0 >"$out/list-$n"
    r=$(runs "$n")
    j=$out/$n
    hyperfine -N -w 1 -r "$r" --prepare "rm -rf $d/.termdex" --export-json "$j-full.json" \
        "$t --dex $d index -q" >/dev/null
    hyperfine -w 1 -r "$r" --export-json "$j-cat.json" "xargs -0 cat < $out/list-$n > /dev/null" >/dev/null
    hyperfine -N -w 2 -r 10 --export-json "$j-refresh.json" "$t --dex $d index -q" >/dev/null
    hyperfine -w 2 -r 10 --export-json "$j-find.json" \
        "find $d -name '*.md' -printf '%T@ %s %p\n' > /dev/null" >/dev/null
    hyperfine -w 2 -r 10 --export-json "$j-query.json" "$t --dex $d query > /dev/null" >/dev/null
    hyperfine -w 2 -r 10 --export-json "$j-query-nr.json" "$t --dex $d query --no-refresh > /dev/null" >/dev/null
    hyperfine -w 2 -r 10 --export-json "$j-field.json" -i \
        "$t --dex $d query --no-refresh status:blocked > /dev/null" >/dev/null
    tui=$(TERMDEX_BENCH_DECK=$d cargo bench --locked --quiet --bench tui 2>/dev/null)
    # The `all` view's first frame, and the slowest view's (name: ms).
    first=$(awk '/first frame/ { ms = $4 + 0; if ($1 == "all:") all = ms;
                                 if (ms > worst) { worst = ms; name = $1 } }
                 END { printf "%s (slowest: %s %s)", all, name, worst }' <<<"$tui")
    p95=$(sed -n 's/.*p95 \([0-9.]*\) ms.*/\1/p' <<<"$tui")
    mem=$(sed -n 's/^peak memory: \(.*\)$/\1/p' <<<"$tui")
    echo "| $(name "$n") | $(median_ms "$j-full.json") ms | $(median_ms "$j-cat.json") ms" \
        "| $(median_ms "$j-refresh.json") ms | $(median_ms "$j-find.json") ms" \
        "| $(median_ms "$j-query.json") ms | $(median_ms "$j-query-nr.json") ms | $(median_ms "$j-field.json") ms" \
        "| $first ms | $p95 ms | $mem |"
done
