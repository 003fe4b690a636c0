#!/usr/bin/env bash
# `npm test`: build, type-check, unit tests, extension-host tests and UI tests in a real VS Code, in that order; every
# part runs even when an earlier one failed. Ends with one line over all runners, "Tests: N passed, N failed", counted
# from node:test ("ℹ pass N" / "ℹ fail N") and mocha in the extension host ("N passing" / "N failing"); a part that
# fails without a test count (build, type-check, a runner that crashed) counts as one failure.
set -uo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
passed=0
failed=0
status=0
count() { { grep -aoE "$1" "$2" || true; } | { grep -oE '[0-9]+' || true; } | awk '{s += $1} END {print s + 0}'; }
part() {
  local name="$1"; shift
  local out; out="$(mktemp)"
  printf '\n=== %s\n' "$name"
  "$@" 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]}
  local p f
  p=$(( $(count '^ℹ pass [0-9]+' "$out") + $(count '^ *[0-9]+ passing' "$out") ))
  f=$(( $(count '^ℹ fail [0-9]+' "$out") + $(count '^ *[0-9]+ failing' "$out") ))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$(( passed + p )); failed=$(( failed + f ))
  [ "$rc" -eq 0 ] || status=1
  rm -f "$out"
}
part build npm run --silent build
part typecheck npm run --silent typecheck
part unit npm run --silent test:unit
part extension-host npm run --silent test:vscode
part ui npm run --silent test:e2e
echo
echo "Tests: $passed passed, $failed failed"
exit "$status"
