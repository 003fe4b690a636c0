/**
 * Run a real VS Code (code-server, i.e. the VS Code server plus its web workbench) and drive it with Chromium.
 * Shared by the extension-host test shim (scripts/vscode/shim.ts), the UI test harness (test/e2e/harness.ts) and
 * `scripts/vscode/open.sh`. code-server itself is installed into .cache/code-server by scripts/vscode/setup.sh.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CODE_SERVER_VERSION = '4.100.3';
export const HOST = '127.0.0.1';
/** The Chromium binary (Debian's package); override with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Theme names accepted by `workbench.colorTheme` that the tests use. */
export type ThemeName = 'Default Light Modern' | 'Default Dark Modern' | (string & {});

/** A JSON value as stored in settings.json. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type Settings = Record<string, JsonValue>;

/** Settings that keep a test window quiet and deterministic (no welcome page, trust prompt, update checks…). */
export const QUIET_SETTINGS: Settings = {
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'chat.commandCenter.enabled': false,
  'window.restoreWindows': 'none',
};

/** The repository root: the nearest ancestor of `start` holding scripts/vscode/setup.sh (else the cwd). */
export function findRepoRoot(start: string = __dirname): string {
  if (process.env.LAB_REPO_ROOT) return path.resolve(process.env.LAB_REPO_ROOT);
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'scripts', 'vscode', 'setup.sh')) && existsSync(path.join(dir, 'package.json'))) {
      return dir;
    }
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

/** The git-ignored cache folder (.cache/ of the repository, or LAB_CACHE_DIR). */
export function cacheDir(): string {
  return process.env.LAB_CACHE_DIR ? path.resolve(process.env.LAB_CACHE_DIR) : path.join(findRepoRoot(), '.cache');
}

/** Path of the installed code-server launcher; installs it first (scripts/vscode/setup.sh) when missing. */
export function ensureCodeServer(): string {
  const dir = path.join(cacheDir(), 'code-server');
  const bin = path.join(dir, 'node_modules', '.bin', 'code-server');
  if (existsSync(path.join(dir, `.installed-${CODE_SERVER_VERSION}`)) && existsSync(bin)) return bin;
  const setup = path.join(findRepoRoot(), 'scripts', 'vscode', 'setup.sh');
  const r = spawnSync('bash', [setup], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(bin)) throw new Error(`code-server is not installed; run ${setup}`);
  return bin;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Reads a settings.json (JSON without comments) or returns {} when absent/unparsable. */
function readSettings(file: string): Settings {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Settings) : {};
  } catch {
    return {};
  }
}

/** Merges `settings` into `<userDataDir>/User/settings.json` (a running VS Code picks the change up live). */
export function writeUserSettings(userDataDir: string, settings: Settings): void {
  const file = path.join(userDataDir, 'User', 'settings.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ ...readSettings(file), ...settings }, null, 2) + '\n');
}

/** Environment for code-server: ours minus variables that would make it talk to another VS Code. */
function serverEnv(extra: Record<string, string | undefined>, runDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') continue;
    env[k] = v;
  }
  // code-server's own files (config.yaml, logs, caches) stay inside the cache folder.
  const home = path.join(cacheDir(), 'code-server', 'home');
  const tmp = path.join(runDir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  Object.assign(env, {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    TMPDIR: tmp,
  });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Installs a .vsix into the given profile with `code-server --install-extension` (throws on failure). */
export function installVsix(vsix: string, userDataDir: string, extensionsDir: string): void {
  const bin = ensureCodeServer();
  const runDir = path.dirname(userDataDir);
  const r = spawnSync(
    bin,
    ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', path.resolve(vsix), '--force'],
    { env: serverEnv({}, runDir), encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`installing ${vsix} failed:\n${r.stdout}\n${r.stderr}`);
}

/**
 * Packages an extension folder (default: the repository, which must be built: dist/) into a .vsix with vsce
 * (no dependencies bundled: esbuild already did) and returns its path. Default output: .cache/lab.vsix.
 */
export function packageVsix(opts: { extensionDir?: string; out?: string } = {}): string {
  const root = findRepoRoot();
  const dir = path.resolve(opts.extensionDir ?? root);
  const out = path.resolve(opts.out ?? path.join(cacheDir(), 'lab.vsix'));
  const vsce = path.join(root, 'node_modules', '.bin', 'vsce');
  mkdirSync(path.dirname(out), { recursive: true });
  const r = spawnSync(
    vsce,
    ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '-o', out],
    { cwd: dir, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`vsce package failed:\n${r.stdout}\n${r.stderr}`);
  return out;
}

/** Options of {@link startCodeServer}. */
export interface StartOptions {
  /** Folder the server opens by default (absolute or relative to the cwd). */
  workspace?: string;
  /** Profile folders; default: fresh ones in `runDir`. */
  userDataDir?: string;
  extensionsDir?: string;
  /** Folder for this run's files (profile, tmp, server.log); default: a new folder under .cache/vscode-runs/. */
  runDir?: string;
  /** Delete `runDir` on stop() (default: true when runDir was generated). */
  removeRunDir?: boolean;
  /** User settings merged over {@link QUIET_SETTINGS}; pass `quiet: false` to start from the user's defaults. */
  settings?: Settings;
  quiet?: boolean;
  /** VSIX files to install into the profile before starting. */
  vsix?: string | string[];
  /** Extra environment for the server (it reaches the extension host); undefined deletes a variable. */
  env?: Record<string, string | undefined>;
  /** Fixed port (default: a free one). */
  port?: number;
  /** Receives the server's stdout/stderr as it arrives. */
  onOutput?: (text: string) => void;
  /**
   * Keep workspace trust on (default false: trust is disabled so no prompt appears). With true the opened folder
   * is not trusted and the window runs in Restricted Mode, without asking.
   */
  workspaceTrust?: boolean;
}

/** A running code-server. */
export interface RunningCodeServer {
  port: number;
  /** `http://127.0.0.1:PORT` */
  baseUrl: string;
  /** The authority that remote URIs use: `127.0.0.1:PORT`. */
  authority: string;
  runDir: string;
  userDataDir: string;
  extensionsDir: string;
  pid: number;
  /**
   * URL of a workbench window. `extensionDevelopmentPath`/`extensionTestsPath` are absolute paths on this machine;
   * they are passed in the URL payload as `vscode-remote://127.0.0.1:PORT<path>` (code-server's command line
   * does not accept them).
   */
  url(opts?: { folder?: string; extensionDevelopmentPath?: string | string[]; extensionTestsPath?: string }): string;
  /** Everything the server printed so far. */
  output(): string;
  /** Kills the whole process group (server, extension host, pty host…). Idempotent. */
  stop(): Promise<void>;
}

const liveGroups = new Set<number>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when a caller forgets stop() or the process is interrupted: no orphaned extension hosts waiting
  // hours to reconnect. (Without a listener, SIGINT/SIGTERM would end the process without an 'exit' event.)
  const killAll = () => {
    for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
    liveGroups.clear();
  };
  process.on('exit', killAll);
  const signals: [NodeJS.Signals, number][] = [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]];
  for (const [signal, code] of signals) {
    process.once(signal, () => {
      killAll();
      process.exit(code);
    });
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until GET /healthz answers, the process dies, or `timeoutMs` passes. */
async function waitReady(baseUrl: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  throw new Error(`code-server did not become ready within ${timeoutMs} ms:\n${output()}`);
}

/**
 * Removes run folders (.cache/vscode-runs/<time>-<pid>-<rand>) left by processes that died without stop():
 * only when that process is gone and the folder is older than ten minutes.
 */
export function pruneStaleRuns(): void {
  const dir = path.join(cacheDir(), 'vscode-runs');
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const m = /^[a-z0-9]+-(\d+)-[a-z0-9]+$/.exec(name);
    if (!m) continue;
    const full = path.join(dir, name);
    try {
      if (Date.now() - statSync(full).mtimeMs < 10 * 60_000) continue;
      if (pidAlive(Number(m[1]))) continue;
      rmSync(full, { recursive: true, force: true });
    } catch {
      /* raced with another process: ignore */
    }
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Starts code-server on 127.0.0.1 (no auth) and resolves once it answers HTTP requests (about 1.5 s). */
export async function startCodeServer(opts: StartOptions = {}): Promise<RunningCodeServer> {
  const bin = ensureCodeServer();
  pruneStaleRuns();
  const generatedRunDir = opts.runDir === undefined;
  const runDir = path.resolve(
    opts.runDir ?? path.join(cacheDir(), 'vscode-runs', `${Date.now().toString(36)}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`),
  );
  const userDataDir = path.resolve(opts.userDataDir ?? path.join(runDir, 'user-data'));
  const extensionsDir = path.resolve(opts.extensionsDir ?? path.join(runDir, 'extensions'));
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const trustSettings: Settings = opts.workspaceTrust
    ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' }
    : {};
  writeUserSettings(userDataDir, { ...(opts.quiet === false ? {} : QUIET_SETTINGS), ...trustSettings, ...(opts.settings ?? {}) });
  const vsixes = opts.vsix === undefined ? [] : Array.isArray(opts.vsix) ? opts.vsix : [opts.vsix];
  for (const v of vsixes) installVsix(v, userDataDir, extensionsDir);

  const env = serverEnv(opts.env ?? {}, runDir);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = opts.port ?? (await freePort());
    const args = [
      '--bind-addr', `${HOST}:${port}`,
      '--auth', 'none',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
    ];
    if (opts.workspace) args.push(path.resolve(opts.workspace));
    // detached: the server leads a new process group, so stop() can kill it with every child it spawned.
    const child = spawn(bin, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid;
    if (pid === undefined) throw new Error('could not spawn code-server');
    liveGroups.add(pid);
    installExitHook();
    const logFile = createWriteStream(path.join(runDir, 'server.log'), { flags: 'a' });
    let out = '';
    const onData = (b: Buffer) => {
      const s = b.toString();
      out += s;
      if (out.length > 1_000_000) out = out.slice(-500_000);
      logFile.write(s);
      opts.onOutput?.(s);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    let stopped: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopped ??= (async () => {
        killGroup(pid, 'SIGTERM');
        for (let i = 0; i < 30 && groupAlive(pid); i++) await sleep(100);
        if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
        for (let i = 0; i < 20 && groupAlive(pid); i++) await sleep(50);
        liveGroups.delete(pid);
        logFile.end();
        if (opts.removeRunDir ?? generatedRunDir) rmSync(runDir, { recursive: true, force: true });
      })());
    const baseUrl = `http://${HOST}:${port}`;
    try {
      await waitReady(baseUrl, child, 30_000, () => out);
    } catch (e) {
      lastError = e;
      const busy = /EADDRINUSE/.test(out);
      killGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
      logFile.end();
      if (busy && opts.port === undefined) continue;
      throw e;
    }
    const authority = `${HOST}:${port}`;
    return {
      port,
      baseUrl,
      authority,
      runDir,
      userDataDir,
      extensionsDir,
      pid,
      output: () => out,
      stop,
      url(u = {}) {
        const params: string[] = [];
        const folder = u.folder ?? opts.workspace;
        if (folder) params.push(`folder=${encodeURIComponent(path.resolve(folder))}`);
        const payload: [string, string][] = [];
        const remote = (p: string) => `vscode-remote://${authority}${path.resolve(p)}`;
        const devPaths = u.extensionDevelopmentPath === undefined ? [] : ([] as string[]).concat(u.extensionDevelopmentPath);
        for (const p of devPaths) payload.push(['extensionDevelopmentPath', remote(p)]);
        if (u.extensionTestsPath) payload.push(['extensionTestsPath', remote(u.extensionTestsPath)]);
        if (payload.length > 0) params.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
        return `${baseUrl}/${params.length ? '?' + params.join('&') : ''}`;
      },
    };
  }
  throw lastError instanceof Error ? lastError : new Error('could not start code-server');
}

/** Chromium flags for a headless, offline, reproducible browser. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Launches Debian's Chromium through playwright-core (playwright's own browsers are never downloaded). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH)`);
  }
  // playwright creates (and removes) a fresh temporary profile for every launch().
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}
