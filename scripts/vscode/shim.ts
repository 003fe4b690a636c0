/**
 * A stand-in for the VS Code executable, for @vscode/test-electron's `runTests({ vscodeExecutablePath })`.
 * Run through scripts/vscode/code-shim. It reads the Electron-style arguments that runTests passes
 * (--extensionDevelopmentPath=…, --extensionTestsPath=…, a workspace folder, flags), starts code-server on a free
 * port, opens the workbench in headless Chromium with the development options in the URL payload, prints the test
 * output, kills the server's process group and exits with the tests' exit code.
 *
 * Environment: LAB_VSCODE_TIMEOUT_MS (default 600000) aborts a hung run with exit code 124;
 * LAB_VSCODE_VERBOSE=1 also prints the server's output and the browser console.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { launchChromium, startCodeServer, type RunningCodeServer } from './codeServer';
import type { Browser } from 'playwright-core';

/** The arguments of a VS Code command line that the shim understands. */
export interface ShimArgs {
  extensionDevelopmentPath: string[];
  extensionTestsPath?: string;
  userDataDir?: string;
  extensionsDir?: string;
  /** Positional arguments: the first one is the folder to open. */
  paths: string[];
  /** Flags passed on to code-server. */
  passThrough: string[];
  /** Flags with no meaning here (--no-sandbox, --disable-updates, …). */
  ignored: string[];
}

const VALUE_FLAGS = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir', 'locale']);
const PASS_THROUGH = new Set(['disable-extensions', 'enable-proposed-api', 'locale']);

/** Parses `--flag=value`, `--flag value` and positional arguments as VS Code's launcher does. */
export function parseShimArgs(argv: string[]): ShimArgs {
  const r: ShimArgs = { extensionDevelopmentPath: [], paths: [], passThrough: [], ignored: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      r.paths.push(path.resolve(a));
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    let value: string | undefined = eq >= 0 ? a.slice(eq + 1) : undefined;
    if (value === undefined && VALUE_FLAGS.has(name) && i + 1 < argv.length) value = argv[++i];
    switch (name) {
      case 'extensionDevelopmentPath':
        if (value) r.extensionDevelopmentPath.push(path.resolve(value));
        break;
      case 'extensionTestsPath':
        if (value) r.extensionTestsPath = path.resolve(value);
        break;
      case 'user-data-dir':
        if (value) r.userDataDir = path.resolve(value);
        break;
      case 'extensions-dir':
        if (value) r.extensionsDir = path.resolve(value);
        break;
      default:
        if (PASS_THROUGH.has(name)) r.passThrough.push(value === undefined ? `--${name}` : `--${name}=${value}`);
        else r.ignored.push(a);
    }
  }
  return r;
}

/** Routine workbench log lines (and the offline extension-gallery failures) that are not test output. */
const NOISE = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
  /ENOTFOUND|ERR_NAME_NOT_RESOLVED|EAI_AGAIN/,
  /open-vsx\.org|marketplace\.visualstudio\.com|extensionquery/,
];
export function isWorkbenchNoise(text: string): boolean {
  return NOISE.some((re) => re.test(text));
}

function log(msg: string): void {
  process.stderr.write(`[code-shim] ${msg}\n`);
}

/** Runs the tests described by argv; resolves with the exit code of the extension-host test runner. */
export async function runShim(argv: string[]): Promise<number> {
  const args = parseShimArgs(argv);
  const verbose = process.env.LAB_VSCODE_VERBOSE === '1';
  const timeoutMs = Number(process.env.LAB_VSCODE_TIMEOUT_MS ?? 600_000);
  if (!args.extensionTestsPath) log('no --extensionTestsPath: the window stays open until the timeout');
  const workspace = args.paths[0];
  const started = Date.now();

  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let timer: NodeJS.Timeout | undefined;
  const cleanup = async () => {
    if (timer) clearTimeout(timer);
    await browser?.close().catch(() => undefined);
    await server?.stop();
  };
  // Interrupted (Ctrl+C, runTests' SIGINT, a CI timeout): codeServer.ts kills the server's process group and exits;
  // playwright closes the browser.

  try {
    // Profile folders: the ones given (runTests passes .vscode-test/… by default) or a fresh run folder.
    if (args.userDataDir) mkdirSync(args.userDataDir, { recursive: true });
    server = await startCodeServer({
      ...(workspace ? { workspace } : {}),
      ...(args.userDataDir ? { userDataDir: args.userDataDir } : {}),
      ...(args.extensionsDir ? { extensionsDir: args.extensionsDir } : {}),
      ...(verbose ? { onOutput: (s: string) => process.stderr.write(s) } : {}),
    });
    const url = server.url({
      ...(workspace ? { folder: workspace } : {}),
      extensionDevelopmentPath: args.extensionDevelopmentPath,
      ...(args.extensionTestsPath ? { extensionTestsPath: args.extensionTestsPath } : {}),
    });
    if (verbose) log(`code-server ready on ${server.baseUrl} in ${Date.now() - started} ms; opening ${url}`);

    browser = await launchChromium();
    const page = await browser.newPage();
    const exitCode = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(Number(code)));
      timer = setTimeout(() => {
        log(`timed out after ${timeoutMs} ms`);
        resolve(124);
      }, timeoutMs);
      browser!.on('disconnected', () => resolve(3));
    });
    await page.exposeFunction('codeAutomationLog', (level: string, message: unknown) => {
      const text = Array.isArray(message) ? message.map(String).join(' ') : String(message);
      // The workbench forwards its own log here too, mixed with what the tests print; drop its routine lines.
      if (verbose || !isWorkbenchNoise(text)) {
        process.stdout.write(level === 'info' ? `${text}\n` : `[${level}] ${text}\n`);
      }
    });
    if (verbose) {
      page.on('console', (m) => log(`browser ${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => log(`page error: ${e.message}`));
    }
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const code = await exitCode;
    log(`tests finished with exit code ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return code;
  } catch (e) {
    log(`failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    if (server && !verbose) process.stderr.write(server.output().slice(-4000));
    return 2;
  } finally {
    await cleanup();
  }
}

if (require.main === module) {
  void runShim(process.argv.slice(2)).then((code) => process.exit(code));
}
