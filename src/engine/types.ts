/**
 * Shared data shapes of the engine. Pure TypeScript: no `vscode`, no Node-only APIs.
 *
 * Layout conventions used everywhere in the engine:
 * - X is row-major float32: sample i, feature j is `X[i * n + j]`  (m×n).
 * - W is row-major float32 with one row per output unit: `W[c * n + j]`  (k×n).
 *   Binary models have k = 1 (one weight vector, the probability of the positive class);
 *   softmax models have k = number of classes.
 * - b has length k.
 * - Labels are class indices `y[i] ∈ {0 … K−1}` into `classes` (Int32Array, length m).
 */

/** A parsed CSV column: numbers (NaN = missing) or categories (codes into `levels`, −1 = missing). */
export type RawColumn = NumericColumn | CategoricalColumn;

/**
 * A numeric column's values, in the narrowest array that holds them exactly: bytes only when every value is an
 * integer 0–255 and none is missing (NaN needs a float).
 */
export type NumericValues = Float64Array | Float32Array | Uint8Array;

export interface NumericColumn {
  kind: 'numeric';
  name: string;
  /** Values per row; NaN where the field was missing. */
  values: NumericValues;
  /** Number of missing fields. */
  missing: number;
}

export interface CategoricalColumn {
  kind: 'categorical';
  name: string;
  /** Level index per row; −1 where the field was missing. */
  codes: Int32Array;
  /** Distinct non-missing values in order of first appearance. */
  levels: string[];
  missing: number;
}

/** Result of CSV ingestion. */
export interface ParsedTable {
  columns: RawColumn[];
  rowCount: number;
  delimiter: string;
  hasHeader: boolean;
  /** What the reader did that the user should know (decoding, decimal commas, non-finite values); see csv.ts. */
  notices?: string[];
  /** The CSV line (1-based) of row 0; row r is on line firstLine + r unless `lines` is given. */
  firstLine?: number;
  /** The CSV line of every row, when blank lines or line breaks inside quotes make them not consecutive. */
  lines?: Int32Array;
}

/** Where in the input something went wrong (1-based row as a user sees it in an editor, column name/index). */
export interface SourceLocation {
  file?: string;
  /** 1-based line number in the file (header is line 1 when present). */
  line?: number;
  /** 0-based column index. */
  column?: number;
  columnName?: string;
}

/**
 * Every user-facing failure of the engine. `message` is one line: what is wrong, where, and what to do.
 * `code` is stable for programs and tests.
 */
export class LabError extends Error {
  constructor(
    public readonly code: LabErrorCode,
    message: string,
    public readonly location: SourceLocation = {},
  ) {
    super(message);
    this.name = 'LabError';
  }
}

export type LabErrorCode =
  | 'file-not-found'
  | 'empty-file'
  | 'ragged-row'
  | 'bad-csv'
  | 'binary-file'
  | 'unknown-target'
  | 'single-class-target'
  | 'no-features'
  | 'too-few-rows'
  | 'divergence'
  | 'bad-config'
  | 'bad-model'
  | 'schema-mismatch'
  | 'too-many-classes'
  | 'write-failed';

// ───────────────────────────── Preparation ─────────────────────────────

export type NumericImpute = 'median' | 'mean';
/**
 * How a text column becomes features: 'reference' (default) — one 0/1 indicator per level except a reference
 * level (the first level in sorted order, as R, statsmodels and scikit-learn's OneHotEncoder(drop='first')), so
 * the indicators and the bias are not collinear and, without L2, the optimum is unique; 'full' — one indicator
 * per level (collinear with the bias: without L2 the optimum is not unique).
 */
export type CategoricalEncoding = 'reference' | 'full';
export type CategoricalImpute = 'most-frequent' | 'missing-level';

export interface PrepareOptions {
  /** Column to predict (name). */
  target: string;
  /** Features to use (names); default: every non-target column not excluded as an identifier. */
  features?: string[];
  /** Force-include columns that would be dropped as identifiers. */
  include?: string[];
  numericImpute?: NumericImpute; // default 'median'
  categoricalImpute?: CategoricalImpute; // default 'most-frequent'
  /** Coding of text columns (default 'reference'). */
  encoding?: CategoricalEncoding;
  /** Add a `<col> missing` 0/1 feature for every column that had missing values in training rows. */
  missingIndicators?: boolean; // default false
  /** z-score numeric features with train-set mean/std. */
  standardize?: boolean; // default true
  /** Fraction of rows held out (stratified by class). 0 = no test set. */
  testSize?: number; // default 0.2
  seed?: number; // default 42
  /** Categorical columns with more levels than this are dropped as high-cardinality (unless included). */
  maxLevels?: number; // default 50
}

/** What became of one source column. */
export interface ColumnReport {
  name: string;
  /** Type seen in the CSV. */
  sourceType: 'numeric' | 'categorical';
  distinct: number;
  missing: number;
  action: 'target' | 'kept' | 'one-hot' | 'dropped';
  /** For dropped columns: why (e.g. "identifier: unique value per row"). */
  reason?: string;
  /** Names of the features this column became. */
  features: string[];
  /** How missing values were filled, e.g. "median 28" or "most frequent 'S'". */
  imputed?: string;
  /** Scaling applied, e.g. "z-score (mean 29.7, std 14.5)". */
  scaling?: string;
  /** Reference coding: the level without an indicator (its effect is in the bias; the weights are relative to it). */
  reference?: string;
}

/** Everything needed to turn a new table into the model's X, in order. Serialisable as JSON. */
export interface PreprocessingSpec {
  target: string;
  features: FeatureSpec[];
}

/** One model feature, derived from one source column. */
export type FeatureSpec =
  | {
      kind: 'numeric';
      name: string;
      source: string;
      /** Value used for missing fields (before scaling). */
      fill: number;
      /** Scaling: x' = (x − center) / scale (center 0, scale 1 when not standardised). */
      center: number;
      scale: number;
    }
  | {
      kind: 'one-hot';
      name: string;
      source: string;
      /** 1 when the source equals `level` (after filling missing with `fill`), else 0. */
      level: string;
      /** Level used for missing fields, or null when missing is its own level `(missing)`. */
      fill: string | null;
      center: number;
      scale: number;
    }
  | {
      kind: 'missing-indicator';
      name: string;
      source: string;
      center: number;
      scale: number;
    };

export interface PreparedDataset {
  target: string;
  /** Class labels as shown to users; index = class id. For binary, classes[1] is the positive class. */
  classes: string[];
  featureNames: string[];
  /** Number of features n. */
  n: number;
  train: Split;
  test: Split;
  report: ColumnReport[];
  preprocessing: PreprocessingSpec;
  /** Source rows in the file. */
  rows: number;
  /**
   * Where the rows are in the CSV, for naming them by line: row r (an index of `sourceRows`) is on line
   * `each[r]`, or `first + r` without `each`. Absent for a table that does not say (`ParsedTable.firstLine`).
   */
  csvLines?: { first: number; each?: Int32Array };
}

export interface Split {
  /** Row-major m×n float32. */
  X: Float32Array;
  /** Class index per row (length m). */
  y: Int32Array;
  m: number;
  /** Index of each row in the source table (0-based data row). */
  sourceRows: Int32Array;
}

// ───────────────────────────── Kernels ─────────────────────────────

/** Which rows a kernel call covers: a contiguous range [start, end) or an explicit list of row indices. */
export type RowSet = { start: number; end: number } | Int32Array;

export type LossKind = 'bce' | 'mse';

/**
 * The hot loops, over row-major float32 X. Implementations: the pure-TypeScript reference and
 * WebAssembly SIMD. All sums are over the selected rows; callers divide by the total sample weight.
 */
export interface LinearKernel {
  readonly name: string;
  /**
   * Binary fused pass. For each selected row i with weight s_i (1 when sw is null):
   *   z_i = x_i·w + b,  a_i = σ(z_i)
   *   bce: ℓ_i = softplus(z_i) − y_i z_i,           r_i = a_i − y_i
   *   mse: ℓ_i = ½(a_i − y_i)²,                      r_i = (a_i − y_i)·a_i(1 − a_i)
   *   gW += s_i r_i x_i  (n),   gB += s_i r_i,   loss += s_i ℓ_i
   * gW is overwritten (not accumulated across calls). y is 0/1 as float32 (length m_total).
   * Returns { loss, gB } as sums.
   */
  binaryGrad(
    X: Float32Array, n: number, rows: RowSet, y: Float32Array, sw: Float32Array | null,
    w: Float32Array, b: number, loss: LossKind, gW: Float32Array,
  ): { loss: number; gB: number };

  /**
   * Softmax fused pass, k classes. For each selected row i with weight s_i:
   *   z_i = W x_i + b (k),  p_i = softmax(z_i) (max subtracted)
   *   bce (cross-entropy): ℓ_i = logsumexp(z_i) − z_{i,y_i},  r_i = p_i − onehot(y_i)
   *   mse: ℓ_i = ½‖p_i − onehot(y_i)‖²,  r_i = J_softmaxᵀ (p_i − onehot(y_i))
   *   gW += s_i r_i x_iᵀ (k×n),  gB += s_i r_i (k),  loss += s_i ℓ_i
   * gW and gB are overwritten. Returns the loss sum.
   */
  softmaxGrad(
    X: Float32Array, n: number, k: number, rows: RowSet, y: Int32Array, sw: Float32Array | null,
    W: Float32Array, b: Float32Array, loss: LossKind, gW: Float32Array, gB: Float32Array,
  ): number;

  /** Scores Z = X W ᵀ + b for the selected rows, written row-major (count×k) into out. */
  scores(X: Float32Array, n: number, k: number, rows: RowSet, W: Float32Array, b: Float32Array, out: Float32Array): void;

  // ── The exact solver's passes (solver.ts). θ = [W (k×n row-major), b (k)], d = k(n + 1) values, k = 1 binary
  //    (y_i = 1 positive, any other class 0) or k ≥ 2 classes (y_i ∈ {0 … k−1}); x̃_i = [x_i, 1]. Per-row arrays
  //    (y, sw, curv) are indexed by row i, like binaryGrad's. Sums are over the selected rows, unnormalised.

  /**
   * Fused pass of J's data term, its gradient and the per-row curvature, all in float64 (X widened from float32,
   * θ and every score, activation and sum float64). For each selected row i with weight s_i (1 when sw is null):
   *   binary:  z_i = x_i·w + b,   a_i = σ(z_i),        ℓ_i = softplus(z_i) − y_i z_i,    r_i = a_i − y_i,
   *            curv[i] = a_i(1 − a_i)
   *   softmax: z_i = W x_i + b (k), p_i = softmax(z_i), ℓ_i = logsumexp(z_i) − z_{i,y_i}, r_i = p_i − e_{y_i} (k),
   *            curv[i·k + c] = p_ic
   *   g[c·n + j] = Σ_i s_i r_ic x_ij,   g[kn + c] = Σ_i s_i r_ic   (g: d float64, overwritten),
   *   loss = Σ_i s_i ℓ_i.
   * curv is float32 (m for binary, m×k for softmax; only the selected rows' entries are written) or null.
   * `wrong` counts the selected rows not classified strictly correctly: binary y_i = 1 with z_i ≤ 0 or y_i = 0
   * with z_i ≥ 0; softmax z_{i,y_i} ≤ z_ic for some c ≠ y_i (a NaN score counts as wrong).
   */
  exactGrad(
    X: Float32Array, n: number, k: number, rows: RowSet, y: Int32Array, sw: Float32Array | null,
    theta: Float64Array, g: Float64Array, curv: Float32Array | null,
  ): { loss: number; wrong: number };

  /**
   * Hessian-vector product of the data term at the curvature curv of an {@link exactGrad} pass; v and out have
   * θ's layout [V (k×n), v_b (k)] (d values, out overwritten):
   *   binary:  out = Σ_i s_i curv[i] (x̃_i·ṽ) x̃_i                       = X̃ᵀ D X̃ ṽ,  D = diag(s_i a_i(1 − a_i))
   *   softmax: u_i = V x_i + v_b (k),  q_ic = s_i p_ic (u_ic − p_i·u_i),  p_i = curv[i·k …],
   *            out[c·n + j] = Σ_i q_ic x_ij,  out[kn + c] = Σ_i q_ic      = Σ_i s_i (diag(p_i) − p_i p_iᵀ) ⊗ x̃_i x̃_iᵀ v
   * The reference computes in float64; the SIMD kernels round v (scaled by 1/max|v|) to float32 for the products
   * and sum in float32 over tiles of 64 rows, in float64 across tiles (relative error ~1e-6: enough for Newton).
   */
  exactHessVec(
    X: Float32Array, n: number, k: number, rows: RowSet, sw: Float32Array | null, curv: Float32Array,
    v: Float64Array, out: Float64Array,
  ): void;

  /**
   * Dense Hessian of the data term (d×d row-major, overwritten, symmetric) over the selected rows i = rows[t]
   * with optional per-position scale_t (a sampled estimate; 1 when scale is null):
   *   H[P(c,a)][P(e,l)] = Σ_t scale_t s_i A_i,ce x̃_ia x̃_il,   P(c, a) = c·n + a (a < n), kn + c (a = n),
   *   binary A_i = curv[i] (k = 1: H = X̃ᵀ D X̃),  softmax A_i = diag(p_i) − p_i p_iᵀ with p_i = curv[i·k …].
   * The reference computes in float64; the SIMD kernels form w_t x̃_ia x̃_il in float32 and sum in float32 over
   * blocks of 64 rows, in float64 across blocks (a preconditioner needs no more).
   */
  exactHessian(
    X: Float32Array, n: number, k: number, rows: RowSet, sw: Float32Array | null, curv: Float32Array,
    scale: Float64Array | null, H: Float64Array,
  ): void;
  /**
   * Where this kernel wants its X matrices: a prepared X allocated here is used in place instead of being copied
   * into the kernel's memory on first use. Absent: plain arrays ({@link PLAIN_MATRICES}) serve as well.
   */
  readonly matrices?: MatrixStore;
}

/**
 * Allocation of the row-major float32 matrices a dataset is prepared into (train.X, test.X). Everything that builds
 * such a matrix for training takes one, so that the kernel's own memory can hold it.
 */
export interface MatrixStore {
  /** A zero-filled array of `length` floats. */
  alloc(length: number): Float32Array;
  /** Gives back the memory of `X` (from `alloc`) at once; X may not be used afterwards. */
  release(X: Float32Array): void;
}

/** Plain Float32Arrays: the garbage collector frees them. */
export const PLAIN_MATRICES: MatrixStore = {
  alloc: (length) => new Float32Array(length),
  release: () => undefined,
};

/** The matrix store of a kernel (plain arrays for a kernel without one). */
export function matricesOf(kernel: LinearKernel | null | undefined): MatrixStore {
  return kernel?.matrices ?? PLAIN_MATRICES;
}

// ───────────────────────────── Training ─────────────────────────────

/** First-order optimisers (one gradient step per update). */
export type FirstOrderKind = 'gd' | 'sgd' | 'momentum' | 'adam';
/**
 * Every fitting method: the first-order optimisers, and the exact fits — 'newton' (Newton/IRLS: one update is
 * W := W − t·H⁻¹∇J) and 'lbfgs' (quasi-Newton) — which reach the optimum in a few full-batch updates.
 */
export type OptimizerKind = FirstOrderKind | 'newton' | 'lbfgs';
export type InitKind = 'zeros' | 'random';

export interface TrainConfig {
  learningRate: number; // α, default 0.1
  epochs: number; // default 200
  /** 0 or ≥ m means full batch. */
  batchSize: number; // default 0
  optimizer: OptimizerKind; // default 'gd'
  momentum: number; // β for momentum, default 0.9
  beta1: number; // Adam, default 0.9
  beta2: number; // Adam, default 0.999
  epsilon: number; // Adam, default 1e-8
  /** λ in J = mean loss + (λ/2)‖W‖²  (bias never penalised). */
  l2: number; // default 0
  loss: LossKind; // default 'bce'
  /** 'balanced' weights classes by m / (K · m_c); null for equal weights. */
  classWeight: 'balanced' | null;
  /** Stop when |ΔJ_train| < tol between epochs (0 disables). */
  tolerance: number; // default 0
  seed: number; // default 42
  init: InitKind; // default 'zeros'
  /** Decision threshold for binary metrics. */
  threshold: number; // default 0.5
  /** Record history every this many iterations (0 = automatic downsampling). */
  logEvery: number; // default 0
}

/**
 * One point of the training history. `iteration` counts parameter updates. Two numbers, one definition each:
 * - cost J = Σ s_i ℓ_i / Σ s_i + (λ/2)‖W‖² — what the optimiser minimises (its loss, class weights, penalty);
 * - loss = −(1/m) Σ log p_{i,y_i} — the mean log loss of the predictions (no penalty, no weights), computed
 *   from the scores z (softplus / log-sum-exp, never from rounded probabilities): the same number on every tab.
 */
export interface HistoryPoint {
  iteration: number;
  epoch: number;
  /** Cost J on the training rows. */
  trainCost: number;
  /** Mean log loss on the training / test rows. */
  trainLoss: number;
  testLoss: number | null;
  trainAccuracy: number;
  testAccuracy: number | null;
  /** J − J* on the training rows, when the optimum is known and finite. */
  gap: number | null;
  /** ‖W_t − W*‖_F and ‖b_t − b*‖ to the exact optimum, only when W* is known and unique. */
  distW: number | null;
  distB: number | null;
}

/** What one call of `step()` did, with real numbers, for the step-through panel. */
export interface StepRecord {
  iteration: number; // after the step
  epoch: number;
  /**
   * Rows (indices into the training split) of this batch — the first STEP_BATCH_ROWS (1024) of them when the batch is
   * larger, so a full-batch record of a big file stays small — and the batch size m.
   */
  batch: number[];
  m: number;
  alpha: number;
  optimizer: OptimizerKind;
  loss: LossKind;
  featureNames: string[];
  classes: string[];
  /** k: 1 for binary. */
  k: number;
  /** A few samples of the batch: x (n), z (k), a (k), y (class index), dz (k). */
  samples: Array<{ row: number; line: number | null; x: number[]; z: number[]; a: number[]; y: number; dz: number[] }>;
  /** Full gradient of the objective (including the L2 term), k×n row-major, and k bias entries. */
  dW: number[];
  db: number[];
  /** Parameters before and after the update. */
  WBefore: number[];
  bBefore: number[];
  WAfter: number[];
  bAfter: number[];
  /** Objective on this batch before and after the update (mean loss + L2 term). */
  lossBefore: number;
  lossAfter: number;
  /**
   * Newton / L-BFGS updates: W := W + t·p with the direction p (k×n then k, same layout as dW, db), p = −H⁻¹∇J
   * for Newton (solved by conjugate gradients with `innerIterations` Hessian products), the step length t of the
   * line search, and ‖∇J‖ before and after. The parameters of this update are float64 (the exact fit).
   */
  secondOrder?: {
    method: 'newton' | 'lbfgs';
    direction: number[];
    stepSize: number;
    innerIterations: number;
    gradNormBefore: number;
    gradNormAfter: number;
  };
}

export interface ConfusionMetrics {
  classes: string[];
  /** matrix[actual][predicted] counts. */
  matrix: number[][];
  accuracy: number;
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  logLoss: number;
  /**
   * Binary only: ROC points (fpr, tpr) sorted by threshold descending — every distinct score's, or for a long
   * curve the points thinRoc keeps (`rocPoints` then says how many the whole curve has) — and AUC over the whole
   * curve.
   */
  roc?: { fpr: number[]; tpr: number[]; thresholds: number[] };
  rocPoints?: number;
  auc?: number;
  threshold?: number;
}

/** Versioned, JSON-serialisable model with its preprocessing. */
export interface ExportedModel {
  format: 'logistic-regression-lab/model';
  version: 1;
  target: string;
  classes: string[];
  kind: 'binary' | 'softmax';
  featureNames: string[];
  preprocessing: PreprocessingSpec;
  /** k×n row-major as nested arrays: weights[c][j]. */
  weights: number[][];
  bias: number[];
  threshold: number;
  trainedWith: Partial<TrainConfig>;
  metrics?: { train?: { accuracy: number; loss: number }; test?: { accuracy: number; loss: number } };
}
