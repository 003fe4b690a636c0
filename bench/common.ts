/**
 * Shared pieces of the benchmark (bench/run.ts, bench/tabular.ts): statistics, the table, the Python reference
 * process and measuring whole commands (wall time and peak resident memory).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PYTHON = '/usr/bin/python3';
/** GNU time: gives a finished child's peak resident memory ("%M", kB). */
export const GNU_TIME = '/usr/bin/time';

export interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function stats(xs: number[]): Stats {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const n = s.length;
  const median = n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { median, min: s[0] ?? NaN, max: s[n - 1] ?? NaN, n };
}

/**
 * Pause before timing our side after a numpy call: OpenBLAS worker threads keep spinning for a while after each
 * BLAS call (about 0.1 s by default) and would compete with our threads for the cores.
 */
export function quiet(ms = 250): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// ───────────────────────────── python ─────────────────────────────

export type Json = Record<string, unknown>;

/** A long-running Python reference process: one JSON command per line in, one JSON answer per line out. */
export class Python {
  private readonly proc: ChildProcessWithoutNullStreams;
  private buffer = '';
  private waiting: Array<(v: Json) => void> = [];

  constructor(script: string, env: NodeJS.ProcessEnv, args: string[] = ['serve']) {
    this.proc = spawn(PYTHON, [script, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        this.waiting.shift()?.(JSON.parse(line) as Json);
      }
    });
    this.proc.stderr.on('data', (c: Buffer) => process.stderr.write(c));
  }

  ask(req: Json): Promise<Json> {
    return new Promise((resolveAnswer, reject) => {
      this.waiting.push((v) => (v.error ? reject(new Error(`python: ${String(v.error)}`)) : resolveAnswer(v)));
      this.proc.stdin.write(JSON.stringify(req) + '\n');
    });
  }

  quit(): void {
    this.proc.stdin.write(JSON.stringify({ cmd: 'quit' }) + '\n');
    this.proc.stdin.end();
  }
}

/** Environment for numpy: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed so OpenBLAS picks its own kernels. */
export function pythonEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/** Null when /usr/bin/python3 has numpy, pandas and scikit-learn, else why not. */
export function pythonAvailable(env: NodeJS.ProcessEnv): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', 'import numpy, pandas, sklearn; print(numpy.__version__, pandas.__version__, sklearn.__version__)'], {
    env,
    encoding: 'utf8',
  });
  if (r.status !== 0) return `${PYTHON} lacks numpy/pandas/scikit-learn (${(r.stderr || '').trim().split('\n').pop()})`;
  return null;
}

/** Runs a command that prints one JSON object as its last line; throws with its stderr when it fails. */
export function runJson(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Json {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Json;
}

// ───────────────────────────── whole commands ─────────────────────────────

export interface Measured {
  /** Wall time from spawn to exit. */
  seconds: number;
  /** Peak resident memory of the command (bytes): GNU time's %M, else the last VmHWM read from /proc. */
  peakBytes: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `cmd args` to its end and measures wall time and peak RSS: under GNU time (`-f %M -o F`, exact) when
 * /usr/bin/time exists, else by polling /proc/<pid>/status VmHWM every 20 ms (may miss a peak in the last 20 ms).
 */
export function measureCommand(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Measured> {
  const useTime = existsSync(GNU_TIME);
  const dir = mkdtempSync(join(tmpdir(), 'lab-bench-'));
  const timeOut = join(dir, 'time.txt');
  const [file, argv] = useTime ? [GNU_TIME, ['-f', '%M', '-o', timeOut, cmd, ...args]] : [cmd, args];
  return new Promise((resolveRun, reject) => {
    const t0 = performance.now();
    const child = spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    let hwm = 0;
    const poll = useTime
      ? null
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) hwm = Math.max(hwm, Number(m[1]) * 1024);
          } catch {
            // the process has ended
          }
        }, 20);
    child.on('error', reject);
    child.on('close', (status) => {
      const seconds = (performance.now() - t0) / 1000;
      if (poll) clearInterval(poll);
      let peakBytes = hwm;
      if (useTime) {
        const lines = readFileSync(timeOut, 'utf8').trim().split('\n');
        peakBytes = Number(lines[lines.length - 1]) * 1024;
      }
      rmSync(dir, { recursive: true, force: true });
      resolveRun({ seconds, peakBytes, status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

// ───────────────────────────── table ─────────────────────────────

export interface Row {
  work: string;
  ours: string;
  anchor: string;
  ratio: string;
  target: string;
  met: string;
}

export function fmtStats(s: Stats, unit: string, digits = 1, scale = 1): string {
  if (!Number.isFinite(s.median)) return '—';
  const f = (x: number): string => (x * scale).toFixed(digits);
  return s.n > 1 ? `${f(s.median)} ${unit} (${f(s.min)}–${f(s.max)})` : `${f(s.median)} ${unit}`;
}

export function ratioCell(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)}×` : '—';
}

export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

export function printTable(rows: Row[]): void {
  const cols: Array<keyof Row> = ['work', 'ours', 'anchor', 'ratio', 'target', 'met'];
  const head: Row = { work: 'work', ours: 'ours', anchor: 'anchor', ratio: 'ratio', target: 'target', met: 'met' };
  const width = cols.map((c) => Math.max(...[head, ...rows].map((r) => r[c].length)));
  const line = (r: Row): string => '| ' + cols.map((c, i) => r[c].padEnd(width[i])).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + width.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
}
