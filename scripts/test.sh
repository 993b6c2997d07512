#!/usr/bin/env bash
# The test command of the README and of CI (`.ci/run` calls it): installs the programs
# the tests drive when they are missing, saying what it installs and why, then runs
# `cargo test --locked` with the arguments given (`scripts/test.sh --test cli set::`).
#
# Tests that could not do all they are for on this machine (some permission tests need
# root, or user namespaces) say so, and are listed at the end; under CI=true they fail.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'scripts/test.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

# The programs the tests run: name, why.
TOOLS=(
  "tmux|tests/tmux.rs drives the TUI in a real terminal"
  "fzf|tests/cli/fzf.rs runs the fzf recipes of docs/guide/recipes.md"
  "groff|tests/cli/completions.rs renders the man pages to check them for warnings"
)
FZF_MIN=0.38

# The package holding a program, for a package manager.
package_of() {
  local tool=$1 manager=$2
  case "$tool/$manager" in
    groff/apt-get | groff/dnf) echo groff-base ;;
    *) echo "$tool" ;;
  esac
}

# The first package manager found, and how it installs without asking.
package_manager() {
  local m
  for m in apt-get dnf pacman zypper apk brew; do
    if have "$m"; then echo "$m"; return; fi
  done
}

install_with() {
  local manager=$1; shift
  local sudo=()
  if [ "$manager" != brew ] && [ "$(id -u)" -ne 0 ]; then
    have sudo || die "installing $* needs root, and sudo is not installed: install $* as root, then run this again"
    sudo=(sudo)
  fi
  case "$manager" in
    apt-get)
      "${sudo[@]}" apt-get update -qq
      DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@" ;;
    dnf) "${sudo[@]}" dnf install -y -q "$@" ;;
    pacman) "${sudo[@]}" pacman -S --needed --noconfirm "$@" ;;
    zypper) "${sudo[@]}" zypper --non-interactive install "$@" ;;
    apk) "${sudo[@]}" apk add "$@" ;;
    brew) brew install "$@" ;;
  esac
}

install_missing() {
  local missing=() entry tool why manager
  for entry in "${TOOLS[@]}"; do
    tool=${entry%%|*}
    why=${entry#*|}
    have "$tool" && continue
    missing+=("$tool")
    say "$tool is not installed; the tests need it: $why"
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  manager=$(package_manager)
  [ -n "$manager" ] ||
    die "no package manager found (apt-get, dnf, pacman, zypper, apk, brew): install ${missing[*]} yourself, then run this again"
  local packages=()
  for tool in "${missing[@]}"; do packages+=("$(package_of "$tool" "$manager")"); done
  say "installing ${packages[*]} with $manager"
  install_with "$manager" "${packages[@]}" ||
    die "$manager could not install ${packages[*]}: install them yourself, then run this again"
  for tool in "${missing[@]}"; do
    have "$tool" || die "$tool is still not on \$PATH after installing it with $manager"
  done
}

# fzf's version as "major.minor", e.g. 0.38 from "0.38.0 (debian)".
check_fzf_version() {
  local version
  version=$(fzf --version | grep -oE '^[0-9]+\.[0-9]+' || true)
  [ -n "$version" ] || die "cannot tell fzf's version from \`fzf --version\`: $(fzf --version)"
  if [ "$(printf '%s\n%s\n' "$FZF_MIN" "$version" | sort -V | head -n 1)" != "$FZF_MIN" ]; then
    die "fzf $version is older than $FZF_MIN, which tests/cli/fzf.rs needs: install a newer fzf (https://github.com/junegunn/fzf/releases), then run this again"
  fi
}

have cargo || die "cargo is not installed: install Rust (https://rustup.rs), then run this again"
install_missing
check_fzf_version

# Each test that cannot do all it is for here appends a line to this file.
skips=$(mktemp "${TMPDIR:-/tmp}/termdex-test-skips.XXXXXX")
trap 'rm -f "$skips"' EXIT
status=0
TERMDEX_TEST_SKIPS=$skips cargo test --locked "$@" || status=$?
if [ -s "$skips" ]; then
  say "$(sort -u "$skips" | wc -l) test(s) could not do all they are for on this machine (they do in CI):"
  sort -u "$skips" | sed 's/^/  /' >&2
fi
exit "$status"
