# Shared settings for the scripts in scripts/vscode (sourced, not executed).
# Everything lives in the git-ignored .cache/ folder of the repository.

CODE_SERVER_VERSION="4.100.3"

# Resolve the repository root from this file's location.
VSCODE_SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$VSCODE_SCRIPTS_DIR/../.." && pwd)"
CACHE_DIR="${LAB_CACHE_DIR:-$REPO_ROOT/.cache}"
CS_DIR="$CACHE_DIR/code-server"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
CS_MARKER="$CS_DIR/.installed-$CODE_SERVER_VERSION"
CHROMIUM_BIN="${CHROMIUM_PATH:-/usr/bin/chromium}"

log() { printf '[vscode] %s\n' "$*" >&2; }
die() { printf '[vscode] error: %s\n' "$*" >&2; exit 1; }

# Run a TypeScript entry point of the repository: bundle it with esbuild into .cache/ts-run/
# (only when the source is newer) and execute it with node, passing the remaining arguments.
run_ts() {
  local src="$1"; shift
  local name out
  name="$(printf '%s' "$src" | sed 's#[/.]#_#g')"
  out="$CACHE_DIR/ts-run/$name.js"
  mkdir -p "$CACHE_DIR/ts-run"
  # Rebuild when any .ts under scripts/vscode, test/e2e or the entry itself is newer than the bundle.
  if [ ! -f "$out" ] || [ -n "$(find "$REPO_ROOT/$src" "$VSCODE_SCRIPTS_DIR" -name '*.ts' -newer "$out" 2>/dev/null | head -n 1)" ]; then
    # Written under a temporary name and renamed: concurrent runs never execute a half-written bundle.
    "$REPO_ROOT/node_modules/.bin/esbuild" "$REPO_ROOT/$src" --bundle --platform=node --target=node20 \
      --format=cjs --sourcemap=inline --log-level=warning \
      --external:playwright-core --external:@vscode/test-electron --external:mocha --external:vscode \
      --outfile="$out.$$.tmp.js" >&2 || die "could not bundle $src"
    mv -f "$out.$$.tmp.js" "$out"
  fi
  NODE_PATH="$REPO_ROOT/node_modules${NODE_PATH:+:$NODE_PATH}" node --enable-source-maps "$out" "$@"
}
