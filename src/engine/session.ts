/**
 * A training session: gradient-descent training of (binary or softmax) logistic regression on a
 * prepared dataset, one inspectable parameter update at a time.
 *
 * Model: k = 1 output (sigmoid, p of classes[1]) when there are 2 classes, else k = K (softmax).
 * Parameters θ = [W | b]: W k×n row-major, b (k), in one array so that one optimiser (see
 * optimizers.ts) updates them together. The optimiser updates a float64 master copy of θ (so updates
 * below float32 resolution still accumulate, as in numpy); the kernels read its float32 rounding.
 *
 * Objective (computed by {@link Objective}, never re-implemented here), over the rows B of a batch:
 *   J_B(W, b) = Σ_{i∈B} s_i ℓ_i / Σ_{i∈B} s_i + (λ/2)‖W‖²_F
 *   dW = Σ s_i r_i x_iᵀ / Σ s_i + λW  (k×n),   db = Σ s_i r_i / Σ s_i  (k)
 * One update: g = ∇J_B(θ) on the next batch, θ ← optimiser(θ, g, α).
 *
 * Batches: the full training split for optimizer 'gd', batchSize 0 or batchSize ≥ m (one update = one
 * epoch); otherwise consecutive slices of size batchSize (the last one smaller) of a permutation of the
 * rows drawn afresh for every epoch e from the seed derived from (config.seed, e), so every row is used
 * exactly once per epoch and a session can be restored mid-epoch from (epoch, position) alone.
 *
 * History: one point (losses J on the whole train/test split, accuracies, distances to the exact
 * optimum) at iteration 0, then after every update (full batch, or logEvery > 0: every logEvery
 * updates) or after every epoch (mini-batch, logEvery 0). At most MAX_HISTORY points are kept: when
 * full, every other point is dropped and the recording interval doubles. `history()` also ends with a
 * point for the current parameters.
 *
 * Divergence: a non-finite loss or parameter, or a batch loss above DIVERGENCE_FACTOR × max(1, J₀)
 * (J₀ = the initial training loss; gradients of the logistic loss are bounded, so a too-large α makes
 * the loss explode long before the weights overflow), throws LabError('divergence') and leaves the
 * session at the last parameters whose loss was finite and below that bound.
 */
import { resolveConfig } from './config';
import { accuracy, confusionMetrics } from './metrics';
import { exportModel as buildModel, predictProbabilities, probabilitiesFromScores } from './model-io';
import { Objective } from './objective';
import { createOptimizer, type Optimizer, type OptimizerState } from './optimizers';
import { createRng, normal, shuffleInPlace } from './random';
import { solveExact } from './solver';
import { jsKernel } from './kernel-js';
import { LabError } from './types';
import type {
  ConfusionMetrics,
  ExportedModel,
  HistoryPoint,
  LinearKernel,
  PreparedDataset,
  RowSet,
  Split,
  StepRecord,
  TrainConfig,
} from './types';

/** Most history points kept (then every other one is dropped and the interval doubles). */
export const MAX_HISTORY = 2000;
/** A batch loss above this multiple of max(1, initial loss) counts as divergence. */
export const DIVERGENCE_FACTOR = 1e6;
/** Samples shown in a StepRecord. */
export const STEP_SAMPLES = 5;
/** At most this many batch row indices are listed in a StepRecord (m is always the full batch size). */
export const STEP_BATCH_ROWS = 1024;
/** Standard deviation of the seeded normal initial weights for init 'random' (biases start at 0). */
export const RANDOM_INIT_SCALE = 0.01;

export interface SessionOptions {
  /** Hot-loop implementation (default: the TypeScript reference kernel). */
  kernel?: LinearKernel;
  /** Solve for the exact optimum and record distances to it in the history (default true; loss 'bce' only). */
  computeOptimum?: boolean;
}

/** Everything needed to continue a session exactly where it was (JSON-serialisable). */
export interface SessionSnapshot {
  format: 'logistic-regression-lab/session';
  version: 1;
  config: TrainConfig;
  classes: string[];
  featureNames: string[];
  k: number;
  n: number;
  /** Training rows (for validation on restore). */
  m: number;
  W: number[];
  b: number[];
  optimizer: OptimizerState;
  iteration: number;
  epoch: number;
  /** Rows of the current epoch's permutation already used (mini-batch). */
  position: number;
  history: HistoryPoint[];
  /** Current history interval (in iterations, or in epochs for per-epoch mini-batch history). */
  historyStride: number;
  /** Training loss J₀ at iteration 0 (divergence reference); null before the first point. */
  startLoss: number | null;
  /** Training loss at the last epoch end (tolerance check). */
  lastEpochLoss: number | null;
  converged: boolean;
  optimum: { W: number[]; b: number[]; converged: boolean } | null;
}

/** Mixes a seed and a stream number into a new 32-bit seed (murmur3 finaliser). */
function deriveSeed(seed: number, stream: number): number {
  let h = (seed + Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
/** Stream number of the initialisation RNG (epochs use streams 0, 1, 2, …). */
const INIT_STREAM = 0x7fffffff;

/** A number as a user would write it (3 significant digits). */
function fmt(x: number): string {
  return String(Number(x.toPrecision(3)));
}

export class TrainingSession {
  readonly config: TrainConfig;
  readonly data: PreparedDataset;
  /** Output units: 1 for binary (sigmoid), K for softmax. */
  readonly k: number;
  /** Features. */
  readonly n: number;
  private readonly K: number;
  private readonly kernel: LinearKernel;
  private readonly computeOptimum: boolean;
  private readonly objTrain: Objective;
  private readonly objTest: Objective | null;
  private readonly optimizer: Optimizer;
  /** Rows per update (m for full batch). */
  private readonly batchSize: number;
  private readonly fullBatch: boolean;
  private readonly allRows: RowSet;
  /** Whether history is recorded per epoch (mini-batch, logEvery 0) or per iteration. */
  private readonly historyPerEpoch: boolean;

  /** Master parameters θ = [W | b] (float64), updated by the optimiser. */
  private readonly theta64: Float64Array;
  /** θ rounded to float32 (what the kernels read) and its views W (k×n), b (k). */
  private readonly theta: Float32Array;
  private readonly W: Float32Array;
  private readonly b: Float32Array;
  private readonly grad: Float32Array;
  private readonly gW: Float32Array;
  private readonly gB: Float32Array;
  /** θ before the last update (to undo an update that overflowed). */
  private readonly prevTheta: Float64Array;

  private iter = 0;
  private ep = 0;
  private pos = 0;
  private order: Int32Array;
  private orderEpoch = -1;
  private points: HistoryPoint[] = [];
  private stride = 1;
  private started = false;
  private startLoss: number | null = null;
  private lastEpochLoss: number | null = null;
  private converged = false;
  private divergence: LabError | null = null;
  private tail: HistoryPoint | null = null;
  /**
   * Full batch: the newest history point, whose training loss J(θ_t) is left to the next update's
   * gradient pass (which computes exactly that value over the same rows) instead of an extra pass.
   */
  private pendingLoss: HistoryPoint | null = null;
  private opt: { W: Float64Array; b: Float64Array; converged: boolean } | null | undefined = undefined;

  constructor(data: PreparedDataset, config: Partial<TrainConfig> = {}, options: SessionOptions = {}) {
    this.config = resolveConfig(config);
    this.data = data;
    this.K = data.classes.length;
    if (this.K < 2) throw new LabError('single-class-target', `target '${data.target}' has fewer than 2 classes`);
    this.k = this.K === 2 ? 1 : this.K;
    this.n = data.n;
    this.kernel = options.kernel ?? jsKernel;
    this.computeOptimum = options.computeOptimum ?? true;
    const m = data.train.m;
    if (m < 1) throw new LabError('too-few-rows', 'the training split has no rows; lower the test fraction');
    if (data.train.X.length !== m * this.n) throw new RangeError('TrainingSession: train X is not m×n');
    const objOpts = {
      loss: this.config.loss,
      l2: this.config.l2,
      classWeight: this.config.classWeight,
      numClasses: this.K,
    };
    this.objTrain = new Objective(data.train, this.k, objOpts, this.kernel);
    this.objTest = data.test.m > 0 ? new Objective(data.test, this.k, objOpts, this.kernel) : null;

    const kn = this.k * this.n;
    const size = kn + this.k;
    this.theta64 = new Float64Array(size);
    this.theta = new Float32Array(size);
    this.W = this.theta.subarray(0, kn);
    this.b = this.theta.subarray(kn);
    this.grad = new Float32Array(size);
    this.gW = this.grad.subarray(0, kn);
    this.gB = this.grad.subarray(kn);
    this.prevTheta = new Float64Array(size);
    this.optimizer = createOptimizer(this.config, size);

    const bs = this.config.batchSize;
    this.fullBatch = this.config.optimizer === 'gd' || bs === 0 || bs >= m;
    this.batchSize = this.fullBatch ? m : bs;
    this.allRows = { start: 0, end: m };
    this.order = new Int32Array(this.fullBatch ? 0 : m);
    this.historyPerEpoch = !this.fullBatch && this.config.logEvery === 0;
    this.reset();
  }

  // ───────────────────────────── State ─────────────────────────────

  /** Parameter updates done. */
  get iteration(): number {
    return this.iter;
  }

  /** Completed epochs (passes over the training rows). */
  get epoch(): number {
    return this.ep;
  }

  /** The configured number of epochs is reached, or the training loss changed by less than the tolerance. */
  get done(): boolean {
    return this.ep >= this.config.epochs || this.converged;
  }

  /** The divergence error, if training diverged (cleared by reset or setWeights). */
  get diverged(): LabError | null {
    return this.divergence;
  }

  /** Rows per update (m for full batch) and updates per epoch. */
  get batchInfo(): { batchSize: number; batchesPerEpoch: number; fullBatch: boolean } {
    const m = this.data.train.m;
    return { batchSize: this.batchSize, batchesPerEpoch: Math.ceil(m / this.batchSize), fullBatch: this.fullBatch };
  }

  /**
   * Back to the initial parameters: zeros, or (init 'random') W_cj ~ N(0, 0.01²) from the seed, b = 0.
   * Iteration and epoch 0, optimiser state and history cleared.
   */
  reset(): void {
    this.theta64.fill(0);
    if (this.config.init === 'random') {
      const rng = createRng(deriveSeed(this.config.seed, INIT_STREAM));
      for (let q = 0; q < this.W.length; q++) this.theta64[q] = RANDOM_INIT_SCALE * normal(rng);
    }
    this.theta.set(this.theta64);
    this.optimizer.reset();
    this.iter = 0;
    this.ep = 0;
    this.pos = 0;
    this.orderEpoch = -1;
    this.points = [];
    this.stride = this.config.logEvery > 0 && !this.historyPerEpoch ? this.config.logEvery : 1;
    this.started = false;
    this.startLoss = null;
    this.lastEpochLoss = null;
    this.converged = false;
    this.divergence = null;
    this.tail = null;
    this.pendingLoss = null;
  }

  /** Copies of W (k×n row-major) and b (k), rounded to float32 (the values the model computes with). */
  weights(): { W: Float32Array; b: Float32Array; k: number } {
    return { W: Float32Array.from(this.W), b: Float32Array.from(this.b), k: this.k };
  }

  /**
   * Replaces the parameters (W k×n, b k; finite). Iteration, history and optimiser state are kept;
   * a divergence is cleared.
   */
  setWeights(W: ArrayLike<number>, b: ArrayLike<number>): void {
    if (W.length !== this.W.length || b.length !== this.b.length) {
      throw new RangeError(`setWeights: expected W ${this.k}×${this.n} and b (${this.k}), got ${W.length} and ${b.length}`);
    }
    for (let q = 0; q < W.length; q++) if (!Number.isFinite(W[q])) throw new RangeError('setWeights: W is not finite');
    for (let c = 0; c < b.length; c++) if (!Number.isFinite(b[c])) throw new RangeError('setWeights: b is not finite');
    this.settlePending();
    this.theta64.set(W);
    this.theta64.set(b, W.length);
    this.theta.set(this.theta64);
    this.divergence = null;
    this.tail = null;
  }

  // ───────────────────────────── Training ─────────────────────────────

  /**
   * Exactly one parameter update on the next batch, with its inspection record: the batch rows, up to
   * STEP_SAMPLES samples (x, z = Wx + b, a = σ(z) or softmax(z), y, dz = ∂ℓ/∂z), the full gradient dW
   * (k×n, including λW) and db used for the update, the objective J_B on the batch before and after, and
   * W, b before and after (the float64 master values; the model computes with their float32 rounding).
   * Works past `done` too (the user asked for one more step).
   */
  step(): StepRecord {
    this.begin();
    const rows = this.nextBatch();
    const m = rows instanceof Int32Array ? rows.length : this.data.train.m;
    const shown = Math.min(m, STEP_BATCH_ROWS);
    const batch = rows instanceof Int32Array ? Array.from(rows.subarray(0, shown)) : Array.from({ length: shown }, (_, i) => i);
    const kn = this.W.length;
    const WBefore = Array.from(this.theta64.subarray(0, kn));
    const bBefore = Array.from(this.theta64.subarray(kn));
    const samples = this.sampleDetails(batch.slice(0, STEP_SAMPLES));
    const lossBefore = this.objTrain.evaluate(this.W, this.b, rows, this.gW, this.gB);
    this.fillPending(lossBefore);
    this.checkLoss(lossBefore);
    const dW = Array.from(this.gW);
    const db = Array.from(this.gB);
    this.update();
    const lossAfter = this.objTrain.evaluate(this.W, this.b, rows);
    const record: StepRecord = {
      iteration: this.iter,
      epoch: this.ep,
      batch,
      m,
      alpha: this.config.learningRate,
      optimizer: this.config.optimizer,
      loss: this.config.loss,
      featureNames: this.data.featureNames.slice(),
      classes: this.data.classes.slice(),
      k: this.k,
      samples,
      dW,
      db,
      WBefore,
      bBefore,
      WAfter: Array.from(this.theta64.subarray(0, kn)),
      bAfter: Array.from(this.theta64.subarray(kn)),
      lossBefore,
      lossAfter,
    };
    this.advance(m);
    record.iteration = this.iter;
    record.epoch = this.ep;
    return record;
  }

  /** Updates until the current epoch is complete (at least one); returns the last update's record. */
  stepEpoch(): StepRecord {
    this.begin();
    const m = this.data.train.m;
    const remaining = Math.ceil((m - this.pos) / this.batchSize);
    for (let t = 0; t < remaining - 1; t++) this.fastStep();
    return this.step();
  }

  /**
   * Up to maxIterations updates without building records, stopping early when done.
   * Returns the number of updates made.
   */
  run(maxIterations: number): number {
    this.begin();
    let count = 0;
    while (count < maxIterations && !this.done) {
      this.fastStep();
      count++;
    }
    return count;
  }

  /** One update without a record. */
  private fastStep(): void {
    const rows = this.nextBatch();
    const J = this.objTrain.evaluate(this.W, this.b, rows, this.gW, this.gB);
    this.fillPending(J);
    this.checkLoss(J);
    this.update();
    this.advance(rows instanceof Int32Array ? rows.length : this.data.train.m);
  }

  /** Full batch: the gradient pass just computed J(θ_t) on all rows; it is the pending point's training loss. */
  private fillPending(J: number): void {
    const p = this.pendingLoss;
    if (!p || !this.fullBatch || p.iteration !== this.iter) return;
    this.pendingLoss = null;
    if (Number.isFinite(J)) p.trainLoss = J;
    else this.points = this.points.filter((q) => q !== p); // a non-finite loss is reported as divergence instead
  }

  /** Computes the pending point's training loss now (before the parameters change or history is read). */
  private settlePending(): void {
    const p = this.pendingLoss;
    if (!p) return;
    this.pendingLoss = null;
    p.trainLoss = this.objTrain.evaluate(this.W, this.b, this.allRows);
  }

  /** Records the iteration-0 history point once; refuses to continue after a divergence. */
  private begin(): void {
    if (this.divergence) throw this.divergence;
    if (this.started) return;
    const point = this.makePoint();
    this.startLoss = point.trainLoss;
    this.lastEpochLoss = point.trainLoss;
    this.points.push(point);
    this.started = true;
  }

  /** Rows of the next batch: the whole split, or the next slice of this epoch's permutation. */
  private nextBatch(): RowSet {
    if (this.fullBatch) return this.allRows;
    if (this.orderEpoch !== this.ep) {
      const m = this.data.train.m;
      for (let i = 0; i < m; i++) this.order[i] = i;
      shuffleInPlace(this.order, createRng(deriveSeed(this.config.seed, this.ep)));
      this.orderEpoch = this.ep;
    }
    return this.order.subarray(this.pos, Math.min(this.pos + this.batchSize, this.data.train.m));
  }

  /** Throws 'divergence' (without updating) when the loss at the current parameters is non-finite or exploded. */
  private checkLoss(J: number): void {
    if (!Number.isFinite(J)) this.diverge('loss became non-finite');
    const ref = Math.max(1, this.startLoss ?? 1);
    if (J > DIVERGENCE_FACTOR * ref) {
      this.diverge(`loss grew to ${J.toPrecision(3)} from ${fmt(this.startLoss ?? 0)}`);
    }
  }

  /** Records and throws the divergence error for the update that produced the bad values. */
  private diverge(why: string, iteration = this.iter): never {
    const a = this.config.learningRate;
    const err = new LabError(
      'divergence',
      `Training diverged at iteration ${iteration} (${why}) with learning rate α = ${fmt(a)}. ` +
        `Lower the learning rate (try ${fmt(a / 10)}) and reset.`,
    );
    this.divergence = err;
    throw err;
  }

  /**
   * θ ← optimiser(θ, g, α) on the float64 master, then rounded into the float32 copy; undone (and
   * 'divergence' thrown) if a parameter became non-finite in float32.
   */
  private update(): void {
    this.prevTheta.set(this.theta64);
    this.optimizer.step(this.theta64, this.grad, this.config.learningRate);
    const th = this.theta;
    th.set(this.theta64);
    for (let q = 0; q < th.length; q++) {
      if (!Number.isFinite(th[q])) {
        this.theta64.set(this.prevTheta);
        th.set(this.theta64);
        this.diverge('weights became non-finite', this.iter + 1);
      }
    }
    this.tail = null;
  }

  /** Bookkeeping after an update of `count` rows: counters, epoch end, tolerance, history. */
  private advance(count: number): void {
    this.iter++;
    this.pos += count;
    let epochEnded = false;
    if (this.pos >= this.data.train.m) {
      this.pos = 0;
      this.ep++;
      epochEnded = true;
    }
    let point: HistoryPoint | null = null;
    const due = this.historyPerEpoch
      ? epochEnded && this.ep % this.stride === 0
      : this.iter % this.stride === 0;
    // Full batch without a tolerance check: the next update's gradient pass supplies the training loss.
    const defer = this.fullBatch && this.config.tolerance === 0;
    if (due) {
      this.settlePending();
      point = this.makePoint(defer);
      if (defer) this.pendingLoss = point;
    }
    if (epochEnded && this.config.tolerance > 0) {
      const J = point ? point.trainLoss : this.objTrain.evaluate(this.W, this.b, this.allRows);
      if (this.lastEpochLoss !== null && Math.abs(J - this.lastEpochLoss) < this.config.tolerance) this.converged = true;
      this.lastEpochLoss = J;
    }
    if (point) this.pushPoint(point);
  }

  private pushPoint(point: HistoryPoint): void {
    this.points.push(point);
    if (this.points.length > MAX_HISTORY) {
      this.stride *= 2;
      const s = this.stride;
      const first = this.points[0];
      this.points = this.points.filter(
        (p) => p === first || (this.historyPerEpoch ? p.epoch : p.iteration) % s === 0,
      );
      if (this.pendingLoss && this.points[this.points.length - 1] !== this.pendingLoss) this.pendingLoss = null;
    }
  }

  // ───────────────────────────── Inspection ─────────────────────────────

  /** x, z, a (probabilities), y and dz = ∂ℓ_i/∂z_i (the kernel's r_i, from a one-row objective) of a few rows. */
  private sampleDetails(rows: number[]): StepRecord['samples'] {
    const { k, n } = this;
    const X = this.data.train.X;
    const z = new Float32Array(k);
    const gW1 = new Float32Array(k * n);
    const gB1 = new Float32Array(k);
    return rows.map((i) => {
      const one = Int32Array.of(i);
      this.kernel.scores(X, n, k, one, this.W, this.b, z);
      const a = probabilitiesFromScores(Float32Array.from(z), 1, k);
      // With one row, db = s_i r_i / s_i = r_i: the per-sample derivative of the loss w.r.t. z.
      this.objTrain.evaluate(this.W, this.b, one, gW1, gB1);
      return {
        row: i,
        x: Array.from(X.subarray(i * n, (i + 1) * n)),
        z: Array.from(z),
        a: Array.from(a),
        y: this.data.train.y[i],
        dz: Array.from(gB1),
      };
    });
  }

  /** One history point for the current parameters (trainLoss left NaN when deferred, see pendingLoss). */
  private makePoint(deferTrainLoss = false): HistoryPoint {
    const trainLoss = deferTrainLoss ? NaN : this.objTrain.evaluate(this.W, this.b, this.allRows);
    const trainAccuracy = this.splitAccuracy(this.data.train);
    let testLoss: number | null = null;
    let testAccuracy: number | null = null;
    if (this.objTest) {
      testLoss = this.objTest.evaluate(this.W, this.b, null);
      testAccuracy = this.splitAccuracy(this.data.test);
    }
    let distW: number | null = null;
    let distB: number | null = null;
    if (this.computeOptimum) {
      const o = this.optimum();
      if (o && o.converged) {
        const kn = this.W.length;
        const th = this.theta64;
        let s = 0;
        for (let q = 0; q < kn; q++) s += (th[q] - o.W[q]) ** 2;
        distW = Math.sqrt(s);
        s = 0;
        for (let c = 0; c < this.k; c++) s += (th[kn + c] - o.b[c]) ** 2;
        distB = Math.sqrt(s);
      }
    }
    return { iteration: this.iter, epoch: this.ep, trainLoss, testLoss, trainAccuracy, testAccuracy, distW, distB };
  }

  private splitAccuracy(split: Split): number {
    const P = predictProbabilities(split.X, split.m, this.n, this.k, this.W, this.b, this.kernel);
    return accuracy(split.y, P, this.K, this.config.threshold);
  }

  /**
   * Recorded history (at most about MAX_HISTORY points, iteration 0 first), ending with a point for the
   * current parameters. distW = ‖W_t − W*‖_F and distB = ‖b_t − b*‖₂ when the optimum is known and converged.
   */
  history(): HistoryPoint[] {
    if (!this.divergence) this.begin();
    this.settlePending();
    const pts = this.points.map((p) => ({ ...p }));
    const last = pts[pts.length - 1];
    if (last && last.iteration !== this.iter) {
      if (!this.tail || this.tail.iteration !== this.iter) this.tail = this.makePoint();
      pts.push({ ...this.tail });
    }
    return pts;
  }

  /**
   * The recorded points only (no extra point for the current parameters, no new computation except a
   * deferred training loss): cheap to poll while training. Empty before the first update or history() call.
   */
  recordedHistory(): HistoryPoint[] {
    this.settlePending();
    return this.points.map((p) => ({ ...p }));
  }

  /**
   * The exact minimiser (W*, b*) of the training objective (loss 'bce' only, same λ and class weights),
   * computed once with solveExact; null for loss 'mse'. converged = false when there is no finite optimum
   * (separable data with λ = 0) or the solver stopped early.
   */
  optimum(): { W: Float64Array; b: Float64Array; converged: boolean } | null {
    if (this.opt !== undefined) return this.opt;
    if (this.config.loss !== 'bce') {
      this.opt = null;
      return null;
    }
    const r = solveExact(this.data.train, this.k, {
      l2: this.config.l2,
      classWeight: this.config.classWeight,
      numClasses: this.K,
    });
    this.opt = { W: r.W, b: r.b, converged: r.converged };
    return this.opt;
  }

  /** Predicted probabilities: m×1 p(classes[1]) for binary, m×K softmax rows otherwise. */
  probabilities(split: 'train' | 'test'): Float32Array {
    const s = split === 'train' ? this.data.train : this.data.test;
    return predictProbabilities(s.X, s.m, this.n, this.k, this.W, this.b, this.kernel);
  }

  /** Confusion matrix and metrics of a split (binary: at `threshold`, default config.threshold). */
  evaluate(split: 'train' | 'test', threshold?: number): ConfusionMetrics {
    const s = split === 'train' ? this.data.train : this.data.test;
    return confusionMetrics(s.y, this.probabilities(split), this.data.classes, threshold ?? this.config.threshold);
  }

  /** The current model as a versioned, JSON-serialisable export with its preprocessing and metrics. */
  exportModel(): ExportedModel {
    const train = this.evaluate('train');
    const metrics: NonNullable<ExportedModel['metrics']> = { train: { accuracy: train.accuracy, loss: train.logLoss } };
    if (this.data.test.m > 0) {
      const test = this.evaluate('test');
      metrics.test = { accuracy: test.accuracy, loss: test.logLoss };
    }
    return buildModel(this.data, this.W, this.b, {
      threshold: this.config.threshold,
      trainedWith: { ...this.config },
      metrics,
    });
  }

  // ───────────────────────────── Snapshots ─────────────────────────────

  /** The whole training state as plain JSON-serialisable data. */
  snapshot(): SessionSnapshot {
    this.settlePending();
    return {
      format: 'logistic-regression-lab/session',
      version: 1,
      config: { ...this.config },
      classes: this.data.classes.slice(),
      featureNames: this.data.featureNames.slice(),
      k: this.k,
      n: this.n,
      m: this.data.train.m,
      W: Array.from(this.theta64.subarray(0, this.W.length)),
      b: Array.from(this.theta64.subarray(this.W.length)),
      optimizer: this.optimizer.getState(),
      iteration: this.iter,
      epoch: this.ep,
      position: this.pos,
      history: this.points.map((p) => ({ ...p })),
      historyStride: this.stride,
      startLoss: this.startLoss,
      lastEpochLoss: this.lastEpochLoss,
      converged: this.converged,
      optimum: this.opt ? { W: Array.from(this.opt.W), b: Array.from(this.opt.b), converged: this.opt.converged } : null,
    };
  }

  /** A session on `data` continuing exactly from a snapshot (LabError 'schema-mismatch' if it does not fit). */
  static restore(data: PreparedDataset, snap: SessionSnapshot, options: SessionOptions = {}): TrainingSession {
    const mismatch = (what: string): never => {
      throw new LabError('schema-mismatch', `the saved training session does not match this dataset (${what}); train again`);
    };
    if (snap.format !== 'logistic-regression-lab/session' || snap.version !== 1) mismatch('unknown snapshot format');
    if (snap.classes.join('\u0000') !== data.classes.join('\u0000')) mismatch('different classes');
    if (snap.featureNames.join('\u0000') !== data.featureNames.join('\u0000')) mismatch('different features');
    if (snap.m !== data.train.m) mismatch('different number of training rows');
    const s = new TrainingSession(data, snap.config, options);
    if (snap.k !== s.k || snap.n !== s.n || snap.W.length !== s.W.length || snap.b.length !== s.b.length) {
      mismatch('different parameter shapes');
    }
    s.theta64.set(snap.W);
    s.theta64.set(snap.b, snap.W.length);
    s.theta.set(s.theta64);
    s.optimizer.setState(snap.optimizer);
    s.iter = snap.iteration;
    s.ep = snap.epoch;
    s.pos = snap.position;
    s.points = snap.history.map((p) => ({ ...p }));
    s.stride = snap.historyStride;
    s.started = snap.history.length > 0;
    s.startLoss = snap.startLoss;
    s.lastEpochLoss = snap.lastEpochLoss;
    s.converged = snap.converged;
    if (snap.optimum) {
      s.opt = { W: Float64Array.from(snap.optimum.W), b: Float64Array.from(snap.optimum.b), converged: snap.optimum.converged };
    }
    return s;
  }
}
