/**
 * Worker-thread side of the parallel kernel (parallel-kernel.ts). A worker instantiates the kernel module over
 * the shared WebAssembly.Memory it receives, then loops: wait for a job in its control slot (a range of rows of
 * one kernel call, as int32 arguments), claim it, run it, mark it done. Jobs are posted and awaited with Atomics
 * on a SharedArrayBuffer, so a call is synchronous for the caller and costs no message passing.
 *
 * Claiming makes the pool robust: a job is run by whoever moves its state from POSTED first — its worker
 * (→ RUNNING) or the calling thread once it has finished its own rows (→ STOLEN). A worker that is descheduled,
 * still starting, or dead therefore never delays a call by more than the time to run its rows on the caller.
 *
 * {@link kernelThreadMain} runs from its own source text (`new Worker(KERNEL_THREAD_SOURCE, { eval: true })`),
 * which works from any bundle location; it must therefore be self-contained: no imports, no outer variables —
 * everything it needs arrives as its arguments and in `workerData`.
 */
import type * as Fs from 'node:fs';
import type * as Os from 'node:os';
import type * as WorkerThreads from 'node:worker_threads';

/** Int32 offsets inside one worker's control slot. */
export interface ControlLayout {
  /** Ints per slot; slot w starts at w·slotInts. */
  slotInts: number;
  /** Job counter, incremented by the caller after each post (the worker sleeps on it). */
  seq: number;
  /** Job state: one of the JOB_* values. */
  state: number;
  /** Index into `ops`, or −1 to stop the thread. */
  op: number;
  nargs: number;
  /** 0 = ok, 1 = the kernel threw. */
  status: number;
  /** Set to 1 by a worker that could not start (it will never claim a job). */
  dead: number;
  /** First argument. */
  args: number;
}

export const CONTROL_LAYOUT: ControlLayout = { slotInts: 64, seq: 0, state: 1, op: 2, nargs: 3, status: 4, dead: 5, args: 8 };

/** Job states. */
export const JOB_IDLE = 0;
export const JOB_POSTED = 1;
export const JOB_RUNNING = 2;
export const JOB_STOLEN = 3;

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
  /** Nice value for this thread (Linux; 0 = unchanged): kernel threads can yield to the UI thread. */
  nice: number;
}

/** The worker loop (self-contained; see the module comment). */
export function kernelThreadMain(wt: typeof WorkerThreads, os: typeof Os, fs: typeof Fs): void {
  const data = wt.workerData as KernelThreadData;
  const L = data.layout;
  const POSTED = 1;
  const RUNNING = 2;
  const IDLE = 0;
  const ctl = new Int32Array(data.control);
  const base = data.slot * L.slotInts;
  if (data.nice !== 0) {
    try {
      // Linux: /proc/thread-self → "<pid>/task/<tid>"; setpriority on a tid changes that thread only.
      const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
      if (tid > 0) os.setPriority(tid, data.nice);
    } catch {
      // not Linux, or not allowed: run at normal priority
    }
  }
  let fns: Record<string, (...args: number[]) => void>;
  try {
    const instance = new WebAssembly.Instance(data.module, { env: { memory: data.memory } });
    fns = instance.exports as unknown as Record<string, (...args: number[]) => void>;
  } catch {
    Atomics.store(ctl, base + L.dead, 1);
    return;
  }
  let seen = 0;
  for (;;) {
    // Once awake, spin briefly before sleeping again: back-to-back small jobs (mini-batches) arrive faster than
    // a sleeping thread wakes up (tens of µs).
    let spins = data.spin;
    while (Atomics.load(ctl, base + L.seq) === seen && spins > 0) spins--;
    if (Atomics.load(ctl, base + L.seq) === seen) Atomics.wait(ctl, base + L.seq, seen);
    seen = Atomics.load(ctl, base + L.seq);
    // Claim the posted job (whatever its sequence number); the caller may have taken it already.
    if (Atomics.compareExchange(ctl, base + L.state, POSTED, RUNNING) !== POSTED) continue;
    const op = ctl[base + L.op];
    if (op < 0) {
      Atomics.store(ctl, base + L.state, IDLE);
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
    Atomics.store(ctl, base + L.state, IDLE);
    Atomics.notify(ctl, base + L.state);
  }
}

/** Source text of a kernel worker, for `new Worker(KERNEL_THREAD_SOURCE, { eval: true, workerData })`. */
export const KERNEL_THREAD_SOURCE =
  `(${kernelThreadMain.toString()})(require('node:worker_threads'), require('node:os'), require('node:fs'));`;
