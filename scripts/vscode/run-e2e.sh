#!/usr/bin/env bash
# Runs the UI tests — out/test/e2e/**/*.test.js (node:test files using test/e2e/harness.ts) — against a real
# VS Code (code-server + headless Chromium), one file at a time. Compile them first (`node esbuild.config.mjs --tests`).
# The extension is packaged once into .cache/lab.vsix and installed in every window (LAB_E2E_VSIX); set
# LAB_E2E_DEV=1 to load it from the repository through the development path instead (no packaging).
# Usage: run-e2e.sh [out/test/e2e/x.test.js …] [node --test options, e.g. --test-name-pattern=dashboard]. Screenshots: test-artifacts/screenshots/.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/common.sh"
cd "$REPO_ROOT"

# Test files named on the command line run alone; other arguments are passed to node --test.
files=(); node_args=()
for a in "$@"; do
  if [ -f "$a" ]; then files+=("$a"); else node_args+=("$a"); fi
done
all=0
if [ "${#files[@]}" -eq 0 ]; then
  all=1
  mapfile -t files < <(find out/test/e2e -name '*.test.js' 2>/dev/null | sort)
fi
if [ "${#files[@]}" -eq 0 ]; then
  log "no UI tests in out/test/e2e (run 'node esbuild.config.mjs --tests' first?)"
  exit 0
fi

"$VSCODE_SCRIPTS_DIR/setup.sh"
[ "$all" = 1 ] && rm -rf test-artifacts/screenshots   # a full run regenerates every screenshot

if [ -z "${LAB_E2E_VSIX:-}" ] && [ "${LAB_E2E_DEV:-}" != "1" ]; then
  [ -f dist/extension.js ] || die "dist/extension.js is missing: run 'npm run build' first"
  mkdir -p "$CACHE_DIR"
  "$REPO_ROOT/node_modules/.bin/vsce" package --no-dependencies --allow-missing-repository --skip-license --no-rewrite-relative-links \
    -o "$CACHE_DIR/lab.vsix" > "$CACHE_DIR/vsce.log" 2>&1 || { cat "$CACHE_DIR/vsce.log" >&2; die "vsce package failed"; }
  export LAB_E2E_VSIX="$CACHE_DIR/lab.vsix"
  log "packaged the extension into ${LAB_E2E_VSIX#$REPO_ROOT/}"
fi

start=$(date +%s)
status=0
node --test --test-concurrency=1 --test-timeout=300000 --test-reporter=spec ${node_args[@]+"${node_args[@]}"} "${files[@]}" || status=$?
log "UI tests took $(( $(date +%s) - start )) s (screenshots in test-artifacts/screenshots/)"
exit "$status"
