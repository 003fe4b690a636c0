/**
 * The one typed protocol between the three worlds:
 * - extension host ⇄ training worker (worker_threads), and
 * - extension host ⇄ webviews (dashboard panel, sidebar view).
 * Discriminated unions in both directions; one line of doc per message; request ids where a reply is expected.
 * Pure types: no `vscode`, no Node APIs, so every world can import it.
 */
import type { BaselineSummary, Convergence } from './engine/train/convergence';
import type { OptimumSummary, SessionSnapshot } from './engine/train/session';
import type { RateSweepResult } from './engine/train/rate-sweep';
import type {
  ColumnReport,
  ConfusionMetrics,
  HistoryPoint,
  LossKind,
  PrepareOptions,
  StepRecord,
  TrainConfig,
} from './engine/types';
import type { ColumnSummary } from './engine/prepare/dataset';

// ───────────────────────────── Shared view models ─────────────────────────────

/** A source column as offered in the target quick pick (the engine's column summary). */
export type ColumnInfo = ColumnSummary;

/** What the dataset became after preparation. */
export interface DatasetInfo {
  /** File name for display (base name) and its full path/URI string. */
  fileName: string;
  filePath: string;
  target: string;
  classes: string[];
  featureNames: string[];
  rows: number;
  mTrain: number;
  mTest: number;
  report: ColumnReport[];
  /** Side of the square image when features are pixels (e.g. 8 for digits p0…p63), else null. */
  pixelSide: number | null;
  /**
   * Per feature (same order as featureNames): its source column, kind, and the preparation's scaling
   * x = (raw − center) / scale (the training mean and standard deviation of a standardised numeric column, else 0
   * and 1) — so a weight per standard deviation w can also be read per raw unit of the column, w / scale, and a
   * row can be shown in the column's own units, raw = x·scale + center.
   */
  features: Array<{ source: string; kind: 'numeric' | 'one-hot' | 'missing-indicator'; center: number; scale: number }>;
  /** What the reader did that the user should know (decoded as Windows-1252, decimal commas, non-finite values). */
  notices: string[];
}

/** The learned parameters, k×n row-major (k = 1 for binary). */
export interface WeightsInfo {
  k: number;
  n: number;
  W: number[];
  b: number[];
}

/**
 * The decision boundary over two features (indices x, y of the model's features) in raw units of their columns,
 * the other features at their training means (see engine/train/view-state.ts `boundary`).
 */
export interface BoundaryInfo {
  x: number;
  y: number;
  xName: string;
  yName: string;
  /** 'means': the model has other features, held at their training means; 'none': it has only these two. */
  others: 'means' | 'none';
  /** The decision threshold of a binary model (null for softmax). */
  threshold: number | null;
  /** Raw values of the two features along the axes. */
  xs: number[];
  ys: number[];
  /** Predicted class index per grid cell, row-major ys.length × xs.length. */
  grid: number[];
  /** Per grid cell: binary p(classes[1]); softmax: the probability of the predicted class. */
  probability: number[];
  /** Training points: raw x, y, class index and row index in the training split. */
  points: Array<{ x: number; y: number; c: number; row: number }>;
}

/**
 * The loss landscape around the current model: the training cost J over two parameters p (x) and q (y), the
 * others at their current values, with the run's path and the optimum; and J along p for BCE and for MSE.
 * Parameters index θ = [W (k×n row-major), b (k)].
 */
export interface LandscapeInfo {
  p: number;
  q: number;
  xName: string;
  yName: string;
  /** The model's loss: J is its objective (with λ). */
  loss: LossKind;
  xs: number[];
  ys: number[];
  /** J per grid point, row-major ys.length × xs.length. */
  J: number[];
  /** (θ_p, θ_q) at the recorded history points and now (last); empty before the model has a path (too many parameters). */
  path: Array<{ iteration: number; x: number; y: number }>;
  /** The path is known only for models of at most this many parameters. */
  pathLimit: number;
  /** (W*_p, W*_q) of the exact optimum when known and finite. */
  optimum: { x: number; y: number } | null;
  /** Training rows J was computed on (every ⌈m/rows⌉-th row when fewer than all), of the split's m. */
  rows: number;
  totalRows: number;
  /** J along parameter p (the others at their current values) for both losses, each on its own scale. */
  slice: { ts: number[]; bce: number[]; mse: number[]; current: number };
}

/** The information view of the current model on one split (see engine/model/information.ts), in nats. */
export interface InformationView {
  m: number;
  /** The split's log loss: the same number as everywhere else (the mean of the rows' information). */
  crossEntropy: number;
  labelEntropy: number;
  classes: string[];
  shares: number[];
  meanPredicted: number[];
  marginalCrossEntropy: number;
  marginalKl: number;
  edges: number[];
  counts: number[];
  worst: Array<{ line: number | null; row: number; label: string; probability: number; information: number }>;
}

/** One prepared row (what-if view): x as the model sees it (standardised, indicators), label and CSV line. */
export interface RowInfo {
  split: 'train' | 'test';
  index: number;
  /** Rows in the split. */
  m: number;
  x: number[];
  label: string;
  line: number | null;
}

/** One run of the BCE-vs-MSE comparison. */
export interface ComparisonRun {
  loss: LossKind;
  history: HistoryPoint[];
  testAccuracy: number | null;
  trainAccuracy: number;
}

/** A run made earlier on the same data with other settings (kept by the host for the Training tab's overlay). */
export interface EarlierRun {
  /** The settings in words. */
  label: string;
  config: TrainConfig;
  /** Its training cost J per iteration (thinned). */
  curve: Array<{ iteration: number; trainCost: number }>;
  finalCost: number;
  iterations: number;
  verdict: Convergence['verdict'];
}

/** Everything a webview needs to draw itself from scratch (webviews keep only view state). */
export interface SessionState {
  dataset: DatasetInfo;
  /** The preparation options the dataset was prepared with (as asked for: target, split, scaling, coding …). */
  prepare: PrepareOptions;
  config: TrainConfig;
  /** The pace of runs: updates per second, 0 = as fast as possible. */
  updatesPerSecond: number;
  iteration: number;
  epoch: number;
  running: boolean;
  done: boolean;
  history: HistoryPoint[];
  train: ConfusionMetrics;
  test: ConfusionMetrics | null;
  weights: WeightsInfo;
  /** The furthest iteration reached since the last reset (the timeline's end; going back keeps it). */
  furthestIteration: number;
  /** Whether the exact optimum W* was found (null: not computed, e.g. too costly or loss 'mse'). */
  optimumConverged: boolean | null;
  /** Whether W* is unique (λ > 0 or [X 1] of full column rank): ‖W − W*‖ is drawn only then. null: unknown. */
  optimumUnique: boolean | null;
  /** The verdict on the run so far (final once done or diverged). */
  convergence: Convergence;
  /** The optimum W* as a model (train/test loss and accuracy), when known and finite. */
  optimum: OptimumSummary | null;
  /** The majority-class baseline. */
  baseline: BaselineSummary;
  lastStep: StepRecord | null;
  boundary: BoundaryInfo | null;
  /** −log a of the true class per row, the labels' entropy, cross-entropy = entropy + KL: training and test split. */
  information: { train: InformationView | null; test: InformationView | null };
  comparison: ComparisonRun[] | null;
  /** The last learning-rate sweep of this dataset (with the settings it ran with), or null. */
  sweep: RateSweepResult | null;
  /** Runs made earlier on the same data with other settings, newest first (added by the host; absent from the worker). */
  earlierRuns?: EarlierRun[];
}

/** A compact live update while training runs (throttled). */
export interface ProgressInfo {
  iteration: number;
  epoch: number;
  running: boolean;
  done: boolean;
  /** History points added since the previous update. */
  newHistory: HistoryPoint[];
  /** Set when the host decided to replace the whole history (downsampling happened); `newHistory` is then empty. */
  history?: HistoryPoint[];
  /** The live verdict (sent about once a second while training runs). */
  convergence?: Convergence;
  /** The current weights, and the decision boundary over the chosen two features (sent a few times a second). */
  weights?: WeightsInfo;
  boundary?: BoundaryInfo | null;
}

/**
 * A session kept by the host across window reloads (in workspaceState): enough to re-read and re-prepare
 * the same CSV the same way and continue training exactly where it was. JSON-serialisable.
 */
export interface SavedSession {
  format: 'logistic-regression-lab/saved-session';
  version: 1;
  /** The CSV (full path) and its size in bytes and modification time in ms when it was read. */
  file: string;
  fileSize: number;
  fileMtimeMs: number;
  /** The preparation options the dataset was loaded with. */
  prepare: PrepareOptions;
  /** Decision threshold of the metrics (the slider; may differ from `session.config.threshold`). */
  threshold: number;
  /** Parameters, optimiser state, counters, settings and (possibly thinned) history. */
  session: SessionSnapshot;
  lastStep: StepRecord | null;
  comparison: ComparisonRun[] | null;
  /** What was left out or thinned to bound the size (e.g. 'lastStep', 'history thinned 4×'); empty if nothing. */
  trimmed: string[];
}

// ───────────────────────────── Host ⇄ worker ─────────────────────────────

/** Requests from the extension host to the training worker. Every request has an id; the worker answers with the same id. */
export type WorkerRequest =
  /** Parse a CSV and list its columns for the target picker. */
  | { id: number; type: 'describe'; file: string }
  /** Parse, prepare and create a new session (replaces any current one). */
  | { id: number; type: 'load'; file: string; prepare: PrepareOptions; config: Partial<TrainConfig> }
  /** Exactly one parameter update. */
  | { id: number; type: 'step' }
  /** Finish the current epoch. */
  | { id: number; type: 'stepEpoch' }
  /** Raise the epoch budget by `epochs` and keep the weights (the host then runs on). */
  | { id: number; type: 'extend'; epochs: number }
  /** One update back (exact replay from a checkpoint); the record of the update that led there. */
  | { id: number; type: 'stepBack' }
  /** To the state at an iteration (back by replay from a checkpoint, forward by training). */
  | { id: number; type: 'goto'; iteration: number }
  /** Train until done or paused; the worker streams `progress` events meanwhile. */
  | { id: number; type: 'run' }
  /** Stop a running `run` at the next update boundary. */
  | { id: number; type: 'pause' }
  /** One prepared row of a split (its features x as the model sees them, its label and CSV line), for the what-if view. */
  | { id: number; type: 'row'; split: 'train' | 'test'; index: number }
  /** The loss landscape over parameters p and q (indices of θ = [W, b]). */
  | { id: number; type: 'landscape'; p: number; q: number }
  /** The decision boundary over features x and y (indices of the model's features); later states and progress show this pair. */
  | { id: number; type: 'boundary'; x: number; y: number }
  /**
   * The pace of runs: at most this many updates a second, 0 = as fast as possible (MAX_UPDATES_PER_SECOND at
   * most). Applies at once, also to a run in progress.
   */
  | { id: number; type: 'speed'; updatesPerSecond: number }
  /** Back to the initial weights (iteration 0). */
  | { id: number; type: 'reset' }
  /** Change training settings and reset (dataset kept); `keepWeights`: start from the current weights instead of `init`. */
  | { id: number; type: 'configure'; config: Partial<TrainConfig>; keepWeights?: boolean }
  /** Metrics of the test split (train when there is none) at another threshold. */
  | { id: number; type: 'evaluate'; threshold: number }
  /** Train the same data with BCE and with MSE and return both histories. */
  | { id: number; type: 'compare' }
  /** Train briefly at each α of a log grid around 2/L (same data, settings and start) and return each final cost. */
  | { id: number; type: 'sweep' }
  /** The model as versioned JSON text. */
  | { id: number; type: 'export' }
  /** Apply a saved model (read by the worker from modelFile, off the host's thread) to a CSV; returns the predictions. */
  | { id: number; type: 'predict'; modelFile: string; file: string }
  /** The full state (for a webview that was rebuilt). */
  | { id: number; type: 'state' }
  /** The current session as a SavedSession of at most `maxChars` characters of JSON (trimmed to fit, else null). */
  | { id: number; type: 'snapshot'; maxChars: number }
  /** Re-read and re-prepare a saved session's CSV (unchanged size and mtime) and continue that session; replaces any current one. */
  | { id: number; type: 'restore'; saved: SavedSession }
  /** Drop the current session and free its memory (answers `closed`). */
  | { id: number; type: 'close' };

/** An engine failure as data (LabError fields). */
export interface WorkerError {
  code: string;
  message: string;
  location?: { file?: string; line?: number; column?: number; columnName?: string };
}

/** Messages from the worker to the host. */
export type WorkerMessage =
  /** Successful reply to request `id`. */
  | { type: 'reply'; id: number; result: WorkerResult }
  /** Failed reply to request `id`. */
  | { type: 'error'; id: number; error: WorkerError }
  /** Live progress of a `run` (throttled by the worker). */
  | { type: 'progress'; progress: ProgressInfo };

/** Results by request type. */
export type WorkerResult =
  /** `rowBytes`: the bytes a row of the file's typed columns takes (for the memory a load needs). */
  | { type: 'columns'; rows: number; columns: ColumnInfo[]; suggested: string | null; rowBytes: number }
  | { type: 'state'; state: SessionState }
  | { type: 'step'; state: SessionState; record: StepRecord }
  /** After going back or forward: the state and the record of the update that led to it (null at iteration 0). */
  | { type: 'travel'; state: SessionState; record: StepRecord | null }
  /** `metrics` = test split (train when there is none); `train`/`test` = both splits at that threshold. */
  | { type: 'metrics'; metrics: ConfusionMetrics; train: ConfusionMetrics; test: ConfusionMetrics | null }
  | { type: 'comparison'; runs: ComparisonRun[] }
  | { type: 'sweep'; sweep: RateSweepResult }
  | { type: 'model'; json: string }
  | { type: 'predictions'; csv: string; rows: number }
  /** `saved` is null when even the trimmed session exceeds the size limit; `chars` = its JSON length. */
  | { type: 'snapshot'; saved: SavedSession | null; chars: number }
  | { type: 'closed' }
  | { type: 'speed'; updatesPerSecond: number }
  | { type: 'landscape'; landscape: LandscapeInfo }
  | { type: 'boundary'; boundary: BoundaryInfo | null }
  | { type: 'row'; row: RowInfo };

/** Which result each request type answers with: the one request→reply map of host and worker. */
export interface ResultByRequest {
  describe: 'columns';
  load: 'state';
  step: 'step';
  stepEpoch: 'state';
  stepBack: 'travel';
  extend: 'state';
  goto: 'travel';
  run: 'state';
  pause: 'state';
  speed: 'speed';
  landscape: 'landscape';
  boundary: 'boundary';
  row: 'row';
  reset: 'state';
  configure: 'state';
  evaluate: 'metrics';
  compare: 'comparison';
  sweep: 'sweep';
  export: 'model';
  predict: 'predictions';
  state: 'state';
  snapshot: 'snapshot';
  restore: 'state';
  close: 'closed';
}
/** The result of a request of type T. */
export type ResultOf<T extends WorkerRequest['type']> = Extract<WorkerResult, { type: ResultByRequest[T] }>;
/** A result of a given result type. */
export type ResultNamed<R extends WorkerResult['type']> = Extract<WorkerResult, { type: R }>;

// ───────────────────────────── Host ⇄ webviews ─────────────────────────────

/** Messages the host posts to a webview (only after it said `ready`). */
export type ToWebview =
  /** Full state: draw everything. null = no session yet (show the empty state). */
  | { type: 'state'; state: SessionState | null }
  /** Live training progress. */
  | { type: 'progress'; progress: ProgressInfo }
  /** New metrics (after a threshold change or at the end of a run). */
  | { type: 'metrics'; requestId?: number; test: ConfusionMetrics | null; train: ConfusionMetrics }
  /** An error to show inline (also shown as a VS Code notification by the host). */
  | { type: 'error'; message: string }
  /** The answer to a webview's `row` request (null with `error` when there is no such row). */
  | { type: 'row'; requestId: number; row: RowInfo | null; error?: string }
  /** The answer to a webview's `landscape` request (null with `error` when it could not be computed). */
  | { type: 'landscape'; requestId: number; landscape: LandscapeInfo | null; error?: string }
  /** The answer to a webview's `boundary` request (null with `error` when it could not be computed). */
  | { type: 'boundary'; requestId: number; boundary: BoundaryInfo | null; error?: string }
  /** The user stepped (Step, F10 from any tab, Step Back, Go to Iteration, the timeline): show the Step tab. */
  | { type: 'showStep' }
  /** Host is busy with a long task (loading, comparing); null clears. */
  | { type: 'busy'; label: string | null };

/** Commands a webview button can trigger; they map 1:1 to extension commands. */
export type WebviewCommand =
  | 'train'
  | 'step'
  | 'stepEpoch'
  | 'stepBack'
  | 'run'
  | 'pause'
  | 'reset'
  | 'compare'
  | 'sweep'
  | 'export'
  | 'showDashboard';

/** Messages a webview posts to the host. */
export type FromWebview =
  /** The page has loaded and listens; the host answers with `state`. */
  | { type: 'ready' }
  /** A button was pressed. */
  | { type: 'command'; command: WebviewCommand }
  /** The threshold slider moved (binary); the host answers with `metrics` carrying the same requestId. */
  | { type: 'setThreshold'; requestId: number; threshold: number }
  /** Train this many more epochs from where the run stopped (weights kept). */
  | { type: 'extend'; epochs: number }
  /** Forget the earlier runs overlaid on the Training tab. */
  | { type: 'clearEarlierRuns' }
  /** Put `text` on the clipboard (e.g. the step's rows as TSV); `what` names it in the confirmation. */
  | { type: 'copy'; what: 'rows'; text: string }
  /** The what-if view wants row `index` of a split; the host answers with `row` and the same requestId. */
  | { type: 'row'; requestId: number; split: 'train' | 'test'; index: number }
  /** The Landscape tab wants J over parameters p and q; the host answers with `landscape` and the same requestId. */
  | { type: 'landscape'; requestId: number; p: number; q: number }
  /** The boundary chart's features were chosen; the host answers with `boundary` and the same requestId. */
  | { type: 'boundary'; requestId: number; x: number; y: number }
  /** The speed slider moved: runs make at most this many updates a second (0 = as fast as possible). */
  | { type: 'speed'; updatesPerSecond: number }
  /** The timeline was moved: go to that iteration (the host answers with a new state). */
  | { type: 'goto'; iteration: number }
  /** Settings edited in the dashboard: re-train with them. */
  | {
      type: 'configure';
      config: Partial<TrainConfig>;
      /** Preparation settings that changed (test size, seed, standardisation): the file is prepared again, from the start. */
      prepare?: Partial<PrepareOptions>;
      /** false: wait at iteration 0 instead of training (default true). */
      run?: boolean;
      /** Start the new settings from the current weights ("Apply") instead of the initial ones ("Apply and restart"). */
      keepWeights?: boolean;
    };

/** The fastest pace a run can be given other than "as fast as possible" (0). */
export const MAX_UPDATES_PER_SECOND = 1000;

/** A pace from anywhere (a setting, a webview): a finite number in [0, MAX_UPDATES_PER_SECOND], else null. */
export function checkedSpeed(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_UPDATES_PER_SECOND ? v : null;
}

/** Exhaustiveness helper for `switch` over a union's `type`. */
export function assertNever(x: never): never {
  throw new Error(`Unexpected message: ${JSON.stringify(x)}`);
}
