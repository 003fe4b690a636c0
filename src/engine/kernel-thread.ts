/**
 * Worker-thread side of the parallel kernel (parallel-kernel.ts). A worker instantiates the kernel module over
 * the shared WebAssembly.Memory it receives, then loops: wait for a job in its control slot (a range of rows of
 * one kernel call, as int32 arguments), run it, signal completion. Jobs are posted and awaited with
 * Atomics on a SharedArrayBuffer, so a call is synchronous for the caller and costs no message passing.
 *
 * {@link kernelThreadMain} runs from its own source text (`new Worker(KERNEL_THREAD_SOURCE, { eval: true })`),
 * which works from any bundle location; it must therefore be self-contained: no imports, no outer variables —
 * everything it needs arrives as its argument and in `workerData`.
 */
import type * as WorkerThreads from 'node:worker_threads';

/** Int32 offsets inside one worker's control slot. */
export interface ControlLayout {
  /** Ints per slot; slot w starts at w·slotInts. */
  slotInts: number;
  /** Job counter written by the caller (a new value = a new job). */
  seq: number;
  /** Last job counter completed by the worker. */
  done: number;
  /** Index into `ops`, or −1 to stop the thread. */
  op: number;
  nargs: number;
  /** 0 = ok, 1 = the kernel threw. */
  status: number;
  /** Set to 1 by a worker that could not start (it will never complete a job). */
  dead: number;
  /** First argument. */
  args: number;
}

export const CONTROL_LAYOUT: ControlLayout = { slotInts: 64, seq: 0, done: 1, op: 2, nargs: 3, status: 4, dead: 5, args: 8 };

/** What a kernel thread receives as workerData. */
export interface KernelThreadData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  slot: number;
  layout: ControlLayout;
  /** Export names by op index. */
  ops: readonly string[];
  /** Polls of the job counter before sleeping in Atomics.wait (keeps back-to-back small jobs cheap). */
  spin: number;
}

/** The worker loop (self-contained; see the module comment). */
export function kernelThreadMain(wt: typeof WorkerThreads): void {
  const data = wt.workerData as KernelThreadData;
  const L = data.layout;
  const ctl = new Int32Array(data.control);
  const base = data.slot * L.slotInts;
  let fns: Record<string, (...args: number[]) => void>;
  try {
    const instance = new WebAssembly.Instance(data.module, { env: { memory: data.memory } });
    fns = instance.exports as unknown as Record<string, (...args: number[]) => void>;
  } catch {
    Atomics.store(ctl, base + L.dead, 1);
    Atomics.notify(ctl, base + L.done);
    return;
  }
  // The control slot starts at 0; a job may already be posted before this thread got here.
  let seen = 0;
  for (;;) {
    let spins = data.spin;
    while (Atomics.load(ctl, base + L.seq) === seen && spins > 0) spins--;
    if (Atomics.load(ctl, base + L.seq) === seen) Atomics.wait(ctl, base + L.seq, seen);
    const seq = Atomics.load(ctl, base + L.seq);
    if (seq === seen) continue;
    seen = seq;
    const op = ctl[base + L.op];
    if (op < 0) {
      Atomics.store(ctl, base + L.done, seq);
      Atomics.notify(ctl, base + L.done);
      return;
    }
    let status = 0;
    try {
      const n = ctl[base + L.nargs];
      const args: number[] = new Array(n);
      for (let q = 0; q < n; q++) args[q] = ctl[base + L.args + q];
      fns[data.ops[op]](...args);
    } catch {
      status = 1;
    }
    ctl[base + L.status] = status;
    Atomics.store(ctl, base + L.done, seq);
    Atomics.notify(ctl, base + L.done);
  }
}

/** Source text of a kernel worker, for `new Worker(KERNEL_THREAD_SOURCE, { eval: true, workerData })`. */
export const KERNEL_THREAD_SOURCE = `(${kernelThreadMain.toString()})(require('node:worker_threads'));`;
