/**
 * Running the CLI as a user does, for the CLI tests: `node dist/cli.js …` in a child process, with its exit code,
 * standard output and standard error. One helper for every test file that spawns the CLI.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const root = process.cwd();
/** The built CLI. */
export const cli = resolve(root, 'dist/cli.js');
/** A bundled sample CSV by name. */
export const sample = (name: string): string => resolve(root, 'samples', name);

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js ...args` (at most two minutes). */
export function run(...args: string[]): RunResult {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
