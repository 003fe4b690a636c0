#!/usr/bin/env bash
# Runs the extension-host tests (out/test/suite/**/*.test.js, mocha BDD) inside a real VS Code: bundles and runs
# test/runExtensionTests.ts, which drives @vscode/test-electron's runTests with scripts/vscode/code-shim.
# Compile first: `node esbuild.config.mjs --tests` (builds dist/ and out/test/). Exits non-zero when a test fails.
# Environment: LAB_TEST_GREP=<regexp> runs matching tests only; LAB_VSCODE_VERBOSE=1 shows server/browser logs.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/common.sh"
cd "$REPO_ROOT"
"$VSCODE_SCRIPTS_DIR/setup.sh"
run_ts test/runExtensionTests.ts "$@"
