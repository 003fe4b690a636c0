/**
 * `npm run bench`: the engine side by side with what users would pick instead (pandas, numpy, scikit-learn) on
 * Fashion-MNIST and on mixed tabular data, in one run, printing tables of medians (min–max) and ratios against the
 * targets: the Fashion-MNIST table, then the tabular one (bench/tabular.ts).
 *
 *   node out/bench/run.js [--only fashion|image-prepare|tabular|prepare|fit|cli] [--json F]
 *     image-prepare: Fashion-MNIST's training CSV through loadDataset against pandas + ColumnTransformer (also part of fashion)
 *     Fashion-MNIST: [--train P --test Q] [--reps N] [--lbfgs-reps N] [--no-lbfgs] [--threads T]
 *     tabular:       [--rows N (1000000)] [--tabular-reps N (3)] [--classes 2,10 (2)] [--cli-softmax]
 *   node out/bench/run.js --bounds [--rows N (5000000)]   the scale and resource bounds only
 *
 * Data: the CSVs given, else bench/data/fashion_{train,test}.csv, written from Debian's dataset-fashion-mnist
 * when missing (bench/make-fashion.ts). Python anchors use /usr/bin/python3 with numpy, pandas and scikit-learn
 * (bench/reference.py); without them the bench says so and prints our figures only.
 *
 * Rows of the table:
 * - CSV → float32 matrix: loadDataset (the one reader and preparation, here without z-scores or a test split:
 *   `RAW_MATRIX`) in a fresh node process vs pandas.read_csv + to_numpy(float32) in a fresh python process; MB/s of the file and peak memory (max RSS − RSS before reading) relative to the matrix.
 * - Epochs (X = pixels/255 float32, 60000×784): one gradient pass + SGD update, full batch (binary "footwear" =
 *   classes 5, 7, 9 vs rest; softmax over 10 classes) and 256-row mini-batches over a fresh permutation; ours with
 *   the parallel wasm kernel, numpy with its BLAS threads; interleaved repetition by repetition, each timed epoch
 *   right after an untimed one on the same side, and ours after a pause so OpenBLAS's spinning threads sleep.
 * - Time to 0.84 test accuracy (10 classes): a TrainingSession (mini-batch Adam) in a worker thread, measured from
 *   the first update to the epoch whose test accuracy reaches 0.84, vs scikit-learn LogisticRegression (lbfgs,
 *   max_iter 1000) fit time and its test accuracy. Data loading is excluded on both sides. As the extension
 *   does, the training thread and its kernel threads run at nice 10 (Linux), below the UI thread.
 * - Event-loop lag of this process's main thread (monitorEventLoopDelay) while that worker parses the CSVs and
 *   trains.
 */
import { statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadDataset } from '../src/engine/node/load';
import { createParallelKernel, setThreadNice, stopKernelThreads, type ParallelKernel } from '../src/engine/node/parallel-kernel';
import { createRng, shuffleInPlace } from '../src/engine/random';
import { TrainingSession } from '../src/engine/train/session';
import type { PreparedDataset, TrainConfig } from '../src/engine/types';
import { arg, fmtStats, printTable, Python, PYTHON, pythonAvailable, pythonEnv, quiet, ratioCell, runJson, stats, type Json, type Row } from './common';
import { makeFashionCsvs } from './make-fashion';
import { childLoad, printPart, runBounds, runImagePrepare, runTabular } from './tabular';

const FOOTWEAR = new Set([5, 7, 9]);
const LR = 0.1;
const BATCH = 256;
const TARGET_ACCURACY = 0.84;
/** Nice value of the training threads (session and kernel workers), as the extension runs them. */
const TRAIN_NICE = 10;
/** Mini-batch Adam settings for the time-to-accuracy run. */
const TTA_CONFIG: Partial<TrainConfig> = {
  optimizer: 'adam', learningRate: 0.002, batchSize: 256, epochs: 40, seed: 42, init: 'zeros', logEvery: 0,
};

// ───────────────────────────── child: our CSV parse in a fresh process ─────────────────────────────

/** The file's numbers as they are: every pixel kept (withImagePixels), not z-scored, no test split. */
const RAW_MATRIX = { target: 'label', standardize: false, testSize: 0 } as const;

function childCsv(path: string): void {
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  const { data } = loadDataset(path, RAW_MATRIX);
  const seconds = (performance.now() - t0) / 1000;
  const peak = process.resourceUsage().maxRSS * 1024 - before;
  const d = data.train;
  process.stdout.write(
    JSON.stringify({ seconds, peak_bytes: peak, matrix_bytes: d.X.byteLength + d.y.byteLength, m: d.m, n: data.n, bytes: statSync(path).size }) + '\n',
  );
}

// ───────────────────────────── data ─────────────────────────────

/** A Fashion CSV as a float32 matrix (rows in the split's order) with its labels. */
interface PixelMatrix {
  X: Float32Array;
  y: Int32Array;
  m: number;
  n: number;
  classes: string[];
  featureNames: string[];
  labelName: string;
}

/** Reads a Fashion CSV straight into the kernel's memory and scales pixels to [0, 1]. */
function loadScaled(path: string, kernel: ParallelKernel): PixelMatrix {
  const { data } = loadDataset(path, RAW_MATRIX, { store: kernel.matrices });
  const X = data.train.X;
  for (let q = 0; q < X.length; q++) X[q] = X[q] / 255;
  return { X, y: data.train.y, m: data.train.m, n: data.n, classes: data.classes, featureNames: data.featureNames, labelName: data.target };
}

function toDataset(train: PixelMatrix, test: PixelMatrix): PreparedDataset {
  if (train.classes.join() !== test.classes.join()) throw new Error('train and test have different label sets');
  const ids = (m: number): Int32Array => Int32Array.from({ length: m }, (_, i) => i);
  return {
    target: train.labelName,
    classes: train.classes,
    featureNames: train.featureNames,
    n: train.n,
    train: { X: train.X, y: train.y, m: train.m, sourceRows: ids(train.m) },
    test: { X: test.X, y: test.y, m: test.m, sourceRows: ids(test.m) },
    report: [],
    preprocessing: {
      target: train.labelName,
      features: train.featureNames.map((name) => ({ kind: 'numeric', name, source: name, fill: 0, center: 0, scale: 255 })),
    },
    rows: train.m + test.m,
  };
}

// ───────────────────────────── our epochs ─────────────────────────────

class OurEpochs {
  readonly m: number;
  readonly n: number;
  private readonly yBin: Float32Array;
  private readonly w: Float32Array;
  private b = 0;
  private readonly g: Float32Array;
  private readonly W: Float32Array;
  private readonly B: Float32Array;
  private readonly gW: Float32Array;
  private readonly gB: Float32Array;
  private readonly perm: Int32Array;
  private readonly rng = createRng(42);

  constructor(private readonly kernel: ParallelKernel, private readonly d: PixelMatrix) {
    this.m = d.m;
    this.n = d.n;
    this.yBin = Float32Array.from(d.y, (c) => (FOOTWEAR.has(Number(d.classes[c])) ? 1 : 0));
    this.w = new Float32Array(this.n);
    this.g = new Float32Array(this.n);
    this.W = new Float32Array(10 * this.n);
    this.B = new Float32Array(10);
    this.gW = new Float32Array(10 * this.n);
    this.gB = new Float32Array(10);
    this.perm = Int32Array.from({ length: this.m }, (_, i) => i);
  }

  /** Binary: gradient over rows + SGD update; returns the mean loss. */
  private binaryStep(rows: { start: number; end: number } | Int32Array, count: number): number {
    const r = this.kernel.binaryGrad(this.d.X, this.n, rows, this.yBin, null, this.w, this.b, 'bce', this.g);
    const a = LR / count;
    for (let j = 0; j < this.n; j++) this.w[j] -= a * this.g[j];
    this.b -= a * r.gB;
    return r.loss / count;
  }

  private softmaxStep(rows: { start: number; end: number } | Int32Array, count: number): number {
    const loss = this.kernel.softmaxGrad(this.d.X, this.n, 10, rows, this.d.y, null, this.W, this.B, 'bce', this.gW, this.gB);
    const a = LR / count;
    for (let q = 0; q < this.W.length; q++) this.W[q] -= a * this.gW[q];
    for (let c = 0; c < 10; c++) this.B[c] -= a * this.gB[c];
    return loss / count;
  }

  timed(fn: () => number): { seconds: number; loss: number } {
    const t0 = performance.now();
    const loss = fn();
    return { seconds: (performance.now() - t0) / 1000, loss };
  }

  binaryEpoch(): { seconds: number; loss: number } {
    return this.timed(() => this.binaryStep({ start: 0, end: this.m }, this.m));
  }

  softmaxEpoch(): { seconds: number; loss: number } {
    return this.timed(() => this.softmaxStep({ start: 0, end: this.m }, this.m));
  }

  mbEpoch(softmax: boolean): { seconds: number; loss: number } {
    return this.timed(() => {
      shuffleInPlace(this.perm, this.rng);
      let loss = 0;
      for (let s = 0; s < this.m; s += BATCH) {
        const rows = this.perm.subarray(s, Math.min(this.m, s + BATCH));
        loss = softmax ? this.softmaxStep(rows, rows.length) : this.binaryStep(rows, rows.length);
      }
      return loss;
    });
  }
}

// ───────────────────────────── worker: time to accuracy ─────────────────────────────

interface TtaResult {
  seconds: number;
  epochs: number;
  accuracy: number;
}

function trainWorker(): void {
  const { train, test, reps, threads } = workerData as { train: string; test: string; reps: number; threads: number };
  setThreadNice(TRAIN_NICE);
  const kernel = createParallelKernel({ threads, nice: TRAIN_NICE });
  const data = toDataset(loadScaled(train, kernel), loadScaled(test, kernel));
  parentPort!.postMessage({ type: 'loaded' });
  const results: TtaResult[] = [];
  for (let r = 0; r < reps; r++) {
    const session = new TrainingSession(data, TTA_CONFIG, { kernel, computeOptimum: false });
    const perEpoch = session.batchInfo.batchesPerEpoch;
    const t0 = performance.now();
    let accuracy = 0;
    let epochs = 0;
    while (epochs < (TTA_CONFIG.epochs ?? 40)) {
      session.run(perEpoch);
      epochs++;
      const h = session.recordedHistory();
      accuracy = h[h.length - 1].testAccuracy ?? 0;
      if (accuracy >= TARGET_ACCURACY) break;
    }
    results.push({ seconds: (performance.now() - t0) / 1000, epochs, accuracy });
    parentPort!.postMessage({ type: 'rep', result: results[results.length - 1] });
  }
  stopKernelThreads();
  parentPort!.postMessage({ type: 'done', results, stats: kernel.threadStats() });
}

// ───────────────────────────── main ─────────────────────────────

/**
 * The Fashion-MNIST rows (`--only fashion`): prints their table, returns the raw results. Without the data it exits
 * with code 2 when `required`, else says so and returns null (the tabular rows still run).
 */
async function runFashion(required: boolean): Promise<Record<string, unknown> | null> {
  const reps = Number(arg('--reps') ?? 5);
  const lbfgsReps = process.argv.includes('--no-lbfgs') ? 0 : Number(arg('--lbfgs-reps') ?? 1);
  const threads = Number(arg('--threads') ?? Math.max(1, Math.min(availableParallelism(), 4)));
  const root = process.cwd();
  let train = arg('--train');
  let test = arg('--test');
  if (!train || !test) {
    const made = makeFashionCsvs(join(root, 'bench/data'));
    if (!made) {
      console.error('No Fashion-MNIST data: pass --train and --test CSVs, or install Debian package dataset-fashion-mnist.');
      if (required) process.exit(2);
      console.error('Skipping the Fashion-MNIST rows.');
      return null;
    }
    train = train ?? made.train;
    test = test ?? made.test;
  }
  train = resolve(train);
  test = resolve(test);
  const env = pythonEnv();
  const noPython = pythonAvailable(env);
  const script = join(root, 'bench/reference.py');
  console.log(`bench: ${train} (+ ${test}); ${reps} repetitions; ${threads} threads; node ${process.version}`);
  if (noPython) console.log(`Python anchors unavailable: ${noPython}. Printing our figures only.`);
  const rows: Row[] = [];
  const results: Record<string, unknown> = { reps, threads };

  // 1. CSV → float32 matrix, fresh processes, interleaved.
  {
    const ours: Json[] = [];
    const pandas: Json[] = [];
    for (let r = 0; r < reps; r++) {
      ours.push(runJson(process.execPath, [__filename, '--child-csv', train]));
      if (!noPython) pandas.push(runJson(PYTHON, [script, 'csv', train], env));
      process.stdout.write('.');
    }
    process.stdout.write('\n');
    const mb = Number(ours[0].bytes) / 1e6;
    const oursRate = stats(ours.map((o) => mb / Number(o.seconds)));
    const pdRate = stats(pandas.map((o) => mb / Number(o.seconds)));
    const oursPeak = stats(ours.map((o) => Number(o.peak_bytes) / Number(o.matrix_bytes)));
    const pdPeak = stats(pandas.map((o) => Number(o.peak_bytes) / Number(o.matrix_bytes)));
    const ratio = oursRate.median / pdRate.median;
    rows.push({
      work: `CSV → float32 matrix (${mb.toFixed(0)} MB)`,
      ours: fmtStats(oursRate, 'MB/s', 0),
      anchor: noPython ? '—' : `pandas ${fmtStats(pdRate, 'MB/s', 0)}`,
      ratio: ratioCell(ratio),
      target: '≥ 3× pandas',
      met: noPython ? '?' : ratio >= 3 ? 'yes' : 'NO',
    });
    rows.push({
      work: 'CSV peak memory / matrix size',
      ours: fmtStats(oursPeak, '×', 2),
      anchor: noPython ? '—' : `pandas ${fmtStats(pdPeak, '×', 2)}`,
      ratio: ratioCell(pdPeak.median / oursPeak.median),
      target: '≤ 1.5×',
      met: oursPeak.max <= 1.5 ? 'yes' : 'NO',
    });
    results.csv = { ours, pandas };
  }

  // 2. Epochs, interleaved with numpy.
  const kernel = createParallelKernel({ threads });
  const py = noPython ? null : new Python(script, env);
  const pyLoad = py ? py.ask({ cmd: 'load', train, test }) : Promise.resolve(null);
  const d = loadScaled(train, kernel);
  await pyLoad;
  const ours = new OurEpochs(kernel, d);
  const kinds: Array<{ key: string; work: string; run: () => { seconds: number }; cmd: string; target: string; factor: number }> = [
    { key: 'binary', work: `binary full-batch epoch (${d.m}×${d.n})`, run: () => ours.binaryEpoch(), cmd: 'binary_epoch', target: '≥ 1.5× numpy', factor: 1.5 },
    { key: 'softmax', work: 'softmax full-batch epoch (10 classes)', run: () => ours.softmaxEpoch(), cmd: 'softmax_epoch', target: '> numpy', factor: 1 },
    { key: 'mb_binary', work: `mini-batch ${BATCH} epoch, binary`, run: () => ours.mbEpoch(false), cmd: 'mb_binary_epoch', target: '> numpy', factor: 1 },
    { key: 'mb_softmax', work: `mini-batch ${BATCH} epoch, softmax`, run: () => ours.mbEpoch(true), cmd: 'mb_softmax_epoch', target: '> numpy', factor: 1 },
  ];
  for (const k of kinds) {
    k.run(); // warm-up (JIT, X copy, workers)
    if (py) await py.ask({ cmd: k.cmd });
    const a: number[] = [];
    const b: number[] = [];
    // Each timed epoch (both sides) directly follows an untimed one, so neither starts on cold caches or idle
    // cores; our pair also waits until OpenBLAS's threads stopped spinning.
    for (let r = 0; r < reps; r++) {
      if (py) await quiet();
      k.run();
      a.push(k.run().seconds);
      if (py) b.push(Number((await py.ask({ cmd: k.cmd, warm: 1 })).seconds));
    }
    const sa = stats(a);
    const sb = stats(b);
    const speedup = sb.median / sa.median;
    rows.push({
      work: k.work,
      ours: fmtStats(sa, 'ms', 1, 1000),
      anchor: py ? `numpy ${fmtStats(sb, 'ms', 1, 1000)}` : '—',
      ratio: py ? `${ratioCell(speedup)} faster` : '—',
      target: k.target,
      met: !py ? '?' : k.factor > 1 ? (speedup >= k.factor ? 'yes' : 'NO') : speedup > 1 ? 'yes' : 'NO',
    });
    results[k.key] = { ours: a, numpy: b };
    process.stdout.write('.');
  }
  process.stdout.write('\n');
  const epochStats = kernel.threadStats();
  stopKernelThreads();

  // 3. Time to 0.84 in a worker, with the main thread's event-loop lag measured meanwhile.
  const ttaReps = Math.max(1, Math.min(reps, 3));
  const lag = monitorEventLoopDelay({ resolution: 5 });
  let trainStats: unknown = null;
  lag.enable();
  const tta = await new Promise<TtaResult[]>((resolveTta, reject) => {
    const w = new Worker(__filename, { workerData: { role: 'train', train, test, reps: ttaReps, threads } });
    w.on('message', (msg: { type: string; results?: TtaResult[]; stats?: unknown }) => {
      if (msg.type === 'rep') process.stdout.write('.');
      if (msg.type === 'done') {
        trainStats = msg.stats;
        resolveTta(msg.results ?? []);
      }
    });
    w.on('error', reject);
  });
  lag.disable();
  process.stdout.write('\n');
  const ttaS = stats(tta.map((t) => t.seconds));
  const accS = stats(tta.map((t) => t.accuracy));
  let lbfgs: Json[] = [];
  if (py && lbfgsReps > 0) {
    for (let r = 0; r < lbfgsReps; r++) lbfgs.push(await py.ask({ cmd: 'lbfgs', max_iter: 1000 }));
  }
  py?.quit();
  const lbS = stats(lbfgs.map((o) => Number(o.seconds)));
  const lbAcc = lbfgs.length ? Number(lbfgs[0].accuracy) : NaN;
  const fraction = ttaS.median / lbS.median;
  rows.push({
    work: `time to ${TARGET_ACCURACY} test accuracy, 10 classes`,
    ours: `${fmtStats(ttaS, 's', 2)}, ${tta[0]?.epochs ?? '?'} epochs, acc ${accS.median.toFixed(4)}`,
    anchor: lbfgs.length ? `sklearn lbfgs ${fmtStats(lbS, 's', 1)}, acc ${lbAcc.toFixed(4)}, ${lbfgs[0].n_iter} it` : '—',
    ratio: lbfgs.length ? `1/${(1 / fraction).toFixed(0)} of the time` : '—',
    target: '≤ 1/10 of lbfgs',
    met: lbfgs.length ? (fraction <= 0.1 && accS.min >= TARGET_ACCURACY ? 'yes' : 'NO') : '?',
  });
  const maxLag = lag.max / 1e6;
  rows.push({
    work: 'event-loop lag while parsing + training in workers',
    ours: `max ${maxLag.toFixed(1)} ms, p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms`,
    anchor: '—',
    ratio: '—',
    target: '< 50 ms',
    met: maxLag < 50 ? 'yes' : 'NO',
  });
  results.tta = { ours: tta, lbfgs, lagMaxMs: maxLag, lagP99Ms: lag.percentile(99) / 1e6, kernelThreads: trainStats };
  results.epochKernelThreads = epochStats;

  console.log('\nFashion-MNIST\n');
  printTable(rows);
  const st = epochStats;
  console.log(
    `\nkernel threads (epochs): ${st.parallelCalls} of ${st.calls} calls split; ${st.stolen} of ${st.posted} worker chunks ` +
      'run by the caller because their worker had not started them (busy machine).',
  );
  return results;
}

/** Comma-separated numbers of a flag, e.g. `--classes 2,10`. */
function numbers(v: string | undefined, fallback: number[]): number[] {
  return v === undefined ? fallback : v.split(',').map(Number).filter((x) => Number.isFinite(x));
}

/**
 * Which parts run: everything by default (Fashion-MNIST, then the tabular table); `--only fashion`, `--only
 * tabular` (or `--only prepare|fit|cli`, one tabular part); `--bounds` alone runs the scale and resource bounds.
 */
async function main(): Promise<void> {
  const root = process.cwd();
  const jsonOut = arg('--json');
  const results: Record<string, unknown> = {};
  if (process.argv.includes('--bounds')) {
    const rows = Number(arg('--rows') ?? 5_000_000);
    console.log(`bench --bounds: ${rows} rows; node ${process.version}`);
    const part = await runBounds(root, rows);
    printPart('Scale and resource bounds', part);
    results.bounds = part.results;
  } else {
    const only = arg('--only') ?? 'all';
    const tabularParts = ['prepare', 'fit', 'cli'] as const;
    if (!['all', 'fashion', 'image-prepare', 'tabular', ...tabularParts].includes(only)) {
      console.error(`--only takes fashion, image-prepare, tabular, prepare, fit or cli (got '${only}')`);
      process.exit(2);
    }
    if (only === 'all' || only === 'fashion') Object.assign(results, await runFashion(only === 'fashion'));
    if (only === 'all' || only === 'fashion' || only === 'image-prepare') {
      // The image CSV through the extension's whole path (read, standardise, split) against pandas + sklearn.
      const made = arg('--train') ?? makeFashionCsvs(join(root, 'bench/data'))?.train;
      if (made) {
        const env = pythonEnv();
        const noPython = pythonAvailable(env);
        const part = await runImagePrepare(root, resolve(made), Number(arg('--tabular-reps') ?? 3), noPython ? null : env);
        printPart('Fashion-MNIST training CSV through the extension\'s path (loadDataset)', part);
        results.imagePrepare = part.results;
      } else if (only === 'image-prepare') {
        console.error('No Fashion-MNIST data: pass --train CSV, or install Debian package dataset-fashion-mnist.');
        process.exit(2);
      }
    }
    if (only !== 'fashion' && only !== 'image-prepare') {
      const env = pythonEnv();
      const noPython = pythonAvailable(env);
      if (noPython) console.log(`Python references unavailable: ${noPython}. Printing our figures only.`);
      const rows = Number(arg('--rows') ?? 1_000_000);
      const reps = Number(arg('--tabular-reps') ?? 3);
      const classes = numbers(arg('--classes'), [2]);
      const parts = new Set(tabularParts.filter((p) => only === 'all' || only === 'tabular' || only === p));
      console.log(`\nbench tabular: ${rows} rows, classes ${classes.join(', ')}, ${reps} repetitions, parts ${[...parts].join(', ')}`);
      const part = await runTabular({
        root, rows, reps, classes, parts, pythonEnv: noPython ? null : env, cliSoftmax: process.argv.includes('--cli-softmax'),
      });
      printPart('Mixed tabular data', part);
      results.tabular = part.results;
    }
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 1));
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === 'train') {
  trainWorker();
} else if (process.argv[2] === '--child-csv') {
  childCsv(process.argv[3]);
} else if (process.argv[2] === '--child-tabular-load') {
  childLoad(process.argv[3], process.argv[4]);
} else if (isMainThread) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
