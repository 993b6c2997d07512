#!/usr/bin/env bash
# tdx-fzf.sh: the original tdx's fzf workflow, on top of termdex.
#
# Lists cards with `termdex query`, lets you pick with fzf (preview: `termdex show`),
# then opens the choice in your editor. See docs/guide/recipes.md for the recipes it is made of.
# Needs bash 4.4 or later and fzf 0.38 or later.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: tdx-fzf.sh [OPTIONS] [pick] [FILTER...]
       tdx-fzf.sh [OPTIONS] tasks
       tdx-fzf.sh [OPTIONS] search WORDS...

Pick cards with fzf and open them in ${VISUAL:-${EDITOR:-vi}}.

Commands:
  pick [FILTER...]   the cards a termdex filter matches, every card without one (default)
  tasks              the `tasks` view: open tasks, soonest first, with when/status/deadline
  search WORDS...    full-text search, best match first; in fzf, typing re-runs the search

Options:
  --dex DIR          the dex, passed to termdex (default: termdex's own lookup)
  --print            print the chosen paths, one per line, instead of opening them
  --filter QUERY     no interface: fzf --filter QUERY, print every match (implies --print)
  -0, --print0       print paths ending in NUL instead of a newline (implies --print)
  -h, --help         this text

In fzf: Enter opens the card (Tab marks several), ctrl-r reloads the list.
Paths are printed relative to the current directory, as termdex prints them.

Environment:
  TERMDEX            the termdex binary (default: termdex, from $PATH)
  TDX_FZF_OPTS       extra fzf options, quoted as in a shell, applied last
                     (e.g. TDX_FZF_OPTS="--height 50% --preview-window down")

Exit status: 0 when something was chosen, 1 when nothing was, 2 on errors,
130 when fzf was cancelled.
EOF
}

die() {
  printf 'tdx-fzf: %s\n' "$*" >&2
  exit 2
}

self=${BASH_SOURCE[0]}
termdex=${TERMDEX:-termdex}

# What each list prints: a template whose first field is the path; the other fields
# never hold a tab (termdex turns tabs in values into spaces), so the path is what is
# left after the last FIELDS tab-separated fields are cut off, even if it holds a tab.
format_of() {
  case $1 in
    tasks) printf '%s' '{path}\t{when}\t{status}\t{deadline}\t{title}\t{tags}' ;;
    *) printf '%s' '{path}\t{title}\t{what}\t{tags}' ;;
  esac
}
fields_of() {
  case $1 in
    tasks) echo 5 ;;
    *) echo 3 ;;
  esac
}

# path_of RECORD N: RECORD without its last N tab-separated fields.
path_of() {
  local record=$1 n=$2 i
  for ((i = 0; i < n; i++)); do
    record=${record%$'\t'*}
  done
  printf '%s' "$record"
}

# list COMMAND ARGS...: the NUL-ended records fzf reads.
list() {
  local command=$1
  shift
  local format
  format=$(format_of "$command")
  case $command in
    pick) "${tdx[@]}" query -0 --format "$format" -- "$@" ;;
    tasks) "${tdx[@]}" query -0 --view tasks --format "$format" ;;
    search) "${tdx[@]}" query -0 --sort rank --format "$format" -- "$@" ;;
  esac
}

dex=()
print=false
nul=false
filter=
filtering=false
args=()
while (($#)); do
  case $1 in
    -h | --help)
      usage
      exit 0
      ;;
    --dex)
      (($# >= 2)) || die "--dex needs a folder"
      dex=(--dex "$2")
      shift
      ;;
    --dex=*) dex=(--dex "${1#--dex=}") ;;
    --print) print=true ;;
    -0 | --print0)
      print=true
      nul=true
      ;;
    --filter)
      (($# >= 2)) || die "--filter needs a query"
      filter=$2
      filtering=true
      print=true
      shift
      ;;
    --filter=*)
      filter=${1#--filter=}
      filtering=true
      print=true
      ;;
    --)
      shift
      args+=("$@")
      break
      ;;
    *) args+=("$1") ;;
  esac
  shift
done
tdx=("$termdex" "${dex[@]}")

command=pick
if ((${#args[@]})); then
  case ${args[0]} in
    pick | tasks | search | __list | __preview)
      command=${args[0]}
      args=("${args[@]:1}")
      ;;
  esac
fi

# Internal commands, run by fzf for reload and preview.
case $command in
  __list)
    list "${args[@]}"
    exit
    ;;
  __preview)
    path=$(path_of "${args[1]}" "$(fields_of "${args[0]}")")
    exec "${tdx[@]}" show --no-refresh -- "$path"
    ;;
  tasks)
    ((${#args[@]} == 0)) || die "tasks takes no arguments (try: pick what:task ${args[*]})"
    ;;
  search)
    ((${#args[@]})) || die "search needs words to look for"
    ;;
esac

command -v "$termdex" >/dev/null 2>&1 ||
  die "cannot find termdex ('$termdex'): put it on \$PATH or set TERMDEX to its path"
command -v fzf >/dev/null 2>&1 ||
  die "cannot find fzf: install it (https://github.com/junegunn/fzf, or apt/brew install fzf)"

# Commands fzf runs through bash (SHELL is set to bash for fzf below), quoted here.
printf -v me '%q ' "$BASH" "$self" "${dex[@]}"
printf -v words '%q ' -- "${args[@]}"
n=$(fields_of "$command")

opts=()
$filtering || opts+=(--with-nth '2..')
opts+=(
  --read0 --print0 --multi
  --delimiter '\t'
  --layout reverse --info inline
  --preview "${me}__preview $command -- {}"
  --preview-window 'right,50%,wrap'
  --bind "ctrl-r:reload:${me}__list $command $words"
)
case $command in
  pick) opts+=(--header 'enter: open · tab: mark · ctrl-r: reload') ;;
  tasks)
    # The view's order (soonest first) is the board's order; fzf keeps it.
    opts+=(--no-sort --tabstop 11 --header $'when\tstatus\tdeadline\ttitle')
    ;;
  search)
    if ! $filtering; then
      # The query box is the search: every keystroke re-runs termdex query.
      opts+=(--disabled --query "${args[*]}"
        --header 'search (filter language) · enter: open · tab: mark'
        --bind "change:reload:${me}__list search -- {q} || true"
        --bind "ctrl-r:reload:${me}__list search -- {q} || true")
    fi
    ;;
esac
if [[ -n ${TDX_FZF_OPTS:-} ]]; then
  # Split like a shell would (quotes honoured), without eval.
  mapfile -d '' -t extra < <(xargs printf '%s\0' <<<"$TDX_FZF_OPTS")
  opts+=("${extra[@]}")
fi
if $filtering; then
  # --nth, not --with-nth: fzf 0.38 --filter --no-sort prints the --with-nth text, not
  # the line. Both match the fields after the path.
  opts+=(--nth '2..' --filter "$filter")
fi

out=$(mktemp "${TMPDIR:-/tmp}/tdx-fzf.XXXXXX")
trap 'rm -f "$out"' EXIT
set +e
list "$command" "${args[@]}" | SHELL=$BASH fzf "${opts[@]}" >"$out"
status=("${PIPESTATUS[@]}")
set -e

paths=()
while IFS= read -r -d '' record; do
  path=$(path_of "$record" "$n")
  [[ -n $path ]] && paths+=("$path")
done <"$out"

if ((${#paths[@]} == 0)); then
  # termdex: 1 = no card matched, 2 = error (already reported); fzf: 1 = no match,
  # 130 = cancelled.
  if ((status[0] >= 2)); then exit "${status[0]}"; fi
  if ((status[1] == 130)); then exit 130; fi
  if ((status[0] == 1)); then echo "tdx-fzf: no cards match" >&2; fi
  exit 1
fi

if $print; then
  if $nul; then
    printf '%s\0' "${paths[@]}"
  else
    printf '%s\n' "${paths[@]}"
  fi
  exit 0
fi

# Like git: the editor variable may hold arguments ("code --wait").
editor=${VISUAL:-${EDITOR:-vi}}
rm -f "$out"
trap - EXIT
exec "$BASH" -c "$editor \"\$@\"" "$editor" "${paths[@]}"
