/**
 * WebAssembly SIMD (simd128) implementation of {@link LinearKernel}, built from src/engine/kernels/wasm/assembly/kernels.ts.
 *
 * The kernels run over a shared WebAssembly.Memory (one per thread that uses them, see {@link getWasmCore}), so
 * X must live inside that memory: an X that is not already there (see {@link WasmKernel.matrices}) is copied
 * in once and cached by identity — callers must treat X as immutable after its first use (or call
 * {@link WasmKernel.forget}). y, sample weights, row lists and parameters are small and are copied on every call
 * (only the selected rows' entries of y and sw).
 *
 * Results: gradient sums accumulate in float32 over tiles of 256 rows and in float64 across tiles, scores z in
 * float32, the loss in float64 from float32 per-row terms — the reference {@link jsKernel} matches to ~1e-5
 * relative. The exact solver's passes: exactGrad is float64 throughout (X widened, float64 θ, scores, exp/log
 * and sums; only the summation order differs from the reference, ~1e-15 relative); exactHessVec and exactHessian
 * form float32 products (v scaled by a power of two first) summed in float32 over 64 rows and in float64 across
 * them (~1e-7 relative). The same preparation code drives the multi-threaded kernel (parallel-kernel.ts): each
 * thread gets a slot with its own scratch and a range of positions.
 */
import kernelBytes from './wasm/kernels.wasm';
import { rowCount } from './kernel-js';
import type { LinearKernel, LossKind, MatrixStore, RowSet } from '../types';

const PAGE = 65536;
/** wasm32 limit: 4 GiB. */
const MAX_PAGES = 65536;
/** Byte offsets below this hold the module's static data (math tables); the allocator never hands them out. */
const RESERVED = 65536;
const ALIGN = 64;
/** At most this many distinct copied X matrices stay cached (least recently used are evicted first). */
const MAX_CACHED = 4;

/** The kernel functions exported by the module; every argument is an int32 (byte offsets or counts). */
export interface KernelExports {
  binary_grad(...args: number[]): void;
  softmax_grad(...args: number[]): void;
  scores(...args: number[]): void;
  exact_grad(...args: number[]): void;
  exact_hv_binary(...args: number[]): void;
  exact_hv_softmax(...args: number[]): void;
  exact_hessian(...args: number[]): void;
  /** dst += src (float64, len). */
  add_f64(dst: number, src: number, len: number): void;
  /** dst = float32(src) (len). */
  to_f32(src: number, dst: number, len: number): void;
}
/** Kernels that threads run over row ranges. */
export type KernelOp =
  | 'binary_grad' | 'softmax_grad' | 'scores'
  | 'exact_grad' | 'exact_hv_binary' | 'exact_hv_softmax' | 'exact_hessian';
/** Op codes used by the thread protocol: index into this list. */
export const KERNEL_OPS: readonly KernelOp[] = [
  'binary_grad', 'softmax_grad', 'scores', 'exact_grad', 'exact_hv_binary', 'exact_hv_softmax', 'exact_hessian',
];

/** True when this runtime can run the kernels (WebAssembly SIMD and shared memory). */
export function wasmKernelSupported(): boolean {
  try {
    getWasmCore();
    return true;
  } catch {
    return false;
  }
}

// ───────────────────────────── memory ─────────────────────────────

interface Block {
  ptr: number;
  size: number;
  free: boolean;
}

/** First-fit allocator over the wasm memory above RESERVED; grows the memory when nothing fits. */
class Heap {
  private blocks: Block[] = [];
  private top: number;
  /** Bytes at and above this offset were never handed out: still the zeros memory.grow gave. */
  private untouched: number;
  /**
   * Of the block the last successful alloc returned, how many first bytes may hold old data (the rest is
   * untouched zeros): a caller that needs zeros clears only those, so fresh memory is not written.
   */
  lastDirty = 0;

  constructor(private readonly memory: WebAssembly.Memory) {
    this.top = memory.buffer.byteLength;
    this.untouched = RESERVED;
    if (this.top > RESERVED) this.blocks.push({ ptr: RESERVED, size: this.top - RESERVED, free: true });
  }

  /** Byte offset of a fresh block of at least `bytes` bytes (64-byte aligned), or null when memory is full. */
  alloc(bytes: number): number | null {
    const size = Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN;
    for (let i = 0; i < this.blocks.length; i++) {
      const b = this.blocks[i];
      if (!b.free || b.size < size) continue;
      if (b.size > size) this.blocks.splice(i + 1, 0, { ptr: b.ptr + size, size: b.size - size, free: true });
      b.size = size;
      b.free = false;
      this.lastDirty = Math.max(0, Math.min(size, this.untouched - b.ptr));
      this.untouched = Math.max(this.untouched, b.ptr + size);
      return b.ptr;
    }
    const last = this.blocks[this.blocks.length - 1];
    const tail = last && last.free ? last.size : 0;
    const pagesNow = this.top / PAGE;
    // Grow by what is missing, at least 1/8 of the current size (fewer, larger grows).
    let pages = Math.ceil((size - tail) / PAGE);
    pages = Math.max(pages, Math.min(Math.ceil(pagesNow / 8), MAX_PAGES - pagesNow));
    if (pagesNow + pages > MAX_PAGES) pages = Math.ceil((size - tail) / PAGE);
    if (pagesNow + pages > MAX_PAGES) return null;
    try {
      this.memory.grow(pages);
    } catch {
      return null;
    }
    if (last && last.free) last.size += pages * PAGE;
    else this.blocks.push({ ptr: this.top, size: pages * PAGE, free: true });
    this.top += pages * PAGE;
    return this.alloc(bytes);
  }

  free(ptr: number): void {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const p = this.blocks[mid].ptr;
      if (p === ptr) {
        const b = this.blocks[mid];
        b.free = true;
        const next = this.blocks[mid + 1];
        if (next && next.free) {
          b.size += next.size;
          this.blocks.splice(mid + 1, 1);
        }
        const prev = this.blocks[mid - 1];
        if (prev && prev.free) {
          prev.size += b.size;
          this.blocks.splice(mid, 1);
        }
        return;
      }
      if (p < ptr) lo = mid + 1;
      else hi = mid - 1;
    }
  }
}

interface CacheEntry {
  ptr: number;
  floats: number;
  lastUse: number;
  live: boolean;
}

/**
 * One compiled module, one shared memory and one instance on this thread, plus the allocator, the cache of
 * copied X matrices and per-thread-slot scratch buffers. Worker threads instantiate the same module over the
 * same memory (parallel-kernel.ts).
 */
export class WasmCore {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly exports: KernelExports;
  private readonly heap: Heap;
  /** Byte offset of every matrix from allocMatrix. */
  private readonly owned = new WeakMap<Float32Array, number>();
  private readonly cache = new WeakMap<Float32Array, CacheEntry>();
  private entries: CacheEntry[] = [];
  private readonly scratch: Array<{ ptr: number; bytes: number } | undefined> = [];
  private clock = 0;
  private readonly registry = new FinalizationRegistry<CacheEntry | number>((held) => {
    if (typeof held === 'number') this.heap.free(held);
    else this.drop(held);
  });

  constructor() {
    this.module = new WebAssembly.Module(kernelBytes);
    this.memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES, shared: true });
    const instance = new WebAssembly.Instance(this.module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as KernelExports;
    this.heap = new Heap(this.memory);
  }

  /** Allocates, evicting cached matrices (least recently used first) when memory is full. */
  private alloc(bytes: number): number {
    for (;;) {
      const p = this.heap.alloc(bytes);
      if (p !== null) return p;
      if (!this.evictOne()) throw new RangeError(`WebAssembly memory exhausted allocating ${bytes} bytes`);
    }
  }

  /** Drops the least recently used cached X, never the one of the current call (the latest use). */
  private evictOne(): boolean {
    let victim: CacheEntry | null = null;
    for (const e of this.entries) if (e.lastUse !== this.clock && (!victim || e.lastUse < victim.lastUse)) victim = e;
    if (!victim) return false;
    this.drop(victim);
    return true;
  }

  private drop(e: CacheEntry): void {
    if (!e.live) return;
    e.live = false;
    this.heap.free(e.ptr);
    this.entries = this.entries.filter((x) => x !== e);
  }

  /**
   * Byte offset of X inside the wasm memory: X itself when it came from {@link allocMatrix}, else a cached copy
   * (made on first use of this Float32Array object).
   */
  matrixPtr(X: Float32Array): number {
    const own = this.owned.get(X);
    if (own !== undefined) return own;
    const hit = this.cache.get(X);
    if (hit && hit.live && hit.floats === X.length) {
      hit.lastUse = ++this.clock;
      return hit.ptr;
    }
    if (hit) this.drop(hit);
    while (this.entries.length >= MAX_CACHED && this.evictOne());
    const ptr = this.alloc(X.byteLength);
    this.f32(ptr, X.length).set(X);
    const e: CacheEntry = { ptr, floats: X.length, lastUse: ++this.clock, live: true };
    this.entries.push(e);
    this.cache.set(X, e);
    this.registry.register(X, e);
    return ptr;
  }

  /** Drops the cached copy of X (call after modifying X in place). */
  forget(X: Float32Array): void {
    const hit = this.cache.get(X);
    if (hit) {
      this.drop(hit);
      this.cache.delete(X);
    }
  }

  /**
   * A zero-filled Float32Array of `length` inside the wasm memory; kernels use it without copying. Only memory
   * handed out before is cleared (freshly grown memory is zero already and stays untouched until written).
   */
  allocMatrix(length: number): Float32Array {
    const ptr = this.alloc(length * 4);
    const dirty = this.heap.lastDirty;
    const view = this.f32(ptr, length);
    if (dirty > 0) view.fill(0, 0, Math.ceil(dirty / 4));
    this.owned.set(view, ptr);
    // The matrix is its own unregister token: releaseMatrix frees it before the garbage collector would.
    this.registry.register(view, ptr, view);
    return view;
  }

  /**
   * Frees a matrix from allocMatrix now (e.g. a dataset no longer used); it may not be used again. Plain arrays are
   * ignored.
   */
  releaseMatrix(X: Float32Array): void {
    const ptr = this.owned.get(X);
    if (ptr === undefined) return; // plain, or released already
    this.registry.unregister(X);
    this.owned.delete(X);
    this.heap.free(ptr);
  }

  /** This memory as a {@link MatrixStore} (the `matrices` of the kernels over it). */
  readonly matrices: MatrixStore = {
    alloc: (length) => this.allocMatrix(length),
    release: (X) => this.releaseMatrix(X),
  };

  /** A scratch buffer of at least `bytes` bytes, reused across calls under the same id (see {@link scratchId}). */
  scratchPtr(id: number, bytes: number): number {
    const s = this.scratch[id];
    if (s && s.bytes >= bytes) return s.ptr;
    if (s) this.heap.free(s.ptr);
    const size = Math.max(bytes, s ? s.bytes * 2 : 0, 64);
    const ptr = this.alloc(size);
    this.scratch[id] = { ptr, bytes: size };
    return ptr;
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }
}

let core: WasmCore | null = null;

/** The WasmCore of this thread (created on first use). */
export function getWasmCore(): WasmCore {
  if (!core) core = new WasmCore();
  return core;
}

// ───────────────────────────── call preparation ─────────────────────────────

/** Scratch buffers: shared inputs of a call, and per-thread-slot outputs. */
const enum Scratch {
  Rows, Y, YI, SW, W, Scores, GOut, Theta, Curv, CurvOut, Scale,
  // per slot: id = kind + SLOT_STRIDE · slot
  G32, G64, GB64, ZB, Out, Pack,
}
const SLOT_STRIDE = 32;

/** Scratch id of a per-slot buffer. */
function scratchId(kind: Scratch, slot: number): number {
  return kind + SLOT_STRIDE * slot;
}

/**
 * A kernel call whose inputs are in wasm memory: `args(slot, t0, t1)` are the arguments for positions
 * [t0, t1) using thread slot `slot`'s scratch; `finish(slots)` combines the partial results of slots 0…slots−1.
 */
export interface PreparedCall<R> {
  op: KernelOp;
  count: number;
  /** Multiply-adds per row (n·k), to decide whether threads are worth it. */
  workPerRow: number;
  args(slot: number, t0: number, t1: number): number[];
  finish(slots: number): R;
}

interface RowsInWasm {
  rowsPtr: number;
  start: number;
  count: number;
}

/** Checks the row set against X (m = X.length / n rows) and copies a row list into wasm memory. */
function placeRows(c: WasmCore, X: Float32Array, n: number, rows: RowSet, minLabels: number): RowsInWasm {
  const m = n > 0 ? Math.floor(X.length / n) : Infinity;
  const limit = Math.min(m, minLabels);
  if (rows instanceof Int32Array) {
    const count = rows.length;
    for (let t = 0; t < count; t++) {
      const i = rows[t];
      if (!(i >= 0 && i < limit)) throw new RangeError(`row index ${i} out of range [0, ${limit})`);
    }
    const rowsPtr = c.scratchPtr(Scratch.Rows, count * 4);
    c.i32(rowsPtr, count).set(rows);
    return { rowsPtr, start: 0, count };
  }
  const count = rowCount(rows);
  if (count > 0 && (rows.start < 0 || rows.end > limit)) {
    throw new RangeError(`row range [${rows.start}, ${rows.end}) out of range [0, ${limit})`);
  }
  return { rowsPtr: 0, start: rows.start, count };
}

/** Copies src[i] for the selected rows, compacted by position, into a scratch buffer. */
function gather<T extends Float32Array | Int32Array>(c: WasmCore, key: Scratch, src: T, rows: RowSet, count: number): number {
  const ptr = c.scratchPtr(key, count * 4);
  const dst = src instanceof Float32Array ? c.f32(ptr, count) : c.i32(ptr, count);
  if (rows instanceof Int32Array) {
    for (let t = 0; t < count; t++) dst[t] = src[rows[t]];
  } else if (count > 0) {
    dst.set(src.subarray(rows.start, rows.end));
  }
  return ptr;
}

function checkLength(what: string, arr: { length: number }, need: number): void {
  if (arr.length < need) throw new RangeError(`${what} has length ${arr.length}, need ${need}`);
}

/** out[0…len) = float32(Σ_{s < slots} partial_s) where partial_s = c.f64(ptrOf(s), len); slot 0's buffer is reused. */
function reduceInto(c: WasmCore, ptrOf: (s: number) => number, slots: number, len: number, out: Float32Array): void {
  const p0 = ptrOf(0);
  for (let s = 1; s < slots; s++) c.exports.add_f64(p0, ptrOf(s), len);
  const o = c.scratchPtr(Scratch.GOut, len * 4);
  c.exports.to_f32(p0, o, len);
  out.set(c.f32(o, len));
}

/** Prepares {@link LinearKernel.binaryGrad}; finish writes gW and returns { loss, gB }. */
export function prepareBinary(
  c: WasmCore, X: Float32Array, n: number, rows: RowSet, y: Float32Array, sw: Float32Array | null,
  w: Float32Array, b: number, loss: LossKind, gW: Float32Array,
): PreparedCall<{ loss: number; gB: number }> {
  checkLength('w', w, n);
  checkLength('gW', gW, n);
  const r = placeRows(c, X, n, rows, Math.min(y.length, sw ? sw.length : Infinity));
  const xp = c.matrixPtr(X);
  const yp = gather(c, Scratch.Y, y, rows, r.count);
  const swp = sw ? gather(c, Scratch.SW, sw, rows, r.count) : 0;
  const wp = c.scratchPtr(Scratch.W, n * 4 + 16);
  c.f32(wp, n).set(w.subarray(0, n));
  const bp = wp + n * 4;
  c.f32(bp, 1)[0] = b;
  const mse = loss === 'mse' ? 1 : 0;
  const g32 = (s: number): number => c.scratchPtr(scratchId(Scratch.G32, s), n * 4);
  const g64 = (s: number): number => c.scratchPtr(scratchId(Scratch.G64, s), n * 8);
  const out = (s: number): number => c.scratchPtr(scratchId(Scratch.Out, s), 16);
  return {
    op: 'binary_grad',
    count: r.count,
    workPerRow: Math.max(n, 1),
    args: (s, t0, t1) => [xp, n, r.rowsPtr, r.start, t0, t1, yp, swp, wp, bp, mse, g32(s), g64(s), out(s)],
    finish(slots) {
      let lossSum = 0;
      let gB = 0;
      for (let s = 0; s < slots; s++) {
        const o = c.f64(out(s), 2);
        lossSum += o[0];
        gB += o[1];
      }
      reduceInto(c, g64, slots, n, n === gW.length ? gW : gW.subarray(0, n));
      return { loss: lossSum, gB };
    },
  };
}

/** Prepares {@link LinearKernel.softmaxGrad}; finish writes gW, gB and returns the loss sum. */
export function prepareSoftmax(
  c: WasmCore, X: Float32Array, n: number, k: number, rows: RowSet, y: Int32Array, sw: Float32Array | null,
  W: Float32Array, b: Float32Array, loss: LossKind, gW: Float32Array, gB: Float32Array,
): PreparedCall<number> {
  const kn = k * n;
  checkLength('W', W, kn);
  checkLength('b', b, k);
  checkLength('gW', gW, kn);
  checkLength('gB', gB, k);
  const r = placeRows(c, X, n, rows, Math.min(y.length, sw ? sw.length : Infinity));
  const xp = c.matrixPtr(X);
  const yp = gather(c, Scratch.YI, y, rows, r.count);
  const swp = sw ? gather(c, Scratch.SW, sw, rows, r.count) : 0;
  const wp = c.scratchPtr(Scratch.W, kn * 4 + k * 4 + 16);
  c.f32(wp, kn).set(W.subarray(0, kn));
  const bp = wp + kn * 4;
  c.f32(bp, k).set(b.subarray(0, k));
  const mse = loss === 'mse' ? 1 : 0;
  const zb = (s: number): number => c.scratchPtr(scratchId(Scratch.ZB, s), k * 32);
  const g32 = (s: number): number => c.scratchPtr(scratchId(Scratch.G32, s), kn * 4);
  const g64 = (s: number): number => c.scratchPtr(scratchId(Scratch.G64, s), kn * 8);
  const gb64 = (s: number): number => c.scratchPtr(scratchId(Scratch.GB64, s), k * 8);
  const out = (s: number): number => c.scratchPtr(scratchId(Scratch.Out, s), 16);
  return {
    op: 'softmax_grad',
    count: r.count,
    workPerRow: Math.max(kn, 1),
    args: (s, t0, t1) => [
      xp, n, k, r.rowsPtr, r.start, t0, t1, yp, swp, wp, bp, mse, zb(s), g32(s), g64(s), gb64(s), out(s),
    ],
    finish(slots) {
      let lossSum = 0;
      for (let s = 0; s < slots; s++) lossSum += c.f64(out(s), 1)[0];
      reduceInto(c, g64, slots, kn, kn === gW.length ? gW : gW.subarray(0, kn));
      const parts = Array.from({ length: slots }, (_, s) => c.f64(gb64(s), k));
      for (let q = 0; q < k; q++) {
        let v = 0;
        for (let s = 0; s < slots; s++) v += parts[s][q];
        gB[q] = v;
      }
      return lossSum;
    },
  };
}

/** Prepares {@link LinearKernel.scores}; finish copies the count×k scores into out. */
export function prepareScores(
  c: WasmCore, X: Float32Array, n: number, k: number, rows: RowSet, W: Float32Array, b: Float32Array, out: Float32Array,
): PreparedCall<void> {
  const kn = k * n;
  checkLength('W', W, kn);
  checkLength('b', b, k);
  const r = placeRows(c, X, n, rows, Infinity);
  checkLength('out', out, r.count * k);
  const xp = c.matrixPtr(X);
  const wp = c.scratchPtr(Scratch.W, kn * 4 + k * 4 + 16);
  c.f32(wp, kn).set(W.subarray(0, kn));
  const bp = wp + kn * 4;
  c.f32(bp, k).set(b.subarray(0, k));
  const op = c.scratchPtr(Scratch.Scores, r.count * k * 4);
  return {
    op: 'scores',
    count: r.count,
    workPerRow: Math.max(kn, 1),
    args: (_s, t0, t1) => [xp, n, k, r.rowsPtr, r.start, t0, t1, wp, bp, op],
    finish() {
      out.set(c.f32(op, r.count * k));
    },
  };
}

// ───────────────────────────── the exact solver's passes ─────────────────────────────

/** Copies src[i·width … i·width + width) for the selected rows, compacted by position, into a scratch buffer. */
function gatherRows(c: WasmCore, key: Scratch, src: Float32Array, width: number, rows: RowSet, count: number): number {
  const ptr = c.scratchPtr(key, count * width * 4);
  const dst = c.f32(ptr, count * width);
  if (rows instanceof Int32Array) {
    for (let t = 0; t < count; t++) {
      const i = rows[t] * width;
      for (let q = 0; q < width; q++) dst[t * width + q] = src[i + q];
    }
  } else if (count > 0) {
    dst.set(src.subarray(rows.start * width, rows.end * width));
  }
  return ptr;
}

/** out[0…len) = Σ_{s < slots} c.f64(ptrOf(s), len) · factor, summed in slot order into slot 0's buffer. */
function reduceF64(c: WasmCore, ptrOf: (s: number) => number, slots: number, len: number, out: Float64Array, factor: number): void {
  const p0 = ptrOf(0);
  for (let s = 1; s < slots; s++) c.exports.add_f64(p0, ptrOf(s), len);
  const sum = c.f64(p0, len);
  if (factor === 1) out.set(sum);
  else for (let q = 0; q < len; q++) out[q] = sum[q] * factor;
}

/** The power of two 2^e ≥ max|v| (1 when v is all zero or not finite): v / 2^e is exact and at most 1. */
function powerOfTwoScale(v: Float64Array, len: number): number {
  let mx = 0;
  for (let q = 0; q < len; q++) mx = Math.max(mx, Math.abs(v[q]));
  if (!(mx > 0) || !Number.isFinite(mx)) return 1;
  return 2 ** Math.ceil(Math.log2(mx));
}

/** Prepares {@link LinearKernel.exactGrad}; finish writes g (d) and the selected rows' curv, returns { loss, wrong }. */
export function prepareExactGrad(
  c: WasmCore, X: Float32Array, n: number, k: number, rows: RowSet, y: Int32Array, sw: Float32Array | null,
  theta: Float64Array, g: Float64Array, curv: Float32Array | null,
): PreparedCall<{ loss: number; wrong: number }> {
  const kn = k * n;
  const d = kn + k;
  checkLength('theta', theta, d);
  checkLength('g', g, d);
  const curvRows = curv ? Math.floor(curv.length / k) : Infinity;
  const r = placeRows(c, X, n, rows, Math.min(y.length, sw ? sw.length : Infinity, curvRows));
  const xp = c.matrixPtr(X);
  const yp = gather(c, Scratch.YI, y, rows, r.count);
  const swp = sw ? gather(c, Scratch.SW, sw, rows, r.count) : 0;
  const tp = c.scratchPtr(Scratch.Theta, d * 8);
  c.f64(tp, d).set(theta.subarray(0, d));
  const cp = curv ? c.scratchPtr(Scratch.CurvOut, r.count * k * 4) : 0;
  const zb = (s: number): number => c.scratchPtr(scratchId(Scratch.ZB, s), k * 64);
  const g64 = (s: number): number => c.scratchPtr(scratchId(Scratch.G64, s), d * 8);
  const out = (s: number): number => c.scratchPtr(scratchId(Scratch.Out, s), 16);
  return {
    op: 'exact_grad',
    count: r.count,
    workPerRow: Math.max(2 * kn, 1),
    args: (s, t0, t1) => [xp, n, k, r.rowsPtr, r.start, t0, t1, yp, swp, tp, zb(s), g64(s), cp, out(s)],
    finish(slots) {
      let loss = 0;
      let wrong = 0;
      for (let s = 0; s < slots; s++) {
        const o = c.f64(out(s), 2);
        loss += o[0];
        wrong += o[1];
      }
      reduceF64(c, g64, slots, d, d === g.length ? g : g.subarray(0, d), 1);
      if (curv) {
        const src = c.f32(cp, r.count * k);
        if (rows instanceof Int32Array) {
          for (let t = 0; t < r.count; t++) {
            const i = rows[t] * k;
            for (let q = 0; q < k; q++) curv[i + q] = src[t * k + q];
          }
        } else {
          curv.set(src, r.start * k);
        }
      }
      return { loss, wrong };
    },
  };
}

/** Prepares {@link LinearKernel.exactHessVec}; finish writes out (d). */
export function prepareExactHessVec(
  c: WasmCore, X: Float32Array, n: number, k: number, rows: RowSet, sw: Float32Array | null, curv: Float32Array,
  v: Float64Array, out: Float64Array,
): PreparedCall<void> {
  const kn = k * n;
  const d = kn + k;
  checkLength('v', v, d);
  checkLength('out', out, d);
  const r = placeRows(c, X, n, rows, Math.min(sw ? sw.length : Infinity, Math.floor(curv.length / k)));
  const xp = c.matrixPtr(X);
  const cp = gatherRows(c, Scratch.Curv, curv, k, rows, r.count);
  const swp = sw ? gather(c, Scratch.SW, sw, rows, r.count) : 0;
  // v / 2^e in float32 (exact scaling, |v/2^e| ≤ 1); the sums are multiplied back by 2^e.
  const scale = powerOfTwoScale(v, d);
  const wp = c.scratchPtr(Scratch.W, d * 4 + 16);
  const w32 = c.f32(wp, d);
  for (let q = 0; q < d; q++) w32[q] = v[q] / scale;
  const bp = wp + kn * 4;
  const g32 = (s: number): number => c.scratchPtr(scratchId(Scratch.G32, s), kn * 4);
  const g64 = (s: number): number => c.scratchPtr(scratchId(Scratch.G64, s), kn * 8);
  const outW = out.subarray(0, kn);
  if (k === 1) {
    const o = (s: number): number => c.scratchPtr(scratchId(Scratch.Out, s), 16);
    return {
      op: 'exact_hv_binary',
      count: r.count,
      workPerRow: Math.max(2 * n, 1),
      args: (s, t0, t1) => [xp, n, r.rowsPtr, r.start, t0, t1, cp, swp, wp, bp, g32(s), g64(s), o(s)],
      finish(slots) {
        let vb = 0;
        for (let s = 0; s < slots; s++) vb += c.f64(o(s), 2)[1];
        reduceF64(c, g64, slots, n, outW, scale);
        out[n] = vb * scale;
      },
    };
  }
  const zb = (s: number): number => c.scratchPtr(scratchId(Scratch.ZB, s), k * 32);
  const gb64 = (s: number): number => c.scratchPtr(scratchId(Scratch.GB64, s), k * 8);
  return {
    op: 'exact_hv_softmax',
    count: r.count,
    workPerRow: Math.max(2 * kn, 1),
    args: (s, t0, t1) => [xp, n, k, r.rowsPtr, r.start, t0, t1, cp, swp, wp, bp, zb(s), g32(s), g64(s), gb64(s)],
    finish(slots) {
      reduceF64(c, g64, slots, kn, outW, scale);
      const parts = Array.from({ length: slots }, (_, s) => c.f64(gb64(s), k));
      for (let q = 0; q < k; q++) {
        let sum = 0;
        for (let s = 0; s < slots; s++) sum += parts[s][q];
        out[kn + q] = sum * scale;
      }
    },
  };
}

/** Rows per block of the wasm exact_hessian (HESS_BLOCK in kernels.ts). */
const HESS_BLOCK = 64;

/** Prepares {@link LinearKernel.exactHessian}; finish writes the symmetric d×d H. */
export function prepareExactHessian(
  c: WasmCore, X: Float32Array, n: number, k: number, rows: RowSet, sw: Float32Array | null, curv: Float32Array,
  scale: Float64Array | null, H: Float64Array,
): PreparedCall<void> {
  const kn = k * n;
  const d = kn + k;
  checkLength('H', H, d * d);
  const r = placeRows(c, X, n, rows, Math.min(sw ? sw.length : Infinity, Math.floor(curv.length / k)));
  if (scale) checkLength('scale', scale, r.count);
  const xp = c.matrixPtr(X);
  const cp = gatherRows(c, Scratch.Curv, curv, k, rows, r.count);
  const swp = sw ? gather(c, Scratch.SW, sw, rows, r.count) : 0;
  let sp = 0;
  if (scale) {
    sp = c.scratchPtr(Scratch.Scale, r.count * 8);
    c.f64(sp, r.count).set(scale.subarray(0, r.count));
  }
  const n1 = n + 1;
  const n1p = Math.ceil(n1 / 8) * 8;
  const pairs = k === 1 ? 1 : (k * (k + 1)) / 2;
  const block = n1p * n1p;
  const pack = (s: number): number => c.scratchPtr(scratchId(Scratch.Pack, s), 2 * HESS_BLOCK * n1p * 4 + HESS_BLOCK * 8);
  const G = (s: number): number => c.scratchPtr(scratchId(Scratch.G64, s), pairs * block * 8);
  return {
    op: 'exact_hessian',
    count: r.count,
    workPerRow: Math.max((pairs * n1 * n1) / 2, 1),
    args: (s, t0, t1) => [xp, n, k, r.rowsPtr, r.start, t0, t1, swp, cp, sp, pack(s), G(s)],
    finish(slots) {
      const p0 = G(0);
      for (let s = 1; s < slots; s++) c.exports.add_f64(p0, G(s), pairs * block);
      const Gs = c.f64(p0, pairs * block);
      // Parameter index of (class c, feature a): c·n + a, of the bias of c: kn + c.
      const P = (cls: number, a: number): number => (a < n ? cls * n + a : kn + cls);
      let pair = 0;
      for (let ca = 0; ca < k; ca++) {
        for (let ce = ca; ce < k; ce++) {
          const base = pair * block;
          for (let a = 0; a < n1; a++) {
            for (let l = a; l < n1; l++) {
              const val = Gs[base + a * n1p + l];
              const pa = P(ca, a);
              const pl = P(ce, l);
              const qa = P(ce, a);
              const ql = P(ca, l);
              H[pa * d + pl] = val;
              H[pl * d + pa] = val;
              H[ql * d + qa] = val;
              H[qa * d + ql] = val;
            }
          }
          pair++;
        }
      }
    },
  };
}

// ───────────────────────────── kernel ─────────────────────────────

/** A LinearKernel backed by wasm memory, with control over where X lives. */
export interface WasmKernel extends LinearKernel {
  /** Drops the cached copy of X, so a modified X is copied again on its next use. */
  forget(X: Float32Array): void;
  /**
   * The kernel's (shared) memory as a store for prepared matrices: an X allocated there is used in place, without
   * the one-time copy; its memory is freed by `release` or once the matrix is garbage-collected.
   */
  readonly matrices: MatrixStore;
}

/** Runs a prepared call on this thread over all positions. */
function runLocal<R>(c: WasmCore, p: PreparedCall<R>): R {
  c.exports[p.op](...p.args(0, 0, p.count));
  return p.finish(1);
}

/**
 * The single-threaded WebAssembly SIMD kernel (synchronous; same semantics as {@link jsKernel}).
 * Throws if the runtime lacks WebAssembly SIMD or shared memory (see {@link wasmKernelSupported}).
 */
export function createWasmKernel(): WasmKernel {
  const c = getWasmCore();
  return {
    name: 'wasm-simd',
    binaryGrad: (X, n, rows, y, sw, w, b, loss, gW) => runLocal(c, prepareBinary(c, X, n, rows, y, sw, w, b, loss, gW)),
    softmaxGrad: (X, n, k, rows, y, sw, W, b, loss, gW, gB) =>
      runLocal(c, prepareSoftmax(c, X, n, k, rows, y, sw, W, b, loss, gW, gB)),
    scores: (X, n, k, rows, W, b, out) => runLocal(c, prepareScores(c, X, n, k, rows, W, b, out)),
    exactGrad: (X, n, k, rows, y, sw, theta, g, curv) =>
      runLocal(c, prepareExactGrad(c, X, n, k, rows, y, sw, theta, g, curv)),
    exactHessVec: (X, n, k, rows, sw, curv, v, out) =>
      runLocal(c, prepareExactHessVec(c, X, n, k, rows, sw, curv, v, out)),
    exactHessian: (X, n, k, rows, sw, curv, scale, H) =>
      runLocal(c, prepareExactHessian(c, X, n, k, rows, sw, curv, scale, H)),
    forget: (X) => c.forget(X),
    matrices: c.matrices,
  };
}
