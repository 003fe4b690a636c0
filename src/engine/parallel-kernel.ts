/**
 * Multi-threaded WebAssembly SIMD {@link LinearKernel}: each call's selected rows are split into contiguous
 * chunks of positions, one per thread; the calling thread runs the first chunk itself while worker_threads run
 * the others over the same shared WebAssembly.Memory (X is copied into it once per distinct X and cached, or
 * allocated there directly with {@link ParallelKernel.allocMatrix}). Each thread writes its partial sums
 * (float64) to its own scratch; the caller adds them: gW = Σ_threads gW_t, loss = Σ_threads loss_t.
 *
 * The API stays synchronous: the caller blocks in Atomics.wait until the workers are done, so use it from a
 * worker thread (the training session), never from the extension host's main thread. Small calls
 * (rows·n·k below `minParallelWork`) run on the calling thread only.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  getWasmCore, prepareBinary, prepareScores, prepareSoftmax, KERNEL_OPS,
  type PreparedCall, type WasmCore, type WasmKernel,
} from './kernel-wasm';
import { CONTROL_LAYOUT as L, KERNEL_THREAD_SOURCE, type KernelThreadData } from './kernel-thread';

export interface ParallelKernelOptions {
  /** Threads including the calling one; default {@link defaultThreadCount}. */
  threads?: number;
  /** Calls with fewer multiply-adds than this (rows × n × k) run on the calling thread only. */
  minParallelWork?: number;
  /** Polls of the job counter by an idle worker before it sleeps (default 20000, about 0.1 ms). */
  spin?: number;
}

export interface ParallelKernel extends WasmKernel {
  /** Threads used for large calls, including the calling thread. */
  readonly threads: number;
  /** Stops the worker threads (the kernel then runs on the calling thread only). */
  dispose(): void;
}

/** Default thread count: min(os.availableParallelism(), 4). */
export function defaultThreadCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

/** Default minimum work per call for using threads (multiply-adds). */
export const DEFAULT_MIN_PARALLEL_WORK = 1 << 16;

/** Worker threads of one WasmCore, each with a control slot in one SharedArrayBuffer. */
class ThreadPool {
  readonly size: number;
  private readonly workers: Worker[] = [];
  private readonly ctl: Int32Array;
  private seq = 0;
  private stopped = false;

  constructor(core: WasmCore, size: number, spin: number) {
    this.size = size;
    const control = new SharedArrayBuffer(size * L.slotInts * 4);
    this.ctl = new Int32Array(control);
    for (let w = 0; w < size; w++) {
      const workerData: KernelThreadData = {
        module: core.module, memory: core.memory, control, slot: w, layout: L, ops: KERNEL_OPS, spin,
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
    for (let q = 0; q < args.length; q++) ctl[base + L.args + q] = args[q];
    Atomics.store(ctl, base + L.seq, ++this.seq);
    Atomics.notify(ctl, base + L.seq);
  }

  /** Waits until worker w has finished its latest job; throws if the kernel failed there. */
  wait(w: number): void {
    const base = w * L.slotInts;
    const ctl = this.ctl;
    const want = Atomics.load(ctl, base + L.seq);
    let spins = 4000;
    for (;;) {
      const done = Atomics.load(ctl, base + L.done);
      if (done === want) break;
      if (Atomics.load(ctl, base + L.dead) !== 0) throw new Error('parallel kernel: a worker thread could not start');
      if (spins > 0) spins--;
      else Atomics.wait(ctl, base + L.done, done, 1000);
    }
    if (ctl[base + L.status] !== 0) throw new Error('parallel kernel: a worker thread failed running its rows');
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (let w = 0; w < this.size; w++) this.post(w, -1, []);
  }
}

const pools = new Map<number, ThreadPool>();

/** Shared pool of `size` workers for this thread's WasmCore (created on first use). */
function getPool(core: WasmCore, size: number, spin: number): ThreadPool {
  let p = pools.get(size);
  if (!p) {
    p = new ThreadPool(core, size, spin);
    pools.set(size, p);
  }
  return p;
}

/** Stops every kernel worker thread started from this thread. */
export function stopKernelThreads(): void {
  for (const p of pools.values()) p.stop();
  pools.clear();
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
  let disposed = false;

  function run<R>(p: PreparedCall<R>): R {
    const count = p.count;
    const parts = disposed || threads <= 1 || count * p.workPerRow < minWork ? 1 : Math.min(threads, Math.ceil(count / 8));
    if (parts <= 1) {
      core.exports[p.op](...p.args(0, 0, count));
      return p.finish(1);
    }
    const chunk = Math.ceil(count / parts / 4) * 4;
    const used = Math.ceil(count / chunk);
    const pool = getPool(core, threads - 1, spin);
    const op = KERNEL_OPS.indexOf(p.op);
    // All arguments (and scratch allocations) before any thread starts.
    const args: number[][] = [];
    for (let s = 0; s < used; s++) args.push(p.args(s, s * chunk, Math.min(count, (s + 1) * chunk)));
    for (let s = 1; s < used; s++) pool.post(s - 1, op, args[s]);
    let error: unknown = null;
    try {
      core.exports[p.op](...args[0]);
    } catch (e) {
      error = e;
    }
    for (let s = 1; s < used; s++) pool.wait(s - 1);
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
    allocMatrix: (length) => core.allocMatrix(length),
    forget: (X) => core.forget(X),
    dispose: () => {
      disposed = true;
    },
  };
}
