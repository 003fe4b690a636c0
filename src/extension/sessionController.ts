/**
 * The host's view of the one training session that lives in the worker: forwards requests, keeps the
 * latest SessionState (patched by live progress), tells the webviews what changed, and maintains the
 * context keys `logisticLab.hasSession` and `logisticLab.running` used by menus and keybindings.
 * No maths here: every number comes from the worker.
 */
import * as vscode from 'vscode';
import type { ConfusionMetrics, PrepareOptions, StepRecord, TrainConfig } from '../engine/types';
import type { ColumnInfo, ComparisonRun, ProgressInfo, SessionState } from '../protocol';
import type { Log } from './log';
import { WorkerFailure, type WorkerClient } from './workerClient';

export const CONTEXT_HAS_SESSION = 'logisticLab.hasSession';
export const CONTEXT_RUNNING = 'logisticLab.running';

/** Columns of a CSV as offered in the target picker. */
export interface DescribedFile {
  rows: number;
  columns: ColumnInfo[];
  suggested: string | null;
}

/** A long task started by the controller, for progress notifications. */
export interface LongTask {
  kind: 'run' | 'compare';
  done: Promise<unknown>;
}

export class SessionController implements vscode.Disposable {
  private current: SessionState | undefined;
  private runPromise: Promise<SessionState> | undefined;
  private comparePromise: Promise<ComparisonRun[]> | undefined;
  private busyLabel: string | null = null;
  private contextKeys = { hasSession: false, running: false };
  private readonly disposables: vscode.Disposable[] = [];

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
  ) {
    this.disposables.push(
      worker.onProgress((p) => this.applyProgress(p)),
      worker.onDidCrash(({ failure, failedRequests }) => {
        this.runPromise = undefined;
        this.comparePromise = undefined;
        this.setBusy(null);
        // When requests failed with the crash, their callers report it; otherwise say so here.
        if (this.current && failedRequests === 0) this.lostEmitter.fire(failure);
        this.setState(undefined);
      }),
    );
    void this.updateContextKeys();
  }

  /** The latest known state, or undefined without a session. */
  get state(): SessionState | undefined {
    return this.current;
  }

  get hasSession(): boolean {
    return this.current !== undefined;
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
    return { rows: r.rows, columns: r.columns, suggested: r.suggested };
  }

  /** Parses and prepares a CSV and starts a new session at iteration 0. On failure the old session stays. */
  async load(file: string, prepare: PrepareOptions, config: Partial<TrainConfig>): Promise<SessionState> {
    const r = await this.withBusy(`Preparing ${baseName(file)}…`, () =>
      this.worker.request({ type: 'load', file, prepare, config }),
    );
    // A load replaces any running session in the worker (it pauses that run first).
    this.setState(r.state);
    return r.state;
  }

  /** Exactly one parameter update; returns what it did. */
  async step(): Promise<StepRecord> {
    this.requireSession();
    const r = await this.worker.request({ type: 'step' });
    this.setState(r.state);
    return r.record;
  }

  /** Finishes the current epoch. */
  async stepEpoch(): Promise<SessionState> {
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
    this.requireSession();
    const p = (async (): Promise<SessionState> => {
      try {
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
    this.requireSession();
    const r = await this.worker.request({ type: 'pause' });
    if (this.runPromise) await this.runPromise.catch(() => undefined);
    this.setState(r.state);
    return r.state;
  }

  /** Back to the initial weights (iteration 0), same data and settings. */
  async reset(): Promise<SessionState> {
    this.requireSession();
    const r = await this.worker.request({ type: 'reset' });
    this.setState(r.state);
    return r.state;
  }

  /** New training settings (validated by the engine), then back to iteration 0. */
  async configure(config: Partial<TrainConfig>): Promise<SessionState> {
    this.requireSession();
    const r = await this.worker.request({ type: 'configure', config });
    this.setState(r.state);
    return r.state;
  }

  /** Metrics of both splits at another decision threshold (binary). */
  async evaluate(threshold: number, requestId?: number): Promise<{ train: ConfusionMetrics; test: ConfusionMetrics | null }> {
    this.requireSession();
    const r = await this.worker.request({ type: 'evaluate', threshold });
    if (this.current) {
      this.current = {
        ...this.current,
        config: { ...this.current.config, threshold },
        train: r.train,
        test: r.test,
      };
    }
    this.metricsEmitter.fire({ requestId, train: r.train, test: r.test });
    return { train: r.train, test: r.test };
  }

  /** Trains the same data with BCE and with MSE (fresh weights each) and stores both histories in the state. */
  compare(): Promise<ComparisonRun[]> {
    if (this.comparePromise) return this.comparePromise;
    this.requireSession();
    const p = (async (): Promise<ComparisonRun[]> => {
      try {
        const r = await this.withBusy('Comparing BCE and MSE…', () => this.worker.request({ type: 'compare' }));
        this.comparePromise = undefined;
        if (this.current) this.setState({ ...this.current, comparison: r.runs });
        return r.runs;
      } catch (err) {
        this.comparePromise = undefined;
        throw err;
      }
    })();
    this.comparePromise = p;
    this.taskEmitter.fire({ kind: 'compare', done: p });
    return p;
  }

  /** The current model as versioned JSON text. */
  async exportModel(): Promise<string> {
    this.requireSession();
    return (await this.worker.request({ type: 'export' })).json;
  }

  /** Applies a saved model (JSON text) to a CSV; returns the predictions as CSV text. */
  async predict(modelJson: string, modelFile: string, file: string): Promise<{ csv: string; rows: number }> {
    const r = await this.withBusy(`Predicting ${baseName(file)}…`, () =>
      this.worker.request({ type: 'predict', modelJson, modelFile, file }),
    );
    return { csv: r.csv, rows: r.rows };
  }

  /** Asks the worker for the full state (e.g. for a rebuilt webview or a test). */
  async refresh(): Promise<SessionState | undefined> {
    if (!this.current) return undefined;
    const r = await this.worker.request({ type: 'state' });
    this.current = r.state;
    return r.state;
  }

  /** Ends the session and frees the worker's memory. */
  async close(): Promise<void> {
    if (this.worker.alive) await this.worker.request({ type: 'close' });
    this.runPromise = undefined;
    this.comparePromise = undefined;
    this.setState(undefined);
  }

  dispose(): void {
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
      throw new WorkerFailure('no-session', 'No training session yet: run "Logistic Lab: Train on CSV…" first.');
    }
  }

  private setState(state: SessionState | undefined): void {
    this.current = state;
    void this.updateContextKeys();
    this.stateEmitter.fire(state ?? null);
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
    const next = { hasSession: this.current !== undefined, running: this.runPromise !== undefined };
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
