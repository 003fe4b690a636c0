// AssemblyScript source: compiled to WebAssembly by scripts/build-wasm.mjs; tsc does not check it (tsconfig exclude).
/**
 * WebAssembly SIMD (simd128) kernels for logistic and softmax regression over row-major float32 X.
 *
 * Memory is imported (shared, so worker threads can run the same kernels over the same X); every argument
 * is a byte offset into it or an integer. The kernels never allocate. Layouts (all little-endian):
 *   X      m×n float32 row-major, row i at X + i·n·4
 *   rows   0 for the contiguous range start + t, else int32 row indices by position t
 *   y, sw  compact per position t (y float32 0/1 for binary, int32 class for softmax; sw float32 or 0 = all 1)
 *   W      k×n float32 row-major, b k float32
 * Each call covers positions t ∈ [t0, t1). Rows are processed four at a time (register blocking): one pass over
 * each row computes its scores (eight independent f32x4 accumulators), the activation and residual for the four
 * rows together (vectorised exp/log1p), then adds Σ_r s_r·r_r·x_r into the float32 gradient tile g32. Every TILE
 * rows g32 is flushed into the float64 accumulator g64, so float32 rounding only spans a few hundred rows.
 * A block with fewer than four rows repeats its first row with weight 0.
 */

/** Rows accumulated in float32 (g32) before being flushed into float64 (g64). */
const TILE: i32 = 256;
/** The same for the exact solver's Hessian products and Hessian blocks (closer to float64 sums). */
const TILE_EXACT: i32 = 64;

// ───────────────────────────── helpers ─────────────────────────────

/** Byte address of the row at position t: X + i·rowBytes with i = rows[t] or start + t. */
@inline function rowAddr(X: usize, rowBytes: usize, rows: usize, start: i32, t: i32): usize {
  const i: i32 = rows != 0 ? load<i32>(rows + (<usize>t << 2)) : start + t;
  return X + <usize>i * rowBytes;
}

/** [Σ s0, Σ s1, Σ s2, Σ s3]: horizontal sums of four vectors, transposed into one vector. */
@inline function reduce4(s0: v128, s1: v128, s2: v128, s3: v128): v128 {
  const u = f32x4.add(f32x4.shuffle(s0, s1, 0, 4, 1, 5), f32x4.shuffle(s0, s1, 2, 6, 3, 7));
  const v = f32x4.add(f32x4.shuffle(s2, s3, 0, 4, 1, 5), f32x4.shuffle(s2, s3, 2, 6, 3, 7));
  return f32x4.add(f32x4.shuffle(u, v, 0, 1, 4, 5), f32x4.shuffle(u, v, 2, 3, 6, 7));
}

/** Σ of the four float32 lanes of v, in float64. */
@inline function hsum64(v: v128): f64 {
  const s = f64x2.add(f64x2.promote_low_f32x4(v), f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3)));
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/**
 * Dot products of four rows with one weight vector: [x0·w, x1·w, x2·w, x3·w] (n floats each).
 * Eight independent accumulators (four rows × two chunks) hide the add latency.
 */
@inline function dot4(p0: usize, p1: usize, p2: usize, p3: usize, w: usize, n: i32): v128 {
  let a0 = f32x4.splat(0);
  let a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  const nb: usize = <usize>n << 2;
  const n8: usize = <usize>(n & ~7) << 2;
  let j: usize = 0;
  for (; j < n8; j += 32) {
    const w0 = v128.load(w + j);
    const w1 = v128.load(w + j, 16);
    a0 = f32x4.add(a0, f32x4.mul(v128.load(p0 + j), w0));
    a1 = f32x4.add(a1, f32x4.mul(v128.load(p0 + j, 16), w1));
    a2 = f32x4.add(a2, f32x4.mul(v128.load(p1 + j), w0));
    a3 = f32x4.add(a3, f32x4.mul(v128.load(p1 + j, 16), w1));
    a4 = f32x4.add(a4, f32x4.mul(v128.load(p2 + j), w0));
    a5 = f32x4.add(a5, f32x4.mul(v128.load(p2 + j, 16), w1));
    a6 = f32x4.add(a6, f32x4.mul(v128.load(p3 + j), w0));
    a7 = f32x4.add(a7, f32x4.mul(v128.load(p3 + j, 16), w1));
  }
  if (j + 16 <= nb) {
    const w0 = v128.load(w + j);
    a0 = f32x4.add(a0, f32x4.mul(v128.load(p0 + j), w0));
    a2 = f32x4.add(a2, f32x4.mul(v128.load(p1 + j), w0));
    a4 = f32x4.add(a4, f32x4.mul(v128.load(p2 + j), w0));
    a6 = f32x4.add(a6, f32x4.mul(v128.load(p3 + j), w0));
    j += 16;
  }
  let r = reduce4(f32x4.add(a0, a1), f32x4.add(a2, a3), f32x4.add(a4, a5), f32x4.add(a6, a7));
  if (j < nb) {
    let t0: f32 = 0, t1: f32 = 0, t2: f32 = 0, t3: f32 = 0;
    for (; j < nb; j += 4) {
      const wj = load<f32>(w + j);
      t0 += load<f32>(p0 + j) * wj;
      t1 += load<f32>(p1 + j) * wj;
      t2 += load<f32>(p2 + j) * wj;
      t3 += load<f32>(p3 + j) * wj;
    }
    let t = f32x4.splat(t0);
    t = f32x4.replace_lane(t, 1, t1);
    t = f32x4.replace_lane(t, 2, t2);
    t = f32x4.replace_lane(t, 3, t3);
    r = f32x4.add(r, t);
  }
  return r;
}

/**
 * Scores of four rows for two classes (register block 4 rows × 2 classes, eight accumulators):
 * stores [x_r·w0]_r at z0 and [x_r·w1]_r at z1 (four float32 each).
 */
@inline function dot4x2(p0: usize, p1: usize, p2: usize, p3: usize, w0: usize, w1: usize, n: i32, z0: usize, z1: usize): void {
  let a0 = f32x4.splat(0);
  let a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  const nb: usize = <usize>n << 2;
  const n4: usize = <usize>(n & ~3) << 2;
  let j: usize = 0;
  for (; j < n4; j += 16) {
    const u = v128.load(w0 + j);
    const v = v128.load(w1 + j);
    const x0 = v128.load(p0 + j);
    a0 = f32x4.add(a0, f32x4.mul(x0, u));
    b0 = f32x4.add(b0, f32x4.mul(x0, v));
    const x1 = v128.load(p1 + j);
    a1 = f32x4.add(a1, f32x4.mul(x1, u));
    b1 = f32x4.add(b1, f32x4.mul(x1, v));
    const x2 = v128.load(p2 + j);
    a2 = f32x4.add(a2, f32x4.mul(x2, u));
    b2 = f32x4.add(b2, f32x4.mul(x2, v));
    const x3 = v128.load(p3 + j);
    a3 = f32x4.add(a3, f32x4.mul(x3, u));
    b3 = f32x4.add(b3, f32x4.mul(x3, v));
  }
  let ra = reduce4(a0, a1, a2, a3);
  let rb = reduce4(b0, b1, b2, b3);
  if (j < nb) {
    let t0: f32 = 0, t1: f32 = 0, t2: f32 = 0, t3: f32 = 0;
    let u0: f32 = 0, u1: f32 = 0, u2: f32 = 0, u3: f32 = 0;
    for (; j < nb; j += 4) {
      const wa = load<f32>(w0 + j);
      const wb = load<f32>(w1 + j);
      const x0 = load<f32>(p0 + j);
      const x1 = load<f32>(p1 + j);
      const x2 = load<f32>(p2 + j);
      const x3 = load<f32>(p3 + j);
      t0 += x0 * wa;
      t1 += x1 * wa;
      t2 += x2 * wa;
      t3 += x3 * wa;
      u0 += x0 * wb;
      u1 += x1 * wb;
      u2 += x2 * wb;
      u3 += x3 * wb;
    }
    let t = f32x4.splat(t0);
    t = f32x4.replace_lane(t, 1, t1);
    t = f32x4.replace_lane(t, 2, t2);
    t = f32x4.replace_lane(t, 3, t3);
    ra = f32x4.add(ra, t);
    let u = f32x4.splat(u0);
    u = f32x4.replace_lane(u, 1, u1);
    u = f32x4.replace_lane(u, 2, u2);
    u = f32x4.replace_lane(u, 3, u3);
    rb = f32x4.add(rb, u);
  }
  v128.store(z0, ra);
  v128.store(z1, rb);
}

/** g += s₀x₀ + s₁x₁ + s₂x₂ + s₃x₃ over n floats, where s = [s₀, s₁, s₂, s₃]. */
@inline function axpy4(g: usize, p0: usize, p1: usize, p2: usize, p3: usize, s: v128, n: i32): void {
  const s0 = f32x4.shuffle(s, s, 0, 0, 0, 0);
  const s1 = f32x4.shuffle(s, s, 1, 1, 1, 1);
  const s2 = f32x4.shuffle(s, s, 2, 2, 2, 2);
  const s3 = f32x4.shuffle(s, s, 3, 3, 3, 3);
  const nb: usize = <usize>n << 2;
  const n8: usize = <usize>(n & ~7) << 2;
  let j: usize = 0;
  for (; j < n8; j += 32) {
    const u0 = f32x4.add(
      f32x4.add(f32x4.mul(v128.load(p0 + j), s0), f32x4.mul(v128.load(p1 + j), s1)),
      f32x4.add(f32x4.mul(v128.load(p2 + j), s2), f32x4.mul(v128.load(p3 + j), s3)),
    );
    const u1 = f32x4.add(
      f32x4.add(f32x4.mul(v128.load(p0 + j, 16), s0), f32x4.mul(v128.load(p1 + j, 16), s1)),
      f32x4.add(f32x4.mul(v128.load(p2 + j, 16), s2), f32x4.mul(v128.load(p3 + j, 16), s3)),
    );
    v128.store(g + j, f32x4.add(v128.load(g + j), u0));
    v128.store(g + j, f32x4.add(v128.load(g + j, 16), u1), 16);
  }
  if (j + 16 <= nb) {
    const u0 = f32x4.add(
      f32x4.add(f32x4.mul(v128.load(p0 + j), s0), f32x4.mul(v128.load(p1 + j), s1)),
      f32x4.add(f32x4.mul(v128.load(p2 + j), s2), f32x4.mul(v128.load(p3 + j), s3)),
    );
    v128.store(g + j, f32x4.add(v128.load(g + j), u0));
    j += 16;
  }
  if (j < nb) {
    const c0 = f32x4.extract_lane(s, 0);
    const c1 = f32x4.extract_lane(s, 1);
    const c2 = f32x4.extract_lane(s, 2);
    const c3 = f32x4.extract_lane(s, 3);
    for (; j < nb; j += 4) {
      store<f32>(
        g + j,
        load<f32>(g + j) + (load<f32>(p0 + j) * c0 + load<f32>(p1 + j) * c1) + (load<f32>(p2 + j) * c2 + load<f32>(p3 + j) * c3),
      );
    }
  }
}

/**
 * Software-pipelined pass for the binary kernel: g += Σ_r s_r x_r over the current block's rows p0…p3 while
 * computing the next block's scores [q0·w, q1·w, q2·w, q3·w] in the same sweep, so the next rows stream in
 * from memory while the current ones (already in L1) are accumulated.
 */
@inline function fused4(
  g: usize, p0: usize, p1: usize, p2: usize, p3: usize, s: v128,
  q0: usize, q1: usize, q2: usize, q3: usize, w: usize, n: i32,
): v128 {
  const s0 = f32x4.shuffle(s, s, 0, 0, 0, 0);
  const s1 = f32x4.shuffle(s, s, 1, 1, 1, 1);
  const s2 = f32x4.shuffle(s, s, 2, 2, 2, 2);
  const s3 = f32x4.shuffle(s, s, 3, 3, 3, 3);
  let a0 = f32x4.splat(0);
  let a1 = a0, a2 = a0, a3 = a0;
  const nb: usize = <usize>n << 2;
  const n4: usize = <usize>(n & ~3) << 2;
  let j: usize = 0;
  for (; j < n4; j += 16) {
    const wv = v128.load(w + j);
    a0 = f32x4.add(a0, f32x4.mul(v128.load(q0 + j), wv));
    a1 = f32x4.add(a1, f32x4.mul(v128.load(q1 + j), wv));
    a2 = f32x4.add(a2, f32x4.mul(v128.load(q2 + j), wv));
    a3 = f32x4.add(a3, f32x4.mul(v128.load(q3 + j), wv));
    const u = f32x4.add(
      f32x4.add(f32x4.mul(v128.load(p0 + j), s0), f32x4.mul(v128.load(p1 + j), s1)),
      f32x4.add(f32x4.mul(v128.load(p2 + j), s2), f32x4.mul(v128.load(p3 + j), s3)),
    );
    v128.store(g + j, f32x4.add(v128.load(g + j), u));
  }
  let r = reduce4(a0, a1, a2, a3);
  if (j < nb) {
    const c0 = f32x4.extract_lane(s, 0);
    const c1 = f32x4.extract_lane(s, 1);
    const c2 = f32x4.extract_lane(s, 2);
    const c3 = f32x4.extract_lane(s, 3);
    let t0: f32 = 0, t1: f32 = 0, t2: f32 = 0, t3: f32 = 0;
    for (; j < nb; j += 4) {
      const wj = load<f32>(w + j);
      t0 += load<f32>(q0 + j) * wj;
      t1 += load<f32>(q1 + j) * wj;
      t2 += load<f32>(q2 + j) * wj;
      t3 += load<f32>(q3 + j) * wj;
      store<f32>(
        g + j,
        load<f32>(g + j) + (load<f32>(p0 + j) * c0 + load<f32>(p1 + j) * c1) + (load<f32>(p2 + j) * c2 + load<f32>(p3 + j) * c3),
      );
    }
    let t = f32x4.splat(t0);
    t = f32x4.replace_lane(t, 1, t1);
    t = f32x4.replace_lane(t, 2, t2);
    t = f32x4.replace_lane(t, 3, t3);
    r = f32x4.add(r, t);
  }
  return r;
}

/** g64[q] = g32[q] (first flush of a call) or g64[q] += g32[q]; then g32[q] = 0, for q < len. */
function flush(g32: usize, g64: usize, len: i32, first: bool): void {
  const nb: usize = <usize>len << 2;
  const n4: usize = <usize>(len & ~3) << 2;
  const zero = f32x4.splat(0);
  let j: usize = 0;
  if (first) {
    for (; j < n4; j += 16) {
      const v = v128.load(g32 + j);
      const d = g64 + (j << 1);
      v128.store(d, f64x2.promote_low_f32x4(v));
      v128.store(d, f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3)), 16);
      v128.store(g32 + j, zero);
    }
    for (; j < nb; j += 4) {
      store<f64>(g64 + (j << 1), <f64>load<f32>(g32 + j));
      store<f32>(g32 + j, 0);
    }
    return;
  }
  for (; j < n4; j += 16) {
    const v = v128.load(g32 + j);
    const d = g64 + (j << 1);
    v128.store(d, f64x2.add(v128.load(d), f64x2.promote_low_f32x4(v)));
    v128.store(d, f64x2.add(v128.load(d, 16), f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3))), 16);
    v128.store(g32 + j, zero);
  }
  for (; j < nb; j += 4) {
    const d = g64 + (j << 1);
    store<f64>(d, load<f64>(d) + <f64>load<f32>(g32 + j));
    store<f32>(g32 + j, 0);
  }
}

/** dst[q] += src[q] for q < len (float64; adds one thread's partial sums to another's). */
export function add_f64(dst: usize, src: usize, len: i32): void {
  const nb: usize = <usize>len << 3;
  const n2: usize = <usize>(len & ~1) << 3;
  let j: usize = 0;
  for (; j < n2; j += 16) v128.store(dst + j, f64x2.add(v128.load(dst + j), v128.load(src + j)));
  for (; j < nb; j += 8) store<f64>(dst + j, load<f64>(dst + j) + load<f64>(src + j));
}

/** dst[q] = f32(src[q]) for q < len (float64 sums → float32 output). */
export function to_f32(src: usize, dst: usize, len: i32): void {
  const n4 = len & ~3;
  let q = 0;
  for (; q < n4; q += 4) {
    const a = src + (<usize>q << 3);
    const lo = f32x4.demote_f64x2_zero(v128.load(a));
    const hi = f32x4.demote_f64x2_zero(v128.load(a, 16));
    v128.store(dst + (<usize>q << 2), f32x4.shuffle(lo, hi, 0, 1, 4, 5));
  }
  for (; q < len; q++) store<f32>(dst + (<usize>q << 2), <f32>load<f64>(src + (<usize>q << 3)));
}

/**
 * e^x for four float32 lanes (Cephes expf: e^x = 2^k·e^r with k = round(x·log₂e), |r| ≤ ln2/2, degree-6
 * polynomial; relative error ≈ 1 ulp). x is clamped to [−87.3, 88.7], so e^x ≥ 1.2e−38 and never overflows.
 * NaN propagates.
 */
@inline function expv(x0: v128): v128 {
  let x = f32x4.min(f32x4.max(x0, f32x4.splat(-87.3)), f32x4.splat(88.7));
  const fx = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, x), x), x), f32x4.splat(1));
  const k = i32x4.trunc_sat_f32x4_s(fx);
  const pow2 = i32x4.shl(i32x4.add(k, i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2);
}

/**
 * log(1 + e) for e ∈ [0, 1] in four float32 lanes: with s = e / (2 + e) ∈ [0, 1/3],
 * log(1 + e) = 2·atanh(s) = 2s(1 + s²/3 + s⁴/5 + … + s¹²/13); truncation error < 2e−8 relative,
 * and ≈ e for small e (no cancellation).
 */
@inline function log1pv(e: v128): v128 {
  const s = f32x4.div(e, f32x4.add(e, f32x4.splat(2)));
  const s2 = f32x4.mul(s, s);
  let p = f32x4.splat(1.0 / 13.0);
  p = f32x4.add(f32x4.mul(p, s2), f32x4.splat(1.0 / 11.0));
  p = f32x4.add(f32x4.mul(p, s2), f32x4.splat(1.0 / 9.0));
  p = f32x4.add(f32x4.mul(p, s2), f32x4.splat(1.0 / 7.0));
  p = f32x4.add(f32x4.mul(p, s2), f32x4.splat(1.0 / 5.0));
  p = f32x4.add(f32x4.mul(p, s2), f32x4.splat(1.0 / 3.0));
  p = f32x4.add(f32x4.mul(p, s2), f32x4.splat(1));
  return f32x4.mul(f32x4.add(s, s), p);
}

/** Weights [s_t … s_t+3] of a block: sw values (or 1), and 0 for the lanes past the last row. */
@inline function blockWeights(sw: usize, t: i32, left: i32): v128 {
  if (left >= 4) return sw != 0 ? v128.load(sw + (<usize>t << 2)) : f32x4.splat(1);
  let s = f32x4.splat(0);
  const a = sw + (<usize>t << 2);
  s = f32x4.replace_lane(s, 0, sw != 0 ? load<f32>(a) : <f32>1);
  if (left > 1) s = f32x4.replace_lane(s, 1, sw != 0 ? load<f32>(a, 4) : <f32>1);
  if (left > 2) s = f32x4.replace_lane(s, 2, sw != 0 ? load<f32>(a, 8) : <f32>1);
  return s;
}

/** Four 32-bit values from a compact per-position array, 0 in the lanes past the last row. */
@inline function blockValues(p: usize, t: i32, left: i32): v128 {
  const a = p + (<usize>t << 2);
  if (left >= 4) return v128.load(a);
  let v = i32x4.splat(0);
  v = i32x4.replace_lane(v, 0, load<i32>(a));
  if (left > 1) v = i32x4.replace_lane(v, 1, load<i32>(a, 4));
  if (left > 2) v = i32x4.replace_lane(v, 2, load<i32>(a, 8));
  return v;
}

// ───────────────────────────── kernels ─────────────────────────────

/**
 * Binary fused pass over positions [t0, t1). For each row i with weight s_i:
 *   z_i = x_i·w + b, a_i = σ(z_i)
 *   bce: ℓ_i = softplus(z_i) − y_i z_i,  r_i = a_i − y_i
 *   mse: ℓ_i = ½(a_i − y_i)²,            r_i = (a_i − y_i)·a_i(1 − a_i)
 *   g64 = Σ s_i r_i x_i (n float64, overwritten),  out[0] = Σ s_i ℓ_i,  out[1] = Σ s_i r_i  (float64).
 * g32 is an n-float scratch tile. bp points at b (one float32).
 */
export function binary_grad(
  X: usize, n: i32, rows: usize, start: i32, t0: i32, t1: i32,
  y: usize, sw: usize, w: usize, bp: usize, mse: i32, g32: usize, g64: usize, out: usize,
): void {
  binaryPass(X, n, rows, start, t0, t1, y, sw, w, bp, mse, TILE, g32, g64, out);
}

/**
 * Binary Hessian-vector product over positions [t0, t1) (see LinearKernel.exactHessVec): with the curvature
 * c_i (compact float32 per position, at curv) and v = [v (n), v_b] as float32 (v_b at bp),
 *   u_i = x_i·v + v_b,  g64 = Σ s_i c_i u_i x_i (n float64, overwritten),  out[1] = Σ s_i c_i u_i  (float64).
 * The same pass as binary_grad with r_i = c_i u_i, summed in float32 over tiles of TILE_EXACT rows.
 */
export function exact_hv_binary(
  X: usize, n: i32, rows: usize, start: i32, t0: i32, t1: i32,
  curv: usize, sw: usize, v: usize, bp: usize, g32: usize, g64: usize, out: usize,
): void {
  binaryPass(X, n, rows, start, t0, t1, curv, sw, v, bp, 2, TILE_EXACT, g32, g64, out);
}

/**
 * The binary pass of binary_grad (mode 0 bce, 1 mse) and exact_hv_binary (mode 2: y holds the curvature c_i and
 * r_i = c_i z_i, no loss). g32 is flushed into g64 every `tile` rows.
 */
@inline function binaryPass(
  X: usize, n: i32, rows: usize, start: i32, t0: i32, t1: i32,
  y: usize, sw: usize, w: usize, bp: usize, mode: i32, tile: i32, g32: usize, g64: usize, out: usize,
): void {
  const mse = mode == 1;
  const rowBytes: usize = <usize>n << 2;
  memory.fill(g32, 0, <usize>n << 2);
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  const half = f32x4.splat(0.5);
  const bv = f32x4.splat(load<f32>(bp));
  let lossAcc: f64 = 0;
  let gbAcc: f64 = 0;
  let pending: i32 = 0;
  let flushed = false;
  // Four streams: the positions are split into four consecutive quarters of Q rows, and block b takes row b of
  // each quarter (positions t0 + b, t0 + Q + b, t0 + 2Q + b, t0 + 3Q + b). Four far-apart sequential streams keep
  // more memory requests in flight than one (about 1.3× the bandwidth of a single stream). A lane past the end
  // of the last quarter repeats lane 0's row with weight 0. The z of the first block is computed alone, each
  // later block's z during the previous block's gradient sweep (fused4).
  const cnt = t1 - t0;
  const Q = (cnt + 3) >> 2;
  let p0: usize = 0, p1: usize = 0, p2: usize = 0, p3: usize = 0;
  let z = f32x4.splat(0);
  if (cnt > 0) {
    p0 = rowAddr(X, rowBytes, rows, start, t0);
    p1 = Q < cnt ? rowAddr(X, rowBytes, rows, start, t0 + Q) : p0;
    p2 = 2 * Q < cnt ? rowAddr(X, rowBytes, rows, start, t0 + 2 * Q) : p0;
    p3 = 3 * Q < cnt ? rowAddr(X, rowBytes, rows, start, t0 + 3 * Q) : p0;
    z = f32x4.add(dot4(p0, p1, p2, p3, w, n), bv);
  }
  for (let bk = 0; bk < Q; bk++) {
    // Labels and weights of the four lanes (0 for lanes past the end).
    const t = t0 + bk;
    let yv = f32x4.splat(load<f32>(y + (<usize>t << 2)));
    let sv = f32x4.splat(sw != 0 ? load<f32>(sw + (<usize>t << 2)) : <f32>1);
    if (Q + bk < cnt) {
      yv = f32x4.replace_lane(yv, 1, load<f32>(y + (<usize>(t + Q) << 2)));
      sv = f32x4.replace_lane(sv, 1, sw != 0 ? load<f32>(sw + (<usize>(t + Q) << 2)) : <f32>1);
    } else {
      yv = f32x4.replace_lane(yv, 1, 0);
      sv = f32x4.replace_lane(sv, 1, 0);
    }
    if (2 * Q + bk < cnt) {
      yv = f32x4.replace_lane(yv, 2, load<f32>(y + (<usize>(t + 2 * Q) << 2)));
      sv = f32x4.replace_lane(sv, 2, sw != 0 ? load<f32>(sw + (<usize>(t + 2 * Q) << 2)) : <f32>1);
    } else {
      yv = f32x4.replace_lane(yv, 2, 0);
      sv = f32x4.replace_lane(sv, 2, 0);
    }
    if (3 * Q + bk < cnt) {
      yv = f32x4.replace_lane(yv, 3, load<f32>(y + (<usize>(t + 3 * Q) << 2)));
      sv = f32x4.replace_lane(sv, 3, sw != 0 ? load<f32>(sw + (<usize>(t + 3 * Q) << 2)) : <f32>1);
    } else {
      yv = f32x4.replace_lane(yv, 3, 0);
      sv = f32x4.replace_lane(sv, 3, 0);
    }
    let r: v128;
    if (mode == 2) {
      // Hessian-vector product: r = c·(x·v + v_b), the curvature c in place of y.
      r = f32x4.mul(yv, z);
    } else {
      // a = σ(z) and ac = 1 − σ(z), both without cancellation: e = e^(−|z|), q = 1/(1 + e).
      const e = expv(f32x4.neg(f32x4.abs(z)));
      const q = f32x4.div(one, f32x4.add(one, e));
      const eq = f32x4.mul(e, q);
      const pos = f32x4.ge(z, zero);
      const a = v128.bitselect(q, eq, pos);
      const ac = v128.bitselect(eq, q, pos);
      // d = a − y = (1 − y)·a − y·(1 − a)
      const d = f32x4.sub(f32x4.mul(f32x4.sub(one, yv), a), f32x4.mul(yv, ac));
      let l: v128;
      if (mse) {
        l = f32x4.mul(half, f32x4.mul(d, d));
        r = f32x4.mul(d, f32x4.mul(a, ac));
      } else {
        // softplus(z) − y z = log1p(e^(−|z|)) + (1 − y)·max(z, 0) + y·max(−z, 0)
        l = f32x4.add(
          log1pv(e),
          f32x4.add(f32x4.mul(f32x4.sub(one, yv), f32x4.max(z, zero)), f32x4.mul(yv, f32x4.max(f32x4.neg(z), zero))),
        );
        r = d;
      }
      lossAcc += hsum64(f32x4.mul(sv, l));
    }
    const sr = f32x4.mul(sv, r);
    gbAcc += hsum64(sr);
    const bn = bk + 1;
    if (bn < Q) {
      const tn = t0 + bn;
      const q0 = rowAddr(X, rowBytes, rows, start, tn);
      const q1 = Q + bn < cnt ? rowAddr(X, rowBytes, rows, start, tn + Q) : q0;
      const q2 = 2 * Q + bn < cnt ? rowAddr(X, rowBytes, rows, start, tn + 2 * Q) : q0;
      const q3 = 3 * Q + bn < cnt ? rowAddr(X, rowBytes, rows, start, tn + 3 * Q) : q0;
      z = f32x4.add(fused4(g32, p0, p1, p2, p3, sr, q0, q1, q2, q3, w, n), bv);
      p0 = q0;
      p1 = q1;
      p2 = q2;
      p3 = q3;
    } else {
      axpy4(g32, p0, p1, p2, p3, sr, n);
    }
    pending += 4;
    if (pending >= tile) {
      flush(g32, g64, n, !flushed);
      flushed = true;
      pending = 0;
    }
  }
  flush(g32, g64, n, !flushed);
  store<f64>(out, lossAcc);
  store<f64>(out, gbAcc, 8);
}

/**
 * Softmax fused pass over positions [t0, t1), k classes. For each row i with weight s_i:
 *   z_i = W x_i + b (k), p_i = softmax(z_i) (max subtracted)
 *   bce: ℓ_i = logsumexp(z_i) − z_{i,y_i},  r_i = p_i − onehot(y_i)
 *   mse: ℓ_i = ½‖p_i − onehot(y_i)‖²,       r_ic = p_ic (d_ic − p_i·d_i),  d_i = p_i − onehot(y_i)
 *   g64 = Σ s_i r_i x_iᵀ (k×n float64), gb64 = Σ s_i r_i (k float64), out[0] = Σ s_i ℓ_i.
 * The four rows of a block are the four SIMD lanes for the activation step. zb is a k×4 float32 scratch
 * (class-major: zb[c·4 + lane]) and a second k×4 for the probabilities; g32 a k×n float32 tile.
 */
export function softmax_grad(
  X: usize, n: i32, k: i32, rows: usize, start: i32, t0: i32, t1: i32,
  y: usize, sw: usize, W: usize, bp: usize, mse: i32, zb: usize, g32: usize, g64: usize, gb64: usize, out: usize,
): void {
  const rowBytes: usize = <usize>n << 2;
  const kn: i32 = k * n;
  const pb: usize = zb + (<usize>k << 4);
  memory.fill(g32, 0, <usize>kn << 2);
  memory.fill(gb64, 0, <usize>k << 3);
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  let lossAcc: f64 = 0;
  let pending: i32 = 0;
  let flushed = false;
  for (let t = t0; t < t1; t += 4) {
    const left = t1 - t;
    const p0 = rowAddr(X, rowBytes, rows, start, t);
    const p1 = left > 1 ? rowAddr(X, rowBytes, rows, start, t + 1) : p0;
    const p2 = left > 2 ? rowAddr(X, rowBytes, rows, start, t + 2) : p0;
    const p3 = left > 3 ? rowAddr(X, rowBytes, rows, start, t + 3) : p0;
    const yv = blockValues(y, t, left);
    const sv = blockWeights(sw, t, left);
    // Scores, one class at a time for the four rows; running max and z_{y}.
    let mx = f32x4.splat(-Infinity);
    let zy = zero;
    let c = 0;
    for (; c + 2 <= k; c += 2) {
      dot4x2(p0, p1, p2, p3, W + (<usize>(c * n) << 2), W + (<usize>((c + 1) * n) << 2), n, zb + (<usize>c << 4), zb + (<usize>(c + 1) << 4));
    }
    if (c < k) v128.store(zb + (<usize>c << 4), dot4(p0, p1, p2, p3, W + (<usize>(c * n) << 2), n));
    for (c = 0; c < k; c++) {
      const a = zb + (<usize>c << 4);
      const zc = f32x4.add(v128.load(a), f32x4.splat(load<f32>(bp + (<usize>c << 2))));
      v128.store(a, zc);
      mx = f32x4.max(mx, zc);
      zy = v128.bitselect(zc, zy, i32x4.eq(yv, i32x4.splat(c)));
    }
    // e_c = exp(z_c − max), sum.
    let sum = zero;
    for (let c = 0; c < k; c++) {
      const a = zb + (<usize>c << 4);
      const ec = expv(f32x4.sub(v128.load(a), mx));
      v128.store(pb + (<usize>c << 4), ec);
      sum = f32x4.add(sum, ec);
    }
    const inv = f32x4.div(one, sum);
    let l: v128;
    if (mse) {
      // d_c = p_c − [y = c]; ℓ = ½ Σ d_c²; pd = Σ p_c d_c; r_c = p_c (d_c − pd)
      let sq = zero;
      let pd = zero;
      for (let c = 0; c < k; c++) {
        const a = pb + (<usize>c << 4);
        const p = f32x4.mul(v128.load(a), inv);
        const d = f32x4.sub(p, v128.and(one, i32x4.eq(yv, i32x4.splat(c))));
        sq = f32x4.add(sq, f32x4.mul(d, d));
        pd = f32x4.add(pd, f32x4.mul(p, d));
        v128.store(a, p);
        v128.store(zb + (<usize>c << 4), d);
      }
      l = f32x4.mul(f32x4.splat(0.5), sq);
      for (let c = 0; c < k; c++) {
        const a = pb + (<usize>c << 4);
        v128.store(a, f32x4.mul(v128.load(a), f32x4.sub(v128.load(zb + (<usize>c << 4)), pd)));
      }
    } else {
      // ℓ = max + log Σ e − z_y (log in float64 per lane); r_c = p_c − [y = c]
      const lse = f32x4.sub(mx, zy);
      const s0 = <f64>f32x4.extract_lane(sum, 0);
      const s1 = <f64>f32x4.extract_lane(sum, 1);
      const s2 = <f64>f32x4.extract_lane(sum, 2);
      const s3 = <f64>f32x4.extract_lane(sum, 3);
      lossAcc +=
        <f64>f32x4.extract_lane(sv, 0) * (Math.log(s0) + <f64>f32x4.extract_lane(lse, 0)) +
        <f64>f32x4.extract_lane(sv, 1) * (Math.log(s1) + <f64>f32x4.extract_lane(lse, 1)) +
        <f64>f32x4.extract_lane(sv, 2) * (Math.log(s2) + <f64>f32x4.extract_lane(lse, 2)) +
        <f64>f32x4.extract_lane(sv, 3) * (Math.log(s3) + <f64>f32x4.extract_lane(lse, 3));
      l = zero;
      for (let c = 0; c < k; c++) {
        const a = pb + (<usize>c << 4);
        v128.store(a, f32x4.sub(f32x4.mul(v128.load(a), inv), v128.and(one, i32x4.eq(yv, i32x4.splat(c)))));
      }
    }
    if (mse) lossAcc += hsum64(f32x4.mul(sv, l));
    // Gradient: per class c, g_c += Σ_r s_r r_rc x_r; gb_c += Σ_r s_r r_rc.
    for (let c = 0; c < k; c++) {
      const src = f32x4.mul(sv, v128.load(pb + (<usize>c << 4)));
      const gb = gb64 + (<usize>c << 3);
      store<f64>(gb, load<f64>(gb) + hsum64(src));
      axpy4(g32 + (<usize>(c * n) << 2), p0, p1, p2, p3, src, n);
    }
    pending += 4;
    if (pending >= TILE) {
      flush(g32, g64, kn, !flushed);
      flushed = true;
      pending = 0;
    }
  }
  flush(g32, g64, kn, !flushed);
  store<f64>(out, lossAcc);
}

/**
 * Scores over positions [t0, t1): out[t·k + c] = b_c + W_c·x_i (float32, count×k, t relative to 0).
 */
export function scores(
  X: usize, n: i32, k: i32, rows: usize, start: i32, t0: i32, t1: i32, W: usize, bp: usize, out: usize,
): void {
  const rowBytes: usize = <usize>n << 2;
  for (let t = t0; t < t1; t += 4) {
    const left = t1 - t;
    const p0 = rowAddr(X, rowBytes, rows, start, t);
    const p1 = left > 1 ? rowAddr(X, rowBytes, rows, start, t + 1) : p0;
    const p2 = left > 2 ? rowAddr(X, rowBytes, rows, start, t + 2) : p0;
    const p3 = left > 3 ? rowAddr(X, rowBytes, rows, start, t + 3) : p0;
    const o: usize = out + (<usize>(t * k) << 2);
    const stride: usize = <usize>k << 2;
    for (let c = 0; c < k; c++) {
      const z = f32x4.add(dot4(p0, p1, p2, p3, W + (<usize>(c * n) << 2), n), f32x4.splat(load<f32>(bp + (<usize>c << 2))));
      const a = o + (<usize>c << 2);
      store<f32>(a, f32x4.extract_lane(z, 0));
      if (left > 1) store<f32>(a + stride, f32x4.extract_lane(z, 1));
      if (left > 2) store<f32>(a + 2 * stride, f32x4.extract_lane(z, 2));
      if (left > 3) store<f32>(a + 3 * stride, f32x4.extract_lane(z, 3));
    }
  }
}

// ───────────────────────────── the exact solver's passes ─────────────────────────────

/**
 * Float64 dot products of four float32 rows with one float64 vector w (n values):
 * dst[r] = Σ_j f64(x_rj)·w_j for r = 0…3 (four float64 at dst). Two f64x2 accumulators per row.
 */
@inline function dot4d(p0: usize, p1: usize, p2: usize, p3: usize, w: usize, n: i32, dst: usize): void {
  let a0 = f64x2.splat(0);
  let a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  const n4 = n & ~3;
  let j = 0;
  for (; j < n4; j += 4) {
    const xo: usize = <usize>j << 2;
    const wo: usize = <usize>j << 3;
    const wl = v128.load(w + wo);
    const wh = v128.load(w + wo, 16);
    const x0 = v128.load(p0 + xo);
    a0 = f64x2.add(a0, f64x2.mul(f64x2.promote_low_f32x4(x0), wl));
    a1 = f64x2.add(a1, f64x2.mul(f64x2.promote_low_f32x4(f32x4.shuffle(x0, x0, 2, 3, 2, 3)), wh));
    const x1 = v128.load(p1 + xo);
    a2 = f64x2.add(a2, f64x2.mul(f64x2.promote_low_f32x4(x1), wl));
    a3 = f64x2.add(a3, f64x2.mul(f64x2.promote_low_f32x4(f32x4.shuffle(x1, x1, 2, 3, 2, 3)), wh));
    const x2 = v128.load(p2 + xo);
    a4 = f64x2.add(a4, f64x2.mul(f64x2.promote_low_f32x4(x2), wl));
    a5 = f64x2.add(a5, f64x2.mul(f64x2.promote_low_f32x4(f32x4.shuffle(x2, x2, 2, 3, 2, 3)), wh));
    const x3 = v128.load(p3 + xo);
    a6 = f64x2.add(a6, f64x2.mul(f64x2.promote_low_f32x4(x3), wl));
    a7 = f64x2.add(a7, f64x2.mul(f64x2.promote_low_f32x4(f32x4.shuffle(x3, x3, 2, 3, 2, 3)), wh));
  }
  const s0 = f64x2.add(a0, a1);
  const s1 = f64x2.add(a2, a3);
  const s2 = f64x2.add(a4, a5);
  const s3 = f64x2.add(a6, a7);
  let z0 = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  let z1 = f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1);
  let z2 = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
  let z3 = f64x2.extract_lane(s3, 0) + f64x2.extract_lane(s3, 1);
  for (; j < n; j++) {
    const wj = load<f64>(w + (<usize>j << 3));
    const xo: usize = <usize>j << 2;
    z0 += <f64>load<f32>(p0 + xo) * wj;
    z1 += <f64>load<f32>(p1 + xo) * wj;
    z2 += <f64>load<f32>(p2 + xo) * wj;
    z3 += <f64>load<f32>(p3 + xo) * wj;
  }
  store<f64>(dst, z0);
  store<f64>(dst, z1, 8);
  store<f64>(dst, z2, 16);
  store<f64>(dst, z3, 24);
}

/** g[j] += (s₀x₀ⱼ + s₁x₁ⱼ) + (s₂x₂ⱼ + s₃x₃ⱼ) in float64 over n values; s = four float64 at sp. */
@inline function axpy4d(g: usize, p0: usize, p1: usize, p2: usize, p3: usize, sp: usize, n: i32): void {
  const s0 = v128.load64_splat(sp);
  const s1 = v128.load64_splat(sp, 8);
  const s2 = v128.load64_splat(sp, 16);
  const s3 = v128.load64_splat(sp, 24);
  const n4 = n & ~3;
  let j = 0;
  for (; j < n4; j += 4) {
    const xo: usize = <usize>j << 2;
    const x0 = v128.load(p0 + xo);
    const x1 = v128.load(p1 + xo);
    const x2 = v128.load(p2 + xo);
    const x3 = v128.load(p3 + xo);
    const lo = f64x2.add(
      f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(x0), s0), f64x2.mul(f64x2.promote_low_f32x4(x1), s1)),
      f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(x2), s2), f64x2.mul(f64x2.promote_low_f32x4(x3), s3)),
    );
    const hi = f64x2.add(
      f64x2.add(
        f64x2.mul(f64x2.promote_low_f32x4(f32x4.shuffle(x0, x0, 2, 3, 2, 3)), s0),
        f64x2.mul(f64x2.promote_low_f32x4(f32x4.shuffle(x1, x1, 2, 3, 2, 3)), s1),
      ),
      f64x2.add(
        f64x2.mul(f64x2.promote_low_f32x4(f32x4.shuffle(x2, x2, 2, 3, 2, 3)), s2),
        f64x2.mul(f64x2.promote_low_f32x4(f32x4.shuffle(x3, x3, 2, 3, 2, 3)), s3),
      ),
    );
    const go: usize = g + (<usize>j << 3);
    v128.store(go, f64x2.add(v128.load(go), lo));
    v128.store(go, f64x2.add(v128.load(go, 16), hi), 16);
  }
  if (j < n) {
    const c0 = load<f64>(sp);
    const c1 = load<f64>(sp, 8);
    const c2 = load<f64>(sp, 16);
    const c3 = load<f64>(sp, 24);
    for (; j < n; j++) {
      const xo: usize = <usize>j << 2;
      const go: usize = g + (<usize>j << 3);
      store<f64>(
        go,
        load<f64>(go) +
          ((<f64>load<f32>(p0 + xo) * c0 + <f64>load<f32>(p1 + xo) * c1) +
            (<f64>load<f32>(p2 + xo) * c2 + <f64>load<f32>(p3 + xo) * c3)),
      );
    }
  }
}

/**
 * Float64 fused pass of the exact solver over positions [t0, t1) (see LinearKernel.exactGrad), k = 1 binary or
 * k ≥ 2 classes, θ = [W (k×n), b (k)] float64 at theta, d = k(n + 1):
 *   binary:  z = x·w + b, a = σ(z), ℓ = softplus(z) − y z, r = a − y, curvature a(1 − a) = e/(1 + e)², e = e^(−|z|)
 *   softmax: z = W x + b, p = softmax(z), ℓ = logsumexp(z) − z_y, r = p − e_y, curvature p (k)
 *   g64 = [Σ s r xᵀ (k×n), Σ s r (k)] (d float64, overwritten), out[0] = Σ s ℓ, out[1] = rows not classified
 *   strictly correctly (float64). Rows four at a time: scores by dot4d, the activation per row in scalar float64
 *   (Math.exp, Math.log1p, Math.log), the gradient by axpy4d. y: int32 per position (binary: 1 positive);
 *   curv: 0 or float32 output per position (curv + t·k·4; k = 1 for binary). zb: 8·k float64 scratch.
 */
export function exact_grad(
  X: usize, n: i32, k: i32, rows: usize, start: i32, t0: i32, t1: i32,
  y: usize, sw: usize, theta: usize, zb: usize, g64: usize, curv: usize, out: usize,
): void {
  const rowBytes: usize = <usize>n << 2;
  const kn = k * n;
  const d = kn + k;
  memory.fill(g64, 0, <usize>d << 3);
  const rb: usize = zb + (<usize>k << 5);
  let lossAcc: f64 = 0;
  let wrong: i32 = 0;
  for (let t = t0; t < t1; t += 4) {
    const left = t1 - t;
    const p0 = rowAddr(X, rowBytes, rows, start, t);
    const p1 = left > 1 ? rowAddr(X, rowBytes, rows, start, t + 1) : p0;
    const p2 = left > 2 ? rowAddr(X, rowBytes, rows, start, t + 2) : p0;
    const p3 = left > 3 ? rowAddr(X, rowBytes, rows, start, t + 3) : p0;
    for (let c = 0; c < k; c++) dot4d(p0, p1, p2, p3, theta + (<usize>(c * n) << 3), n, zb + (<usize>c << 5));
    for (let r = 0; r < 4; r++) {
      const lane: usize = <usize>r << 3;
      if (r >= left) {
        for (let c = 0; c < k; c++) store<f64>(rb + (<usize>c << 5) + lane, 0);
        continue;
      }
      const tt = t + r;
      const s: f64 = sw != 0 ? <f64>load<f32>(sw + (<usize>tt << 2)) : 1.0;
      const yi = load<i32>(y + (<usize>tt << 2));
      if (k == 1) {
        const z = load<f64>(zb + lane) + load<f64>(theta + (<usize>n << 3));
        const e = Math.exp(-Math.abs(z));
        const q = 1.0 / (1.0 + e);
        const eq = e * q;
        const a = z >= 0 ? q : eq;
        const ac = z >= 0 ? eq : q;
        const pos = yi == 1;
        lossAcc += s * ((z > 0 ? z : 0) + Math.log1p(e) - (pos ? z : 0));
        store<f64>(rb + lane, s * (pos ? -ac : a));
        if (curv != 0) store<f32>(curv + (<usize>tt << 2), <f32>(q * eq));
        if (pos ? !(z > 0) : !(z < 0)) wrong++;
      } else {
        let mx = -Infinity;
        for (let c = 0; c < k; c++) {
          const a = zb + (<usize>c << 5) + lane;
          const zc = load<f64>(a) + load<f64>(theta + (<usize>(kn + c) << 3));
          store<f64>(a, zc);
          if (zc > mx) mx = zc;
        }
        let sum: f64 = 0;
        for (let c = 0; c < k; c++) {
          const ec = Math.exp(load<f64>(zb + (<usize>c << 5) + lane) - mx);
          store<f64>(rb + (<usize>c << 5) + lane, ec);
          sum += ec;
        }
        const zy = load<f64>(zb + (<usize>yi << 5) + lane);
        let ok = true;
        for (let c = 0; c < k; c++) if (c != yi && !(zy > load<f64>(zb + (<usize>c << 5) + lane))) ok = false;
        if (!ok) wrong++;
        lossAcc += s * (mx + Math.log(sum) - zy);
        const inv = 1.0 / sum;
        for (let c = 0; c < k; c++) {
          const a = rb + (<usize>c << 5) + lane;
          const p = load<f64>(a) * inv;
          if (curv != 0) store<f32>(curv + (<usize>(tt * k + c) << 2), <f32>p);
          store<f64>(a, s * (c == yi ? p - 1 : p));
        }
      }
    }
    for (let c = 0; c < k; c++) {
      const sp = rb + (<usize>c << 5);
      axpy4d(g64 + (<usize>(c * n) << 3), p0, p1, p2, p3, sp, n);
      const gb = g64 + (<usize>(kn + c) << 3);
      store<f64>(gb, load<f64>(gb) + ((load<f64>(sp) + load<f64>(sp, 8)) + (load<f64>(sp, 16) + load<f64>(sp, 24))));
    }
  }
  store<f64>(out, lossAcc);
  store<f64>(out, <f64>wrong, 8);
}

/**
 * Softmax Hessian-vector product over positions [t0, t1) (see LinearKernel.exactHessVec), k classes: with
 * p_i (compact float32, k per position, at curv) and v = [V (k×n), v_b (k)] as float32 (v_b at bp),
 *   u_i = V x_i + v_b,  q_ic = s_i p_ic (u_ic − p_i·u_i),
 *   g64 = Σ q_i x_iᵀ (k×n float64, overwritten),  gb64 = Σ q_i (k float64, overwritten).
 * Scores as in softmax_grad; sums in float32 over tiles of TILE_EXACT rows, float64 across tiles.
 * zb: 2·k×4 float32 scratch; g32: k×n float32 tile.
 */
export function exact_hv_softmax(
  X: usize, n: i32, k: i32, rows: usize, start: i32, t0: i32, t1: i32,
  curv: usize, sw: usize, V: usize, bp: usize, zb: usize, g32: usize, g64: usize, gb64: usize,
): void {
  const rowBytes: usize = <usize>n << 2;
  const kn: i32 = k * n;
  const pb: usize = zb + (<usize>k << 4);
  memory.fill(g32, 0, <usize>kn << 2);
  memory.fill(gb64, 0, <usize>k << 3);
  const zero = f32x4.splat(0);
  let pending: i32 = 0;
  let flushed = false;
  for (let t = t0; t < t1; t += 4) {
    const left = t1 - t;
    const p0 = rowAddr(X, rowBytes, rows, start, t);
    const p1 = left > 1 ? rowAddr(X, rowBytes, rows, start, t + 1) : p0;
    const p2 = left > 2 ? rowAddr(X, rowBytes, rows, start, t + 2) : p0;
    const p3 = left > 3 ? rowAddr(X, rowBytes, rows, start, t + 3) : p0;
    const sv = blockWeights(sw, t, left);
    let c = 0;
    for (; c + 2 <= k; c += 2) {
      dot4x2(p0, p1, p2, p3, V + (<usize>(c * n) << 2), V + (<usize>((c + 1) * n) << 2), n, zb + (<usize>c << 4), zb + (<usize>(c + 1) << 4));
    }
    if (c < k) v128.store(zb + (<usize>c << 4), dot4(p0, p1, p2, p3, V + (<usize>(c * n) << 2), n));
    // u_c = V_c·x + v_b,c; p_c lanes from curv (0 past the end); pu = Σ_c p_c u_c.
    let pu = zero;
    const rowP: usize = <usize>k << 2;
    const base: usize = curv + <usize>t * rowP;
    for (c = 0; c < k; c++) {
      const a = zb + (<usize>c << 4);
      const u = f32x4.add(v128.load(a), f32x4.splat(load<f32>(bp + (<usize>c << 2))));
      v128.store(a, u);
      const pa = base + (<usize>c << 2);
      let pv = f32x4.splat(0);
      pv = f32x4.replace_lane(pv, 0, load<f32>(pa));
      if (left > 1) pv = f32x4.replace_lane(pv, 1, load<f32>(pa + rowP));
      if (left > 2) pv = f32x4.replace_lane(pv, 2, load<f32>(pa + 2 * rowP));
      if (left > 3) pv = f32x4.replace_lane(pv, 3, load<f32>(pa + 3 * rowP));
      v128.store(pb + (<usize>c << 4), pv);
      pu = f32x4.add(pu, f32x4.mul(pv, u));
    }
    for (c = 0; c < k; c++) {
      const q = f32x4.mul(
        sv,
        f32x4.mul(v128.load(pb + (<usize>c << 4)), f32x4.sub(v128.load(zb + (<usize>c << 4)), pu)),
      );
      const gb = gb64 + (<usize>c << 3);
      store<f64>(gb, load<f64>(gb) + hsum64(q));
      axpy4(g32 + (<usize>(c * n) << 2), p0, p1, p2, p3, q, n);
    }
    pending += 4;
    if (pending >= TILE_EXACT) {
      flush(g32, g64, kn, !flushed);
      flushed = true;
      pending = 0;
    }
  }
  flush(g32, g64, kn, !flushed);
}

/** Rows per block of exact_hessian: packed, summed in float32, then added to the float64 blocks. */
const HESS_BLOCK: i32 = 64;

/**
 * G[a][l] += Σ_{r < B} xw[r][a]·xt[r][l] for the upper triangle (4×8 tiles with l0 + 8 > a0) of one n1p×n1p
 * float64 block at G: rows r of xt and xw are n1p float32 apart. Each tile sums the block's rows in eight
 * float32 accumulators, then adds them to G in float64.
 */
@inline function gramTiles(xt: usize, xw: usize, B: i32, n1p: i32, G: usize): void {
  const stride: usize = <usize>n1p << 2;
  for (let a0 = 0; a0 < n1p; a0 += 4) {
    for (let l0 = a0 & ~7; l0 < n1p; l0 += 8) {
      let c0 = f32x4.splat(0);
      let c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
      let pt: usize = xt + (<usize>l0 << 2);
      let pw: usize = xw + (<usize>a0 << 2);
      for (let r = 0; r < B; r++) {
        const u = v128.load(pt);
        const v = v128.load(pt, 16);
        const s0 = v128.load32_splat(pw);
        c0 = f32x4.add(c0, f32x4.mul(s0, u));
        c1 = f32x4.add(c1, f32x4.mul(s0, v));
        const s1 = v128.load32_splat(pw, 4);
        c2 = f32x4.add(c2, f32x4.mul(s1, u));
        c3 = f32x4.add(c3, f32x4.mul(s1, v));
        const s2 = v128.load32_splat(pw, 8);
        c4 = f32x4.add(c4, f32x4.mul(s2, u));
        c5 = f32x4.add(c5, f32x4.mul(s2, v));
        const s3 = v128.load32_splat(pw, 12);
        c6 = f32x4.add(c6, f32x4.mul(s3, u));
        c7 = f32x4.add(c7, f32x4.mul(s3, v));
        pt += stride;
        pw += stride;
      }
      const g0: usize = G + ((<usize>a0 * <usize>n1p + <usize>l0) << 3);
      const gs: usize = <usize>n1p << 3;
      addTileRow(g0, c0, c1);
      addTileRow(g0 + gs, c2, c3);
      addTileRow(g0 + 2 * gs, c4, c5);
      addTileRow(g0 + 3 * gs, c6, c7);
    }
  }
}

/** g[0…8) += float64 of the eight float32 lanes of u, v. */
@inline function addTileRow(g: usize, u: v128, v: v128): void {
  v128.store(g, f64x2.add(v128.load(g), f64x2.promote_low_f32x4(u)));
  v128.store(g, f64x2.add(v128.load(g, 16), f64x2.promote_low_f32x4(f32x4.shuffle(u, u, 2, 3, 2, 3))), 16);
  v128.store(g, f64x2.add(v128.load(g, 32), f64x2.promote_low_f32x4(v)), 32);
  v128.store(g, f64x2.add(v128.load(g, 48), f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3))), 48);
}

/**
 * Dense Hessian blocks over positions [t0, t1) (see LinearKernel.exactHessian): for each class pair c ≤ e
 * (pair index in order (0,0), (0,1) … (0,k−1), (1,1) …; one pair for binary), the (n+1)×(n+1) upper triangle of
 *   G_ce = Σ_t w_t A_t,ce x̃_t x̃_tᵀ,   w_t = scale_t·s_t,   binary A_t = c_t, softmax A_t,ce = δ_ce p_tc − p_tc p_te,
 * as float64 n1p×n1p blocks (n1p = n + 1 rounded up to 8) at G (overwritten; entries below the diagonal are
 * unspecified). curv: compact float32 per position (k per position for softmax); scale: 0 or float64 per position;
 * pack: scratch of 2·HESS_BLOCK·n1p float32 + HESS_BLOCK float64. Rows are packed HESS_BLOCK at a time as x̃ and,
 * per pair, as w_t A_t,ce x̃_t (float32), then summed by gramTiles.
 */
export function exact_hessian(
  X: usize, n: i32, k: i32, rows: usize, start: i32, t0: i32, t1: i32,
  sw: usize, curv: usize, scale: usize, pack: usize, G: usize,
): void {
  const rowBytes: usize = <usize>n << 2;
  const n1 = n + 1;
  const n1p = (n1 + 7) & ~7;
  const stride: usize = <usize>n1p << 2;
  const pairs = k == 1 ? 1 : (k * (k + 1)) >> 1;
  const blockBytes: usize = <usize>n1p * <usize>n1p << 3;
  const xt = pack;
  const xw = pack + <usize>HESS_BLOCK * stride;
  const wb = xw + <usize>HESS_BLOCK * stride;
  memory.fill(G, 0, <usize>pairs * blockBytes);
  for (let tb = t0; tb < t1; tb += HESS_BLOCK) {
    const B = min(HESS_BLOCK, t1 - tb);
    for (let r = 0; r < B; r++) {
      const t = tb + r;
      const dst = xt + <usize>r * stride;
      memory.copy(dst, rowAddr(X, rowBytes, rows, start, t), rowBytes);
      store<f32>(dst + rowBytes, 1);
      memory.fill(dst + rowBytes + 4, 0, <usize>(n1p - n1) << 2);
      const s: f64 = sw != 0 ? <f64>load<f32>(sw + (<usize>t << 2)) : 1.0;
      store<f64>(wb + (<usize>r << 3), scale != 0 ? load<f64>(scale + (<usize>t << 3)) * s : s);
    }
    let pair = 0;
    for (let c = 0; c < k; c++) {
      for (let e = c; e < k; e++) {
        for (let r = 0; r < B; r++) {
          const pr: usize = curv + (<usize>((tb + r) * k) << 2);
          let A: f64;
          if (k == 1) {
            A = <f64>load<f32>(pr);
          } else {
            const pc = <f64>load<f32>(pr + (<usize>c << 2));
            A = c == e ? pc * (1 - pc) : -pc * <f64>load<f32>(pr + (<usize>e << 2));
          }
          const wv = f32x4.splat(<f32>(load<f64>(wb + (<usize>r << 3)) * A));
          const src = xt + <usize>r * stride;
          const dst = xw + <usize>r * stride;
          for (let j: usize = 0; j < stride; j += 16) v128.store(dst + j, f32x4.mul(v128.load(src + j), wv));
        }
        gramTiles(xt, xw, B, n1p, G + <usize>pair * blockBytes);
        pair++;
      }
    }
  }
}
