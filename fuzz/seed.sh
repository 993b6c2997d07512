#!/usr/bin/env bash
# Builds the starting corpora in fuzz/corpus/<target>/ from the committed seeds and the
# sample deck. The corpora grow while fuzzing and are not committed; rerun this to start
# from scratch. Usage: fuzz/seed.sh (from anywhere).
set -euo pipefail
cd "$(dirname "$0")"
deck=../examples/deck

mkdir -p corpus/frontmatter corpus/filter corpus/set corpus/template

# frontmatter: every sample card, and the hand-made awkward ones.
n=0
while IFS= read -r -d '' card; do
    cp "$card" "corpus/frontmatter/deck-$n"
    n=$((n + 1))
done < <(find "$deck" seeds/cards -type f \( -name '*.md' -o -name '*.markdown' \) -print0 | sort -z)

# filter: each sample filter whole, and each of its terms alone.
n=0
while IFS= read -r line; do
    printf '%s' "$line" > "corpus/filter/line-$n"
    m=0
    for term in $line; do
        printf '%s' "$term" > "corpus/filter/term-$n-$m"
        m=$((m + 1))
    done
    n=$((n + 1))
done < seeds/filters.txt

# set: edit lines, a NUL, then a card; each card with a few different edits.
mapfile -t edits < seeds/edits.txt
n=0
while IFS= read -r -d '' card; do
    for k in 0 1 2; do
        i=$(((n * 3 + k) % ${#edits[@]}))
        j=$(((n * 7 + k + 5) % ${#edits[@]}))
        { printf '%s\n%s\n' "${edits[$i]}" "${edits[$j]}"; printf '\0'; cat "$card"; } > "corpus/set/card-$n-$k"
    done
    n=$((n + 1))
done < <(find "$deck" seeds/cards -type f \( -name '*.md' -o -name '*.markdown' \) -print0 | sort -z)

# template: the built-in templates and the awkward cards as templates, with values to fill.
titles=('title=1984' 'title=a: b # c\n- d' 'title=\"q\" \\ x' 'project=x' 'title=')
n=0
while IFS= read -r -d '' template; do
    for k in 0 1; do
        { printf '%s\n' "${titles[$(((n + k) % ${#titles[@]}))]}"; printf '\0'; cat "$template"; } > "corpus/template/t-$n-$k"
    done
    n=$((n + 1))
done < <(find ../src/cards/templates seeds/cards seeds/templates -type f -name '*.md' -print0 | sort -z)

echo "seeded: $(ls corpus/frontmatter | wc -l) frontmatter, $(ls corpus/filter | wc -l) filter, $(ls corpus/set | wc -l) set, $(ls corpus/template | wc -l) template"
