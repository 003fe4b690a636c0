/**
 * Multi-threaded WebAssembly SIMD {@link LinearKernel}: each call's selected rows are split into contiguous
 * chunks of positions, one per thread; the calling thread runs the first chunk itself while worker_threads run
 * the others over the same shared WebAssembly.Memory (X is copied into it once per distinct X and cached, or
 * allocated there directly through {@link ParallelKernel.matrices}). Each thread writes its partial sums
 * (float64) to its own scratch; the caller adds them in chunk order: gW = Σ_threads gW_t, loss = Σ_threads loss_t
 * (also the exact solver's passes: ∇J, H v and the dense Hessian blocks). The chunks depend only on the call and
 * the thread count, never on which thread ran them, so the results are the same bits on every run.
 *
 * The API stays synchronous: the caller blocks in Atomics.wait until the workers are done, so use it from a
 * worker thread (the training session), never from the extension host's main thread. Small calls
 * (rows·n·k below `minParallelWork`) run on the calling thread only. A chunk whose worker has not started it by
 * the time the caller finished its own is run by the caller (see kernel-thread.ts), so a busy machine or a
 * starting worker costs at most single-thread speed.
 */
import { readlinkSync } from 'node:fs';
import { availableParallelism, setPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  getWasmCore, prepareBinary, prepareExactGrad, prepareExactHessian, prepareExactHessVec, prepareScores,
  prepareSoftmax, KERNEL_OPS, type PreparedCall, type WasmCore, type WasmKernel,
} from '../kernels/kernel-wasm';
import {
  CONTROL_LAYOUT as L, JOB_IDLE, JOB_POSTED, JOB_RUNNING, JOB_STOLEN, KERNEL_THREAD_SOURCE, type KernelThreadData,
} from './kernel-thread';

export interface ParallelKernelOptions {
  /** Threads including the calling one; default {@link defaultThreadCount}. */
  threads?: number;
  /** Calls with fewer multiply-adds than this (rows × n × k) run on the calling thread only. */
  minParallelWork?: number;
  /** Polls of the job counter by an idle worker before it sleeps (default 20000, about 0.1 ms). */
  spin?: number;
  /**
   * Nice value of the worker threads (Linux; default 0 = unchanged). 10 lets them yield to the UI thread;
   * see also {@link setThreadNice} for the thread that calls the kernel.
   */
  nice?: number;
}

export interface ParallelKernel extends WasmKernel {
  /** Threads used for large calls, including the calling thread. */
  readonly threads: number;
  /**
   * Counters since the kernel was created: calls, calls split across threads, chunks posted to workers and
   * chunks the caller ran itself because their worker had not claimed them in time.
   */
  threadStats(): { calls: number; parallelCalls: number; posted: number; stolen: number };
  /** This kernel stops using worker threads (then runs on the calling thread only); see {@link stopKernelThreads}. */
  dispose(): void;
}

/** Default thread count: min(os.availableParallelism(), 4). */
export function defaultThreadCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

/** Calls below this many multiply-adds (mini-batches) back off from threads while workers are busy. */
const SMALL_WORK = 1 << 23;

/** Default minimum work per call for using threads (multiply-adds). */
export const DEFAULT_MIN_PARALLEL_WORK = 1 << 16;

/** Worker threads of one WasmCore, each with a control slot in one SharedArrayBuffer. */
class ThreadPool {
  readonly size: number;
  private readonly workers: Worker[] = [];
  private readonly ctl: Int32Array;
  private readonly jobs: Array<{ op: number; args: number[] } | null>;
  private seq = 0;
  private stopped = false;
  /** Jobs posted to workers, and those the caller ran itself because no worker had claimed them. */
  posted = 0;
  stolen = 0;

  constructor(core: WasmCore, size: number, spin: number, nice: number) {
    this.size = size;
    const control = new SharedArrayBuffer(size * L.slotInts * 4);
    this.ctl = new Int32Array(control);
    this.jobs = new Array(size).fill(null);
    for (let w = 0; w < size; w++) {
      const workerData: KernelThreadData = {
        module: core.module, memory: core.memory, control, slot: w, layout: L, ops: KERNEL_OPS, spin, nice,
      };
      const worker = new Worker(KERNEL_THREAD_SOURCE, { eval: true, workerData });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** Posts a job to worker w (does not wait). */
  post(w: number, op: number, args: number[]): void {
    const base = w * L.slotInts;
    const ctl = this.ctl;
    ctl[base + L.op] = op;
    ctl[base + L.nargs] = args.length;
    ctl[base + L.status] = 0;
    for (let q = 0; q < args.length; q++) ctl[base + L.args + q] = args[q];
    this.jobs[w] = { op, args };
    this.posted++;
    Atomics.store(ctl, base + L.state, JOB_POSTED);
    Atomics.store(ctl, base + L.seq, ++this.seq);
    Atomics.notify(ctl, base + L.seq);
  }

  /**
   * Completes worker w's job: runs it on this thread when the worker has not claimed it yet (slow to wake,
   * still starting, or dead), else waits until the worker is done. Throws if the kernel failed there.
   */
  complete(w: number, runHere: (op: number, args: number[]) => void): void {
    const base = w * L.slotInts;
    const ctl = this.ctl;
    const job = this.jobs[w];
    this.jobs[w] = null;
    if (!job) return;
    if (Atomics.compareExchange(ctl, base + L.state, JOB_POSTED, JOB_STOLEN) === JOB_POSTED) {
      this.stolen++;
      try {
        runHere(job.op, job.args);
      } finally {
        Atomics.store(ctl, base + L.state, JOB_IDLE);
      }
      return;
    }
    let spins = 4000;
    while (Atomics.load(ctl, base + L.state) === JOB_RUNNING) {
      if (spins > 0) spins--;
      else Atomics.wait(ctl, base + L.state, JOB_RUNNING, 1000);
    }
    if (ctl[base + L.status] !== 0) throw new Error('parallel kernel: a worker thread failed running its rows');
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (let w = 0; w < this.size; w++) this.post(w, -1, []);
    this.jobs.fill(null);
  }
}

const pools = new Map<string, ThreadPool>();

/** Shared pool of `size` workers for this thread's WasmCore (created on first use). */
function getPool(core: WasmCore, size: number, spin: number, nice: number): ThreadPool {
  const key = `${size}/${nice}`;
  let p = pools.get(key);
  if (!p) {
    p = new ThreadPool(core, size, spin, nice);
    pools.set(key, p);
  }
  return p;
}

/** Stops every kernel worker thread started from this thread. */
export function stopKernelThreads(): void {
  for (const p of pools.values()) p.stop();
  pools.clear();
}

/**
 * Lowers (or raises, if permitted) the scheduling priority of the calling thread only: nice −20…19, higher is
 * lower priority. Linux only (per-thread nice via /proc/thread-self); returns false elsewhere or when refused.
 * A training thread at nice 10 leaves the CPU to the extension host's main thread whenever that needs it.
 */
export function setThreadNice(nice: number): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!(tid > 0)) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}

/**
 * A LinearKernel that splits rows across threads (same results as {@link createWasmKernel} up to float32
 * summation order). Workers are shared by every parallel kernel of this thread with the same thread count,
 * started on the first large call and unref'd (they never keep the process alive).
 */
export function createParallelKernel(opts: ParallelKernelOptions = {}): ParallelKernel {
  const core = getWasmCore();
  const threads = Math.max(1, Math.floor(opts.threads ?? defaultThreadCount()));
  const minWork = opts.minParallelWork ?? DEFAULT_MIN_PARALLEL_WORK;
  const spin = opts.spin ?? 20000;
  const nice = Math.round(opts.nice ?? 0);
  let disposed = false;
  let calls = 0;
  let parallelCalls = 0;
  let posted = 0;
  let stolen = 0;
  let backoff = 0;
  let localRuns = 0;

  function run<R>(p: PreparedCall<R>): R {
    const count = p.count;
    calls++;
    const work = count * p.workPerRow;
    const parts = disposed || threads <= 1 || work < minWork ? 1 : Math.min(threads, Math.ceil(count / 8));
    if (parts <= 1) {
      core.exports[p.op](...p.args(0, 0, count));
      return p.finish(1);
    }
    const chunk = Math.ceil(count / parts / 4) * 4;
    const used = Math.ceil(count / chunk);
    // Back-off: after a small call found its workers busy (a chunk had to be run here), the next small calls
    // run here directly, without posting (busy machine; each further miss doubles the pause, up to 64 calls).
    // They run the same chunks and reduce them in the same order, so the result is bit for bit the same as with
    // the threads: how busy the machine is never changes a number.
    if (work < SMALL_WORK && localRuns > 0) {
      localRuns--;
      const local: number[][] = [];
      for (let s = 0; s < used; s++) local.push(p.args(s, s * chunk, Math.min(count, (s + 1) * chunk)));
      for (let s = 0; s < used; s++) core.exports[p.op](...local[s]);
      return p.finish(used);
    }
    const pool = getPool(core, threads - 1, spin, nice);
    parallelCalls++;
    const posted0 = pool.posted;
    const stolen0 = pool.stolen;
    const op = KERNEL_OPS.indexOf(p.op);
    // All arguments (and scratch allocations) before any thread starts.
    const args: number[][] = [];
    for (let s = 0; s < used; s++) args.push(p.args(s, s * chunk, Math.min(count, (s + 1) * chunk)));
    for (let s = 1; s < used; s++) pool.post(s - 1, op, args[s]);
    let error: unknown = null;
    const runHere = (o: number, a: number[]): void => core.exports[KERNEL_OPS[o]](...a);
    try {
      core.exports[p.op](...args[0]);
    } catch (e) {
      error = e;
    }
    // Last posted first: the least likely to have been claimed by its worker yet.
    for (let s = used - 1; s >= 1; s--) {
      try {
        pool.complete(s - 1, runHere);
      } catch (e) {
        error = error ?? e;
      }
    }
    posted += pool.posted - posted0;
    stolen += pool.stolen - stolen0;
    if (work < SMALL_WORK) {
      if (pool.stolen > stolen0) {
        backoff = Math.min(64, backoff * 2 || 4);
        localRuns = backoff;
      } else {
        backoff = 0;
      }
    }
    if (error) throw error;
    return p.finish(used);
  }

  return {
    name: `wasm-simd×${threads}`,
    threads,
    binaryGrad: (X, n, rows, y, sw, w, b, loss, gW) => run(prepareBinary(core, X, n, rows, y, sw, w, b, loss, gW)),
    softmaxGrad: (X, n, k, rows, y, sw, W, b, loss, gW, gB) =>
      run(prepareSoftmax(core, X, n, k, rows, y, sw, W, b, loss, gW, gB)),
    scores: (X, n, k, rows, W, b, out) => run(prepareScores(core, X, n, k, rows, W, b, out)),
    exactGrad: (X, n, k, rows, y, sw, theta, g, curv) => run(prepareExactGrad(core, X, n, k, rows, y, sw, theta, g, curv)),
    exactHessVec: (X, n, k, rows, sw, curv, v, out) => run(prepareExactHessVec(core, X, n, k, rows, sw, curv, v, out)),
    exactHessian: (X, n, k, rows, sw, curv, scale, H) =>
      run(prepareExactHessian(core, X, n, k, rows, sw, curv, scale, H)),
    forget: (X) => core.forget(X),
    matrices: core.matrices,
    threadStats: () => ({ calls, parallelCalls, posted, stolen }),
    dispose: () => {
      disposed = true;
    },
  };
}
