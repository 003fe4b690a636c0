/**
 * Exact minimiser of the regularised cross-entropy objective (the same J as {@link Objective} with loss 'bce'):
 *
 *   J(W, b) = Σ_i s_i ℓ_i / Σ_i s_i + (λ/2) ‖W‖²_F,   binary ℓ_i = softplus(z_i) − y_i z_i,
 *                                                     softmax ℓ_i = logsumexp(z_i) − z_{i,y_i}
 *
 * computed in float64 (X is read as float32 and widened). Used to validate training and to plot the distance of
 * every iterate from the optimum W*.
 *
 * Passes over the rows. Given a kernel (SolveOptions.kernel, the one training uses), J, ∇J and the curvature come
 * from its float64 fused pass (LinearKernel.exactGrad), the Hessian-vector products and the dense Hessian from
 * exactHessVec / exactHessian, which the SIMD kernels form from float32 products with float64 sums: Newton only
 * needs an approximate H (its direction is refined by the exact gradient at the next step), while J and ∇J — what
 * the stopping test ‖∇J‖ ≤ tol and the line search read — stay float64 throughout. Without a kernel the float64
 * TypeScript loops of {@link Problem} below do the same work (the reference the kernels are tested against).
 *
 * Parameters are packed as θ = [W (k×n row-major), b (k)], d = k(n + 1) unknowns.
 *
 * Methods
 * - Newton: each step solves H p = −∇J by preconditioned conjugate gradients with exact Hessian-vector products
 *   H v = Σ_i ω_i x̃_i (A_i (Ṽ x̃_i)) + λ V, where ω_i = s_i / Σ s, x̃ = [x, 1] and A_i = a_i(1 − a_i) (binary) or
 *   diag(p_i) − p_i p_iᵀ (softmax); the preconditioner is the Cholesky factor of the same Hessian built densely
 *   from all rows, or — when m·d²/2 exceeds a work budget — estimated from rows sampled in proportion to their
 *   curvature (CG makes up the difference). With the exact Hessian this is plain Newton/IRLS. Armijo backtracking.
 * - L-BFGS (for large softmax problems): two-loop recursion, weak-Wolfe bisection line search.
 *
 * Uniqueness. With λ > 0, binary optima are unique. Softmax scores are unchanged by adding one constant to every
 * b_c, and (when λ = 0) one vector to every row of W, so the solver returns the representative with
 * Σ_c b_c = 0 (and Σ_c W_c = 0 when λ = 0) — the one gradient descent from zero converges to.
 * With λ = 0 and linearly separable data there is no finite optimum: once an iterate classifies every row
 * strictly correctly (a certificate of separability) the solver stops with converged = false, separable = true.
 */
import type { LinearKernel, RowSet, Split } from '../types';

export interface SolveOptions {
  /** λ ≥ 0 in (λ/2)‖W‖². */
  l2: number;
  classWeight: 'balanced' | null;
  /** Number of classes K (2 for binary). */
  numClasses: number;
  /** Maximum outer iterations (default 100 for Newton, 10000 for L-BFGS). */
  maxIter?: number;
  /** Stop when ‖∇J‖₂ ≤ tol (default 1e-9). */
  tol?: number;
  /** 'auto' (default): Newton for binary and for softmax with k(n+1) ≤ 400, else L-BFGS. */
  method?: 'auto' | 'newton' | 'lbfgs';
  /**
   * Newton only: work budget (multiply-adds) for the dense Hessian preconditioner (default 3e8). Above it the
   * preconditioner is estimated from max(budget / (d²/2), 3d) rows sampled in proportion to their curvature.
   */
  hessianBudget?: number;
  /**
   * Kernel for the passes over the rows (J, ∇J, Hessian products, the dense Hessian): the session's training
   * kernel. Default: the float64 TypeScript loops of this module.
   */
  kernel?: LinearKernel;
}

export interface SolveResult {
  /** k×n row-major (n for binary). */
  W: Float64Array;
  /** Length k (1 for binary). */
  b: Float64Array;
  /** Outer iterations taken (Newton steps or L-BFGS steps). */
  iterations: number;
  /** ‖∇J‖₂ ≤ tol at the returned point (always false when the data are separable and λ = 0). */
  converged: boolean;
  /** ‖∇J‖₂ at the returned point. */
  gradNorm: number;
  /** J at the returned point. */
  objective: number;
  method: 'newton' | 'lbfgs';
  /** λ = 0 and the returned parameters classify every training row strictly correctly: no finite optimum. */
  separable: boolean;
}

/**
 * The exact optimum (for the distance-to-optimum curve) (for J − J*, the distance-to-optimum curve and the
 * optimum beside every model) is solved only when its cost estimate
 * m·d² (d = k(n+1) parameters: Newton's Hessian) is at most this — about 2–3 s here; 16 000 × 784 binary
 * (1.0e10) took 25 s, which would block the first answer.
 */
export const OPTIMUM_MAX_COST = 1e9;

/** Whether solving for the exact optimum of m rows, n features and k outputs is cheap enough (see OPTIMUM_MAX_COST). */
export function optimumAffordable(m: number, n: number, k: number): boolean {
  const d = k * (n + 1);
  return m * d * d <= OPTIMUM_MAX_COST;
}

/** Default work budget (multiply-adds) for building the dense Hessian preconditioner. */
const HESSIAN_BUDGET = 3e8;
/** Largest k(n+1) for which 'auto' chooses Newton for softmax. */
const NEWTON_MAX_DIM_SOFTMAX = 400;

/**
 * Minimise J(W, b) exactly (to tol) in float64. k = 1 for a binary model (y ∈ {0, 1}), else k = K classes.
 * Shapes: split.X m×n row-major float32, split.y (m). Returns W (k×n), b (k) as Float64Array.
 */
export function solveExact(split: Split, k: number, opts: SolveOptions): SolveResult {
  const solver = new ExactSolver(split, k, opts);
  const maxIter = opts.maxIter ?? (solver.method === 'newton' ? 100 : 10000);
  while (solver.iterations < maxIter && solver.step() !== null) {
    // one Newton / L-BFGS iteration per step
  }
  return solver.result();
}

// ───────────────────────────── the problem in float64 ─────────────────────────────

class Problem {
  readonly X: Float32Array;
  readonly y: Int32Array;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly kn: number;
  /** Number of unknowns k(n + 1). */
  readonly d: number;
  readonly lambda: number;
  /** ω_i = s_i / Σ s (Σ ω = 1); weights rounded to float32 like {@link Objective}'s. */
  readonly omega: Float64Array;
  /** Curvature data at the last fg() point: binary ω_i a_i(1 − a_i) (m); softmax p_i (m×k). Without a kernel. */
  private readonly curv: Float64Array;
  private readonly zbuf: Float64Array;
  private readonly ubuf: Float64Array;
  /** Whether the last fg() point classified every row strictly correctly. */
  separates = false;
  /** The kernel doing the passes, or null for the float64 loops below. */
  private readonly kernel: LinearKernel | null;
  /** Kernel path: sample weights s_i (float32, null when all 1), their sum S (ω_i = s_i / S), all rows. */
  private readonly sw: Float32Array | null;
  private readonly totalWeight: number;
  private readonly allRows: RowSet;
  /** Kernel path: curvature at the last fg() point, binary a_i(1 − a_i) (m), softmax p_i (m×k), float32. */
  private readonly curv32: Float32Array;

  constructor(split: Split, k: number, opts: SolveOptions) {
    const m = split.m;
    if (!(m > 0)) throw new RangeError('solveExact: the split has no rows');
    if (!(k >= 1) || !Number.isInteger(k)) throw new RangeError(`solveExact: k must be a positive integer, got ${k}`);
    this.X = split.X;
    this.y = split.y;
    this.m = m;
    this.n = split.X.length / m;
    this.k = k;
    this.kn = k * this.n;
    this.d = k * (this.n + 1);
    this.lambda = opts.l2;
    const omega = new Float64Array(m);
    if (opts.classWeight === 'balanced') {
      const K = Math.max(opts.numClasses, k === 1 ? 2 : k);
      const counts = new Float64Array(K);
      for (let i = 0; i < m; i++) counts[split.y[i]]++;
      for (let i = 0; i < m; i++) omega[i] = Math.fround(m / (K * counts[split.y[i]]));
    } else {
      omega.fill(1);
    }
    let S = 0;
    for (let i = 0; i < m; i++) S += omega[i];
    this.kernel = opts.kernel ?? null;
    this.sw = this.kernel && opts.classWeight === 'balanced' ? Float32Array.from(omega) : null;
    this.totalWeight = S;
    this.allRows = { start: 0, end: m };
    for (let i = 0; i < m; i++) omega[i] /= S;
    this.omega = omega;
    this.curv = new Float64Array(this.kernel ? 0 : k === 1 ? m : m * k);
    this.curv32 = new Float32Array(this.kernel ? (k === 1 ? m : m * k) : 0);
    this.zbuf = new Float64Array(k);
    this.ubuf = new Float64Array(k);
  }

  /** fg() by the kernel: its float64 sums divided by S, plus the penalty. */
  private kernelFg(kernel: LinearKernel, theta: Float64Array, g: Float64Array): number {
    const { X, y, n, k, kn, d, lambda, totalWeight: S } = this;
    const r = kernel.exactGrad(X, n, k, this.allRows, y, this.sw, theta, g, this.curv32);
    this.separates = r.wrong === 0;
    for (let q = 0; q < d; q++) g[q] /= S;
    let sq = 0;
    for (let q = 0; q < kn; q++) {
      sq += theta[q] * theta[q];
      g[q] += lambda * theta[q];
    }
    return r.loss / S + 0.5 * lambda * sq;
  }

  /** J(θ), writing ∇J into g (d); caches the curvature at θ for hv() and hessian(). */
  fg(theta: Float64Array, g: Float64Array): number {
    if (this.kernel) return this.kernelFg(this.kernel, theta, g);
    const { X, y, m, n, k, kn, omega, curv } = this;
    g.fill(0);
    let f = 0;
    let sep = true;
    if (k === 1) {
      const b = theta[n];
      for (let i = 0; i < m; i++) {
        const off = i * n;
        let z = b;
        for (let j = 0; j < n; j++) z += X[off + j] * theta[j];
        const yi = y[i] === 1 ? 1 : 0;
        const e = Math.exp(-Math.abs(z));
        const a = z >= 0 ? 1 / (1 + e) : e / (1 + e);
        const w = omega[i];
        f += w * ((z > 0 ? z : 0) + Math.log1p(e) - yi * z);
        curv[i] = w * a * (1 - a);
        if (yi === 1 ? !(z > 0) : !(z < 0)) sep = false;
        const r = w * (a - yi);
        for (let j = 0; j < n; j++) g[j] += r * X[off + j];
        g[n] += r;
      }
    } else {
      const z = this.zbuf;
      for (let i = 0; i < m; i++) {
        const off = i * n;
        let max = -Infinity;
        for (let c = 0; c < k; c++) {
          let s = theta[kn + c];
          const wo = c * n;
          for (let j = 0; j < n; j++) s += theta[wo + j] * X[off + j];
          z[c] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let c = 0; c < k; c++) sum += Math.exp(z[c] - max);
        const yi = y[i];
        for (let c = 0; c < k; c++) if (c !== yi && !(z[yi] > z[c])) sep = false;
        const w = omega[i];
        f += w * (max + Math.log(sum) - z[yi]);
        const inv = 1 / sum;
        const po = i * k;
        for (let c = 0; c < k; c++) {
          const p = Math.exp(z[c] - max) * inv;
          curv[po + c] = p;
          const r = w * (c === yi ? p - 1 : p);
          const wo = c * n;
          for (let j = 0; j < n; j++) g[wo + j] += r * X[off + j];
          g[kn + c] += r;
        }
      }
    }
    const lambda = this.lambda;
    let sq = 0;
    for (let q = 0; q < kn; q++) {
      sq += theta[q] * theta[q];
      g[q] += lambda * theta[q];
    }
    this.separates = sep;
    return f + 0.5 * lambda * sq;
  }

  /** out = H v, the exact Hessian of J at the last fg() point times v (both length d). */
  hv(v: Float64Array, out: Float64Array): void {
    const { X, m, n, k, kn, omega, curv } = this;
    if (this.kernel) {
      this.kernel.exactHessVec(X, n, k, this.allRows, this.sw, this.curv32, v, out);
      const S = this.totalWeight;
      for (let q = 0; q < this.d; q++) out[q] /= S;
      for (let q = 0; q < kn; q++) out[q] += this.lambda * v[q];
      return;
    }
    out.fill(0);
    if (k === 1) {
      for (let i = 0; i < m; i++) {
        const off = i * n;
        let t = v[n];
        for (let j = 0; j < n; j++) t += X[off + j] * v[j];
        t *= curv[i];
        for (let j = 0; j < n; j++) out[j] += t * X[off + j];
        out[n] += t;
      }
    } else {
      const u = this.ubuf;
      for (let i = 0; i < m; i++) {
        const off = i * n;
        const po = i * k;
        let pu = 0;
        for (let c = 0; c < k; c++) {
          let s = v[kn + c];
          const wo = c * n;
          for (let j = 0; j < n; j++) s += v[wo + j] * X[off + j];
          u[c] = s;
          pu += curv[po + c] * s;
        }
        const w = omega[i];
        for (let c = 0; c < k; c++) {
          const q = w * curv[po + c] * (u[c] - pu);
          const wo = c * n;
          for (let j = 0; j < n; j++) out[wo + j] += q * X[off + j];
          out[kn + c] += q;
        }
      }
    }
    const lambda = this.lambda;
    for (let q = 0; q < kn; q++) out[q] += lambda * v[q];
  }

  /**
   * Curvature mass of each row at the last fg() point: c_i = trace of its Hessian weight,
   * ω_i a_i(1 − a_i) (binary) or ω_i Σ_c p_ic(1 − p_ic) (softmax). Length m.
   */
  curvatureMass(): Float64Array {
    const { m, k, omega } = this;
    if (this.kernel) {
      const c32 = this.curv32;
      const sw = this.sw;
      const S = this.totalWeight;
      const out = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        let s = 0;
        if (k === 1) {
          s = c32[i];
        } else {
          for (let c = 0; c < k; c++) {
            const p = c32[i * k + c];
            s += p * (1 - p);
          }
        }
        out[i] = ((sw ? sw[i] : 1) * s) / S;
      }
      return out;
    }
    const curv = this.curv;
    if (k === 1) return curv.slice(0, m);
    const out = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let c = 0; c < k; c++) {
        const p = curv[i * k + c];
        s += p * (1 - p);
      }
      out[i] = omega[i] * s;
    }
    return out;
  }

  /**
   * Dense Hessian (d×d, row-major) at the last fg() point: Σ_t scale_t · ω_i A_i ⊗ x̃_i x̃_iᵀ over the given
   * rows i = rows[t] (all rows with scale 1 when rows is null: the exact Hessian), plus λ on the W diagonal.
   */
  hessian(rows: Int32Array | null, rowScale: Float64Array | null, H: Float64Array): void {
    const { X, n, k, kn, d, omega, curv } = this;
    if (this.kernel) {
      this.kernel.exactHessian(X, n, k, rows ?? this.allRows, this.sw, this.curv32, rows ? rowScale : null, H);
      const S = this.totalWeight;
      for (let q = 0; q < d * d; q++) H[q] /= S;
      for (let q = 0; q < kn; q++) H[q * d + q] += this.lambda;
      return;
    }
    H.fill(0);
    const count = rows ? rows.length : this.m;
    const n1 = n + 1;
    const idx = new Int32Array(n1);
    const val = new Float64Array(n1);
    const A = new Float64Array(k * k);
    for (let t = 0; t < count; t++) {
      const i = rows ? rows[t] : t;
      const scale = rowScale ? rowScale[t] : 1;
      const off = i * n;
      // Non-zero entries of x̃ = [x_i, 1] (images are mostly zeros before standardisation).
      let nnz = 0;
      for (let j = 0; j < n; j++) {
        const x = X[off + j];
        if (x !== 0) {
          idx[nnz] = j;
          val[nnz++] = x;
        }
      }
      idx[nnz] = n;
      val[nnz++] = 1;
      if (k === 1) {
        const c = curv[i] * scale;
        if (c === 0) continue;
        // Upper triangle: H[a][l] += c x̃_a x̃_l for l ≥ a (idx ascending).
        for (let p = 0; p < nnz; p++) {
          const ca = c * val[p];
          const row = idx[p] * d;
          for (let q = p; q < nnz; q++) H[row + idx[q]] += ca * val[q];
        }
      } else {
        const w = omega[i] * scale;
        const po = i * k;
        for (let c = 0; c < k; c++) {
          const pc = curv[po + c];
          for (let e = 0; e < k; e++) A[c * k + e] = w * ((c === e ? pc : 0) - pc * curv[po + e]);
        }
        // Blocks (c, e) with c ≤ e; parameter index of (class c, feature a) is c·n + a, of bias c is kn + c.
        for (let c = 0; c < k; c++) {
          for (let e = c; e < k; e++) {
            const ace = A[c * k + e];
            if (ace === 0) continue;
            for (let p = 0; p < nnz; p++) {
              const a = idx[p];
              const row = (a < n ? c * n + a : kn + c) * d;
              const ca = ace * val[p];
              for (let q = c === e ? p : 0; q < nnz; q++) {
                const l = idx[q];
                H[row + (l < n ? e * n + l : kn + e)] += ca * val[q];
              }
            }
          }
        }
      }
    }
    // The loops above filled, for every unordered pair of parameters, exactly one of H[P][Q], H[Q][P]
    // (or both halves of a diagonal block's upper triangle). Symmetrise by summing the two halves.
    for (let P = 0; P < d; P++) {
      for (let Q = P + 1; Q < d; Q++) {
        const s = H[P * d + Q] + H[Q * d + P];
        H[P * d + Q] = s;
        H[Q * d + P] = s;
      }
    }
    for (let q = 0; q < kn; q++) H[q * d + q] += this.lambda;
  }

  /**
   * Softmax only: remove the directions J does not depend on — b_c −= mean_c b_c, and when λ = 0 also
   * W_cj −= mean_c W_cj. Leaves J, ∇J and the cached probabilities unchanged.
   */
  centre(theta: Float64Array): void {
    const { k, n, kn } = this;
    if (k === 1) return;
    let mb = 0;
    for (let c = 0; c < k; c++) mb += theta[kn + c];
    mb /= k;
    for (let c = 0; c < k; c++) theta[kn + c] -= mb;
    if (this.lambda === 0) {
      for (let j = 0; j < n; j++) {
        let mw = 0;
        for (let c = 0; c < k; c++) mw += theta[c * n + j];
        mw /= k;
        for (let c = 0; c < k; c++) theta[c * n + j] -= mw;
      }
    }
  }
}

// ───────────────────────────── linear algebra helpers ─────────────────────────────

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let q = 0; q < a.length; q++) s += a[q] * b[q];
  return s;
}

function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

/**
 * In-place Cholesky H = L Lᵀ (lower triangle of H overwritten by L; d×d row-major) of H + δI, raising δ from 0
 * (then 1e-12·max diag, ×100 each retry) until the factorisation succeeds. Returns δ used.
 */
function choleskyWithRidge(H: Float64Array, d: number, work: Float64Array): number {
  work.set(H);
  let maxDiag = 0;
  for (let a = 0; a < d; a++) maxDiag = Math.max(maxDiag, Math.abs(H[a * d + a]));
  if (maxDiag === 0) maxDiag = 1;
  let delta = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    if (attempt > 0) {
      H.set(work);
      delta = attempt === 1 ? 1e-12 * maxDiag : delta * 100;
      for (let a = 0; a < d; a++) H[a * d + a] += delta;
    }
    if (choleskyInPlace(H, d, 1e-14 * maxDiag)) return delta;
  }
  throw new Error('solveExact: Hessian factorisation failed');
}

/** Lower Cholesky in place; false when a pivot ≤ minPivot. */
function choleskyInPlace(A: Float64Array, d: number, minPivot: number): boolean {
  for (let j = 0; j < d; j++) {
    const rj = j * d;
    let s = A[rj + j];
    for (let p = 0; p < j; p++) s -= A[rj + p] * A[rj + p];
    if (!(s > minPivot)) return false;
    const ljj = Math.sqrt(s);
    A[rj + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < d; i++) {
      const ri = i * d;
      let t = A[ri + j];
      for (let p = 0; p < j; p++) t -= A[ri + p] * A[rj + p];
      A[ri + j] = t * inv;
    }
  }
  return true;
}

/** Solve L Lᵀ x = r with the lower factor L (d×d row-major), into out. */
function cholSolve(L: Float64Array, d: number, r: Float64Array, out: Float64Array): void {
  for (let i = 0; i < d; i++) {
    const ri = i * d;
    let s = r[i];
    for (let p = 0; p < i; p++) s -= L[ri + p] * out[p];
    out[i] = s / L[ri + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = out[i];
    for (let p = i + 1; p < d; p++) s -= L[p * d + i] * out[p];
    out[i] = s / L[i * d + i];
  }
}

/** Whether J decreased enough (Armijo), or — once J changes are at rounding level — the gradient shrank. */
function sufficientDecrease(f: number, ft: number, t: number, gp: number, gn: number, gnt: number): boolean {
  if (ft <= f + 1e-4 * t * gp) return true;
  return Math.abs(ft - f) <= 1e-14 * Math.max(1, Math.abs(f)) && gnt < gn;
}

function result(
  problem: Problem, theta: Float64Array, iterations: number, gn: number, f: number, tol: number,
  method: 'newton' | 'lbfgs',
): SolveResult {
  const separable = problem.lambda === 0 && problem.separates;
  return {
    W: theta.slice(0, problem.kn),
    b: theta.slice(problem.kn),
    iterations,
    converged: !separable && gn <= tol,
    gradNorm: gn,
    objective: f,
    method,
    separable,
  };
}

// ───────────────────────────── Newton (preconditioned CG) ─────────────────────────────

/**
 * Systematic sampling of R draws with probability ∝ c_i (the rows' curvature mass): draw t picks the row whose
 * cumulative mass interval contains (t + ½)·C/R, C = Σ c_i. Each distinct row i drawn n_i times gets scale
 * n_i·C/(R·c_i), so Σ_t scale_t · (Hessian term of row rows[t]) is an unbiased estimate of the full Hessian.
 * It keeps the rows that dominate the Hessian (near the decision boundary) and is evenly spaced when the
 * curvature is uniform.
 */
function curvatureSample(c: Float64Array, R: number): { rows: Int32Array; scale: Float64Array } {
  const m = c.length;
  let C = 0;
  for (let i = 0; i < m; i++) C += c[i];
  const rows: number[] = [];
  const scale: number[] = [];
  if (!(C > 0)) return { rows: new Int32Array(0), scale: new Float64Array(0) };
  const step = C / R;
  let next = 0.5 * step;
  let cum = 0;
  for (let i = 0; i < m && next < C; i++) {
    cum += c[i];
    let draws = 0;
    while (next < cum) {
      draws++;
      next += step;
    }
    if (draws > 0) {
      rows.push(i);
      scale.push((draws * step) / c[i]);
    }
  }
  return { rows: Int32Array.from(rows), scale: Float64Array.from(scale) };
}

/** What one iteration of an {@link ExactSolver} did (for the step panel: W := W + t·p with p ≈ −H⁻¹∇J). */
export interface SolverStep {
  /** J and ∇J (d) at θ before the step. */
  fBefore: number;
  gradBefore: Float64Array;
  /** Search direction p (d): Newton p ≈ −H⁻¹∇J (by preconditioned CG), L-BFGS p = −H̃∇J. */
  direction: Float64Array;
  /** Step length t accepted by the line search (1 = the full Newton step). */
  stepSize: number;
  /** Conjugate-gradient iterations used to solve H p = −∇J (Newton only, else 0). */
  innerIterations: number;
  /** J and ‖∇J‖₂ after the step. */
  fAfter: number;
  gradNormAfter: number;
  /** False when the line search found no decrease (θ unchanged; the solver stops). */
  accepted: boolean;
}

/**
 * The exact solver as an iterator: one Newton (or L-BFGS) iteration per {@link step}, so a training session can
 * show each one as an update. Start θ₀ = 0 unless given. `finished` once ‖∇J‖ ≤ tol, the data are shown to be
 * separable with λ = 0, or a line search fails.
 */
export class ExactSolver {
  readonly method: 'newton' | 'lbfgs';
  readonly d: number;
  readonly tol: number;
  private readonly problem: Problem;
  private theta: Float64Array;
  private g: Float64Array;
  private thetaT: Float64Array;
  private gT: Float64Array;
  private f: number;
  private gn: number;
  private iter = 0;
  private stalled = false;
  private readonly impl: NewtonState | LbfgsState;

  constructor(split: Split, k: number, opts: SolveOptions, theta0?: ArrayLike<number>) {
    this.problem = new Problem(split, k, opts);
    const d = this.problem.d;
    this.d = d;
    this.tol = opts.tol ?? 1e-9;
    this.method = opts.method && opts.method !== 'auto'
      ? opts.method
      : k === 1 || d <= NEWTON_MAX_DIM_SOFTMAX ? 'newton' : 'lbfgs';
    this.theta = new Float64Array(d);
    if (theta0) {
      if (theta0.length !== d) throw new RangeError(`ExactSolver: θ₀ has ${theta0.length} values, expected ${d}`);
      this.theta.set(theta0);
    }
    this.g = new Float64Array(d);
    this.thetaT = new Float64Array(d);
    this.gT = new Float64Array(d);
    this.f = this.problem.fg(this.theta, this.g);
    this.gn = norm(this.g);
    this.impl = this.method === 'newton'
      ? new NewtonState(this.problem, opts.hessianBudget ?? HESSIAN_BUDGET)
      : new LbfgsState(d);
  }

  /** Iterations taken. */
  get iterations(): number {
    return this.iter;
  }

  /** Current θ = [W (k×n), b (k)] (a view: copy before changing it). */
  get parameters(): Float64Array {
    return this.theta;
  }

  /** J and ‖∇J‖₂ at the current θ. */
  get objective(): number {
    return this.f;
  }
  get gradNorm(): number {
    return this.gn;
  }

  /** λ = 0 and the current θ classifies every row strictly correctly (no finite optimum). */
  get separable(): boolean {
    return this.problem.lambda === 0 && this.problem.separates;
  }

  /** No further step will be taken: converged, separable, or the line search failed. */
  get finished(): boolean {
    return this.gn <= this.tol || this.separable || this.stalled;
  }

  /** One iteration from the current θ (null when finished). */
  step(): SolverStep | null {
    if (this.finished) return null;
    const fBefore = this.f;
    const gradBefore = this.g.slice();
    const r = this.impl.iterate(this.problem, this.theta, this.g, this.f, this.gn, this.thetaT, this.gT);
    if (!r.accepted) {
      this.problem.fg(this.theta, this.g); // restore the cache and the separability flag at θ
      this.stalled = true;
      return {
        fBefore, gradBefore, direction: r.direction.slice(), stepSize: 0, innerIterations: r.inner,
        fAfter: this.f, gradNormAfter: this.gn, accepted: false,
      };
    }
    [this.theta, this.thetaT] = [this.thetaT, this.theta];
    [this.g, this.gT] = [this.gT, this.g];
    if (this.method === 'newton') this.problem.centre(this.theta); // leaves J, ∇J and the cached probabilities unchanged
    this.f = r.f;
    this.gn = r.gn;
    this.iter++;
    return {
      fBefore, gradBefore, direction: r.direction.slice(), stepSize: r.t, innerIterations: r.inner,
      fAfter: this.f, gradNormAfter: this.gn, accepted: true,
    };
  }

  /** The result at the current θ (softmax parameters centred, see the module comment). */
  result(): SolveResult {
    const theta = this.theta.slice();
    this.problem.centre(theta);
    return result(this.problem, theta, this.iter, this.gn, this.f, this.tol, this.method);
  }
}

interface IterateResult {
  accepted: boolean;
  t: number;
  f: number;
  gn: number;
  direction: Float64Array;
  inner: number;
}

/** Newton: PCG on H p = −g with a Cholesky preconditioner, then Armijo backtracking from t = 1. */
class NewtonState {
  private readonly H: Float64Array;
  private readonly work: Float64Array;
  private readonly p: Float64Array;
  private readonly r: Float64Array;
  private readonly z: Float64Array;
  private readonly dir: Float64Array;
  private readonly Hd: Float64Array;
  /** Rows for the preconditioner: all, or a subsample of R rows within the work budget (at least 3d). */
  private readonly R: number;

  constructor(problem: Problem, budget: number) {
    const { d, m } = problem;
    this.H = new Float64Array(d * d);
    this.work = new Float64Array(d * d);
    this.p = new Float64Array(d);
    this.r = new Float64Array(d);
    this.z = new Float64Array(d);
    this.dir = new Float64Array(d);
    this.Hd = new Float64Array(d);
    const perRow = (d * d) / 2;
    this.R = m * perRow <= budget ? m : Math.min(m, Math.max(Math.floor(budget / perRow), 3 * d));
  }

  iterate(
    problem: Problem, theta: Float64Array, g: Float64Array, f: number, gn: number,
    thetaT: Float64Array, gT: Float64Array,
  ): IterateResult {
    const { d, m } = problem;
    const { H, work, p, r, z, dir, Hd } = this;
    if (this.R < m) {
      const { rows, scale } = curvatureSample(problem.curvatureMass(), this.R);
      problem.hessian(rows, scale, H);
    } else {
      problem.hessian(null, null, H);
    }
    choleskyWithRidge(H, d, work);
    // PCG on H p = −g, forcing term η = min(0.01, √‖g‖).
    const eta = Math.min(0.01, Math.sqrt(gn));
    p.fill(0);
    for (let q = 0; q < d; q++) r[q] = -g[q];
    cholSolve(H, d, r, z);
    dir.set(z);
    let rz = dot(r, z);
    let inner = 0;
    for (let cg = 0; cg < 100; cg++) {
      problem.hv(dir, Hd);
      inner++;
      const dHd = dot(dir, Hd);
      if (!(dHd > 0)) break;
      const alpha = rz / dHd;
      for (let q = 0; q < d; q++) {
        p[q] += alpha * dir[q];
        r[q] -= alpha * Hd[q];
      }
      if (norm(r) <= eta * gn) break;
      cholSolve(H, d, r, z);
      const rzNew = dot(r, z);
      const beta = rzNew / rz;
      rz = rzNew;
      for (let q = 0; q < d; q++) dir[q] = z[q] + beta * dir[q];
    }
    let gp = dot(g, p);
    if (!(gp < 0)) {
      for (let q = 0; q < d; q++) p[q] = -g[q];
      gp = -gn * gn;
    }
    // Armijo backtracking from the full Newton step.
    let t = 1;
    for (let ls = 0; ls < 60; ls++) {
      for (let q = 0; q < d; q++) thetaT[q] = theta[q] + t * p[q];
      const ft = problem.fg(thetaT, gT);
      const gnt = norm(gT);
      if (Number.isFinite(ft) && sufficientDecrease(f, ft, t, gp, gn, gnt)) {
        return { accepted: true, t, f: ft, gn: gnt, direction: p, inner };
      }
      t *= 0.5;
    }
    return { accepted: false, t: 0, f, gn, direction: p, inner };
  }
}

// ───────────────────────────── L-BFGS ─────────────────────────────

/** L-BFGS: two-loop recursion over the last M = 20 pairs, weak-Wolfe bisection line search. */
class LbfgsState {
  private readonly M = 20;
  private readonly S: Float64Array[] = [];
  private readonly Y: Float64Array[] = [];
  private readonly rho: number[] = [];
  private readonly alphaBuf: Float64Array;
  private readonly p: Float64Array;

  constructor(d: number) {
    this.alphaBuf = new Float64Array(this.M);
    this.p = new Float64Array(d);
  }

  iterate(
    problem: Problem, theta: Float64Array, g: Float64Array, f: number, gn: number,
    thetaT: Float64Array, gT: Float64Array,
  ): IterateResult {
    const { d } = problem;
    const { S, Y, rho, alphaBuf, p } = this;
    // Two-loop recursion: p = −H_k g.
    for (let q = 0; q < d; q++) p[q] = -g[q];
    const h = S.length;
    for (let j = h - 1; j >= 0; j--) {
      const a = rho[j] * dot(S[j], p);
      alphaBuf[j] = a;
      const yj = Y[j];
      for (let q = 0; q < d; q++) p[q] -= a * yj[q];
    }
    const gamma = h > 0 ? dot(S[h - 1], Y[h - 1]) / dot(Y[h - 1], Y[h - 1]) : 1 / Math.max(1, gn);
    for (let q = 0; q < d; q++) p[q] *= gamma;
    for (let j = 0; j < h; j++) {
      const bta = rho[j] * dot(Y[j], p);
      const sj = S[j];
      const c = alphaBuf[j] - bta;
      for (let q = 0; q < d; q++) p[q] += c * sj[q];
    }
    let gp = dot(g, p);
    if (!(gp < 0)) {
      for (let q = 0; q < d; q++) p[q] = -g[q] / Math.max(1, gn);
      gp = dot(g, p);
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
    }
    // Weak-Wolfe bisection line search (Armijo c1 = 1e-4, curvature c2 = 0.9).
    let lo = 0;
    let hi = Infinity;
    let t = 1;
    let accepted = false;
    let ft = f;
    let gnt = gn;
    for (let ls = 0; ls < 60; ls++) {
      for (let q = 0; q < d; q++) thetaT[q] = theta[q] + t * p[q];
      ft = problem.fg(thetaT, gT);
      gnt = norm(gT);
      if (!Number.isFinite(ft) || !sufficientDecrease(f, ft, t, gp, gn, gnt)) {
        hi = t;
      } else if (dot(gT, p) < 0.9 * gp && Math.abs(ft - f) > 1e-14 * Math.max(1, Math.abs(f))) {
        lo = t;
      } else {
        accepted = true;
        break;
      }
      t = hi < Infinity ? 0.5 * (lo + hi) : 2 * lo;
    }
    if (!accepted && lo > 0) {
      // Curvature condition never met but Armijo holds at lo: take it.
      t = lo;
      for (let q = 0; q < d; q++) thetaT[q] = theta[q] + lo * p[q];
      ft = problem.fg(thetaT, gT);
      gnt = norm(gT);
      accepted = sufficientDecrease(f, ft, lo, gp, gn, gnt);
    }
    if (!accepted) return { accepted: false, t: 0, f, gn, direction: p, inner: 0 };
    const s = new Float64Array(d);
    const yv = new Float64Array(d);
    for (let q = 0; q < d; q++) {
      s[q] = thetaT[q] - theta[q];
      yv[q] = gT[q] - g[q];
    }
    const sy = dot(s, yv);
    if (sy > 1e-12 * norm(s) * norm(yv)) {
      if (S.length === this.M) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    }
    return { accepted: true, t, f: ft, gn: gnt, direction: p, inner: 0 };
  }
}
