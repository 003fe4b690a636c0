/**
 * The tabular rows of `npm run bench` (`--only tabular`) and the `--bounds` mode, on the synthetic CSVs of
 * bench/make-tabular.ts. Every row puts ours and the reference side by side in one run (interleaved repetitions,
 * medians with min–max) and the ratio against its target. See bench/README.md for what each row measures.
 *
 * (a) CSV → prepared matrix: loadDataset (the engine's default preparation) in a fresh node process against
 *     pandas.read_csv + train_test_split + scikit-learn's ColumnTransformer in a fresh python process
 *     (bench/reference_tabular.py prepare), given the columns the engine kept. Seconds, and peak memory (max RSS −
 *     RSS before reading) relative to the prepared float32 matrix (both splits and the labels).
 * (b) Fit to the optimum with λ = LAMBDA on the engine's own prepared training split (written to bench/data/ and
 *     read by python, so both sides fit the same numbers): TrainingSession 'newton' and 'lbfgs' until done,
 *     against LogisticRegression(C = 1/(λ·m)) with solver 'lbfgs' and (binary) 'newton-cholesky', each at the
 *     loosest tol of SKLEARN_TOLS that reaches J* within REL_GAP. J of every result is computed by python in
 *     float64; J* is the smallest of them; a side that does not reach REL_GAP makes the row invalid.
 * (c) The whole command: `node dist/cli.js train FILE --target y --optimizer newton --json` against the python
 *     script doing the same (read, prepare, split, fit with penalty None, evaluate): wall time and peak RSS
 *     (GNU time).
 * (d) --bounds: the CLI training one epoch on a large all-numeric CSV (wall time, peak RSS, the reader's path),
 *     and refusing a 100,000-class target (time to the refusal, peak RSS).
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseKernel, releaseKernel } from '../src/engine/node/kernel-choice';
import { loadDataset } from '../src/engine/node/load';
import { TrainingSession } from '../src/engine/train/session';
import type { LinearKernel, OptimizerKind, PreparedDataset } from '../src/engine/types';
import { matricesOf } from '../src/engine/types';
import {
  fmtStats, mb, measureCommand, printTable, Python, PYTHON, quiet, ratioCell, runJson, stats, type Json, type Measured, type Row,
} from './common';
import { HIGH_CARDINALITY_COLUMN, makeManyClassCsv, makeNumericCsv, makeTabularCsv, TARGET, type MadeFile } from './make-tabular';

/** L2 strength of the fit rows, the same on both sides: J = mean log loss + (λ/2)‖W‖², sklearn C = 1/(λ·m). */
export const LAMBDA = 1e-4;
/** A fit counts as "at the optimum" when (J − J*)/J* ≤ REL_GAP. */
export const REL_GAP = 1e-6;
/** scikit-learn's tol values tried, loosest first; the first that reaches REL_GAP is timed. */
export const SKLEARN_TOLS = [1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-10];
/** The preparation defaults (PrepareOptions): test fraction and seed of the stratified split. */
const TEST_SIZE = 0.2;
const SEED = 42;
/** Classes of the many-class refusal file, and its rows. */
export const MANY_CLASSES = 100_000;
const MANY_CLASS_ROWS = 1_000_000;

export interface TabularOptions {
  root: string;
  rows: number;
  reps: number;
  /** 2 (binary) and/or 10 (softmax). */
  classes: number[];
  parts: Set<'prepare' | 'fit' | 'cli'>;
  /** Also run the whole command on the 10-class file (slow: Newton on 10 × 92 parameters). */
  cliSoftmax: boolean;
  /** Environment of the python reference, or null when it is unavailable. */
  pythonEnv: NodeJS.ProcessEnv | null;
}

export interface BenchPart {
  rows: Row[];
  notes: string[];
  results: Record<string, unknown>;
}

const pyScript = (root: string): string => join(root, 'bench/reference_tabular.py');
const cli = (root: string): string => join(root, 'dist/cli.js');
const num = (v: unknown): number => Number(v);
const fmtS = (x: number): string => (x < 10 ? x.toFixed(2) : x.toFixed(1));

// ───────────────────────────── child: our read + prepare in a fresh process ─────────────────────────────

/** Kept columns of a prepared dataset by kind, and the dropped ones with the engine's reason. */
function columnsOf(d: PreparedDataset): { numeric: string[]; categorical: string[]; dropped: Array<{ name: string; reason: string }> } {
  return {
    numeric: d.report.filter((c) => c.action === 'kept').map((c) => c.name),
    categorical: d.report.filter((c) => c.action === 'one-hot').map((c) => c.name),
    dropped: d.report.filter((c) => c.action === 'dropped').map((c) => ({ name: c.name, reason: c.reason ?? '' })),
  };
}

/**
 * `--child-tabular-load FILE`: loadDataset with the default preparation, into the memory of the kernel
 * chooseKernel gives (as the extension's worker and the CLI prepare); prints one JSON line.
 */
export function childLoad(file: string, target: string = TARGET): void {
  const kernel = chooseKernel();
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  const r = loadDataset(file, { target }, { store: matricesOf(kernel) });
  const seconds = (performance.now() - t0) / 1000;
  const peakAbs = process.resourceUsage().maxRSS * 1024;
  const d = r.data;
  const matrix = d.train.X.byteLength + d.test.X.byteLength + d.train.y.byteLength + d.test.y.byteLength;
  process.stdout.write(JSON.stringify({
    seconds, read_seconds: r.readSeconds, prepare_seconds: r.prepareSeconds,
    peak_bytes: peakAbs - before, peak_abs_bytes: peakAbs, rss_before: before, matrix_bytes: matrix,
    n: d.n, m_train: d.train.m, m_test: d.test.m, notices: r.notices, ...columnsOf(d),
  }) + '\n');
  releaseKernel(kernel);
}

// ───────────────────────────── (a) CSV → prepared matrix ─────────────────────────────

interface Spec {
  target: string;
  numeric: string[];
  categorical: string[];
  test_size: number;
  seed: number;
}

function specOf(child: Json, target: string = TARGET): Spec {
  return { target, numeric: child.numeric as string[], categorical: child.categorical as string[], test_size: TEST_SIZE, seed: SEED };
}

/**
 * CSV → prepared matrix: loadDataset in a fresh process against pandas + ColumnTransformer on the columns the
 * engine kept, interleaved, `reps` times. `target` names the label column (the mixed tabular file's by default).
 */
async function preparePart(
  opts: Pick<TabularOptions, 'root' | 'reps' | 'pythonEnv'>, file: Pick<MadeFile, 'path' | 'rows' | 'bytes'>, out: BenchPart, target: string = TARGET,
): Promise<Json> {
  const ours: Json[] = [];
  const pandas: Json[] = [];
  const script = pyScript(opts.root);
  for (let r = 0; r < opts.reps; r++) {
    ours.push(runJson(process.execPath, [__filename, '--child-tabular-load', file.path, target]));
    if (opts.pythonEnv) pandas.push(runJson(PYTHON, [script, 'prepare', file.path, JSON.stringify(specOf(ours[0], target))], opts.pythonEnv));
    process.stdout.write('.');
  }
  process.stdout.write('\n');
  const o = ours[0];
  const matrix = num(o.matrix_bytes);
  const os = stats(ours.map((x) => num(x.seconds)));
  const ps = stats(pandas.map((x) => num(x.seconds)));
  const speed = ps.median / os.median;
  const read = stats(ours.map((x) => num(x.read_seconds)));
  const prep = stats(ours.map((x) => num(x.prepare_seconds)));
  const pRead = stats(pandas.map((x) => num(x.read_seconds)));
  const pPrep = stats(pandas.map((x) => num(x.prepare_seconds)));
  const sameN = pandas.every((p) => num(p.n) === num(o.n));
  out.rows.push({
    work: `CSV → prepared matrix, ${file.rows.toLocaleString('en')} rows (${mb(file.bytes)}) → ${o.n} features`,
    ours: `${fmtStats(os, 's', 2)}: read ${read.median.toFixed(2)} + prepare ${prep.median.toFixed(2)}`,
    anchor: pandas.length
      ? `pandas+sklearn ${fmtStats(ps, 's', 2)}: read_csv ${pRead.median.toFixed(2)} + split/ColumnTransformer ${pPrep.median.toFixed(2)}`
      : '—',
    ratio: pandas.length ? `${ratioCell(speed)} faster` : '—',
    target: '≥ 3× faster',
    met: !pandas.length ? '?' : !sameN ? 'INVALID (features differ)' : speed >= 3 ? 'yes' : 'NO',
  });
  const ourPeak = stats(ours.map((x) => num(x.peak_bytes) / matrix));
  const pdPeak = stats(pandas.map((x) => num(x.peak_bytes) / num(x.matrix_bytes)));
  out.rows.push({
    work: `peak memory (max RSS − RSS before) ÷ prepared float32 matrix (${mb(matrix)})`,
    ours: `${fmtStats(ourPeak, '×', 2)} (${mb(stats(ours.map((x) => num(x.peak_bytes))).median)})`,
    anchor: pandas.length ? `pandas+sklearn ${fmtStats(pdPeak, '×', 2)} (${mb(stats(pandas.map((x) => num(x.peak_bytes))).median)})` : '—',
    ratio: pandas.length ? `${ratioCell(pdPeak.median / ourPeak.median)} less` : '—',
    target: '≤ 1.5×',
    met: ourPeak.max <= 1.5 ? 'yes' : `NO (max ${ourPeak.max.toFixed(2)}×)`,
  });
  const dropped = (o.dropped as Array<{ name: string; reason: string }>).map((d) => `${d.name} (${d.reason})`).join(', ');
  out.notes.push(
    `(a) engine: ` +
      `${(o.numeric as string[]).length} numeric columns z-scored, ${(o.categorical as string[]).length} text columns reference-coded; ` +
      `dropped: ${dropped || 'none'}${(o.notices as string[]).length ? `; notices: ${(o.notices as string[]).join(' | ')}` : ''}. ` +
      `pandas was given the same ${(o.numeric as string[]).length + (o.categorical as string[]).length} columns` +
      (pandas.length ? ` and made ${num(pandas[0].n)} features.` : '.'),
  );
  if (target === TARGET && !(o.dropped as Array<{ name: string }>).some((d) => d.name === HIGH_CARDINALITY_COLUMN)) {
    out.notes.push(`(a) note: the engine kept '${HIGH_CARDINALITY_COLUMN}' (expected: dropped as high cardinality).`);
  }
  out.results.prepare = { file, ours, pandas };
  return o;
}

// ───────────────────────────── (b) fit to the optimum ─────────────────────────────

interface FitRun {
  /** Seconds until the fit stopped (ours: the session is done, ‖∇J‖ ≤ 1e-9; sklearn: its tol). */
  seconds: number;
  iterations: number;
  /** Ours: the session finished (‖∇J‖ ≤ 1e-9), rather than stopped once at J*. */
  done?: boolean;
  /** J of the result (python, float64). */
  cost: number;
  /** Ours: seconds and updates until the first iterate within REL_GAP of J* (filled in at the end). */
  toGap?: { seconds: number; iterations: number } | null;
}

/** One of our fits, update by update: elapsed seconds, the session's cost J and the parameters after each. */
interface OurTrace {
  seconds: number[];
  costs: number[];
  params: Array<{ W: number[]; b: number[] }>;
}

/**
 * One of our fits, timed update by update, until the session is done — or, when `stopAt` is given (a J* known
 * from an earlier fit), once the session's cost is within REL_GAP / 4 of it (L-BFGS takes hundreds of updates from
 * there to ‖∇J‖ ≤ 1e-9 that only move J in its tenth digit).
 */
function ourFit(d: PreparedDataset, optimizer: OptimizerKind, kernel: LinearKernel, stopAt: number | null): { run: FitRun; trace: OurTrace } {
  const session = new TrainingSession(d, { optimizer, l2: LAMBDA, epochs: 100_000 }, { kernel, computeOptimum: false });
  const trace: OurTrace = { seconds: [], costs: [], params: [] };
  let busy = 0;
  while (!session.done) {
    // One update at a time: the clock stops while its parameters are copied for the J − J* check.
    const t0 = performance.now();
    const did = session.run(1);
    busy += performance.now() - t0;
    if (did === 0) break;
    trace.seconds.push(busy / 1000);
    const { W, b } = session.weights();
    trace.params.push({ W: Array.from(W), b: Array.from(b) });
    if (stopAt !== null) {
      const h = session.recordedHistory();
      const J = h[h.length - 1].trainCost;
      if ((J - stopAt) / stopAt <= REL_GAP / 4) break;
    }
  }
  const h = session.recordedHistory();
  const byIteration = new Map(h.map((p) => [p.iteration, p.trainCost]));
  trace.costs = trace.seconds.map((_, i) => byIteration.get(i + 1) ?? NaN);
  return { run: { seconds: busy / 1000, iterations: session.iteration, cost: NaN, done: session.done }, trace };
}

export interface FitOutcome {
  /** The tol chosen per sklearn solver (the loosest that reached REL_GAP). */
  tol: Record<string, number>;
  fasterSolver: string | null;
}

async function fitPart(opts: TabularOptions, classes: number, out: BenchPart): Promise<FitOutcome> {
  const dataDir = join(opts.root, 'bench/data');
  const file = makeTabularCsv(dataDir, opts.rows, classes);
  const kernel = chooseKernel();
  const loaded = loadDataset(file.path, { target: TARGET }, { store: matricesOf(kernel) });
  const d = loaded.data;
  const k = classes === 2 ? 1 : classes;
  const label = classes === 2 ? 'binary' : `${classes} classes`;
  const ours: Record<string, FitRun[]> = { newton: [], lbfgs: [] };
  const sk: Record<string, FitRun[]> = {};
  const solvers = classes === 2 ? ['lbfgs', 'newton-cholesky'] : ['lbfgs'];
  const tol: Record<string, number> = {};
  const calibration: Array<{ solver: string; tol: number; run: FitRun }> = [];
  const traces: Array<{ run: FitRun; trace: OurTrace }> = [];
  let py: Python | null = null;
  let jStar = NaN;
  const xPath = join(dataDir, `fit-${process.pid}.X.f32`);
  const yPath = join(dataDir, `fit-${process.pid}.y.i32`);
  try {
    if (opts.pythonEnv) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(xPath, new Uint8Array(d.train.X.buffer, d.train.X.byteOffset, d.train.X.byteLength));
      writeFileSync(yPath, new Uint8Array(d.train.y.buffer, d.train.y.byteOffset, d.train.y.byteLength));
      py = new Python(pyScript(opts.root), opts.pythonEnv);
      await py.ask({ cmd: 'load', x: xPath, y: yPath, m: d.train.m, n: d.n, k, l2: LAMBDA });
    }
    let stopAt: number | null = null;
    const runOurs = async (optimizer: 'newton' | 'lbfgs'): Promise<FitRun> => {
      if (py) await quiet();
      const r = ourFit(d, optimizer, kernel, stopAt);
      const last = r.trace.params[r.trace.params.length - 1];
      r.run.cost = py && last ? num((await py.ask({ cmd: 'cost', W: last.W, b: last.b })).cost) : r.trace.costs[r.trace.costs.length - 1];
      traces.push(r);
      return r.run;
    };
    const runSk = async (solver: string, t: number): Promise<FitRun> => {
      const r = await (py as Python).ask({ cmd: 'fit', solver, tol: t, max_iter: 100_000 });
      return { seconds: num(r.seconds), iterations: num(r.n_iter), cost: num(r.cost) };
    };
    // A first Newton fit gives J* for choosing sklearn's tol (then J* is the best of all results).
    ours.newton.push(await runOurs('newton'));
    let best = ours.newton[0].cost;
    const firstCosts = traces[0].trace.costs;
    stopAt = firstCosts[firstCosts.length - 1];
    if (py) {
      for (const s of solvers) {
        for (const t of SKLEARN_TOLS) {
          const r = await runSk(s, t);
          calibration.push({ solver: s, tol: t, run: r });
          best = Math.min(best, r.cost);
          tol[s] = t;
          if ((r.cost - best) / best <= REL_GAP) break;
        }
        sk[s] = [];
      }
    }
    process.stdout.write('.');
    for (let r = 0; r < opts.reps; r++) {
      if (r > 0) ours.newton.push(await runOurs('newton'));
      ours.lbfgs.push(await runOurs('lbfgs'));
      if (py) for (const s of solvers) sk[s].push(await runSk(s, tol[s]));
      process.stdout.write('.');
    }
    process.stdout.write('\n');
    const all = [...ours.newton, ...ours.lbfgs, ...Object.values(sk).flat(), ...calibration.map((c) => c.run)];
    jStar = Math.min(...all.map((r) => r.cost));
    // Our time to J*: the first update whose session cost is within 2·REL_GAP, confirmed (or moved on) by python's J.
    for (const { run, trace } of traces) {
      run.toGap = null;
      for (let i = 0; i < trace.costs.length; i++) {
        if (!((trace.costs[i] - jStar) / jStar <= 2 * REL_GAP) && i < trace.costs.length - 1) continue;
        const J = py ? num((await py.ask({ cmd: 'cost', W: trace.params[i].W, b: trace.params[i].b })).cost) : trace.costs[i];
        if ((J - jStar) / jStar <= REL_GAP) {
          run.toGap = { seconds: trace.seconds[i], iterations: i + 1 };
          break;
        }
      }
    }
  } finally {
    py?.quit();
    releaseKernel(kernel);
    rmSync(xPath, { force: true });
    rmSync(yPath, { force: true });
  }
  const gap = (runs: FitRun[]): number => Math.max(...runs.map((r) => (r.cost - jStar) / jStar));
  const skStats = Object.fromEntries(Object.entries(sk).map(([s, runs]) => [s, stats(runs.map((r) => r.seconds))]));
  const skValid = Object.fromEntries(Object.entries(sk).map(([s, runs]) => [s, gap(runs) <= REL_GAP]));
  let faster: string | null = null;
  for (const s of Object.keys(sk)) if (faster === null || skStats[s].median < skStats[faster].median) faster = s;
  const shape = `${d.train.m.toLocaleString('en')}×${d.n}${k > 1 ? `, k=${k}` : ''}`;
  const anchorCell = Object.keys(sk)
    .map((s) => `${s} ${fmtStats(skStats[s], 's', 2)} (tol ${tol[s]}, ${sk[s][0]?.iterations ?? '?'} it${skValid[s] ? '' : ', NOT at J*'})`)
    .join('; ');
  for (const o of ['newton', 'lbfgs'] as const) {
    const runs = ours[o];
    const finished = runs.filter((r) => r.done);
    const done = stats(finished.map((r) => r.seconds));
    const reached = runs.every((r) => r.toGap);
    const toJ = stats(runs.map((r) => r.toGap?.seconds ?? NaN));
    const ref = faster ? skStats[faster].median : NaN;
    const speed = ref / toJ.median;
    const valid = reached && faster !== null && skValid[faster];
    out.rows.push({
      work: `fit to J* (rel. ${REL_GAP}), ${label} ${shape}, λ=${LAMBDA}: ours '${o}'`,
      ours: `${reached ? `${fmtStats(toJ, 's', 2)} (${runs[0].toGap?.iterations} it)` : 'J* not reached'}` +
        (finished.length ? `; done (‖∇J‖ ≤ 1e-9) ${fmtStats(done, 's', 2)} (${finished[0].iterations} it)` : '; stopped at J*'),
      anchor: py ? `sklearn ${anchorCell}` : '—',
      ratio: faster ? `${ratioCell(speed)} vs ${faster}${finished.length ? ` (done: ${ratioCell(ref / done.median)})` : ''}` : '—',
      target: '≥ 3× faster than the faster sklearn solver',
      met: !py ? '?' : !valid ? `INVALID (${reached ? 'sklearn' : 'ours'} not within ${REL_GAP} of J*)` : speed >= 3 ? 'yes' : `NO (${ratioCell(speed)})`,
    });
  }
  const gaps = [
    `ours newton ${gap(ours.newton).toExponential(1)}`, `ours lbfgs ${gap(ours.lbfgs).toExponential(1)}`,
    ...Object.keys(sk).map((s) => `sklearn ${s} ${gap(sk[s]).toExponential(1)}`),
  ];
  const lastNewton = traces.find((t) => t.run === ours.newton[0])?.trace.costs;
  out.notes.push(
    `(b) ${label}: J* = ${jStar.toPrecision(10)} (python float64, best of all fits); worst (J − J*)/J* at the end: ${gaps.join(', ')}; ` +
      `the session's own cost of its last Newton iterate ${lastNewton?.[lastNewton.length - 1]?.toPrecision(10)}. sklearn tol tried: ` +
      calibration.map((c) => `${c.solver} ${c.tol} → ${((c.run.cost - jStar) / jStar).toExponential(1)} in ${c.run.seconds.toFixed(2)} s`).join(', ') + '.',
  );
  out.results[`fit_${classes}`] = {
    file, jStar, ours, sklearn: sk, tol, calibration,
    traces: traces.map((t) => ({ seconds: t.trace.seconds, costs: t.trace.costs })),
  };
  return { tol, fasterSolver: faster };
}

// ───────────────────────────── (c) the whole command ─────────────────────────────

function parseLastJson(text: string): Json | null {
  const t = text.trim();
  if (!t) return null;
  try {
    return JSON.parse(t) as Json;
  } catch {
    return null;
  }
}

async function cliPart(opts: TabularOptions, classes: number, spec: Spec, fit: FitOutcome | undefined, out: BenchPart): Promise<void> {
  const file = makeTabularCsv(join(opts.root, 'bench/data'), opts.rows, classes);
  const label = classes === 2 ? 'binary' : `${classes} classes`;
  const solver = fit?.fasterSolver ?? (classes === 2 ? 'newton-cholesky' : 'lbfgs');
  const tol = fit?.tol[solver] ?? 1e-6;
  const ours: Measured[] = [];
  const theirs: Measured[] = [];
  const cmd = [cli(opts.root), 'train', file.path, '--target', TARGET, '--optimizer', 'newton', '--json'];
  for (let r = 0; r < opts.reps; r++) {
    if (opts.pythonEnv) await quiet();
    const o = await measureCommand(process.execPath, cmd);
    if (o.status !== 0) throw new Error(`CLI failed (${o.status}): ${o.stderr}`);
    ours.push(o);
    if (opts.pythonEnv) {
      const p = await measureCommand(PYTHON, [pyScript(opts.root), 'script', file.path, JSON.stringify(spec), solver, String(tol)], opts.pythonEnv);
      if (p.status !== 0) throw new Error(`python script failed (${p.status}): ${p.stderr}`);
      theirs.push(p);
    }
    process.stdout.write('.');
  }
  process.stdout.write('\n');
  const oj = ours.map((o) => parseLastJson(o.stdout) as Json);
  const pj = theirs.map((p) => parseLastJson(p.stdout.split('\n').filter(Boolean).pop() ?? '') as Json);
  const os = stats(ours.map((o) => o.seconds));
  const ps = stats(theirs.map((p) => p.seconds));
  const t = (j: Json): Record<string, number> => j.timings as Record<string, number>;
  const med = (xs: number[]): string => fmtS(stats(xs).median);
  const speed = ps.median / os.median;
  out.rows.push({
    work: `whole command, ${label}: CLI train --optimizer newton --json vs python script (penalty None)`,
    ours: `${fmtStats(os, 's', 1)}: read ${med(oj.map((j) => t(j).readSeconds))} + prepare ${med(oj.map((j) => t(j).prepareSeconds))} + fit ${med(oj.map((j) => t(j).fitSeconds))}`,
    anchor: theirs.length
      ? `python ${fmtStats(ps, 's', 1)}: read ${med(pj.map((j) => num(j.read_seconds)))} + prepare ${med(pj.map((j) => num(j.prepare_seconds)))} + ` +
        `fit ${med(pj.map((j) => num(j.fit_seconds)))} (${solver}, tol ${tol}) + evaluate ${med(pj.map((j) => num(j.evaluate_seconds)))}`
      : '—',
    ratio: theirs.length ? `${ratioCell(speed)} faster` : '—',
    target: '(reported)',
    met: '—',
  });
  const opk = stats(ours.map((o) => o.peakBytes));
  const ppk = stats(theirs.map((p) => p.peakBytes));
  out.rows.push({
    work: `whole command, ${label}: peak RSS`,
    ours: `${mb(opk.median)}`,
    anchor: theirs.length ? `python ${mb(ppk.median)}` : '—',
    ratio: theirs.length ? `${ratioCell(ppk.median / opk.median)} less` : '—',
    target: '(reported)',
    met: '—',
  });
  const j0 = oj[0];
  const tr = j0.train as Json;
  const te = j0.test as Json;
  const conv = j0.convergence as Json;
  const p0 = pj[0];
  out.notes.push(
    `(c) ${label}: CLI verdict ${String(conv.verdict)} after ${String(j0.iterations)} Newton updates, train loss ${num(tr.loss).toFixed(6)}, ` +
      `test accuracy ${num(te.accuracy).toFixed(4)}, test loss ${num(te.loss).toFixed(6)} (kernel ${String(t(j0).kernel)})` +
      (p0 ? `; python: ${num(p0.n_iter)} iterations, train loss ${num(p0.train_loss).toFixed(6)}, test accuracy ${num(p0.test_accuracy).toFixed(4)}, ` +
        `test loss ${num(p0.test_loss).toFixed(6)} (its own split: train_test_split stratified, random_state ${SEED}).` : '.'),
  );
  out.results[`cli_${classes}`] = {
    ours: ours.map((o, i) => ({ seconds: o.seconds, peakBytes: o.peakBytes, timings: oj[i].timings })),
    python: theirs.map((p, i) => ({ seconds: p.seconds, peakBytes: p.peakBytes, ...pj[i] })),
  };
}

// ───────────────────────────── the tabular part ─────────────────────────────

export async function runTabular(opts: TabularOptions): Promise<BenchPart> {
  const out: BenchPart = { rows: [], notes: [], results: { rows: opts.rows, reps: opts.reps, lambda: LAMBDA } };
  const dataDir = join(opts.root, 'bench/data');
  const files: MadeFile[] = [];
  for (const c of opts.classes) files.push(makeTabularCsv(dataDir, opts.rows, c));
  for (const f of files) {
    console.log(`tabular: ${f.path} (${mb(f.bytes)}${f.created ? `, written in ${f.seconds.toFixed(1)} s` : ''})`);
  }
  let spec: Spec | null = null;
  if (opts.parts.has('prepare')) {
    const o = await preparePart(opts, makeTabularCsv(dataDir, opts.rows, opts.classes.includes(2) ? 2 : opts.classes[0]), out);
    spec = specOf(o);
  }
  const fits: Record<number, FitOutcome> = {};
  if (opts.parts.has('fit')) for (const c of opts.classes) fits[c] = await fitPart(opts, c, out);
  if (opts.parts.has('cli')) {
    spec ??= specOf(runJson(process.execPath, [__filename, '--child-tabular-load', files[0].path]));
    for (const c of opts.classes) if (c === 2 || opts.cliSoftmax) await cliPart(opts, c, spec, fits[c], out);
  }
  return out;
}

/**
 * An image CSV (Fashion-MNIST's training file, 784 pixel columns and `label`) through the extension's whole path,
 * loadDataset (matrix read, standardisation, split), against pandas read_csv + the same ColumnTransformer: the
 * figure a user of the extension sees, next to the raw reader's MB/s of the Fashion-MNIST table.
 */
export async function runImagePrepare(root: string, path: string, reps: number, pythonEnv: NodeJS.ProcessEnv | null): Promise<BenchPart> {
  const out: BenchPart = { rows: [], notes: [], results: { reps } };
  const bytes = statSync(path).size;
  const probe = runJson(process.execPath, [__filename, '--child-tabular-load', path, 'label']);
  await preparePart({ root, reps, pythonEnv }, { path, bytes, rows: num(probe.m_train) + num(probe.m_test) }, out, 'label');
  return out;
}

export function printPart(title: string, part: BenchPart): void {
  console.log(`\n${title}\n`);
  printTable(part.rows);
  if (part.notes.length) console.log('');
  for (const n of part.notes) console.log(n);
}

// ───────────────────────────── (d) scale and resource bounds ─────────────────────────────

export async function runBounds(root: string, rows: number): Promise<BenchPart> {
  const out: BenchPart = { rows: [], notes: [], results: {} };
  const dataDir = join(root, 'bench/data');
  const big = makeNumericCsv(dataDir, rows);
  console.log(`bounds: ${big.path} (${mb(big.bytes)}${big.created ? `, written in ${big.seconds.toFixed(1)} s` : ''})`);
  const e = await measureCommand(process.execPath, [cli(root), 'train', big.path, '--target', TARGET, '--epochs', '1', '--json']);
  const j = e.status === 0 ? parseLastJson(e.stdout) : null;
  const timings = (j?.timings ?? {}) as Record<string, unknown>;
  const n = j ? (j.features as string[]).length : 20;
  const matrix = rows * n * 4 + rows * 4;
  out.rows.push({
    work: `CLI train --epochs 1, ${rows.toLocaleString('en')}×${n} numeric CSV (${mb(big.bytes)})`,
    ours: j
      ? `${fmtS(e.seconds)} s wall: read ${fmtS(num(timings.readSeconds))} + prepare ${fmtS(num(timings.prepareSeconds))} + fit ${fmtS(num(timings.fitSeconds))}`
      : `failed (exit ${e.status}): ${e.stderr.trim().split('\n').pop() ?? ''}`,
    anchor: '—',
    ratio: '—',
    target: 'finishes',
    met: j ? 'yes' : 'NO',
  });
  out.rows.push({
    work: 'peak RSS of that command ÷ prepared float32 matrix',
    ours: `${mb(e.peakBytes)} = ${(e.peakBytes / matrix).toFixed(2)}× (${mb(matrix)})`,
    anchor: '—',
    ratio: '—',
    target: '(reported)',
    met: '—',
  });
  const many = makeManyClassCsv(dataDir, MANY_CLASS_ROWS, MANY_CLASSES);
  const refusals: Measured[] = [];
  for (let r = 0; r < 3; r++) refusals.push(await measureCommand(process.execPath, [cli(root), 'train', many.path, '--target', TARGET, '--json']));
  const first = refusals[0];
  const message = first.stderr.trim().split('\n')[0] ?? '';
  const refused = refusals.every((r) => r.status === 2 && r.stderr.includes(`${MANY_CLASSES} distinct values`));
  const s = stats(refusals.map((r) => r.seconds));
  out.rows.push({
    work: `refuse a ${MANY_CLASSES.toLocaleString('en')}-class target (${MANY_CLASS_ROWS.toLocaleString('en')} rows, ${mb(many.bytes)})`,
    ours: `${fmtStats(s, 's', 2)} to exit ${first.status}, peak RSS ${mb(stats(refusals.map((r) => r.peakBytes)).median)}`,
    anchor: '—',
    ratio: '—',
    target: 'refused quickly, class-cap error',
    met: refused ? 'yes' : 'NO',
  });
  out.notes.push(`(d) the refusal: ${message}`);
  if (j) out.notes.push(`(d) one epoch: kernel ${String(timings.kernel)}, verdict ${String((j.convergence as Json).verdict)}.`);
  out.results = {
    big: { file: big, seconds: e.seconds, peakBytes: e.peakBytes, status: e.status, timings, stderr: e.stderr },
    many: { file: many, runs: refusals.map((r) => ({ seconds: r.seconds, peakBytes: r.peakBytes, status: r.status })), message },
  };
  return out;
}
