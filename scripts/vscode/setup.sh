#!/usr/bin/env bash
# Installs code-server (a real VS Code, server + web workbench) into .cache/code-server/, offline-friendly.
# Idempotent: does nothing when the pinned version is already installed. Usage: scripts/vscode/setup.sh [--force] [--no-browser]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

FORCE=0; BROWSER=1
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --no-browser) BROWSER=0 ;; # the main job only serves VS Code; the tests also drive it with Chromium
    *) die "unknown option $arg (options: --force, --no-browser)" ;;
  esac
done

# --- System tools: Chromium (drives the web workbench) and ripgrep (replaces code-server's download). ---
missing=()
[ "$BROWSER" = 0 ] || [ -x "$CHROMIUM_BIN" ] || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
if [ ! -f "$CS_MARKER" ] || [ "$FORCE" = 1 ]; then
  # Only needed to build code-server's native modules (kerberos, argon2, node-pty).
  command -v g++ >/dev/null 2>&1 || missing+=(g++)
  command -v make >/dev/null 2>&1 || missing+=(make)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  [ -e /usr/include/krb5.h ] || [ -e /usr/include/krb5/krb5.h ] || missing+=(libkrb5-dev)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    die "missing system packages; install them with: sudo apt-get install -y ${missing[*]}"
  fi
fi

# One installer at a time (parallel test runs on a fresh machine wait for the first one).
mkdir -p "$CACHE_DIR"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_DIR/.code-server-install.lock"
  flock 9
fi

if [ -f "$CS_MARKER" ] && [ -x "$CS_BIN" ] && [ "$FORCE" = 0 ]; then
  log "code-server $CODE_SERVER_VERSION already installed in ${CS_DIR#$REPO_ROOT/}"
  exit 0
fi

start=$(date +%s)
log "installing code-server $CODE_SERVER_VERSION into ${CS_DIR#$REPO_ROOT/} (takes a minute or two)"
rm -rf "$CS_DIR"
mkdir -p "$CS_DIR/home/.config" "$CS_DIR/home/.local/share" "$CS_DIR/home/.cache" "$CS_DIR/tmp"

# Keep npm's cache and user configuration from the real home; everything else stays in the cache folder.
npm_cache="$(npm config get cache 2>/dev/null || true)"
[ -n "$npm_cache" ] && export npm_config_cache="$npm_cache"
if [ -z "${npm_config_userconfig:-}" ] && [ -f "$HOME/.npmrc" ]; then
  export npm_config_userconfig="$HOME/.npmrc"
fi
# node-gyp: use the local Node headers when they are installed (no download from nodejs.org).
if [ -z "${npm_config_nodedir:-}" ]; then
  node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  [ -f "$node_prefix/include/node/node.h" ] && export npm_config_nodedir="$node_prefix"
fi

export HOME="$CS_DIR/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share" XDG_CACHE_HOME="$HOME/.cache"
export TMPDIR="$CS_DIR/tmp"

# @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache already holds the archive:
#   $TMPDIR/vscode-ripgrep-cache-<package version>/ripgrep-<rg version>-<target>.tar.gz  (rg at the archive root)
# Versions read from @vscode/ripgrep 1.15.11 (lib/postinstall.js: VERSION, lib/download.js: cache dir), which
# code-server 4.100.3 uses.
RG_PACKAGE_VERSION="1.15.11"
RG_VERSION="v13.0.0-10"
case "$(uname -m)" in
  x86_64) RG_TARGET="x86_64-unknown-linux-musl" ;;
  aarch64) RG_TARGET="aarch64-unknown-linux-musl" ;;
  *) die "unsupported architecture $(uname -m)" ;;
esac
rg_cache="$TMPDIR/vscode-ripgrep-cache-$RG_PACKAGE_VERSION"
mkdir -p "$rg_cache/stage"
cp "$(command -v rg)" "$rg_cache/stage/rg"
tar -czf "$rg_cache/ripgrep-$RG_VERSION-$RG_TARGET.tar.gz" -C "$rg_cache/stage" rg
rm -rf "$rg_cache/stage"

cd "$CS_DIR"
printf '{ "name": "code-server-cache", "private": true }\n' > package.json
# unsafe_perm: code-server's postinstall refuses to run as root otherwise; yes: node-pty runs `npx node-gyp`.
npm_config_unsafe_perm=true npm_config_yes=true npm_config_fund=false npm_config_audit=false \
  npm install --no-save --foreground-scripts --loglevel=error "code-server@$CODE_SERVER_VERSION" > "$CS_DIR/install.log" 2>&1 \
  || { tail -n 40 "$CS_DIR/install.log" >&2; die "npm install of code-server failed (full log: ${CS_DIR#$REPO_ROOT/}/install.log)"; }

"$CS_BIN" --version >/dev/null 2>&1 || die "code-server does not start; see ${CS_DIR#$REPO_ROOT/}/install.log"
touch "$CS_MARKER"
log "code-server $("$CS_BIN" --version 2>/dev/null | head -n 1) installed in $(( $(date +%s) - start )) s"
