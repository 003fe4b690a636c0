/**
 * Scalar and vector helpers for logistic and softmax regression, written to be numerically stable.
 * The tests' scalar references (the engine computes these inside its kernels and objective). All results are float64.
 */

/**
 * Logistic sigmoid σ(z) = 1 / (1 + e^(−z)).
 * Stable for both signs: for z < 0 it uses σ(z) = e^z / (1 + e^z), so e^(−z) never overflows.
 * σ(−z) = 1 − σ(z), σ'(z) = σ(z)(1 − σ(z)).
 */
export function sigmoid(z: number): number {
  if (z >= 0) {
    return 1 / (1 + Math.exp(-z));
  }
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * Softplus softplus(z) = log(1 + e^z), computed as max(z, 0) + log1p(e^(−|z|)) so it never overflows
 * and keeps full precision for large negative z (where softplus(z) ≈ e^z).
 */
export function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/**
 * Logit (inverse sigmoid) logit(p) = log(p / (1 − p)), for p ∈ (0, 1).
 * logit(0) = −∞ and logit(1) = +∞.
 */
export function logit(p: number): number {
  return Math.log(p) - Math.log1p(-p);
}

/**
 * Binary cross-entropy from a probability, by the textbook definition
 *   BCE(y, p) = −y log p − (1 − y) log(1 − p),  y ∈ [0, 1], p ∈ [0, 1].
 * Terms with a zero coefficient are skipped (0 · log 0 = 0), so BCE(1, 0) = +∞ and BCE(0, 0) = 0.
 * For teaching and tests; training computes the loss from the score with {@link bceFromLogit}.
 */
export function bce(y: number, p: number): number {
  let loss = 0;
  if (y !== 0) loss -= y * Math.log(p);
  if (y !== 1) loss -= (1 - y) * Math.log1p(-p);
  return loss;
}

/**
 * Binary cross-entropy from the score z (the logit of p = σ(z)):
 *   BCE(y, σ(z)) = softplus(z) − y·z
 * (since −log σ(z) = softplus(−z) = softplus(z) − z and −log(1 − σ(z)) = softplus(z)).
 * Finite for every finite z and exact even where σ(z) rounds to 0 or 1.
 */
export function bceFromLogit(y: number, z: number): number {
  return softplus(z) - y * z;
}

/**
 * log Σ_c e^(z_c), computed as max + log Σ_c e^(z_c − max) so no term overflows.
 * Returns −∞ for an empty input; +∞ if any z_c is +∞.
 */
export function logSumExp(z: ArrayLike<number>): number {
  const k = z.length;
  if (k === 0) return -Infinity;
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (z[c] > max) max = z[c];
  if (max === Infinity || max === -Infinity) return max;
  let sum = 0;
  for (let c = 0; c < k; c++) sum += Math.exp(z[c] - max);
  return max + Math.log(sum);
}

/**
 * Softmax S_c = e^(z_c) / Σ_d e^(z_d), computed with the maximum subtracted first (S is unchanged by
 * adding a constant to every z_c), so large scores do not overflow. Writes into `out` (length k) when
 * given, else into a new Float64Array; `out` may be `z` itself.
 */
export function softmax(z: ArrayLike<number>): Float64Array;
export function softmax<T extends Float64Array | Float32Array | number[]>(z: ArrayLike<number>, out: T): T;
export function softmax(
  z: ArrayLike<number>,
  out?: Float64Array | Float32Array | number[],
): Float64Array | Float32Array | number[] {
  const k = z.length;
  const o = out ?? new Float64Array(k);
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (z[c] > max) max = z[c];
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(z[c] - max);
    o[c] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let c = 0; c < k; c++) o[c] *= inv;
  return o;
}

/**
 * Cross-entropy of class y under softmax(z):
 *   CE(z, y) = −log S_y = logsumexp(z) − z_y,  z of length k, y ∈ {0 … k−1}.
 * Finite and exact for large scores.
 */
export function crossEntropyFromLogits(z: ArrayLike<number>, y: number): number {
  return logSumExp(z) - z[y];
}
