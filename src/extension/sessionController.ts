/**
 * The host's view of the one training session that lives in the worker: forwards requests, keeps the
 * latest SessionState (patched by live progress), tells the webviews what changed, and maintains the
 * context keys `logisticLab.hasSession` and `logisticLab.running` used by menus and keybindings.
 * No maths here: every number comes from the worker.
 *
 * Across window reloads (with a SessionStore): after every meaningful change (load, step, end of a run or
 * pause, reset, configure, threshold, comparison — not live progress) the worker's size-bounded snapshot is
 * saved, debounced by SAVE_DELAY_MS, and during long runs every RUN_SAVE_INTERVAL_MS. At activation
 * `lookForSavedSession` checks the stored one against its CSV; `restorePending` (called when the dashboard
 * is revived or shown, or the Session view resolves) makes the worker continue it. Until then the session
 * counts as present (`hasSession`), and every request first waits for the restore.
 */
import * as vscode from 'vscode';
import type { ConfusionMetrics, PrepareOptions, StepRecord, TrainConfig } from '../engine/types';
import type { RateSweepResult } from '../engine/train/rate-sweep';
import { nextEarlierRuns } from './earlier-runs';
import type { EarlierRun, BoundaryInfo, ComparisonRun, LandscapeInfo, ProgressInfo, ResultNamed, RowInfo, SavedSession, SessionState } from '../protocol';
import type { Log } from './log';
import { MAX_SAVED_CHARS, RUN_SAVE_INTERVAL_MS, SAVE_DELAY_MS, staleReason, type SessionStore } from './persistence';
import { WorkerFailure, type WorkerClient } from './workerClient';

export const CONTEXT_HAS_SESSION = 'logisticLab.hasSession';
export const CONTEXT_RUNNING = 'logisticLab.running';

/** Columns of a CSV as offered in the target picker: the worker's `describe` reply. */
export type DescribedFile = Omit<ResultNamed<'columns'>, 'type'>;

/** A long task started by the controller, for progress notifications. */
export interface LongTask {
  kind: 'run' | 'compare' | 'sweep';
  done: Promise<unknown>;
}

export class SessionController implements vscode.Disposable {
  private current: SessionState | undefined;
  private runPromise: Promise<SessionState> | undefined;
  /** The compare or sweep in flight, by kind. */
  private sideBySideTasks: Partial<Record<'compare' | 'sweep', Promise<unknown>>> = {};
  private busyLabel: string | null = null;
  /** Runs made earlier on the same data with other settings (see earlier-runs.ts). */
  private earlier: EarlierRun[] = [];
  private contextKeys = { hasSession: false, running: false };
  private readonly disposables: vscode.Disposable[] = [];

  /** Changes whenever the session is replaced or ends (load, restore, close, crash): stale replies are ignored. */
  private generation = 0;
  /** A saved session checked against its file, waiting to be restored. */
  private pendingRestore: SavedSession | undefined;
  /** The check of the stored session at activation, while it runs. */
  private lookup: Promise<void> | undefined;
  private restoring: Promise<SessionState | undefined> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Saves run one after another. */
  private saveChain: Promise<void> = Promise.resolve();
  private nextRunSave = 0;
  private lastTrimmed = '';

  private readonly stateEmitter = new vscode.EventEmitter<SessionState | null>();
  private readonly progressEmitter = new vscode.EventEmitter<ProgressInfo>();
  private readonly busyEmitter = new vscode.EventEmitter<string | null>();
  private readonly metricsEmitter = new vscode.EventEmitter<{
    requestId?: number;
    train: ConfusionMetrics;
    test: ConfusionMetrics | null;
  }>();
  private readonly taskEmitter = new vscode.EventEmitter<LongTask>();
  private readonly lostEmitter = new vscode.EventEmitter<WorkerFailure>();

  /** A new full state (null: the session ended). */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Live progress of a run (already applied to `state`). */
  readonly onProgress = this.progressEmitter.event;
  /** A long host task started or ended (null). */
  readonly onBusy = this.busyEmitter.event;
  /** Metrics at a new threshold. */
  readonly onMetrics = this.metricsEmitter.event;
  /** A run or comparison started. */
  readonly onDidStartTask = this.taskEmitter.event;
  /** The worker died while idle and took the session with it (a failed request reports it otherwise). */
  readonly onDidLoseSession = this.lostEmitter.event;

  constructor(
    private readonly worker: WorkerClient,
    private readonly log: Log,
    private readonly store?: SessionStore,
  ) {
    this.disposables.push(
      worker.onProgress((p) => this.applyProgress(p)),
      worker.onDidCrash(({ failure, failedRequests }) => {
        this.runPromise = undefined;
        this.sideBySideTasks = {};
        this.setBusy(null);
        // When requests failed with the crash, their callers report it; otherwise say so here.
        if (this.current && failedRequests === 0) this.lostEmitter.fire(failure);
        // The session is reported lost: do not bring it back after a reload either.
        this.endSession(true);
        this.setState(undefined);
      }),
    );
    void this.updateContextKeys();
  }

  /** The latest known state, or undefined without a session (also while a saved one waits to be restored). */
  get state(): SessionState | undefined {
    return this.current;
  }

  /** A session exists, or a saved one is about to be restored. */
  get hasSession(): boolean {
    return this.current !== undefined || this.pendingRestore !== undefined || this.restoring !== undefined;
  }

  get running(): boolean {
    return this.runPromise !== undefined;
  }

  get busy(): string | null {
    return this.busyLabel;
  }

  /** Columns of a CSV for the target picker (does not touch the session). */
  async describe(file: string): Promise<DescribedFile> {
    const r = await this.withBusy(`Reading ${baseName(file)}…`, () => this.worker.request({ type: 'describe', file }));
    return { rows: r.rows, columns: r.columns, suggested: r.suggested, rowBytes: r.rowBytes };
  }

  /** One prepared row of a split (what-if view). */
  async row(split: 'train' | 'test', index: number): Promise<RowInfo> {
    this.requireSession();
    return (await this.worker.request({ type: 'row', split, index })).row;
  }

  /** The loss landscape of the current model over parameters p and q (see LandscapeInfo). */
  async landscape(p: number, q: number): Promise<LandscapeInfo> {
    this.requireSession();
    const r = await this.worker.request({ type: 'landscape', p, q });
    return r.landscape;
  }

  /** Forgets the earlier runs overlaid on the Training tab. */
  clearEarlierRuns(): void {
    this.earlier = [];
    if (this.current) {
      this.current = { ...this.current, earlierRuns: [] };
      this.stateEmitter.fire(this.current);
    }
  }

  /** The decision boundary over features x and y; later states and progress show this pair. */
  async boundary(x: number, y: number): Promise<BoundaryInfo | null> {
    this.requireSession();
    const r = await this.worker.request({ type: 'boundary', x, y });
    if (this.current) this.current = { ...this.current, boundary: r.boundary };
    return r.boundary;
  }

  /** The pace of runs (updates per second, 0 = as fast as possible); applies at once, also to a run in progress. */
  async setSpeed(updatesPerSecond: number): Promise<void> {
    const r = await this.worker.request({ type: 'speed', updatesPerSecond });
    if (this.current) this.current = { ...this.current, updatesPerSecond: r.updatesPerSecond };
  }

  /** Parses and prepares a CSV and starts a new session at iteration 0. On failure the old session stays. */
  async load(file: string, prepare: PrepareOptions, config: Partial<TrainConfig>): Promise<SessionState> {
    // A new session supersedes a saved one still waiting (or being restored).
    this.generation++;
    this.pendingRestore = undefined;
    const r = await this.withBusy(`Preparing ${baseName(file)}…`, () =>
      this.worker.request({ type: 'load', file, prepare, config }),
    );
    // A load replaces any running session in the worker (it pauses that run first).
    this.generation++;
    this.setState(r.state);
    return r.state;
  }

  /** Exactly one parameter update; returns what it did. */
  async step(): Promise<StepRecord> {
    await this.ensureRestored();
    this.requireSession();
    const r = await this.worker.request({ type: 'step' });
    this.setState(r.state);
    return r.record;
  }

  /** Raises the epoch budget by `epochs`, keeping the weights (the caller runs on). */
  async extend(epochs: number): Promise<SessionState> {
    await this.ensureRestored();
    this.requireSession();
    const r = await this.worker.request({ type: 'extend', epochs });
    this.setState(r.state);
    return r.state;
  }

  /** One update back (exact replay); returns the record of the update that led there (null at iteration 0). */
  async stepBack(): Promise<StepRecord | null> {
    await this.ensureRestored();
    this.requireSession();
    const r = await this.worker.request({ type: 'stepBack' });
    this.setState(r.state);
    return r.record;
  }

  /** To the state at `iteration` (back by exact replay, forward by training). */
  async goTo(iteration: number): Promise<SessionState> {
    await this.ensureRestored();
    this.requireSession();
    const r = await this.worker.request({ type: 'goto', iteration });
    this.setState(r.state);
    return r.state;
  }

  /** Finishes the current epoch. */
  async stepEpoch(): Promise<SessionState> {
    await this.ensureRestored();
    this.requireSession();
    const r = await this.worker.request({ type: 'stepEpoch' });
    this.setState(r.state);
    return r.state;
  }

  /**
   * Trains until done or paused. While a run is going, calling this again returns the same promise,
   * so `await run()` always waits for the current run to end. Resolves with the final state.
   */
  run(): Promise<SessionState> {
    if (this.runPromise) return this.runPromise;
    if (this.awaitingRestore) return this.ensureRestored().then(() => this.run());
    this.requireSession();
    const p = (async (): Promise<SessionState> => {
      try {
        this.nextRunSave = Date.now() + RUN_SAVE_INTERVAL_MS;
        const r = await this.worker.request({ type: 'run' });
        this.runPromise = undefined;
        this.setState(r.state);
        return r.state;
      } catch (err) {
        this.runPromise = undefined;
        void this.updateContextKeys();
        await this.refreshAfterError();
        throw err;
      }
    })();
    this.runPromise = p;
    if (this.current) this.current = { ...this.current, running: true };
    void this.updateContextKeys();
    this.taskEmitter.fire({ kind: 'run', done: p });
    return p;
  }

  /** Stops a run (or a comparison) at the next update; resolves with the state once it stopped. */
  async pause(): Promise<SessionState> {
    await this.ensureRestored();
    this.requireSession();
    const r = await this.worker.request({ type: 'pause' });
    if (this.runPromise) await this.runPromise.catch(() => undefined);
    this.setState(r.state);
    return r.state;
  }

  /** Back to the initial weights (iteration 0), same data and settings. */
  async reset(): Promise<SessionState> {
    await this.ensureRestored();
    this.requireSession();
    const r = await this.worker.request({ type: 'reset' });
    this.setState(r.state);
    return r.state;
  }

  /** New training settings (validated by the engine), then back to iteration 0. */
  async configure(config: Partial<TrainConfig>, keepWeights = false): Promise<SessionState> {
    await this.ensureRestored();
    this.requireSession();
    const r = await this.worker.request({ type: 'configure', config, keepWeights });
    this.setState(r.state);
    return r.state;
  }

  /**
   * The same file prepared again with other preparation options (test size, seed, standardisation …) and a new
   * session with these training settings at iteration 0; on failure the old session stays.
   */
  async reprepare(prepare: Partial<PrepareOptions>, config: Partial<TrainConfig>): Promise<SessionState> {
    await this.ensureRestored();
    this.requireSession();
    const cur = this.current!;
    return this.load(cur.dataset.filePath, { ...cur.prepare, ...prepare }, { ...cur.config, ...config });
  }

  /** Metrics of both splits at another decision threshold (binary). */
  async evaluate(threshold: number, requestId?: number): Promise<{ train: ConfusionMetrics; test: ConfusionMetrics | null }> {
    await this.ensureRestored();
    this.requireSession();
    const r = await this.worker.request({ type: 'evaluate', threshold });
    if (this.current) {
      this.current = {
        ...this.current,
        config: { ...this.current.config, threshold },
        train: r.train,
        test: r.test,
      };
      this.scheduleSave();
    }
    this.metricsEmitter.fire({ requestId, train: r.train, test: r.test });
    return { train: r.train, test: r.test };
  }

  /** Trains the same data with BCE and with MSE (fresh weights each) and stores both histories in the state. */
  compare(): Promise<ComparisonRun[]> {
    return this.sideBySide('compare', 'Comparing BCE and MSE…', async () => {
      const r = await this.worker.request({ type: 'compare' });
      return { value: r.runs, keep: { comparison: r.runs } };
    });
  }

  /** Trains briefly at each α of a log grid around 2/L and stores the final costs in the state. */
  sweep(): Promise<RateSweepResult> {
    return this.sideBySide('sweep', 'Sweeping the learning rate…', async () => {
      const r = await this.worker.request({ type: 'sweep' });
      return { value: r.sweep, keep: { sweep: r.sweep } };
    });
  }

  /**
   * A `compare` or `sweep` request (sessions trained side by side in the worker), busy meanwhile: `ask` sends it
   * and gives the value returned and the part of the state it replaces. A second call while one runs gets the same
   * promise.
   */
  private sideBySide<R>(
    kind: 'compare' | 'sweep', busy: string, ask: () => Promise<{ value: R; keep: Partial<SessionState> }>,
  ): Promise<R> {
    const running = this.sideBySideTasks[kind] as Promise<R> | undefined;
    if (running) return running;
    if (this.awaitingRestore) return this.ensureRestored().then(() => this.sideBySide(kind, busy, ask));
    this.requireSession();
    const p = (async (): Promise<R> => {
      try {
        const { value, keep } = await this.withBusy(busy, ask);
        delete this.sideBySideTasks[kind];
        if (this.current) this.setState({ ...this.current, ...keep });
        return value;
      } catch (err) {
        delete this.sideBySideTasks[kind];
        throw err;
      }
    })();
    this.sideBySideTasks[kind] = p;
    this.taskEmitter.fire({ kind, done: p });
    return p;
  }

  /** The current model as versioned JSON text. */
  async exportModel(): Promise<string> {
    await this.ensureRestored();
    this.requireSession();
    return (await this.worker.request({ type: 'export' })).json;
  }

  /** Applies a saved model (a file the worker reads) to a CSV; returns the predictions as CSV text. */
  async predict(modelFile: string, file: string): Promise<{ csv: string; rows: number }> {
    const r = await this.withBusy(`Predicting ${baseName(file)}…`, () =>
      this.worker.request({ type: 'predict', modelFile, file }),
    );
    return { csv: r.csv, rows: r.rows };
  }

  /** Asks the worker for the full state (e.g. for a rebuilt webview or a test). */
  async refresh(): Promise<SessionState | undefined> {
    await this.ensureRestored();
    if (!this.current) return undefined;
    const r = await this.worker.request({ type: 'state' });
    this.current = { ...r.state, earlierRuns: this.earlier };
    return this.current;
  }

  /** Ends the session and frees the worker's memory; the saved session is forgotten too. */
  async close(): Promise<void> {
    this.endSession(true);
    if (this.worker.alive) await this.worker.request({ type: 'close' });
    this.runPromise = undefined;
    this.sideBySideTasks = {};
    this.setState(undefined);
  }

  // ───────────────────────────── Across window reloads ─────────────────────────────

  /**
   * Looks for the session saved before the last window reload. If its CSV still has the saved size and
   * modification time it waits to be restored (`restorePending`) and `hasSession` becomes true; otherwise
   * it is dropped with a line in the log. Resolves when the check is done.
   */
  lookForSavedSession(): Promise<void> {
    const store = this.store;
    if (!store) return Promise.resolve();
    const gen = this.generation;
    const p = (async (): Promise<void> => {
      const saved = store.read();
      if (!saved) {
        if (store.hasValue) {
          this.log.info('Dropped a saved training session in an unknown format.');
          await store.clear();
        }
        return;
      }
      const stale = await staleReason(saved);
      if (gen !== this.generation || this.current) return; // a new session started meanwhile
      if (stale) {
        this.log.info(`Saved training session not restored: ${stale}.`);
        await store.clear();
        return;
      }
      this.pendingRestore = saved;
      this.log.info(
        `Found the training session saved for ${saved.file} (iteration ${saved.session.iteration}); ` +
          'it is restored when the dashboard or the Session view opens, or a command needs it.',
      );
      void this.updateContextKeys();
    })().finally(() => {
      if (this.lookup === p) this.lookup = undefined;
    });
    this.lookup = p;
    return p;
  }

  /**
   * Restores the saved session now, if one is waiting: the worker re-reads and re-prepares its CSV and
   * continues it, then every webview gets the full state. Concurrent calls share one restore. A failure
   * (file changed meanwhile, dataset no longer fits) drops the saved session with a line in the log.
   * Resolves with the state (the current one when nothing was waiting).
   */
  restorePending(): Promise<SessionState | undefined> {
    if (this.restoring) return this.restoring;
    if (!this.lookup && !this.pendingRestore) return Promise.resolve(this.current);
    const p = (async (): Promise<SessionState | undefined> => {
      await this.lookup;
      const saved = this.pendingRestore;
      if (!saved || this.current) {
        this.pendingRestore = undefined;
        return this.current;
      }
      const gen = this.generation;
      const name = baseName(saved.file);
      try {
        const r = await this.withBusy(`Restoring the session on ${name}…`, () =>
          this.worker.request({ type: 'restore', saved }),
        );
        if (gen !== this.generation) return this.current; // superseded by a load or close
        this.pendingRestore = undefined;
        this.generation++;
        const trimmed = saved.trimmed.length > 0 ? ` (saved without: ${saved.trimmed.join(', ')})` : '';
        this.log.info(`Restored the training session on ${saved.file} at iteration ${r.state.iteration}${trimmed}.`);
        this.setState(r.state, false);
        return r.state;
      } catch (err) {
        if (gen !== this.generation) return this.current;
        this.pendingRestore = undefined;
        this.log.info(`Saved training session not restored: ${err instanceof Error ? err.message : String(err)}`);
        await this.store?.clear();
        return undefined;
      }
    })().finally(() => {
      if (this.restoring === p) this.restoring = undefined;
      void this.updateContextKeys();
    });
    this.restoring = p;
    return p;
  }

  /** Writes a pending save now and waits for saves in progress (before the window closes or reloads). */
  async flushSave(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      this.saveChain = this.saveChain.then(() => this.saveNow());
    }
    await this.saveChain;
  }

  /**
   * Forgets the in-memory session without touching the saved one, as a window reload does (a test hook;
   * the caller also stops the worker). `lookForSavedSession` and `restorePending` then bring it back.
   */
  forgetForReload(): void {
    this.endSession(false);
    this.runPromise = undefined;
    this.sideBySideTasks = {};
    this.setBusy(null);
    this.setState(undefined, false);
  }

  dispose(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    for (const d of this.disposables) d.dispose();
    this.stateEmitter.dispose();
    this.progressEmitter.dispose();
    this.busyEmitter.dispose();
    this.metricsEmitter.dispose();
    this.taskEmitter.dispose();
    this.lostEmitter.dispose();
  }

  private requireSession(): void {
    if (!this.current) {
      throw new WorkerFailure('no-session', vscode.l10n.t('No training session yet: run "Logistic Lab: Train on CSV…" first.'));
    }
  }

  /** A new state (undefined: no session); `save` schedules saving it for a window reload. */
  private setState(state: SessionState | undefined, save = true): void {
    if (state) {
      this.earlier = nextEarlierRuns(this.current, state, this.earlier);
      state = { ...state, earlierRuns: this.earlier };
    } else this.earlier = [];
    this.current = state;
    void this.updateContextKeys();
    this.stateEmitter.fire(state ?? null);
    if (state && save) this.scheduleSave();
  }

  /** Whether requests must wait for a saved session to be checked or restored first. */
  private get awaitingRestore(): boolean {
    return !this.current && (this.lookup !== undefined || this.pendingRestore !== undefined || this.restoring !== undefined);
  }

  private async ensureRestored(): Promise<void> {
    if (this.awaitingRestore) await this.restorePending();
  }

  /** The session (or the saved one waiting) ends: stale replies and pending saves are dropped; `forget` clears the store. */
  private endSession(forget: boolean): void {
    this.generation++;
    this.pendingRestore = undefined;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (forget && this.store) void this.store.clear();
  }

  /** Saves the session SAVE_DELAY_MS from now, with every change until then. */
  private scheduleSave(): void {
    if (!this.store || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveChain = this.saveChain.then(() => this.saveNow());
    }, SAVE_DELAY_MS);
  }

  /** Asks the worker for a size-bounded snapshot and stores it (never rejects). */
  private async saveNow(): Promise<void> {
    const store = this.store;
    if (!store || !this.current || !this.worker.alive) return;
    const gen = this.generation;
    try {
      const r = await this.worker.request({ type: 'snapshot', maxChars: MAX_SAVED_CHARS });
      if (gen !== this.generation || !this.current) return;
      if (!r.saved) {
        if (this.lastTrimmed !== 'skipped') {
          this.log.warn(
            `The session is too large to keep across window reloads (${r.chars} characters of JSON after trimming); ` +
              'it will not be restored after a reload.',
          );
        }
        this.lastTrimmed = 'skipped';
        await store.clear();
        return;
      }
      const trimmed = r.saved.trimmed.join(', ');
      if (trimmed !== this.lastTrimmed && trimmed !== '') {
        this.log.info(`Saved the session for window reloads without: ${trimmed} (${r.chars} characters of JSON).`);
      }
      this.lastTrimmed = trimmed;
      await store.write(r.saved);
    } catch (err) {
      if (gen === this.generation) {
        this.log.warn(`Could not save the session for window reloads: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** After a failed run (e.g. divergence) the worker's session still exists: show its real state. */
  private async refreshAfterError(): Promise<void> {
    if (!this.current || !this.worker.alive) return;
    try {
      const r = await this.worker.request({ type: 'state' });
      this.setState(r.state);
    } catch (err) {
      this.log.warn(`Could not refresh the state after an error: ${(err as Error).message}`);
    }
  }

  private applyProgress(p: ProgressInfo): void {
    const s = this.current;
    if (s) {
      const history = p.history ? p.history.slice() : s.history.concat(p.newHistory);
      this.current = { ...s, iteration: p.iteration, epoch: p.epoch, running: p.running, done: p.done, history };
      if (p.convergence) this.current.convergence = p.convergence;
      if (p.weights) this.current.weights = p.weights;
      if (p.boundary !== undefined) this.current.boundary = p.boundary;
      if (this.runPromise && Date.now() >= this.nextRunSave) {
        this.nextRunSave = Date.now() + RUN_SAVE_INTERVAL_MS;
        this.scheduleSave();
      }
    }
    this.progressEmitter.fire(p);
  }

  private async withBusy<T>(label: string, task: () => Promise<T>): Promise<T> {
    this.setBusy(label);
    try {
      return await task();
    } finally {
      if (this.busyLabel === label) this.setBusy(null);
    }
  }

  private setBusy(label: string | null): void {
    if (this.busyLabel === label) return;
    this.busyLabel = label;
    this.busyEmitter.fire(label);
  }

  private async updateContextKeys(): Promise<void> {
    const next = { hasSession: this.hasSession, running: this.runPromise !== undefined };
    const prev = this.contextKeys;
    this.contextKeys = next;
    if (prev.hasSession !== next.hasSession) {
      await vscode.commands.executeCommand('setContext', CONTEXT_HAS_SESSION, next.hasSession);
    }
    if (prev.running !== next.running) {
      await vscode.commands.executeCommand('setContext', CONTEXT_RUNNING, next.running);
    }
  }
}

export function baseName(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] || file;
}
