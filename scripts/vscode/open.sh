#!/usr/bin/env bash
# Builds the extension and opens the samples folder in VS Code with the extension loaded.
#  - With VS Code's `code` command on PATH: code --extensionDevelopmentPath=<repo> <repo>/samples
#  - Otherwise (or with --web): starts code-server (the same VS Code, in the browser; installed into .cache/ on first
#    use) on 127.0.0.1 and prints the address to open. Runs until Ctrl+C, then stops the whole server.
# Options: --web (always use code-server), --vsix (install a packaged .vsix instead of loading the development
# folder; use it when the browser reaches the server through another host/port, e.g. a forwarded port),
# --port N (default 8080, or a free port when 8080 is taken), --host ADDR (default 127.0.0.1), --no-build.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/common.sh"

web=0; vsix=0; build=1; port="${PORT:-8080}"; host="127.0.0.1"
while [ $# -gt 0 ]; do
  case "$1" in
    --web) web=1 ;;
    --vsix) vsix=1; web=1 ;;
    --no-build) build=0 ;;
    --port) port="$2"; shift ;;
    --port=*) port="${1#*=}" ;;
    --host) host="$2"; shift ;;
    --host=*) host="${1#*=}" ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done

cd "$REPO_ROOT"
[ -d node_modules ] || npm ci
if [ "$build" = 1 ]; then npm run build; fi
[ -f dist/extension.js ] || die "dist/extension.js is missing: the build did not produce the extension"
samples="$REPO_ROOT/samples"

if [ "$web" = 0 ] && command -v code >/dev/null 2>&1; then
  log "opening samples/ in VS Code with the extension loaded from $REPO_ROOT"
  exec code --extensionDevelopmentPath="$REPO_ROOT" "$samples"
fi

"$VSCODE_SCRIPTS_DIR/setup.sh" --no-browser

# A persistent profile, so settings and layout survive restarts.
profile="$CACHE_DIR/open"
mkdir -p "$profile/user-data/User" "$profile/extensions" "$profile/tmp"
if [ ! -f "$profile/user-data/User/settings.json" ]; then
  # First start: no welcome page, no prompt about the repository around samples/, no update/telemetry traffic.
  cat > "$profile/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "git.openRepositoryInParentFolders": "never",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false
}
JSON
fi
if [ "$vsix" = 1 ]; then
  "$REPO_ROOT/node_modules/.bin/vsce" package --no-dependencies --allow-missing-repository --skip-license --no-rewrite-relative-links \
    -o "$CACHE_DIR/lab.vsix" > "$CACHE_DIR/vsce.log" 2>&1 || { cat "$CACHE_DIR/vsce.log" >&2; die "vsce package failed"; }
fi

# The port: the requested one when free, else any free one.
port="$(node -e '
const net = require("net"); const [host, want] = process.argv.slice(1);
const s = net.createServer().once("error", () => { const t = net.createServer().listen(0, host, () => { console.log(t.address().port); t.close(); }); })
  .listen(Number(want), host, () => { console.log(want); s.close(); });' "$host" "$port")"

# code-server's own files stay in the cache folder; VSCODE_* variables (e.g. from a VS Code terminal) are dropped
# so it does not hand the folder over to another VS Code instance.
cs_env=(env)
for v in $(compgen -e | grep -E '^(VSCODE_|ELECTRON_RUN_AS_NODE)' || true); do cs_env+=(-u "$v"); done
cs_env+=(HOME="$CS_DIR/home" XDG_CONFIG_HOME="$CS_DIR/home/.config" XDG_DATA_HOME="$CS_DIR/home/.local/share"
  XDG_CACHE_HOME="$CS_DIR/home/.cache" TMPDIR="$profile/tmp")
common_args=(--user-data-dir "$profile/user-data" --extensions-dir "$profile/extensions")

if [ "$vsix" = 1 ]; then
  "${cs_env[@]}" "$CS_BIN" "${common_args[@]}" --install-extension "$CACHE_DIR/lab.vsix" --force >/dev/null \
    || die "could not install $CACHE_DIR/lab.vsix"
  url="http://$host:$port/?folder=$(node -p 'encodeURIComponent(process.argv[1])' "$samples")"
else
  # Remove an installed copy from an earlier --vsix run, so the development folder is the one that loads.
  "${cs_env[@]}" "$CS_BIN" "${common_args[@]}" --uninstall-extension logistic-lab.logistic-regression-lab >/dev/null 2>&1 || true
  url="$(node -p '
    const [host, port, folder, ext] = process.argv.slice(1);
    const payload = [["extensionDevelopmentPath", `vscode-remote://${host}:${port}${ext}`]];
    `http://${host}:${port}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  ' "$host" "$port" "$samples" "$REPO_ROOT")"
fi

# setsid: code-server leads its own process group, so stopping kills the extension host and helpers too.
log="$profile/server.log"
"${cs_env[@]}" setsid "$CS_BIN" --bind-addr "$host:$port" --auth none "${common_args[@]}" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  "$samples" > "$log" 2>&1 &
pgid=$!
stop() {
  trap - EXIT INT TERM
  kill -TERM -- "-$pgid" 2>/dev/null || true
  for _ in $(seq 30); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pgid" 2>/dev/null || true
  log "stopped code-server"
}
trap stop EXIT
trap 'exit 130' INT TERM

node -e '
const url = process.argv[1]; const deadline = Date.now() + 30000;
(async () => { while (Date.now() < deadline) { try { if ((await fetch(url)).ok) return; } catch {} await new Promise(r => setTimeout(r, 200)); }
  console.error("code-server did not start"); process.exit(1); })();' "http://$host:$port/healthz" \
  || { tail -n 20 "$log" >&2; exit 1; }

cat <<MSG

  Logistic Regression Lab is running in VS Code (code-server $CODE_SERVER_VERSION), with the samples folder open.
  Open this address in a browser:

    $url

  Server log: ${log#$REPO_ROOT/}. Press Ctrl+C to stop.

MSG
wait "$pgid"
