/**
 * Whether training reached what it was meant to reach, in numbers a user can check:
 * - the smoothness constant L of the training objective, which bounds the learning rates for which gradient
 *   descent is guaranteed to decrease the cost (α < 2/L, best guaranteed decrease at α = 1/L);
 * - whether the optimum W* is unique (the design matrix [X 1] has full column rank, or λ > 0);
 * - the majority-class baseline every model should beat;
 * - the verdict of a run: converged, not-converged, oscillating, diverged or no-finite-optimum, with advice.
 *
 * Pure TypeScript: no Node-only APIs.
 */
import type { LinearKernel, LossKind, OptimizerKind, RowSet, Split } from '../types';

// ───────────────────────────── smoothness ─────────────────────────────

/**
 * Largest second derivative of the per-row loss in z:
 * binary cross-entropy σ(z)(1 − σ(z)) ≤ ¼; softmax cross-entropy: λmax(diag(p) − ppᵀ) ≤ ½;
 * binary squared error ½(σ(z) − y)²: max over a ∈ (0, 1), y ∈ {0, 1} of |a(1−a)(a(1−a) + (a−y)(1−2a))| = 0.07703.
 */
export function lossCurvatureBound(k: number, loss: LossKind): number | null {
  if (loss === 'bce') return k === 1 ? 0.25 : 0.5;
  return k === 1 ? 0.07703 : null;
}

/** Work limit (multiply-adds) of the power iteration over all rows. */
const POWER_BUDGET = 4e8;

/**
 * λmax(X̃ᵀ Ω X̃) for X̃ = [X 1] (m×(n+1)) and Ω = diag(ω), ω_i = s_i / Σ s (so Σ ω = 1), by power iteration:
 * v ← X̃ᵀΩX̃ v / ‖·‖ from v₀ = 1, until the Rayleigh quotient changes by less than 1e-6 relative (≤ maxIter
 * iterations, two passes over X each). When that would exceed POWER_BUDGET multiply-adds, the mean is taken over
 * evenly spaced rows instead (an estimate of the same mean Gram matrix). Shapes: split.X m×n row-major; weights
 * (m) or null for ω = 1/m. With a kernel, each product X̃ᵀΩX̃v is its exactHessVec with curvature 1 (float32
 * products summed in float64 across tiles: λ to about 1e-6 relative); without one, float64 loops.
 */
export function gramTopEigenvalue(split: Split, weights: Float32Array | null, maxIter = 50, kernel: LinearKernel | null = null): number {
  const { X } = split;
  const mAll = split.m;
  if (mAll === 0) return 0;
  const n = X.length / mAll;
  const d = n + 1;
  const m = Math.min(mAll, Math.max(4 * d, Math.floor(POWER_BUDGET / (2 * maxIter * d))));
  const rowOf = (t: number): number => (m === mAll ? t : Math.floor((t * mAll) / m));
  let total = 0;
  if (weights) for (let t = 0; t < m; t++) total += weights[rowOf(t)];
  const inv = weights ? 1 / total : 1 / m;
  let v = new Float64Array(d).fill(1 / Math.sqrt(d));
  let w = new Float64Array(d);
  let lambda = 0;
  const rows: RowSet = m === mAll ? { start: 0, end: mAll } : Int32Array.from({ length: m }, (_, t) => rowOf(t));
  const ones = kernel ? new Float32Array(mAll).fill(1) : null;
  for (let it = 0; it < maxIter; it++) {
    if (kernel && ones) {
      kernel.exactHessVec(X, n, 1, rows, weights, ones, v, w);
      for (let q = 0; q < d; q++) w[q] *= inv;
    } else {
      w.fill(0);
      for (let t = 0; t < m; t++) {
        const i = rowOf(t);
        const off = i * n;
        let u = v[n];
        for (let j = 0; j < n; j++) u += X[off + j] * v[j];
        u *= weights ? weights[i] * inv : inv;
        for (let j = 0; j < n; j++) w[j] += u * X[off + j];
        w[n] += u;
      }
    }
    let vw = 0;
    let ww = 0;
    for (let q = 0; q < d; q++) {
      vw += v[q] * w[q];
      ww += w[q] * w[q];
    }
    const prev = lambda;
    lambda = vw; // Rayleigh quotient vᵀAv with ‖v‖ = 1
    const nw = Math.sqrt(ww);
    if (!(nw > 0)) return 0;
    for (let q = 0; q < d; q++) w[q] /= nw;
    [v, w] = [w, v];
    if (it > 0 && Math.abs(lambda - prev) <= 1e-6 * Math.abs(lambda)) break;
  }
  return lambda;
}

/**
 * Smoothness constant of the training cost J (a bound on the largest eigenvalue of its Hessian):
 *   L = c · λmax(X̃ᵀΩX̃) + λ,   c = {@link lossCurvatureBound}.
 * Gradient descent with α < 2/L decreases J at every full-batch step (descent lemma); null when c is unknown.
 */
export function smoothnessBound(
  split: Split, k: number, loss: LossKind, l2: number, weights: Float32Array | null, kernel: LinearKernel | null = null,
): number | null {
  const c = lossCurvatureBound(k, loss);
  if (c === null) return null;
  return c * gramTopEigenvalue(split, weights, 50, kernel) + l2;
}

/** A learning rate as a user would type it: x rounded down to two significant digits. */
export function roundDownRate(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return x;
  const e = Math.floor(Math.log10(x)) - 1;
  const scale = Math.pow(10, e);
  return Number((Math.floor(x / scale + 1e-9) * scale).toPrecision(2));
}

// ───────────────────────────── uniqueness ─────────────────────────────

/** Largest number of multiply-adds spent on the rank check (m·d²/2); above it rows are sampled evenly. */
const RANK_BUDGET = 2e8;

/**
 * Whether X̃ = [X 1] (m×(n+1)) has full column rank, so that without L2 the minimiser of the (strictly convex on
 * its range) logistic cost is unique: Cholesky of the correlation form of X̃ᵀX̃ with a relative pivot tolerance
 * of 1e-9 (a zero column, a constant column next to the bias, or indicators of every level of a column that
 * sum to 1 are all rank deficiencies). When m·d²/2 exceeds the budget, evenly spaced rows are used: full rank
 * of a subset proves full rank; a deficient subset gives null (unknown).
 */
export function hasFullColumnRank(split: Split): boolean | null {
  const { X, m } = split;
  if (m === 0) return false;
  const n = X.length / m;
  const d = n + 1;
  if (m < d) return false;
  const perRow = (d * d) / 2;
  const rows = m * perRow <= RANK_BUDGET ? m : Math.max(d, Math.floor(RANK_BUDGET / perRow));
  const G = new Float64Array(d * d);
  const x = new Float64Array(d);
  for (let t = 0; t < rows; t++) {
    const i = rows === m ? t : Math.floor((t * m) / rows);
    const off = i * n;
    for (let j = 0; j < n; j++) x[j] = X[off + j];
    x[n] = 1;
    for (let a = 0; a < d; a++) {
      const xa = x[a];
      if (xa === 0) continue;
      const ra = a * d;
      for (let b = a; b < d; b++) G[ra + b] += xa * x[b];
    }
  }
  const diag = new Float64Array(d);
  for (let a = 0; a < d; a++) diag[a] = G[a * d + a];
  for (let a = 0; a < d; a++) if (!(diag[a] > 0)) return rows === m ? false : null;
  // Correlation form C = D^-½ G D^-½ (upper triangle → full), then Cholesky with pivot tolerance.
  const C = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = G[a * d + b] / Math.sqrt(diag[a] * diag[b]);
      C[a * d + b] = v;
      C[b * d + a] = v;
    }
  }
  for (let j = 0; j < d; j++) {
    const rj = j * d;
    let s = C[rj + j];
    for (let p = 0; p < j; p++) s -= C[rj + p] * C[rj + p];
    if (!(s > 1e-9)) return rows === m ? false : null;
    const l = Math.sqrt(s);
    C[rj + j] = l;
    for (let i = j + 1; i < d; i++) {
      const ri = i * d;
      let t = C[ri + j];
      for (let p = 0; p < j; p++) t -= C[ri + p] * C[rj + p];
      C[ri + j] = t / l;
    }
  }
  return true;
}

// ───────────────────────────── baseline ─────────────────────────────

/** The model that ignores the features: it predicts the training class frequencies for every row. */
export interface BaselineSummary {
  /** The most frequent training class (ties: the lower class index). */
  majorityClass: string;
  trainAccuracy: number;
  testAccuracy: number | null;
  /** Mean log loss of the prior p_c = m_c / m:  −(1/m) Σ log p_{y_i}  (train: the entropy of the classes). */
  trainLoss: number;
  testLoss: number | null;
}

/** Majority-class accuracy and prior log loss on both splits (class counts from the training rows). */
export function baselineSummary(classes: string[], train: Int32Array, test: Int32Array): BaselineSummary {
  const K = classes.length;
  const counts = new Float64Array(K);
  for (let i = 0; i < train.length; i++) counts[train[i]]++;
  let major = 0;
  for (let c = 1; c < K; c++) if (counts[c] > counts[major]) major = c;
  const m = train.length;
  const score = (y: Int32Array): { accuracy: number; loss: number } => {
    let hits = 0;
    let loss = 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i] === major) hits++;
      // A class absent from the training rows has prior 0: its log loss is infinite (reported as such).
      loss -= Math.log(counts[y[i]] / m);
    }
    return { accuracy: hits / y.length, loss: loss / y.length };
  };
  const tr = score(train);
  const te = test.length > 0 ? score(test) : null;
  return {
    majorityClass: classes[major],
    trainAccuracy: tr.accuracy,
    testAccuracy: te ? te.accuracy : null,
    trainLoss: tr.loss,
    testLoss: te ? te.loss : null,
  };
}

// ───────────────────────────── verdict ─────────────────────────────

export type Verdict = 'converged' | 'not-converged' | 'oscillating' | 'diverged' | 'no-finite-optimum';

/** A cost within this of the optimum J* counts as converged (J ≤ log K ≈ 0.7–2.3 for a sensible model). */
export const CONVERGED_GAP = 1e-4;
/** Without a known optimum: a gradient norm ‖∇J‖₂ at most this counts as converged. */
export const CONVERGED_GRAD = 1e-4;

export interface ConvergenceInput {
  optimizer: OptimizerKind;
  learningRate: number;
  epochs: number;
  l2: number;
  /** Full-batch first-order updates (gd, or any optimiser with one batch per epoch). */
  fullBatch: boolean;
  /** Iterations and completed epochs so far. */
  iteration: number;
  epoch: number;
  /** The run has stopped (epoch budget, tolerance, solver finished); false while it can go on. */
  done: boolean;
  /** The session stopped at an exploding or non-finite cost. */
  diverged: boolean;
  /** Training cost J at the current parameters, and at iteration 0. */
  cost: number;
  startCost: number | null;
  /** Recorded training costs in order (history, possibly downsampled), used for monotonicity and the rate. */
  costs: Array<{ iteration: number; epoch: number; cost: number }>;
  /** ‖∇J‖₂ over all training rows at the current parameters. */
  gradNorm: number;
  /** J* and whether the optimum is finite (null when it was not computed). */
  optimum: { cost: number; converged: boolean; separable: boolean } | null;
  /** Smoothness constant L = c·λmax + λ and its loss curvature bound c (null when unknown). */
  smoothness: number | null;
  curvature: number | null;
  /** The exact fit the advice offers (exactFitMethod of the model's size): Newton, or L-BFGS for large models. */
  exactMethod: 'newton' | 'lbfgs';
}

export interface Convergence {
  verdict: Verdict;
  /** ‖∇J‖₂ at the current parameters. */
  gradNorm: number;
  /** J − J* (null when the optimum is not known or not finite). */
  lossGap: number | null;
  /** Relative decrease of J over the last tenth of the recorded iterations (≥ 1 point apart), null before. */
  recentChange: number | null;
  /** The learning-rate bound 2/L and the suggested rate 1/L (rounded down), when L is known. */
  stableRate: number | null;
  suggestedRate: number | null;
  /** One short line for a badge ("converged", "not converged: 0.039 above the optimum"). */
  headline: string;
  /** What happened and what to do, in plain words with numbers. */
  advice: string;
  /** The run is over (the verdict is final). */
  final: boolean;
}

/** A number as a user reads it (3 significant digits, no exponent for ordinary sizes). */
function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(2).replace('e+', 'e');
  return String(Number(x.toPrecision(3)));
}

/**
 * Relative change of the cost below which a rise is rounding, not oscillation: the model computes with float32
 * weights (about 6e-8 relative), so near the optimum the float64 master weights move below float32 resolution and
 * the cost jitters at that level.
 */
export const COST_ROUNDING = 1e-7;

/** How often full-batch costs went up between consecutive recorded points (beyond rounding). */
function rises(costs: ConvergenceInput['costs'], from: number): number {
  let count = 0;
  for (let t = Math.max(1, from); t < costs.length; t++) {
    const a = costs[t - 1].cost;
    const b = costs[t].cost;
    if (b > a + COST_ROUNDING * Math.max(1, Math.abs(a))) count++;
  }
  return count;
}

/**
 * The verdict of a run (first match):
 * 1. diverged — the cost became non-finite or exploded;
 * 2. oscillating — the cost ended above where it started, or (full-batch gradient descent, whose cost must fall
 *    at every step when α < 2/L) it rose between recorded points in the second half of the run, or (other
 *    optimisers) more than half of the progress made was lost again;
 * 3. no-finite-optimum — λ = 0 and the training rows are linearly separable (the cost has an infimum 0 but no
 *    minimum: the weights grow without bound);
 * 4. converged — J − J* ≤ CONVERGED_GAP when J* is known, else ‖∇J‖₂ ≤ CONVERGED_GRAD;
 * 5. not-converged — still improving (or stopped by the epoch budget or the tolerance before the optimum).
 */
export function assessConvergence(input: ConvergenceInput): Convergence {
  const { costs, cost, startCost, optimum, smoothness } = input;
  const alpha = input.learningRate;
  const secondOrder = input.optimizer === 'newton' || input.optimizer === 'lbfgs';
  // The bound is a property of plain gradient descent on the full batch (momentum, Adam and mini-batches differ).
  const plainGd = input.optimizer === 'gd' || (input.optimizer === 'sgd' && input.fullBatch);
  const stableRate = smoothness && smoothness > 0 && plainGd ? 2 / smoothness : null;
  const suggestedRate = stableRate !== null ? roundDownRate(stableRate / 2) : null;
  const finiteOptimum = optimum !== null && optimum.converged && !optimum.separable;
  const lossGap = finiteOptimum && Number.isFinite(cost) ? cost - optimum.cost : null;

  let recentChange: number | null = null;
  if (costs.length >= 3) {
    const last = costs[costs.length - 1];
    const span = Math.max(1, Math.floor(costs.length / 10));
    const prev = costs[costs.length - 1 - span];
    if (prev && Number.isFinite(prev.cost) && prev.cost !== 0) recentChange = (prev.cost - last.cost) / Math.abs(prev.cost);
  }

  const rateAdvice = (): string => {
    if (stableRate === null || suggestedRate === null) return '';
    const c = input.curvature === 0.25 ? '¼' : input.curvature === 0.5 ? '½' : fmt(input.curvature ?? 0);
    return ` For these data gradient descent is stable for α < 2/L = ${fmt(stableRate)} (L = ${c}·λmax(X̃ᵀX̃/m) + λ` +
      ` = ${fmt(smoothness ?? 0)}); try α = ${fmt(suggestedRate)}.`;
  };
  const newtonAdvice = secondOrder
    ? ''
    : input.exactMethod === 'newton'
      ? ' Or fit the optimum directly (optimizer newton: about 10 steps).'
      : ' Or fit the optimum directly (optimizer lbfgs: tens to hundreds of steps; too many parameters for Newton).';
  const make = (verdict: Verdict, headline: string, advice: string): Convergence => ({
    verdict, gradNorm: input.gradNorm, lossGap, recentChange, stableRate, suggestedRate, headline, advice,
    final: input.done || verdict === 'diverged',
  });

  if (input.diverged || !Number.isFinite(cost)) {
    return make('diverged', 'diverged',
      `The cost exploded with α = ${fmt(alpha)}, so training stopped.` +
        (stableRate !== null ? rateAdvice() : ' Lower the learning rate and reset.') + newtonAdvice);
  }

  const start = startCost ?? (costs.length > 0 ? costs[0].cost : cost);
  if (!secondOrder && input.iteration > 0) {
    const endsAbove = cost > start + 1e-9 * Math.max(1, Math.abs(start));
    let lostProgress = false;
    let risesLate = 0;
    if (plainGd) {
      risesLate = rises(costs, Math.floor(costs.length / 2));
    } else if (costs.length >= 2) {
      let min = start;
      for (const p of costs) if (p.cost < min) min = p.cost;
      lostProgress = start - min > 0 && cost - min > 0.5 * (start - min);
    }
    if (endsAbove || risesLate > 0 || lostProgress) {
      const what = endsAbove
        ? `the cost ended at ${fmt(cost)}, above its start ${fmt(start)}`
        : risesLate > 0
          ? `the full-batch cost went up ${risesLate} time${risesLate === 1 ? '' : 's'} in the second half of the run, ` +
            `which gradient descent with a small enough step never does`
          : `the cost lost more than half of the progress it had made`;
      const tooLarge = stableRate !== null && alpha >= stableRate ? ` α = ${fmt(alpha)} is above the stable bound.` : '';
      return make('oscillating', endsAbove ? 'oscillating: cost above its start' : 'oscillating',
        `The learning rate is too large: ${what}.${tooLarge}` + rateAdvice() + newtonAdvice);
    }
  }

  if (optimum && optimum.separable && input.l2 === 0) {
    return make('no-finite-optimum', 'no finite optimum',
      'The classes are linearly separable in the training rows, so the cost has no minimum: it keeps falling ' +
        'toward 0 while the weights grow without bound, and more training only makes them larger. ' +
        'Add an L2 penalty (e.g. λ = 0.01) for a finite, unique optimum.');
  }

  const converged = lossGap !== null ? lossGap <= CONVERGED_GAP : input.gradNorm <= CONVERGED_GRAD;
  if (converged) {
    const jStar = fmt(optimum?.cost ?? 0);
    const how = lossGap === null
      ? `the gradient norm ‖∇J‖ = ${fmt(input.gradNorm)} is below ${fmt(CONVERGED_GRAD)}`
      : lossGap <= 1e-9
        ? `the cost equals the optimum J* = ${jStar} to rounding (J − J* = ${fmt(lossGap)})`
        : `the cost is within ${fmt(lossGap)} of the optimum J* = ${jStar}`;
    return make('converged', 'converged', `Converged after ${input.iteration} update${input.iteration === 1 ? '' : 's'}: ${how}.`);
  }

  const where = lossGap !== null
    ? `the cost ${fmt(cost)} is ${fmt(lossGap)} above the optimum J* = ${fmt(optimum?.cost ?? 0)}`
    : `the gradient norm ‖∇J‖ = ${fmt(input.gradNorm)} is not yet below ${fmt(CONVERGED_GRAD)}`;
  const still = recentChange !== null && recentChange > 0
    ? `; it still falls by ${fmt(recentChange * 100)}% over the last tenth of the run`
    : '';
  const small = stableRate !== null && alpha < stableRate / 4
    ? ` α = ${fmt(alpha)} is ${fmt(stableRate / alpha)}× below the stable bound.`
    : '';
  const headline = lossGap !== null ? `not converged: ${fmt(lossGap)} above the optimum` : 'not converged';
  const stop = input.done
    ? `Stopped after ${input.epoch} epoch${input.epoch === 1 ? '' : 's'} while ${where}${still}.`
    : `Still training: ${where}${still}.`;
  const more = secondOrder || !input.done ? '' : ' Train more epochs.';
  return make('not-converged', headline, `${stop}${small}${more}${rateAdvice()}${newtonAdvice}`);
}
