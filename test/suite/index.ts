/**
 * Mocha bootstrap for the extension-host tests: VS Code (via `extensionTestsPath`) calls `run()` inside the real
 * extension host. It loads every compiled `out/test/suite/**\/*.test.js` (BDD: describe/it) and rejects when any
 * test fails, which makes the test process exit non-zero.
 * Environment: LAB_TEST_GREP filters tests by title; LAB_MOCHA_TIMEOUT sets the per-test timeout in ms.
 */
import Mocha from 'mocha';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';

/** Every `*.test.js` below `dir`, sorted for a stable order. */
export function findTestFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTestFiles(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

/** Entry point called by VS Code's test runner. */
export function run(): Promise<void> {
  // VS Code forwards the extension host's console as plain joined strings, without printf-style formatting:
  // format mocha's reporter lines before they leave.
  Mocha.reporters.Base.consoleLog = (...data: unknown[]) => console.log(format(...data));
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env.LAB_MOCHA_TIMEOUT ?? 30_000),
    ...(process.env.LAB_TEST_GREP ? { grep: process.env.LAB_TEST_GREP } : {}),
  });
  // This file is compiled to out/test/suite/index.js: the tests sit next to it.
  const files = findTestFiles(__dirname);
  for (const f of files) mocha.addFile(f);
  return new Promise<void>((resolve, reject) => {
    if (files.length === 0) {
      reject(new Error(`no *.test.js files under ${__dirname}`));
      return;
    }
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed.`));
        else resolve();
      });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
