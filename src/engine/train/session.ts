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
 * Exact fits (optimizer 'newton' or 'lbfgs'): one update is one iteration of {@link ExactSolver} on the full
 * training split in float64, W := W + t·p with p = −H⁻¹∇J (Newton) or the L-BFGS direction; training is done when
 * ‖∇J‖ ≤ 1e-9 (or the data are separable without L2, or the epoch budget — the iteration limit — is used up).
 *
 * Batches: the full training split for optimizer 'gd', the exact fits, batchSize 0 or batchSize ≥ m (one update = one
 * epoch); otherwise consecutive slices of size batchSize (the last one smaller) of a permutation of the
 * rows drawn afresh for every epoch e from the seed derived from (config.seed, e), so every row is used
 * exactly once per epoch and a session can be restored mid-epoch from (epoch, position) alone.
 *
 * History: one point (cost J and log loss on the whole training split, log loss on the test split, accuracies,
 * J − J* and — when W* is unique — distances to the exact optimum) at iteration 0, then after every update (full batch, or logEvery > 0: every logEvery
 * updates) or after every epoch (mini-batch, logEvery 0). At most MAX_HISTORY points are kept: when
 * full, every other point is dropped and the recording interval doubles. `history()` also ends with a
 * point for the current parameters.
 *
 * Divergence: a non-finite loss or parameter, or a batch loss above DIVERGENCE_FACTOR × max(1, J₀)
 * (J₀ = the initial training loss; gradients of the logistic loss are bounded, so a too-large α makes
 * the loss explode long before the weights overflow), throws LabError('divergence') and leaves the
 * session at the last parameters whose loss was finite and below that bound.
 */
import { exactFitMethod, NEWTON_MAX_PARAMS, resolveConfig } from '../config';
import {
  assessConvergence,
  baselineSummary,
  hasFullColumnRank,
  lossCurvatureBound,
  roundDownRate,
  smoothnessBound,
  type BaselineSummary,
  type Convergence,
} from './convergence';
import { confusionMetrics, rocSummary, type RocSummary } from '../model/metrics';
import { accuracyFromScores, exportModel as buildModel, predictProbabilities, probabilitiesFromScores } from '../model/model-io';
import { Objective } from '../model/objective';
import { splitRowLine } from '../prepare/dataset';
import { createOptimizer, isFirstOrder, type Optimizer, type OptimizerState } from './optimizers';
import { createRng, normal, shuffleInPlace } from '../random';
import { ExactSolver, solveExact } from '../solve/solver';
import { jsKernel } from '../kernels/kernel-js';
import { LabError } from '../types';
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
} from '../types';

/** Most history points kept (then every other one is dropped and the interval doubles). */
export const MAX_HISTORY = 2000;
/** A batch loss above this multiple of max(1, initial loss) counts as divergence. */
export const DIVERGENCE_FACTOR = 1e6;
/** Samples shown in a StepRecord. */
export const STEP_SAMPLES = 5;
/** At most this many batch row indices are listed in a StepRecord (m is always the full batch size). */
export const STEP_BATCH_ROWS = 1024;
/**
 * Standard deviation of the seeded normal initial weights for init 'random' (biases start at 0): 1/√n for n
 * features (LeCun), so that with standardised features z = w·x + b starts with a spread of about 1 — a ≈ σ(±1), not
 * 0.5 — and the first update is not the trivial one from zeros.
 */
export function randomInitScale(n: number): number {
  return 1 / Math.sqrt(Math.max(1, n));
}
/** Models with at most this many parameters keep θ at every history point (the loss landscape's path). */
export const TRACE_MAX_PARAMS = 4096;

export interface SessionOptions {
  /** Hot-loop implementation (default: the TypeScript reference kernel). */
  kernel?: LinearKernel;
  /** Solve for the exact optimum and record distances to it in the history (default true; loss 'bce' only). */
  computeOptimum?: boolean;
  /**
   * θ = [W (k×n), b (k)] at iteration 0 instead of the `init` rule, e.g. the weights of a previous run continued
   * with new settings ("Apply"); reset and going back return to it.
   */
  start?: ArrayLike<number>;
}

/** Everything needed to continue a session exactly where it was (JSON-serialisable). */
export interface SessionSnapshot {
  format: 'logistic-regression-lab/session';
  version: 2;
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
  /** The tolerance stopped training (|ΔJ| < tolerance between epochs). */
  converged: boolean;
  optimum: { W: number[]; b: number[]; converged: boolean; separable: boolean; cost: number; iterations: number } | null;
}

/**
 * The state before an update, enough to continue exactly from there: parameters, optimiser state and counters
 * (history points are not copied: those after the checkpoint are dropped on return and recorded again by replay).
 */
interface Checkpoint {
  iteration: number;
  epoch: number;
  position: number;
  theta: Float64Array;
  optimizer: OptimizerState | null;
  lastEpochLoss: number | null;
  converged: boolean;
}

/** Most checkpoints kept, and most bytes they may take; past either, every other one is dropped (stride doubles). */
export const MAX_CHECKPOINTS = 512;
export const MAX_CHECKPOINT_BYTES = 64 * 1024 * 1024;

/** The exact optimum W* of the training cost (loss 'bce', same λ and class weights). */
export interface Optimum {
  W: Float64Array;
  b: Float64Array;
  /** ‖∇J‖ ≤ 1e-9 at (W, b): a finite optimum was found. */
  converged: boolean;
  /** λ = 0 and the training rows are linearly separable: there is no finite optimum. */
  separable: boolean;
  /** J* = J(W*, b*) in float64. */
  cost: number;
  iterations: number;
}

/** The optimum as a model, evaluated like any other: cost on the training rows, log loss and accuracy per split. */
export interface OptimumSummary {
  cost: number;
  trainLoss: number;
  testLoss: number | null;
  trainAccuracy: number;
  testAccuracy: number | null;
  iterations: number;
  /** Whether W* is unique (λ > 0 or [X 1] of full column rank); null when that was not checked. */
  unique: boolean | null;
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

/** Euclidean norm ‖v‖₂. */
function norm2(v: ArrayLike<number>): number {
  let s = 0;
  for (let q = 0; q < v.length; q++) s += v[q] * v[q];
  return Math.sqrt(s);
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
  /** The cost J (the configured loss, class weights and penalty) on the training rows. */
  private readonly objTrain: Objective;
  /** Mean log loss (cross-entropy, no weights, no penalty) on the training rows, when it is not J minus the penalty. */
  private readonly lossTrain: Objective | null;
  /** Mean log loss on the test rows. */
  private readonly lossTest: Objective | null;
  /** First-order optimiser (null for the exact fits). */
  private readonly optimizer: Optimizer | null;
  /** The exact fit's solver, created at the first update from the current parameters (newton / lbfgs only). */
  private exact: ExactSolver | null = null;
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
  /** θ at iteration 0 when given (SessionOptions.start), else null: the `init` rule. */
  private readonly start: Float64Array | null = null;
  /** θ = [W, b] (float32) at each history point, for models of at most TRACE_MAX_PARAMS parameters. */
  private trace: Array<{ iteration: number; theta: Float32Array }> = [];
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
  private opt: Optimum | null | undefined = undefined;
  private smooth: number | null | undefined = undefined;
  private unique: boolean | null | undefined = undefined;
  private base: BaselineSummary | null = null;
  private optSummary: { of: Optimum; summary: OptimumSummary } | null = null;
  /** paramVersion when the newest history point was recorded (it is at the current parameters only if equal). */
  private pointVersion = -1;
  /** ‖∇J‖ at the parameters of `gradAt` (iteration and parameter version). */
  private gradCache: { key: string; norm: number } | null = null;
  /** Bumped whenever the parameters change other than by an update (reset, setWeights, restore, goTo). */
  private paramVersion = 0;
  /** evaluate's threshold-free part per split at the parameters of `key` (paramsKey). */
  private readonly evalCache = new Map<'train' | 'test', { key: string; probs: Float32Array; curve: RocSummary | null; loss: number }>();
  /** Checkpoints for going back (see goTo), ascending by iteration; one every `checkpointStride` updates. */
  private checkpoints: Checkpoint[] = [];
  private checkpointStride = 1;
  /** The furthest iteration reached since the last reset (the timeline's end). */
  private furthest = 0;

  constructor(data: PreparedDataset, config: Partial<TrainConfig> = {}, options: SessionOptions = {}) {
    this.config = resolveConfig(config);
    this.data = data;
    if (options.start) {
      if (options.start.length !== (data.classes.length === 2 ? 1 : data.classes.length) * (data.n + 1)) {
        throw new RangeError(`TrainingSession: start has ${options.start.length} parameters, the model ${(data.classes.length === 2 ? 1 : data.classes.length) * (data.n + 1)}`);
      }
      this.start = Float64Array.from(options.start);
    }
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
    const logLossOpts = { loss: 'bce' as const, l2: 0, classWeight: null, numClasses: this.K };
    this.lossTrain = this.costIsLossPlusPenalty ? null : new Objective(data.train, this.k, logLossOpts, this.kernel);
    this.lossTest = data.test.m > 0 ? new Objective(data.test, this.k, logLossOpts, this.kernel) : null;

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
    const method = this.config.optimizer;
    if (method === 'newton' && size > NEWTON_MAX_PARAMS) {
      throw new LabError(
        'bad-config',
        `optimizer 'newton' needs a ${size}×${size} Hessian for ${size} parameters ` +
          `(${fmt((16 * size * size) / 2 ** 30)} GB); use 'lbfgs' for this many features`,
      );
    }
    this.optimizer = isFirstOrder(method) ? createOptimizer({ ...this.config, optimizer: method }, size) : null;

    const bs = this.config.batchSize;
    this.fullBatch = method === 'gd' || !isFirstOrder(method) || bs === 0 || bs >= m;
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

  /**
   * The configured number of epochs is reached, the training cost changed by less than the tolerance, or the
   * exact fit has finished (optimum reached, no finite optimum, or no further decrease possible).
   */
  get done(): boolean {
    return this.ep >= this.config.epochs || this.converged || (this.exact !== null && this.exact.finished);
  }

  /** Cost J = mean log loss + (λ/2)‖W‖² exactly (loss 'bce' without class weights), so the loss needs no extra pass. */
  private get costIsLossPlusPenalty(): boolean {
    return this.config.loss === 'bce' && this.config.classWeight === null;
  }

  /** (λ/2)‖W‖² of the current float32 parameters (the penalty term of J, as Objective computes it). */
  private penalty(): number {
    const lambda = this.config.l2;
    if (lambda === 0) return 0;
    let sq = 0;
    for (let q = 0; q < this.W.length; q++) sq += this.W[q] * this.W[q];
    return 0.5 * lambda * sq;
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
   * Back to the initial parameters: zeros, or (init 'random') W_cj ~ N(0, 1/n) from the seed, b = 0.
   * Iteration and epoch 0, optimiser state and history cleared.
   */
  reset(): void {
    this.theta64.fill(0);
    if (this.start) {
      this.theta64.set(this.start);
    } else if (this.config.init === 'random') {
      const rng = createRng(deriveSeed(this.config.seed, INIT_STREAM));
      const scale = randomInitScale(this.data.n);
      for (let q = 0; q < this.W.length; q++) this.theta64[q] = scale * normal(rng);
    }
    this.theta.set(this.theta64);
    this.optimizer?.reset();
    this.exact = null;
    this.paramVersion++;
    this.iter = 0;
    this.ep = 0;
    this.pos = 0;
    this.orderEpoch = -1;
    this.points = [];
    this.trace = [];
    this.stride = this.config.logEvery > 0 && !this.historyPerEpoch ? this.config.logEvery : 1;
    this.started = false;
    this.startLoss = null;
    this.lastEpochLoss = null;
    this.converged = false;
    this.divergence = null;
    this.tail = null;
    this.pendingLoss = null;
    this.checkpoints = [];
    this.checkpointStride = 1;
    this.furthest = 0;
  }

  /**
   * Raises the epoch budget by `extra` epochs and lets training go on from where it is (the parameters, optimiser
   * state, history and checkpoints stay; a tolerance stop is lifted). LabError 'bad-config' past the largest budget.
   */
  extend(extra: number): void {
    if (!Number.isInteger(extra) || extra < 1) {
      throw new LabError('bad-config', `more epochs must be a whole number ≥ 1 (got ${extra})`);
    }
    const epochs = resolveConfig({ ...this.config, epochs: this.config.epochs + extra }).epochs;
    (this.config as { epochs: number }).epochs = epochs;
    this.converged = false;
    this.tail = null;
  }

  // ───────────────────────────── Time travel ─────────────────────────────

  /** Checkpoints held (bounded by MAX_CHECKPOINTS and MAX_CHECKPOINT_BYTES). */
  get checkpointCount(): number {
    return this.checkpoints.length;
  }

  /** The furthest iteration this session reached since its last reset (going back keeps it, for the timeline). */
  get furthestIteration(): number {
    return Math.max(this.furthest, this.iter);
  }

  /**
   * Records a checkpoint of the state before the next update when it is due (every checkpointStride updates; for
   * L-BFGS only at iteration 0, since its memory of past steps is not part of the checkpoint — going back replays
   * from the start, which gives exactly the same iterates). Bounded by MAX_CHECKPOINTS and MAX_CHECKPOINT_BYTES.
   */
  private checkpoint(): void {
    const it = this.iter;
    if (it % this.checkpointStride !== 0) return;
    if (this.config.optimizer === 'lbfgs' && it > 0) return;
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (last && last.iteration >= it) return;
    this.checkpoints.push({
      iteration: it,
      epoch: this.ep,
      position: this.pos,
      theta: Float64Array.from(this.theta64),
      optimizer: this.optimizer ? this.optimizer.getState() : null,
      lastEpochLoss: this.lastEpochLoss,
      converged: this.converged,
    });
    const bytes = (1 + (this.checkpoints[0].optimizer?.buffers.length ?? 0)) * 8 * this.theta64.length;
    const most = Math.max(2, Math.min(MAX_CHECKPOINTS, Math.floor(MAX_CHECKPOINT_BYTES / Math.max(1, bytes))));
    while (this.checkpoints.length > most) {
      this.checkpointStride *= 2;
      const s = this.checkpointStride;
      this.checkpoints = this.checkpoints.filter((c) => c.iteration % s === 0);
    }
  }

  /**
   * Moves the session to the state it had (or will have) at `iteration`: back to the nearest checkpoint at or
   * before it, then the same updates again (replay is deterministic: the same batches from the seed, the same
   * optimiser state, the same kernels), so the parameters, the optimiser state and the history are exactly those
   * of an uninterrupted run at that iteration. Forward targets beyond the current iteration are trained to (at
   * most until done). Returns the iteration reached.
   */
  goTo(iteration: number): number {
    if (!Number.isInteger(iteration) || iteration < 0) throw new RangeError(`goTo: iteration must be a whole number ≥ 0, got ${iteration}`);
    this.furthest = Math.max(this.furthest, this.iter);
    if (iteration < this.iter || this.divergence) {
      let cp: Checkpoint | undefined;
      for (const c of this.checkpoints) if (c.iteration <= iteration) cp = c;
      if (!cp) {
        // No checkpoint before the target (restored after a window reload mid-run): it cannot be reached exactly.
        const first = this.checkpoints[0]?.iteration ?? this.iter;
        throw new LabError(
          'bad-config',
          `this session can go back to iteration ${first} at the earliest (it was restored there after a window reload); ` +
            'reset to start again from iteration 0',
        );
      }
      this.restoreCheckpoint(cp);
    }
    this.begin();
    while (this.iter < iteration && !this.done) this.fastStep();
    return this.iter;
  }

  /**
   * One update back: the session returns to iteration − 1 and the record of the update that led there is returned
   * (the step panel's numbers of that update, recomputed exactly); null when that is iteration 0.
   */
  stepBack(): StepRecord | null {
    const target = this.iter - 1;
    if (target < 0) return null;
    if (target === 0) {
      this.goTo(0);
      return null;
    }
    this.goTo(target - 1);
    return this.step();
  }

  private restoreCheckpoint(cp: Checkpoint): void {
    this.theta64.set(cp.theta);
    this.theta.set(this.theta64);
    if (this.optimizer && cp.optimizer) this.optimizer.setState(cp.optimizer);
    this.exact = null; // Newton is a function of θ alone; L-BFGS has its only checkpoint at 0
    this.iter = cp.iteration;
    this.ep = cp.epoch;
    this.pos = cp.position;
    this.orderEpoch = -1;
    this.lastEpochLoss = cp.lastEpochLoss;
    this.converged = cp.converged;
    this.divergence = null;
    this.tail = null;
    this.gradCache = null;
    this.paramVersion++;
    this.points = this.points.filter((p) => p.iteration <= cp.iteration);
    this.trace = this.trace.filter((t) => t.iteration <= cp.iteration);
    const last = this.points[this.points.length - 1];
    // A point at the checkpoint whose training cost was left to the next gradient pass gets it from the replay.
    this.pendingLoss = last && last.iteration === cp.iteration && Number.isNaN(last.trainCost) ? last : null;
    this.checkpoints = this.checkpoints.filter((c) => c.iteration <= cp.iteration);
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
    this.exact = null;
    this.paramVersion++;
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
    if (!this.optimizer) return this.exactStep();
    this.checkpoint();
    const rows = this.nextBatch();
    const before = this.recordBefore(rows);
    const dW = Array.from(this.gW);
    const db = Array.from(this.gB);
    this.update();
    const kn = this.W.length;
    const record = this.recordOf(before, {
      alpha: this.config.learningRate,
      dW,
      db,
      WAfter: Array.from(this.theta64.subarray(0, kn)),
      bAfter: Array.from(this.theta64.subarray(kn)),
      lossAfter: this.objTrain.evaluate(this.W, this.b, rows),
    });
    this.advance(before.m);
    record.iteration = this.iter;
    record.epoch = this.ep;
    return record;
  }

  /**
   * One iteration of the exact fit with its record (see StepRecord.secondOrder); dW, db are the float64 gradient
   * the solver used. When the fit has already finished, the record shows a step of length 0 and nothing changes.
   */
  private exactStep(): StepRecord {
    this.checkpoint();
    const m = this.data.train.m;
    const before = this.recordBefore(this.allRows);
    const { WBefore, bBefore, lossBefore } = before;
    const kn = this.W.length;
    const solver = this.solver();
    const st = solver.step();
    const record = this.recordOf(before, {
      alpha: st ? st.stepSize : 0,
      dW: st ? Array.from(st.gradBefore.subarray(0, kn)) : Array.from(this.gW),
      db: st ? Array.from(st.gradBefore.subarray(kn)) : Array.from(this.gB),
      WAfter: WBefore,
      bAfter: bBefore,
      lossAfter: lossBefore,
      secondOrder: {
        method: solver.method,
        direction: st ? Array.from(st.direction) : new Array<number>(kn + this.k).fill(0),
        stepSize: st && st.accepted ? st.stepSize : 0,
        innerIterations: st ? st.innerIterations : 0,
        gradNormBefore: st ? norm2(st.gradBefore) : solver.gradNorm,
        gradNormAfter: solver.gradNorm,
      },
    });
    if (!st || !st.accepted) return record; // finished: nothing changed, no update counted
    this.adoptSolver();
    record.WAfter = Array.from(this.theta64.subarray(0, kn));
    record.bAfter = Array.from(this.theta64.subarray(kn));
    record.lossAfter = this.objTrain.evaluate(this.W, this.b, this.allRows);
    this.advance(m);
    record.iteration = this.iter;
    record.epoch = this.ep;
    return record;
  }

  /**
   * What a step record knows before the update on `rows`: the batch (its first STEP_BATCH_ROWS rows) and size m,
   * a few samples, W and b, and J_B — whose gradient is left in gW, gB (the pending history point takes J_B;
   * a non-finite or exploding J_B throws 'divergence').
   */
  private recordBefore(rows: RowSet): Pick<StepRecord, 'batch' | 'm' | 'samples' | 'WBefore' | 'bBefore' | 'lossBefore'> {
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
    return { batch, m, samples, WBefore, bBefore, lossBefore };
  }

  /** A step record from what was known before the update, what it did, and the session's fixed facts. */
  private recordOf(
    before: ReturnType<TrainingSession['recordBefore']>,
    update: Pick<StepRecord, 'alpha' | 'dW' | 'db' | 'WAfter' | 'bAfter' | 'lossAfter' | 'secondOrder'>,
  ): StepRecord {
    return {
      iteration: this.iter,
      epoch: this.ep,
      optimizer: this.config.optimizer,
      loss: this.config.loss,
      featureNames: this.data.featureNames.slice(),
      classes: this.data.classes.slice(),
      k: this.k,
      ...before,
      ...update,
    };
  }

  /** The exact fit's solver, started from the current parameters. */
  private solver(): ExactSolver {
    if (!this.exact) {
      const method = this.config.optimizer === 'lbfgs' ? 'lbfgs' : 'newton';
      this.exact = new ExactSolver(this.data.train, this.k, {
        l2: this.config.l2,
        classWeight: this.config.classWeight,
        numClasses: this.K,
        method,
        kernel: this.kernel,
      }, this.theta64);
    }
    return this.exact;
  }

  /** Takes the solver's parameters as the session's (θ64 and its float32 rounding); divergence if not finite. */
  private adoptSolver(): void {
    const solver = this.solver();
    this.prevTheta.set(this.theta64);
    this.theta64.set(solver.parameters);
    this.theta.set(this.theta64);
    for (let q = 0; q < this.theta.length; q++) {
      if (!Number.isFinite(this.theta[q])) {
        this.theta64.set(this.prevTheta);
        this.theta.set(this.theta64);
        this.exact = null;
        this.diverge('weights became non-finite', this.iter + 1);
      }
    }
    this.tail = null;
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
    this.checkpoint();
    if (!this.optimizer) {
      const J = this.objTrain.evaluate(this.W, this.b, this.allRows);
      this.fillPending(J);
      this.checkLoss(J);
      const st = this.solver().step();
      if (!st || !st.accepted) return;
      this.adoptSolver();
      this.advance(this.data.train.m);
      return;
    }
    const rows = this.nextBatch();
    const J = this.objTrain.evaluate(this.W, this.b, rows, this.gW, this.gB);
    this.fillPending(J);
    this.checkLoss(J);
    this.update();
    this.advance(rows instanceof Int32Array ? rows.length : this.data.train.m);
  }

  /** Full batch: the gradient pass just computed J(θ_t) on all rows; it is the pending point's training cost. */
  private fillPending(J: number): void {
    const p = this.pendingLoss;
    if (!p || !this.fullBatch || p.iteration !== this.iter) return;
    this.pendingLoss = null;
    if (Number.isFinite(J)) this.completePoint(p, J);
    else this.points = this.points.filter((q) => q !== p); // a non-finite loss is reported as divergence instead
  }

  /** Computes the pending point's training cost now (before the parameters change or history is read). */
  private settlePending(): void {
    const p = this.pendingLoss;
    if (!p) return;
    this.pendingLoss = null;
    this.completePoint(p, this.objTrain.evaluate(this.W, this.b, this.allRows));
  }

  /**
   * Fills a point's training cost J (computed at the current parameters), its J − J*, and — when J is the mean
   * log loss plus the penalty — the training log loss J − (λ/2)‖W‖².
   */
  private completePoint(p: HistoryPoint, J: number): void {
    p.trainCost = J;
    if (this.costIsLossPlusPenalty) p.trainLoss = J - this.penalty();
    const o = this.opt;
    p.gap = o && o.converged && Number.isFinite(J) ? J - o.cost : null;
  }

  /** Records the iteration-0 history point once; refuses to continue after a divergence. */
  private begin(): void {
    if (this.divergence) throw this.divergence;
    if (this.started) return;
    const point = this.makePoint();
    this.startLoss = point.trainLoss;
    this.lastEpochLoss = point.trainLoss;
    this.pushPoint(point);
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

  /** Throws 'divergence' (without updating) when the cost at the current parameters is non-finite or exploded. */
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
    const L = this.optimizer ? this.smoothness() : null;
    const advice = L !== null && L > 0
      ? `For these data gradient descent is stable for α < 2/L = ${fmt(2 / L)}: set the learning rate to ` +
        `${fmt(roundDownRate(1 / L))} (1/L) and reset, or use the Newton fit.`
      : `Lower the learning rate (try ${fmt(a / 10)}) and reset.`;
    const err = new LabError(
      'divergence',
      `Training diverged at iteration ${iteration} (${why}) with learning rate α = ${fmt(a)}. ${advice}`,
    );
    this.divergence = err;
    throw err;
  }

  /**
   * θ ← optimiser(θ, g, α) on the float64 master, then rounded into the float32 copy; undone (and
   * 'divergence' thrown) if a parameter became non-finite in float32.
   */
  private update(): void {
    if (!this.optimizer) throw new Error('update: no first-order optimiser');
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
      const J = point ? point.trainCost : this.objTrain.evaluate(this.W, this.b, this.allRows);
      if (this.lastEpochLoss !== null && Math.abs(J - this.lastEpochLoss) < this.config.tolerance) this.converged = true;
      this.lastEpochLoss = J;
    }
    if (point) this.pushPoint(point);
  }

  private pushPoint(point: HistoryPoint): void {
    this.points.push(point);
    this.pointVersion = this.paramVersion;
    if (this.theta.length <= TRACE_MAX_PARAMS) {
      const lastTrace = this.trace[this.trace.length - 1];
      if (!lastTrace || lastTrace.iteration < point.iteration) this.trace.push({ iteration: point.iteration, theta: Float32Array.from(this.theta) });
    }
    if (this.points.length > MAX_HISTORY) {
      this.stride *= 2;
      const s = this.stride;
      const first = this.points[0];
      this.points = this.points.filter(
        (p) => p === first || (this.historyPerEpoch ? p.epoch : p.iteration) % s === 0,
      );
      const kept = new Set(this.points.map((p) => p.iteration));
      this.trace = this.trace.filter((t) => kept.has(t.iteration));
      if (this.pendingLoss && this.points[this.points.length - 1] !== this.pendingLoss) this.pendingLoss = null;
    }
  }

  // ───────────────────────────── Inspection ─────────────────────────────

  /** The CSV line of training row i, or null when the reader could not tell. */
  csvLine(i: number): number | null {
    return splitRowLine(this.data, this.data.train, i);
  }

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
        line: this.csvLine(i),
        x: Array.from(X.subarray(i * n, (i + 1) * n)),
        z: Array.from(z),
        a: Array.from(a),
        y: this.data.train.y[i],
        dz: Array.from(gB1),
      };
    });
  }

  /**
   * One history point for the current parameters. Deferred (see pendingLoss): the training cost, J − J* and (when
   * derived from the cost) the training loss are left NaN / null until the next gradient pass supplies J.
   */
  private makePoint(deferTrainCost = false): HistoryPoint {
    if (this.computeOptimum) this.optimum();
    const trainAccuracy = this.splitAccuracy(this.data.train);
    let testLoss: number | null = null;
    let testAccuracy: number | null = null;
    if (this.lossTest) {
      testLoss = this.lossTest.evaluate(this.W, this.b, null);
      testAccuracy = this.splitAccuracy(this.data.test);
    }
    const trainLoss = this.lossTrain ? this.lossTrain.evaluate(this.W, this.b, null) : NaN;
    let distW: number | null = null;
    let distB: number | null = null;
    const o = this.opt;
    if (o && o.converged && this.optimumUnique() === true) {
      const d = this.distanceToOptimum(o);
      distW = d.W;
      distB = d.b;
    }
    const point: HistoryPoint = {
      iteration: this.iter, epoch: this.ep, trainCost: NaN, trainLoss, testLoss, trainAccuracy, testAccuracy,
      gap: null, distW, distB,
    };
    if (!deferTrainCost) this.completePoint(point, this.objTrain.evaluate(this.W, this.b, this.allRows));
    return point;
  }

  /**
   * ‖W − W*‖_F and ‖b − b*‖₂. Softmax: the current parameters are first centred like W* (b − mean_c b, and with
   * λ = 0 also W_c − mean_c W_c), the representative that gives the same probabilities.
   */
  private distanceToOptimum(o: Optimum): { W: number; b: number } {
    const { k, n } = this;
    const kn = this.W.length;
    const th = Float64Array.from(this.theta64);
    if (k > 1) {
      let mb = 0;
      for (let c = 0; c < k; c++) mb += th[kn + c];
      for (let c = 0; c < k; c++) th[kn + c] -= mb / k;
      if (this.config.l2 === 0) {
        for (let j = 0; j < n; j++) {
          let mw = 0;
          for (let c = 0; c < k; c++) mw += th[c * n + j];
          for (let c = 0; c < k; c++) th[c * n + j] -= mw / k;
        }
      }
    }
    let s = 0;
    for (let q = 0; q < kn; q++) s += (th[q] - o.W[q]) ** 2;
    let sb = 0;
    for (let c = 0; c < k; c++) sb += (th[kn + c] - o.b[c]) ** 2;
    return { W: Math.sqrt(s), b: Math.sqrt(sb) };
  }

  private splitAccuracy(split: Split, W: Float32Array = this.W, b: Float32Array = this.b): number {
    const Z = new Float32Array(split.m * this.k);
    this.kernel.scores(split.X, this.n, this.k, { start: 0, end: split.m }, W, b, Z);
    return accuracyFromScores(split.y, Z, this.k, this.config.threshold);
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
   * The exact minimiser (W*, b*) of the training cost (loss 'bce' only, same λ and class weights), computed once
   * with solveExact; null for loss 'mse'. converged = false when there is no finite optimum (separable data with
   * λ = 0) or the solver stopped early.
   */
  optimum(): Optimum | null {
    if (this.opt !== undefined) return this.opt;
    if (this.config.loss !== 'bce') {
      this.opt = null;
      return null;
    }
    const r = solveExact(this.data.train, this.k, {
      l2: this.config.l2,
      classWeight: this.config.classWeight,
      numClasses: this.K,
      kernel: this.kernel,
    });
    this.opt = { W: r.W, b: r.b, converged: r.converged, separable: r.separable, cost: r.objective, iterations: r.iterations };
    return this.opt;
  }

  /**
   * The parameters θ = [W (k×n), b (k)] along the run: at the recorded history points (models of at most
   * TRACE_MAX_PARAMS parameters; empty for larger ones), ending at the current θ.
   */
  parameterPath(): Array<{ iteration: number; theta: Float32Array }> {
    const path = this.trace.filter((t) => t.iteration < this.iter);
    path.push({ iteration: this.iter, theta: Float32Array.from(this.theta) });
    return path;
  }

  /** The training rows' weights s_i of the objective (class weights), or null when all are 1. */
  trainRowWeights(): Float32Array | null {
    return this.objTrain.sampleWeights;
  }

  /** The optimum if it was computed already (no computation). */
  knownOptimum(): Optimum | null {
    return this.opt ?? null;
  }

  /**
   * Whether the minimiser of J is unique: always with λ > 0 (strictly convex in W; b is fixed by the data term,
   * centred for softmax), and with λ = 0 exactly when [X 1] has full column rank (see hasFullColumnRank; null
   * when that could not be decided). Full one-hot coding without L2 is never unique: its indicators sum to the bias.
   */
  optimumUnique(): boolean | null {
    if (this.unique === undefined) this.unique = this.config.l2 > 0 ? true : hasFullColumnRank(this.data.train);
    return this.unique;
  }

  /**
   * Smoothness constant L of the training cost, L = c·λmax(X̃ᵀΩX̃) + λ (see smoothnessBound; cached); gradient
   * descent decreases J at every full-batch step for α < 2/L. null when no bound is known (softmax with MSE).
   */
  smoothness(): number | null {
    if (this.smooth === undefined) {
      this.smooth = smoothnessBound(this.data.train, this.k, this.config.loss, this.config.l2, this.objTrain.sampleWeights, this.kernel);
    }
    return this.smooth;
  }

  /** θ = [W, b] at iteration 0 when the session was given one (`SessionOptions.start`), else undefined (the `init` rule). */
  startParameters(): number[] | undefined {
    return this.start ? Array.from(this.start) : undefined;
  }

  /** Names the current parameters for the caches of gradientNorm and evaluate (an update advances the iteration). */
  private paramsKey(): string {
    return `${this.paramVersion}:${this.iter}`;
  }

  /** ‖∇J‖₂ (dW and db together) over all training rows at the current parameters (one pass, cached). */
  gradientNorm(): number {
    const key = this.paramsKey();
    if (this.gradCache && this.gradCache.key === key) return this.gradCache.norm;
    const gW = new Float32Array(this.W.length);
    const gB = new Float32Array(this.k);
    this.objTrain.evaluate(this.W, this.b, this.allRows, gW, gB);
    const norm = Math.sqrt(norm2(gW) ** 2 + norm2(gB) ** 2);
    this.gradCache = { key, norm };
    return norm;
  }

  /**
   * The verdict on this run so far (see assessConvergence): from the recorded costs, ‖∇J‖, J − J* when the optimum
   * is known, and the learning-rate bound 2/L. Final once the run is done or diverged.
   */
  convergence(): Convergence {
    const diverged = this.divergence !== null;
    if (!diverged) this.begin();
    this.settlePending();
    // The newest history point is often at the current parameters: its cost is J now (no second pass).
    const last = this.points[this.points.length - 1];
    const cost = diverged
      ? Infinity
      : last && last.iteration === this.iter && this.pointVersion === this.paramVersion && Number.isFinite(last.trainCost)
        ? last.trainCost
        : this.objTrain.evaluate(this.W, this.b, this.allRows);
    const o = this.opt ?? null;
    return assessConvergence({
      optimizer: this.config.optimizer,
      learningRate: this.config.learningRate,
      epochs: this.config.epochs,
      l2: this.config.l2,
      fullBatch: this.fullBatch,
      iteration: this.iter,
      epoch: this.ep,
      done: this.done,
      diverged,
      cost,
      startCost: this.startLoss,
      costs: this.points.map((p) => ({ iteration: p.iteration, epoch: p.epoch, cost: p.trainCost })),
      gradNorm: diverged ? NaN : this.gradientNorm(),
      optimum: o ? { cost: o.cost, converged: o.converged, separable: o.separable } : null,
      smoothness: this.optimizer ? this.smoothness() : null,
      curvature: lossCurvatureBound(this.k, this.config.loss),
      exactMethod: exactFitMethod(this.theta.length),
    });
  }

  /** The majority-class baseline on both splits (cached). */
  baseline(): BaselineSummary {
    if (!this.base) this.base = baselineSummary(this.data.classes, this.data.train.y, this.data.test.y);
    return this.base;
  }

  /**
   * The optimum W* evaluated as a model, with the parameters rounded to float32 as any model runs: its cost J*
   * and, per split, mean log loss and accuracy. null when there is no finite optimum or it was not computed.
   */
  optimumSummary(): OptimumSummary | null {
    const o = this.opt;
    if (!o || !o.converged) return null;
    // W* never changes once solved: evaluate it once, not at every state a view asks for.
    if (this.optSummary && this.optSummary.of === o) return this.optSummary.summary;
    const W = Float32Array.from(o.W);
    const b = Float32Array.from(o.b);
    const logLossOpts = { loss: 'bce' as const, l2: 0, classWeight: null, numClasses: this.K };
    const lossOn = (split: Split): number => new Objective(split, this.k, logLossOpts, this.kernel).evaluate(W, b, null);
    const accOn = (split: Split): number => this.splitAccuracy(split, W, b);
    const { train, test } = this.data;
    const summary: OptimumSummary = {
      cost: o.cost,
      trainLoss: lossOn(train),
      testLoss: test.m > 0 ? lossOn(test) : null,
      trainAccuracy: accOn(train),
      testAccuracy: test.m > 0 ? accOn(test) : null,
      iterations: o.iterations,
      unique: this.optimumUnique(),
    };
    this.optSummary = { of: o, summary };
    return summary;
  }

  /** Mean log loss (from the scores, no penalty, no weights) of a split at the current parameters. */
  logLoss(split: 'train' | 'test'): number {
    if (split === 'test') return this.lossTest ? this.lossTest.evaluate(this.W, this.b, null) : NaN;
    return this.lossTrain ? this.lossTrain.evaluate(this.W, this.b, null) : this.objTrain.evaluate(this.W, this.b, null) - this.penalty();
  }

  /** Predicted probabilities: m×1 p(classes[1]) for binary, m×K softmax rows otherwise. */
  probabilities(split: 'train' | 'test'): Float32Array {
    const s = split === 'train' ? this.data.train : this.data.test;
    return predictProbabilities(s.X, s.m, this.n, this.k, this.W, this.b, this.kernel);
  }

  /**
   * Confusion matrix and metrics of a split (binary: at `threshold`, default config.threshold). What does not depend
   * on the threshold — the probabilities, the ROC curve and the log loss — is kept for the current parameters
   * (paramsKey), so moving the threshold slider costs only the counts.
   */
  evaluate(split: 'train' | 'test', threshold?: number): ConfusionMetrics {
    const s = split === 'train' ? this.data.train : this.data.test;
    const key = this.paramsKey();
    let kept = this.evalCache.get(split);
    if (!kept || kept.key !== key) {
      const probs = this.probabilities(split);
      kept = {
        key,
        probs,
        curve: this.data.classes.length === 2 ? rocSummary(s.y, probs, 2) : null,
        // One definition of the loss on every tab: the mean log loss computed from the scores (as in the history).
        loss: s.m > 0 ? this.logLoss(split) : NaN,
      };
      this.evalCache.set(split, kept);
    }
    const cm = confusionMetrics(s.y, kept.probs, this.data.classes, threshold ?? this.config.threshold, kept.curve);
    if (s.m > 0) cm.logLoss = kept.loss;
    return cm;
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
      version: 2,
      config: { ...this.config },
      classes: this.data.classes.slice(),
      featureNames: this.data.featureNames.slice(),
      k: this.k,
      n: this.n,
      m: this.data.train.m,
      W: Array.from(this.theta64.subarray(0, this.W.length)),
      b: Array.from(this.theta64.subarray(this.W.length)),
      optimizer: this.optimizer ? this.optimizer.getState() : { kind: this.config.optimizer, t: this.iter, buffers: [] },
      iteration: this.iter,
      epoch: this.ep,
      position: this.pos,
      history: this.points.map((p) => ({ ...p })),
      historyStride: this.stride,
      startLoss: this.startLoss,
      lastEpochLoss: this.lastEpochLoss,
      converged: this.converged,
      optimum: this.opt
        ? {
            W: Array.from(this.opt.W), b: Array.from(this.opt.b), converged: this.opt.converged,
            separable: this.opt.separable, cost: this.opt.cost, iterations: this.opt.iterations,
          }
        : null,
    };
  }

  /** A session on `data` continuing exactly from a snapshot (LabError 'schema-mismatch' if it does not fit). */
  static restore(data: PreparedDataset, snap: SessionSnapshot, options: SessionOptions = {}): TrainingSession {
    const mismatch = (what: string): never => {
      throw new LabError('schema-mismatch', `the saved training session does not match this dataset (${what}); train again`);
    };
    if (snap.format !== 'logistic-regression-lab/session' || snap.version !== 2) mismatch('saved by another version');
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
    s.optimizer?.setState(snap.optimizer);
    s.iter = snap.iteration;
    s.ep = snap.epoch;
    s.pos = snap.position;
    s.points = snap.history.map((p) => ({ ...p }));
    s.stride = snap.historyStride;
    s.started = snap.history.length > 0;
    s.startLoss = snap.startLoss;
    s.lastEpochLoss = snap.lastEpochLoss;
    s.converged = snap.converged;
    s.furthest = snap.iteration;
    s.checkpoint(); // going back reaches no further than where the snapshot was taken
    if (snap.optimum) {
      const o = snap.optimum;
      s.opt = {
        W: Float64Array.from(o.W), b: Float64Array.from(o.b), converged: o.converged, separable: o.separable,
        cost: o.cost, iterations: o.iterations,
      };
    }
    return s;
  }
}
