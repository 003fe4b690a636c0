/**
 * The host's side of the training worker (`dist/worker.js`, a worker_threads thread that owns the
 * TrainingSession). Sends typed requests with ids, matches replies, forwards live progress, and
 * survives the worker's death: pending requests fail with a clear error, `onDidCrash` fires, and the
 * next request starts a fresh worker.
 */
import { totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { ProgressInfo, ResultOf, WorkerError, WorkerMessage, WorkerRequest, WorkerResult } from '../protocol';

/** A request without its id (the client assigns ids). */
type Without<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
export type WorkerCall = Without<WorkerRequest, 'id'>;

export type { ResultOf } from '../protocol';

/** A failure reported by the worker (an engine LabError as data) or by the client itself. */
/**
 * JavaScript heap limit of the training worker: half of the machine's memory, between 1 and 8 GB. Beyond it the
 * worker stops with ERR_WORKER_OUT_OF_MEMORY, reported as one error message, instead of taking the machine down.
 * (Training data live in typed arrays outside this heap; the limit catches runaway object graphs.)
 */
export function workerHeapLimitMb(): number {
  return Math.round(Math.min(8192, Math.max(1024, totalmem() / 2 ** 20 / 2)));
}

export class WorkerFailure extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly location: WorkerError['location'] = {},
  ) {
    super(message);
    this.name = 'WorkerFailure';
  }
}

/** Requests the host sends on its own (nobody reports their failure to the user). */
const BACKGROUND: ReadonlySet<WorkerCall['type']> = new Set<WorkerCall['type']>(['snapshot']);

interface Pending {
  type: WorkerCall['type'];
  resolve: (result: WorkerResult) => void;
  reject: (error: Error) => void;
}

export class WorkerClient implements vscode.Disposable {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;
  private readonly progressEmitter = new vscode.EventEmitter<ProgressInfo>();
  private readonly crashEmitter = new vscode.EventEmitter<{ failure: WorkerFailure; failedRequests: number }>();
  /** Live progress of a `run`, as the worker sends it. */
  readonly onProgress = this.progressEmitter.event;
  /**
   * The worker died (error, non-zero exit); the session it held is gone. `failedRequests` user requests were
   * rejected with it (background snapshots not counted).
   */
  readonly onDidCrash = this.crashEmitter.event;

  constructor(
    private readonly scriptPath: string,
    private readonly log: (message: string) => void,
  ) {}

  /** Whether a worker thread is currently alive. */
  get alive(): boolean {
    return this.worker !== undefined;
  }

  /** Sends one request; resolves with its typed result, rejects with a WorkerFailure. */
  request<C extends WorkerCall>(call: C): Promise<ResultOf<C['type']>> {
    if (this.disposed) return Promise.reject(new WorkerFailure('disposed', vscode.l10n.t('Logistic Regression Lab is shutting down.')));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<ResultOf<C['type']>>((resolve, reject) => {
      this.pending.set(id, {
        type: call.type,
        resolve: (r) => resolve(r as ResultOf<C['type']>),
        reject,
      });
      worker.postMessage({ ...call, id } as WorkerRequest);
    });
  }

  /** Stops the worker thread (its session is lost); the next request starts a new one. */
  async terminate(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    w.removeAllListeners();
    this.failAll(new WorkerFailure('terminated', vscode.l10n.t('The training worker was stopped.')));
    await w.terminate();
  }

  /** Ends the thread abruptly, as a crash would: the crash path runs (pending requests fail, onDidCrash fires). */
  async simulateCrash(): Promise<void> {
    await this.worker?.terminate();
  }

  dispose(): void {
    this.disposed = true;
    void this.terminate();
    this.progressEmitter.dispose();
    this.crashEmitter.dispose();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.scriptPath, { resourceLimits: { maxOldGenerationSizeMb: workerHeapLimitMb() } });
    this.worker = w;
    this.log(`Training worker started (thread ${w.threadId}).`);
    w.on('message', (msg: WorkerMessage) => this.onMessage(msg));
    w.on('error', (err: Error) =>
      this.onDeath(
        w,
        (err as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `ran out of memory (its limit is ${workerHeapLimitMb()} MB of JavaScript heap)`
          : `crashed: ${err.message}`,
      ),
    );
    w.on('messageerror', (err: Error) => this.onDeath(w, `sent an unreadable message: ${err.message}`));
    w.on('exit', (code: number) => this.onDeath(w, `exited with code ${code}`));
    // A worker must never keep VS Code's extension host alive on shutdown.
    w.unref();
    return w;
  }

  private onMessage(msg: WorkerMessage): void {
    switch (msg.type) {
      case 'progress':
        this.progressEmitter.fire(msg.progress);
        return;
      case 'reply': {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        p.resolve(msg.result);
        return;
      }
      case 'error': {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        p.reject(new WorkerFailure(msg.error.code, msg.error.message, msg.error.location ?? {}));
        return;
      }
      default: {
        const unknown: never = msg;
        this.log(`Ignored an unknown message from the worker: ${JSON.stringify(unknown).slice(0, 200)}`);
      }
    }
  }

  private onDeath(w: Worker, what: string): void {
    if (this.worker !== w) return; // already replaced or terminated on purpose
    this.worker = undefined;
    w.removeAllListeners();
    void w.terminate();
    const failure = new WorkerFailure(
      'worker-crashed',
      vscode.l10n.t(
        'The training worker {0}; the training session was lost. Train again (it restarts automatically); if this repeats, try a smaller file or batch size.',
        what,
      ),
    );
    this.log(failure.message);
    // Background saves (snapshot) have no caller to report the failure: they do not count.
    const failedRequests = [...this.pending.values()].filter((p) => !BACKGROUND.has(p.type)).length;
    this.failAll(failure);
    if (!this.disposed) this.crashEmitter.fire({ failure, failedRequests });
  }

  private failAll(error: WorkerFailure): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }
}
