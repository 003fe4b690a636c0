/**
 * Runs the extension-host tests (test/suite) in a real VS Code: @vscode/test-electron's runTests with
 * scripts/vscode/code-shim as the VS Code executable (code-server + headless Chromium, fully offline).
 * Needs the extension built (dist/) and the tests compiled (`node esbuild.config.mjs --tests`).
 * The workspace is a fresh copy of samples/ so tests may write files. Exits non-zero when a test fails.
 * Environment: LAB_TEST_GREP (mocha grep), LAB_VSCODE_TIMEOUT_MS, LAB_VSCODE_VERBOSE=1.
 */
import { runTests } from '@vscode/test-electron';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { cacheDir, findRepoRoot } from '../scripts/vscode/codeServer';

async function main(): Promise<number> {
  const root = findRepoRoot(__dirname);
  const extensionTestsPath = path.join(root, 'out', 'test', 'suite', 'index.js');
  if (!existsSync(extensionTestsPath)) {
    console.error(`${path.relative(root, extensionTestsPath)} is missing: run "node esbuild.config.mjs --tests" first`);
    return 1;
  }
  if (!existsSync(path.join(root, 'dist', 'extension.js'))) {
    console.warn('warning: dist/extension.js is missing (run "npm run build"); the extension cannot activate');
  }
  const runDir = path.join(cacheDir(), 'vscode-runs', 'extension-tests');
  rmSync(runDir, { recursive: true, force: true });
  const workspace = path.join(runDir, 'workspace');
  mkdirSync(runDir, { recursive: true });
  cpSync(path.join(root, 'samples'), workspace, { recursive: true });

  const started = Date.now();
  try {
    await runTests({
      vscodeExecutablePath: path.join(root, 'scripts', 'vscode', 'code-shim'),
      extensionDevelopmentPath: root,
      extensionTestsPath,
      launchArgs: [
        workspace,
        `--user-data-dir=${path.join(runDir, 'user-data')}`,
        `--extensions-dir=${path.join(runDir, 'extensions')}`,
      ],
      extensionTestsEnv: { LAB_TEST_WORKSPACE: workspace },
    });
  } catch (err) {
    console.error(`extension-host tests failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    console.log(`extension-host run took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  rmSync(runDir, { recursive: true, force: true });
  return 0;
}

void main().then((code) => process.exit(code));
