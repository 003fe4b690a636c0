/**
 * The training worker (a worker_threads thread; bundled to dist/worker.js): owns the one TrainingSession
 * and answers the host's WorkerRequests (see protocol.ts) with WorkerMessages.
 *
 * Long work never blocks the thread's message loop: `run` and `compare` train in slices of at most
 * SLICE_MS and yield (setImmediate) between slices, so a `pause` (or any other request) is read while
 * training. Requests that change the session (step, reset, load, …) arriving during a run stop the run
 * first and then execute, in order; read-only requests (state, evaluate, export, describe, predict) are
 * answered between slices. A run streams `progress` at most every PROGRESS_MS.
 *
 * Besides the session, the worker computes the view data of a state: metrics at the current threshold,
 * the decision boundary over two chosen features, and the pixel side of image datasets (columns p0…pN, N = s²).
 *
 * Persistence across window reloads: `snapshot` answers a size-bounded SavedSession (file, its size and
 * mtime when read, preparation options, threshold, session snapshot); `restore` re-reads and re-prepares
 * that file the same way — only if its size and mtime are unchanged — and continues the session exactly.
 * Files are described and prepared by DatasetFiles (dataset-files.ts: loadDataset into the kernel's memory, the CLI's
 * way too, with describe's table kept for the load). Kernels: chooseKernel (kernel-choice.ts). Node-side module
 * (worker_threads, fs through readCsvFile and dataset-files).
 */
import { basename } from 'node:path';
import { parentPort } from 'node:worker_threads';
import type {
  ComparisonRun,
  DatasetInfo,
  ProgressInfo,
  SavedSession,
  SessionState,
  WorkerError,
  WorkerMessage,
  WorkerRequest,
  ResultNamed,
  ResultOf,
  WorkerResult,
} from '../../protocol';
import { checkedSpeed, MAX_UPDATES_PER_SECOND } from '../../protocol';
import { readCsvFile } from './csv-file';
import { chooseKernel } from './kernel-choice';
import { DatasetFiles, fileStat, type FileStat } from './dataset-files';
import { readModelFile } from './model-file';
import { describeColumns, splitRowLine } from '../prepare/dataset';
import { setThreadNice } from './parallel-kernel';
import { parseModel, predictTable, predictionsToCsv, serializeModel } from '../model/model-io';
import { TrainingSession } from '../train/session';
import { fitSavedSession } from '../train/saved-session';
import { boundary, datasetInfo, defaultBoundaryPair, informationView, landscapeView } from '../train/view-state';
import { optimumAffordable } from '../solve/solver';
import { isFirstOrder } from '../train/optimizers';
import { RateSweep, type RateSweepResult } from '../train/rate-sweep';
import { SideBySide } from '../train/side-by-side';
import { LabError, matricesOf } from '../types';
import type {
  HistoryPoint,
  LinearKernel,
  PreparedDataset,
  PrepareOptions,
  StepRecord,
  TrainConfig,
} from '../types';

/** Longest stretch of training between two looks at the message queue. */
export const SLICE_MS = 40;
/** Target duration of one `session.run(chunk)` call inside a slice. */
const CHUNK_MS = 8;
/** Minimum time between two live verdicts in progress messages (each costs a pass over the training rows). */
export const VERDICT_MS = 1000;
/** Minimum time between two progress messages. */
export const PROGRESS_MS = 100;
/** Interval of the live views (weights, decision boundary) in progress messages. */
export const LIVE_VIEW_MS = 400;
export { pixelColumns, pixelSide } from '../prepare/pixels';
/** Identifier-like columns copied into prediction CSVs (e.g. PassengerId), at most this many (the first ones). */
const PREDICTION_ID_COLUMNS = 1;

/** The loaded dataset and its session. */
interface Loaded {
  file: string;
  /** The file's size and mtime when it was read (null if it could not be stat'ed). */
  stat: FileStat | null;
  /** The preparation options as requested (before image pixels were added to `include`). */
  prepare: PrepareOptions;
  data: PreparedDataset;
  session: TrainingSession;
  info: DatasetInfo;
  /** Decision threshold for metrics (the slider can move it without retraining). */
  threshold: number;
  computeOptimum: boolean;
  lastStep: StepRecord | null;
  comparison: ComparisonRun[] | null;
  /** The last learning-rate sweep. */
  sweep: RateSweepResult | null;
  /** The two features the decision boundary shows (chosen in the dashboard). */
  boundaryPair: [number, number];
}

/** A long loop in progress (run, compare or sweep). */
interface Loop {
  kind: 'run' | 'compare' | 'sweep';
  stop: boolean;
  /** Called once the loop has ended and its request was answered. */
  onEnd: Array<() => void>;
}

type Post = (msg: WorkerMessage) => void;

export class LabWorker {
  private current: Loaded | null = null;
  private loop: Loop | null = null;
  /** The pace of runs in updates a second; 0 = as fast as possible. */
  private speed = 0;
  /** Requests waiting for the current loop to end, in arrival order. */
  private deferred: WorkerRequest[] = [];
  private readonly kernel: LinearKernel;
  /** Describes and prepares files into the kernel's memory (used in place, never copied). */
  private readonly files: DatasetFiles;

  constructor(
    private readonly post: Post,
    options: { kernel?: LinearKernel } = {},
  ) {
    this.kernel = options.kernel ?? chooseKernel({ nice: TRAINING_NICE });
    this.files = new DatasetFiles(matricesOf(this.kernel));
  }

  /**
   * Makes `next` the current session. The previous session's matrices go back to the kernel's memory at once
   * (they live there, outside the garbage collector's sight of memory pressure) unless `next` shares them.
   */
  private replaceCurrent(next: Loaded | null): void {
    const old = this.current;
    this.current = next;
    if (old && old.data !== next?.data) this.files.release(old.data);
  }

  /** Handles one request (replies are posted, possibly later). */
  handle(req: WorkerRequest): void {
    if (this.loop) {
      switch (req.type) {
        case 'pause':
          this.loop.stop = true;
          this.loop.onEnd.push(() => this.answer(req, () => this.stateResult()));
          return;
        case 'state':
        case 'speed':
        case 'landscape':
        case 'boundary':
        case 'row':
        case 'evaluate':
        case 'export':
        case 'describe':
        case 'predict':
        case 'snapshot':
          this.execute(req);
          return;
        case 'run':
          if (this.loop.kind === 'run') {
            // Join the run in progress: answer when it ends.
            this.loop.onEnd.push(() => this.answer(req, () => this.stateResult()));
            return;
          }
          this.deferred.push(req);
          return;
        default:
          // Anything that changes the session waits for the loop; a run is stopped for it first (a
          // comparison trains its own sessions and finishes unless paused).
          if (this.loop.kind === 'run') this.loop.stop = true;
          this.deferred.push(req);
          return;
      }
    }
    this.execute(req);
  }

  private execute(req: WorkerRequest): void {
    switch (req.type) {
      case 'describe':
        return this.answer(req, () => this.describe(req.file));
      case 'load':
        return this.answer(req, () => this.load(req.file, req.prepare, req.config));
      case 'step':
        return this.answer(req, () => {
          const s = this.need();
          const record = s.session.step();
          s.lastStep = record;
          return { type: 'step', state: this.buildState(), record };
        });
      case 'extend':
        return this.answer(req, () => {
          this.need().session.extend(req.epochs);
          return this.stateResult();
        });
      case 'stepBack':
        return this.answer(req, () => {
          const s = this.need();
          const record = s.session.stepBack();
          s.lastStep = record;
          return { type: 'travel', state: this.buildState(), record };
        });
      case 'goto':
        return this.answer(req, () => {
          const s = this.need();
          const target = req.iteration;
          if (!Number.isInteger(target) || target < 0 || target > s.session.config.epochs * s.session.batchInfo.batchesPerEpoch) {
            throw new LabError('bad-config', `iteration must be a whole number from 0 to the run's last update (got ${target})`);
          }
          // The record of the update that leads to the target: go to one before it and make that update.
          let record: StepRecord | null = null;
          if (target > 0) {
            s.session.goTo(target - 1);
            record = s.session.iteration === target - 1 ? s.session.step() : null;
          } else {
            s.session.goTo(0);
          }
          s.lastStep = record;
          return { type: 'travel', state: this.buildState(), record };
        });
      case 'stepEpoch':
        return this.answer(req, () => {
          const s = this.need();
          s.lastStep = s.session.stepEpoch();
          return this.stateResult();
        });
      case 'run':
        return this.startRun(req);
      case 'pause':
        return this.answer(req, () => this.stateResult());
      case 'row':
        return this.answer(req, () => {
          const s = this.need();
          const split = req.split === 'test' ? s.data.test : s.data.train;
          if (!Number.isInteger(req.index) || req.index < 0 || req.index >= split.m) {
            throw new LabError('bad-config', `the ${req.split === 'test' ? 'test' : 'training'} split has rows 1 to ${split.m} (got ${req.index + 1})`);
          }
          const n = s.data.n;
          return {
            type: 'row',
            row: {
              split: req.split, index: req.index, m: split.m,
              x: Array.from(split.X.subarray(req.index * n, (req.index + 1) * n)),
              label: s.data.classes[split.y[req.index]],
              line: splitRowLine(s.data, split, req.index),
            },
          };
        });
      case 'landscape':
        return this.answer(req, () => {
          const s = this.need();
          return { type: 'landscape', landscape: landscapeView(s.session, s.data, req.p, req.q) };
        });
      case 'boundary':
        return this.answer(req, () => {
          const s = this.need();
          const w = s.session.weights();
          const b = boundary(s.data, w.W, w.b, w.k, s.threshold, [req.x, req.y]);
          s.boundaryPair = [req.x, req.y];
          return { type: 'boundary', boundary: b };
        });
      case 'speed':
        return this.answer(req, () => {
          const v = checkedSpeed(req.updatesPerSecond);
          if (v === null) {
            throw new LabError('bad-config', `updates per second must be a number from 0 to ${MAX_UPDATES_PER_SECOND} (0 = as fast as possible)`);
          }
          this.speed = v;
          return { type: 'speed', updatesPerSecond: v };
        });
      case 'reset':
        return this.answer(req, () => {
          const s = this.need();
          s.session.reset();
          s.lastStep = null;
          return this.stateResult();
        });
      case 'configure':
        return this.answer(req, () => {
          const s = this.need();
          const config: Partial<TrainConfig> = { ...s.session.config, ...req.config };
          let start: number[] | undefined;
          if (req.keepWeights) {
            const w = s.session.weights();
            start = [...w.W, ...w.b];
          }
          const session = new TrainingSession(s.data, config, { kernel: this.kernel, computeOptimum: s.computeOptimum, start });
          s.session = session;
          s.threshold = session.config.threshold;
          s.lastStep = null;
          return this.stateResult();
        });
      case 'evaluate':
        return this.answer(req, () => {
          const s = this.need();
          if (!(req.threshold >= 0 && req.threshold <= 1)) {
            throw new LabError('bad-config', `decision threshold must be in [0, 1] (got ${req.threshold})`);
          }
          s.threshold = req.threshold;
          const train = s.session.evaluate('train', s.threshold);
          const test = s.data.test.m > 0 ? s.session.evaluate('test', s.threshold) : null;
          return { type: 'metrics', metrics: test ?? train, train, test };
        });
      case 'compare':
        return this.startCompare(req);
      case 'sweep':
        return this.startSweep(req);
      case 'export':
        return this.answer(req, () => {
          const s = this.need();
          const model = { ...s.session.exportModel(), threshold: s.threshold };
          return { type: 'model', json: serializeModel(model) };
        });
      case 'predict':
        return this.answer(req, () => this.predict(req.modelFile, req.file));
      case 'state':
        return this.answer(req, () => this.stateResult());
      case 'snapshot':
        return this.answer(req, () => this.snapshot(req.maxChars));
      case 'restore':
        return this.answer(req, () => this.restore(req.saved));
      case 'close':
        return this.answer(req, () => {
          this.replaceCurrent(null);
          this.files.clear();
          return { type: 'closed' };
        });
      default: {
        const unknown: never = req;
        const id = (unknown as { id?: unknown }).id;
        this.post({
          type: 'error',
          id: typeof id === 'number' ? id : -1,
          error: { code: 'bad-request', message: `Unknown request ${JSON.stringify(unknown).slice(0, 100)}` },
        });
      }
    }
  }

  // ───────────────────────────── Requests ─────────────────────────────

  private describe(file: string): ResultNamed<'columns'> {
    return { type: 'columns', ...this.files.describe(file) };
  }

  private load(file: string, prepare: PrepareOptions, config: Partial<TrainConfig>): ResultNamed<'state'> {
    const stat = fileStat(file);
    const { data, computeOptimum, notices } = this.prepare(file, prepare);
    const session = new TrainingSession(data, config, { kernel: this.kernel, computeOptimum });
    this.replaceCurrent({
      file,
      stat,
      prepare: { ...prepare },
      data,
      session,
      info: datasetInfo(file, data, notices),
      threshold: session.config.threshold,
      computeOptimum,
      lastStep: null,
      comparison: null,
      sweep: null,
      boundaryPair: defaultBoundaryPair(data),
    });
    return this.stateResult();
  }

  /**
   * Reads and prepares a CSV for `load` and `restore` (DatasetFiles.prepare: the same options give the same
   * dataset), and whether its exact optimum is affordable.
   */
  private prepare(file: string, prepare: PrepareOptions): { data: PreparedDataset; computeOptimum: boolean; notices: string[] } {
    const { data, notices } = this.files.prepare(file, prepare);
    const k = data.classes.length === 2 ? 1 : data.classes.length;
    return { data, computeOptimum: optimumAffordable(data.train.m, data.n, k), notices };
  }

  /** The current session as a SavedSession bounded to maxChars of JSON (see fitSavedSession). */
  private snapshot(maxChars: number): ResultNamed<'snapshot'> {
    const s = this.need();
    if (!s.stat) {
      throw new StaleSessionError(`${basename(s.file)} could not be read for its size and date when it was loaded`);
    }
    const saved: SavedSession = {
      format: 'logistic-regression-lab/saved-session',
      version: 1,
      file: s.file,
      fileSize: s.stat.size,
      fileMtimeMs: s.stat.mtimeMs,
      prepare: { ...s.prepare },
      threshold: s.threshold,
      session: s.session.snapshot(),
      lastStep: s.lastStep,
      comparison: s.comparison,
      trimmed: [],
    };
    const fitted = fitSavedSession(saved, maxChars);
    return { type: 'snapshot', saved: fitted.saved, chars: fitted.chars };
  }

  /**
   * Continues a saved session: its file must have the saved size and mtime; it is re-read and re-prepared
   * with the saved options and the session restored from its snapshot (LabError 'schema-mismatch' if the
   * dataset does not fit it). On failure the current session (if any) stays.
   */
  private restore(saved: SavedSession): ResultNamed<'state'> {
    const stat = fileStat(saved.file);
    const name = basename(saved.file);
    if (!stat) throw new StaleSessionError(`${name} no longer exists`);
    if (stat.size !== saved.fileSize || stat.mtimeMs !== saved.fileMtimeMs) {
      throw new StaleSessionError(`${name} changed since the session was saved`);
    }
    const { data, computeOptimum, notices } = this.prepare(saved.file, saved.prepare);
    const session = TrainingSession.restore(data, saved.session, { kernel: this.kernel, computeOptimum });
    const threshold = saved.threshold >= 0 && saved.threshold <= 1 ? saved.threshold : session.config.threshold;
    this.replaceCurrent({
      file: saved.file,
      stat,
      prepare: { ...saved.prepare },
      data,
      session,
      info: datasetInfo(saved.file, data, notices),
      threshold,
      computeOptimum,
      lastStep: saved.lastStep,
      comparison: saved.comparison,
      sweep: null,
      boundaryPair: defaultBoundaryPair(data),
    });
    return this.stateResult();
  }

  private predict(modelFile: string, file: string): ResultNamed<'predictions'> {
    const model = parseModel(readModelFile(modelFile), modelFile);
    const table = readCsvFile(file);
    const result = predictTable(model, table, file);
    const ids = describeColumns(table)
      .filter((c) => c.identifier?.startsWith('identifier') && c.name !== model.target)
      .slice(0, PREDICTION_ID_COLUMNS)
      .map((c) => c.name);
    return { type: 'predictions', csv: predictionsToCsv(table, model, result, { columns: ids }), rows: table.rowCount };
  }

  // ───────────────────────────── Long loops ─────────────────────────────

  private startRun(req: { id: number; type: 'run' }): void {
    const id = req.id;
    let s: Loaded;
    try {
      s = this.need();
    } catch (err) {
      this.fail(id, err);
      return;
    }
    const session = s.session;
    const loop: Loop = { kind: 'run', stop: false, onEnd: [] };
    this.loop = loop;
    const base = recordedHistory(session);
    let sentCount = base.length;
    let lastSent = base.length > 0 ? base[base.length - 1].iteration : -1;
    let lastPost = Date.now();
    let lastVerdict = 0;
    let lastView = Date.now();
    let chunk = 1;

    const progress = (): void => {
      const recorded = recordedHistory(session);
      const info: ProgressInfo = {
        iteration: session.iteration,
        epoch: session.epoch,
        running: !session.done && !loop.stop,
        done: session.done,
        newHistory: [],
      };
      // The live views (weight images, the decision boundary) a few times a second.
      if (Date.now() - lastView >= LIVE_VIEW_MS) {
        const w = session.weights();
        info.weights = { k: w.k, n: s.data.n, W: Array.from(w.W), b: Array.from(w.b) };
        info.boundary = boundary(s.data, w.W, w.b, w.k, s.threshold, s.boundaryPair);
        lastView = Date.now();
      }
      // The live verdict costs a gradient pass: about once a second.
      if (Date.now() - lastVerdict >= VERDICT_MS) {
        info.convergence = session.convergence();
        lastVerdict = Date.now();
      }
      const prefixKept = sentCount <= recorded.length && (sentCount === 0 || recorded[sentCount - 1].iteration === lastSent);
      if (prefixKept) info.newHistory = recorded.slice(sentCount);
      else info.history = recorded;
      sentCount = recorded.length;
      lastSent = recorded.length > 0 ? recorded[recorded.length - 1].iteration : -1;
      lastPost = Date.now();
      this.post({ type: 'progress', progress: info });
    };

    // The pace (this.speed updates a second, 0 = as fast as possible): update u counted from paceStart is due
    // at paceStart + u·1000/speed. A change of speed, also mid-run, starts a new count.
    let paceSpeed = -1;
    let paceStart = 0;
    let paceDone = 0;
    const slice = (): void => {
      if (this.current !== s || s.session !== session) loop.stop = true;
      let wait = 0;
      let did = 0;
      try {
        const t0 = performance.now();
        while (!loop.stop && !session.done && performance.now() - t0 < SLICE_MS) {
          let limit = chunk;
          const speed = this.speed;
          if (speed > 0) {
            if (paceSpeed !== speed) {
              paceSpeed = speed;
              paceStart = performance.now();
              paceDone = 0;
            }
            const due = Math.floor(((performance.now() - paceStart) * speed) / 1000) + 1 - paceDone;
            if (due <= 0) {
              wait = (paceDone * 1000) / speed - (performance.now() - paceStart);
              break;
            }
            limit = Math.min(chunk, due);
          } else {
            paceSpeed = -1;
          }
          const c0 = performance.now();
          const made = session.run(limit);
          const dt = performance.now() - c0;
          paceDone += made;
          did += made;
          if (made > 0 && limit === chunk) chunk = adaptChunk(chunk, made, dt);
        }
      } catch (err) {
        this.endLoop(loop, () => this.fail(id, err));
        return;
      }
      if (loop.stop || session.done) {
        this.endLoop(loop, () => this.answer(req, () => this.stateResult()));
        return;
      }
      // Paced runs report every update they make (at most every PROGRESS_MS); fast runs every PROGRESS_MS.
      const every = this.speed > 0 ? Math.min(PROGRESS_MS, 1000 / this.speed) : PROGRESS_MS;
      if (did > 0 && Date.now() - lastPost >= every - 1) progress();
      if (wait > 0) setTimeout(slice, Math.min(wait, SLICE_MS));
      else setImmediate(slice);
    };
    setImmediate(slice);
  }

  /** Trains fresh BCE and MSE sessions side by side (same data, settings and start) to the configured epochs. */
  private startCompare(req: { id: number; type: 'compare' }): void {
    this.startSideBySide(req, (s) => {
      const losses = ['bce', 'mse'] as const;
      // The comparison is of two losses under gradient descent: an exact fit (cross-entropy only) compares with 'gd'.
      const optimizer = isFirstOrder(s.session.config.optimizer) ? s.session.config.optimizer : 'gd';
      const group = new SideBySide(losses.map((loss) =>
        new TrainingSession(s.data, { ...s.session.config, loss, optimizer }, { kernel: this.kernel, computeOptimum: false })));
      return {
        group,
        finish: () => {
          const runs: ComparisonRun[] = group.sessions.map((r, i) => ({
            loss: losses[i],
            history: r.history(),
            trainAccuracy: r.evaluate('train', s.threshold).accuracy,
            testAccuracy: s.data.test.m > 0 ? r.evaluate('test', s.threshold).accuracy : null,
          }));
          if (this.current === s) s.comparison = runs;
          return { type: 'comparison', runs };
        },
      };
    });
  }

  /** Trains one short run per α of the sweep's grid (same data, settings and start) side by side. */
  private startSweep(req: { id: number; type: 'sweep' }): void {
    this.startSideBySide(req, (s) => {
      const sweep = new RateSweep(s.session, s.data, this.kernel);
      return {
        group: sweep.runs,
        finish: () => {
          const result = sweep.result();
          if (this.current === s) s.sweep = result;
          return { type: 'sweep', sweep: result };
        },
      };
    });
  }

  /**
   * The loop of `compare` and `sweep`: the sessions `make` builds train side by side in slices of at most SLICE_MS
   * (chunks adapted to the time an update takes) until all end or the loop is stopped; then `finish` answers.
   */
  private startSideBySide<T extends 'compare' | 'sweep'>(
    req: { id: number; type: T },
    make: (s: Loaded) => { group: SideBySide; finish: () => ResultOf<T> },
  ): void {
    const id = req.id;
    let work: { group: SideBySide; finish: () => ResultOf<T> };
    try {
      work = make(this.need());
    } catch (err) {
      this.fail(id, err);
      return;
    }
    const { group, finish } = work;
    const loop: Loop = { kind: req.type, stop: false, onEnd: [] };
    this.loop = loop;
    let chunk = 1;
    const slice = (): void => {
      try {
        const t0 = performance.now();
        while (!loop.stop && !group.done && performance.now() - t0 < SLICE_MS) {
          const c0 = performance.now();
          const did = group.advance(chunk);
          if (did > 0) chunk = adaptChunk(chunk, did, (performance.now() - c0) * group.sessions.length);
        }
      } catch (err) {
        this.endLoop(loop, () => this.fail(id, err));
        return;
      }
      if (loop.stop || group.done) {
        this.endLoop(loop, () => this.answer(req, finish));
        return;
      }
      setImmediate(slice);
    };
    setImmediate(slice);
  }

  /** Ends a loop: answers its request, then waiters, then the requests that waited for it. */
  private endLoop(loop: Loop, answer: () => void): void {
    this.loop = null;
    answer();
    for (const f of loop.onEnd) f();
    while (this.deferred.length > 0 && !this.loop) {
      const next = this.deferred.shift();
      if (next) this.execute(next);
    }
  }

  // ───────────────────────────── State ─────────────────────────────

  private need(): Loaded {
    if (!this.current) throw new NoSessionError();
    return this.current;
  }

  private stateResult(): ResultNamed<'state'> {
    return { type: 'state', state: this.buildState() };
  }

  /** Everything a webview needs to draw the session. */
  private buildState(): SessionState {
    const s = this.need();
    const { session, data } = s;
    const w = session.weights();
    const optimum = s.computeOptimum ? session.optimum() : null;
    return {
      dataset: s.info,
      prepare: { ...s.prepare },
      config: { ...session.config, threshold: s.threshold },
      updatesPerSecond: this.speed,
      iteration: session.iteration,
      epoch: session.epoch,
      furthestIteration: session.furthestIteration,
      running: this.loop?.kind === 'run' && !this.loop.stop,
      done: session.done,
      history: session.history(),
      train: session.evaluate('train', s.threshold),
      test: data.test.m > 0 ? session.evaluate('test', s.threshold) : null,
      weights: { k: w.k, n: data.n, W: Array.from(w.W), b: Array.from(w.b) },
      optimumConverged: optimum ? optimum.converged : null,
      optimumUnique: s.computeOptimum ? session.optimumUnique() : null,
      convergence: session.convergence(),
      optimum: s.computeOptimum ? session.optimumSummary() : null,
      baseline: session.baseline(),
      lastStep: s.lastStep,
      boundary: boundary(data, w.W, w.b, w.k, s.threshold, s.boundaryPair),
      information: { train: informationView(session, data, 'train', this.kernel), test: informationView(session, data, 'test', this.kernel) },
      comparison: s.comparison,
      sweep: s.sweep,
    };
  }

  // ───────────────────────────── Replies ─────────────────────────────

  /** Answers `req` with what `produce` returns — typed by the shared request→reply map — or with its error. */
  private answer<T extends WorkerRequest['type']>(req: { id: number; type: T }, produce: () => ResultOf<T>): void {
    let result: WorkerResult;
    try {
      result = produce();
    } catch (err) {
      this.fail(req.id, err);
      return;
    }
    this.post({ type: 'reply', id: req.id, result });
  }

  private fail(id: number, err: unknown): void {
    this.post({ type: 'error', id, error: toWorkerError(err) });
  }
}

// ───────────────────────────── Helpers ─────────────────────────────

/** A session request before any dataset was loaded (code 'no-session'). */
class NoSessionError extends Error {
  constructor() {
    super('No training session yet: train on a CSV file first (Logistic Lab: Train on CSV…).');
    this.name = 'NoSessionError';
  }
}

/** A saved session whose CSV vanished or changed (code 'stale-session'). */
class StaleSessionError extends Error {
  constructor(why: string) {
    super(`The saved training session cannot be continued: ${why}. Train again.`);
    this.name = 'StaleSessionError';
  }
}

/**
 * Scheduling priority (Linux nice) of the training thread and its kernel threads: below the extension host's UI
 * thread, so VS Code stays responsive while both cores train.
 */
export const TRAINING_NICE = 10;

/** Next chunk size so that one `run(chunk)` takes about CHUNK_MS (did updates took dt ms). */
function adaptChunk(chunk: number, did: number, dt: number): number {
  if (did < chunk) return chunk; // stopped early (done): keep
  const perUpdate = dt / did;
  const want = perUpdate > 0 ? Math.floor(CHUNK_MS / perUpdate) : chunk * 2;
  return Math.max(1, Math.min(chunk * 4, want, 1 << 20));
}

/** The history points the session recorded (without the extra point for the current parameters). */
function recordedHistory(session: TrainingSession): HistoryPoint[] {
  return session.recordedHistory();
}

/** A LabError (or any error) as protocol data. */
export function toWorkerError(err: unknown): WorkerError {
  if (err instanceof LabError) {
    const loc = err.location;
    const location: WorkerError['location'] = {};
    if (loc.file !== undefined) location.file = loc.file;
    if (loc.line !== undefined) location.line = loc.line;
    if (loc.column !== undefined) location.column = loc.column;
    if (loc.columnName !== undefined) location.columnName = loc.columnName;
    return { code: err.code, message: err.message, location };
  }
  if (err instanceof NoSessionError) return { code: 'no-session', message: err.message, location: {} };
  if (err instanceof StaleSessionError) return { code: 'stale-session', message: err.message, location: {} };
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    code: 'internal',
    message: `Internal error in the training worker: ${e.message}. Please report it with the log (Logistic Lab: Show Log).`,
    location: {},
  };
}

// ───────────────────────────── Thread entry ─────────────────────────────

if (parentPort) {
  const port = parentPort;
  setThreadNice(TRAINING_NICE);
  const worker = new LabWorker((msg) => port.postMessage(msg));
  port.on('message', (req: WorkerRequest) => worker.handle(req));
}
