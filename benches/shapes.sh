#!/usr/bin/env bash
# The deck shapes of docs/benchmarks.md (issue 16): for each shape of synthetic deck, the
# floor (`cat` of every card), termdex's first index, the phases of a build, peak memory
# and the index's size.
#
#   bash benches/shapes.sh N [SHAPE...]        # default: every shape below
#
# Needs hyperfine and python3. Decks are written once to $DECKS (default /tmp) as
# shape-SHAPE-N (100k cards of 8 KB need ~0.9 GB, their index ~1.7 GB); delete them when
# done. Prints one markdown table row per shape, with the 1-minute load average before
# and after it (figures taken on a busy machine are only indicative); hyperfine's JSON
# stays in $OUT (default /tmp/termdex-shapes). RUNS (default 3) sets the timed runs.
set -euo pipefail

cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: bash benches/shapes.sh N [SHAPE...]" >&2; exit 2; }
n=$1
shift
decks=${DECKS:-/tmp}
out=${OUT:-/tmp/termdex-shapes}
runs=${RUNS:-3}
mkdir -p "$out"

# name: the generator's options. ascii-1k is the original deck, the one every other
# section of docs/benchmarks.md uses.
declare -A shapes=(
    [ascii-1k]=""
    [ascii-2.5k]="--body 2.5"
    [ascii-2.5k-yaml]="--body 2.5 --yaml-only"
    [ascii-8k]="--body 8"
    [latin-1k]="--lang latin --body 1"
    [latin-2.5k]="--lang latin --body 2.5"
    [latin-8k]="--lang latin --body 8"
    [cjk-1k]="--lang cjk --body 1"
    [cjk-2.5k]="--lang cjk --body 2.5"
    [cjk-8k]="--lang cjk --body 8"
    [links-dense]="--body 2.5 --links 10 --parents 90"
    [links-none]="--body 2.5 --links 0 --parents 0"
    [crlf-2.5k]="--body 2.5 --crlf"
)
order=(ascii-1k ascii-2.5k ascii-2.5k-yaml ascii-8k latin-1k latin-2.5k latin-8k
    cjk-1k cjk-2.5k cjk-8k links-dense links-none crlf-2.5k)
chosen=("$@")
[ ${#chosen[@]} -gt 0 ] || chosen=("${order[@]}")
for s in "${chosen[@]}"; do
    [ -n "${shapes[$s]+set}" ] || { echo "unknown shape $s; known: ${order[*]}" >&2; exit 2; }
done

cargo build --release --locked --quiet --example gen_corpus
cargo build --release --locked --quiet
target=${CARGO_TARGET_DIR:-$PWD/target}
t=$target/release/termdex
gen=$target/release/examples/gen_corpus

median_s() {
    python3 -c 'import json,sys; print("%.2f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$1"
}
load() { cut -d' ' -f1 /proc/loadavg; }
# The phases termdex -v prints after "N files; ", in seconds; those under 5 ms left out.
phases() {
    sed -n 's/^termdex: [0-9]* files; //p' | sed -E 's/([0-9]+) ms/\1/g' |
        awk -F', ' '{ for (i = 1; i <= NF; i++) { split($i, p, " "); if (p[2] >= 5) { printf "%s%s %.2f", sep, p[1], p[2] / 1000; sep = ", " } } }'
}

echo "| shape | cards | size | \`cat\` | first index | ratio | CPU | phases of a first build (s) | peak RSS | index.db | load |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for s in "${chosen[@]}"; do
    d=$decks/shape-$s-$n
    # shellcheck disable=SC2086 # the options are words
    [ -f "$d/.generated" ] || { rm -rf "$d"; "$gen" "$n" "$d" ${shapes[$s]} 2>/dev/null; touch "$d/.generated"; }
    find "$d" -name '*.md' -print0 >"$out/list-$s-$n"
    mb=$(xargs -0 cat <"$out/list-$s-$n" | wc -c | awk '{ printf "%.0f MB", $1 / 1e6 }')
    before=$(load)
    j=$out/$s-$n
    hyperfine -w 1 -r "$runs" --export-json "$j-cat.json" "xargs -0 cat < $out/list-$s-$n > /dev/null" >/dev/null
    hyperfine -N -w 1 -r "$runs" --prepare "rm -rf $d/.termdex" --export-json "$j-first.json" \
        "$t --dex $d index -q" >/dev/null
    rm -rf "$d/.termdex"
    # CPU time (user + system) moves less than wall time when other work shares the cores.
    read -r cpu rss < <( { /usr/bin/time -f '%U %S %M' "$t" --dex "$d" index -q; } 2>&1 |
        tail -1 | awk '{ printf "%.2f %d\n", $1 + $2, $3 }')
    db=$(du -b "$d/.termdex/index.db" | awk '{ printf "%.0f MB", $1 / 1e6 }')
    rm -rf "$d/.termdex"
    first_phases=$("$t" --dex "$d" -v index 2>&1 | phases)
    cat=$(median_s "$j-cat.json")
    first=$(median_s "$j-first.json")
    ratio=$(python3 -c "print('%.1f×' % ($first / $cat))")
    echo "| $s | $n | $mb | $cat s | $first s | $ratio | $cpu s | $first_phases | $((rss / 1024)) MB | $db | $before → $(load) |"
done
