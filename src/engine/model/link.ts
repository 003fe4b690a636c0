/**
 * The link from scores to probabilities for one row, in float64, without overflow — the one definition used by
 * the views computed outside the kernels (landscape, information, decision boundary, what-if):
 *   binary (k = 1):  a = σ(z) = 1 / (1 + e^(−z))   (z: the score of class 1)
 *   softmax (k > 1): a_c = e^(z_c − max z) / Σ_d e^(z_d − max z)
 * Pure: no Node, no vscode.
 */

/** σ(z) = 1 / (1 + e^(−z)), written so that neither branch overflows. */
export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * The class probabilities of the k scores z[o … o+k): binary (k = 1) [1 − σ(z), σ(z)], softmax (k > 1)
 * softmax(z) of length k.
 */
export function rowProbabilities(z: ArrayLike<number>, o: number, k: number): number[] {
  if (k === 1) {
    const a = sigmoid(z[o]);
    return [1 - a, a];
  }
  let mx = -Infinity;
  for (let c = 0; c < k; c++) if (z[o + c] > mx) mx = z[o + c];
  const e = new Array<number>(k);
  let se = 0;
  for (let c = 0; c < k; c++) {
    e[c] = Math.exp(z[o + c] - mx);
    se += e[c];
  }
  for (let c = 0; c < k; c++) e[c] /= se;
  return e;
}
