/**
 * Classification metrics from predicted probabilities: confusion matrix, accuracy, per-class
 * precision / recall / F1, macro averages, log loss and (binary) ROC curve with AUC.
 * Definitions follow scikit-learn (`confusion_matrix`, `precision_recall_fscore_support` with
 * `zero_division=0`, `log_loss`, `roc_curve(drop_intermediate=False)`, `auc`).
 *
 * Probability layout (`probs`, float32, row-major):
 * - binary (2 classes): m×1, the probability of class 1 (classes[1], the positive class);
 *   an m×2 array (p(class 0), p(class 1)) is accepted too.
 * - multiclass (K ≥ 3): m×K, one probability per class.
 */
import type { ConfusionMetrics } from '../types';

/** Probabilities are clipped to [LOG_LOSS_EPS, 1 − LOG_LOSS_EPS] before taking logs (as scikit-learn). */
export const LOG_LOSS_EPS = 1e-15;

/** Columns per row of `probs`: 1 for binary p(class 1), K otherwise (2 accepted for binary). */
function probColumns(m: number, probs: Float32Array, numClasses: number): number {
  if (m === 0) return numClasses === 2 ? 1 : numClasses;
  const cols = probs.length / m;
  const ok = numClasses === 2 ? cols === 1 || cols === 2 : cols === numClasses;
  if (!ok) {
    throw new RangeError(
      `metrics: probabilities have ${probs.length} values for ${m} rows; expected ${numClasses === 2 ? `${m} (binary)` : `${m}×${numClasses}`}`,
    );
  }
  return cols;
}

/**
 * Predicted class per row.
 * Binary: ŷ_i = 1 when p_i(class 1) ≥ threshold, else 0.
 * Multiclass: ŷ_i = argmax_c p_ic (the first maximum on ties, as numpy's argmax).
 * Shapes: probs m×1 (binary) or m×K; returns Int32Array (m).
 */
export function predictLabels(probs: Float32Array, m: number, numClasses: number, threshold = 0.5): Int32Array {
  const cols = probColumns(m, probs, numClasses);
  const out = new Int32Array(m);
  if (numClasses === 2) {
    const off = cols - 1;
    for (let i = 0; i < m; i++) out[i] = probs[i * cols + off] >= threshold ? 1 : 0;
    return out;
  }
  for (let i = 0; i < m; i++) {
    const o = i * cols;
    let best = 0;
    let bestP = probs[o];
    for (let c = 1; c < cols; c++) {
      if (probs[o + c] > bestP) {
        bestP = probs[o + c];
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * Accuracy = (1/m) Σ_i 1[ŷ_i = y_i] with ŷ from {@link predictLabels}.
 * Shapes: yTrue (m), probs m×1 (binary) or m×K. Returns NaN for m = 0.
 */
export function accuracy(yTrue: Int32Array, probs: Float32Array, numClasses: number, threshold = 0.5): number {
  const m = yTrue.length;
  if (m === 0) return NaN;
  const pred = predictLabels(probs, m, numClasses, threshold);
  let correct = 0;
  for (let i = 0; i < m; i++) if (pred[i] === yTrue[i]) correct++;
  return correct / m;
}

/**
 * Mean log loss (cross-entropy) as scikit-learn's `log_loss(eps=1e-15)`:
 *   p_ic ← clip(p_ic, ε, 1 − ε), then each row is divided by its sum, and
 *   logLoss = −(1/m) Σ_i log p_{i, y_i}.
 * Binary probabilities p (class 1) are clipped first and then expanded to rows (1 − p, p). Shapes: yTrue (m), probs m×1 or m×K.
 */
export function logLoss(yTrue: Int32Array, probs: Float32Array, numClasses: number): number {
  const m = yTrue.length;
  if (m === 0) return NaN;
  const cols = probColumns(m, probs, numClasses);
  const lo = LOG_LOSS_EPS;
  const hi = 1 - LOG_LOSS_EPS;
  const clip = (p: number): number => (p < lo ? lo : p > hi ? hi : p);
  let sum = 0;
  if (cols === 1) {
    for (let i = 0; i < m; i++) {
      const p1 = clip(probs[i]);
      const p0 = 1 - p1;
      const py = yTrue[i] === 1 ? p1 : p0;
      sum -= Math.log(py / (p0 + p1));
    }
  } else {
    for (let i = 0; i < m; i++) {
      const o = i * cols;
      let rowSum = 0;
      for (let c = 0; c < cols; c++) rowSum += clip(probs[o + c]);
      sum -= Math.log(clip(probs[o + yTrue[i]]) / rowSum);
    }
  }
  return sum / m;
}

/**
 * Binary ROC curve as scikit-learn's `roc_curve(y, score, drop_intermediate=False)`: one point per
 * distinct score, thresholds in decreasing order, preceded by the point (0, 0) whose threshold is
 * max(score) + 1 (scikit-learn ≤ 1.2's convention; it keeps the curve JSON-safe, unlike +∞).
 *   tpr(t) = #{i : s_i ≥ t, y_i = 1} / #positives,  fpr(t) = #{i : s_i ≥ t, y_i = 0} / #negatives.
 * Tied scores form a single point, so a tie between a positive and a negative is a diagonal segment.
 * Returns null when yTrue has no positives or no negatives (the curve is undefined).
 * Shapes: yTrue (m) in {0, 1}; scores (m).
 */
export function rocCurve(
  yTrue: Int32Array,
  scores: ArrayLike<number>,
): { fpr: number[]; tpr: number[]; thresholds: number[] } | null {
  const m = yTrue.length;
  let P = 0;
  for (let i = 0; i < m; i++) if (yTrue[i] === 1) P++;
  const N = m - P;
  if (P === 0 || N === 0) return null;
  // The positives' and the negatives' scores, each sorted by the engine's numeric typed-array sort (a comparator
  // sort of all m rows took seconds on a million), then merged from the top. A NaN score is ≥ no threshold.
  const pos = new Float64Array(P);
  const neg = new Float64Array(N);
  for (let i = 0, a = 0, b = 0; i < m; i++) {
    if (yTrue[i] === 1) pos[a++] = scores[i];
    else neg[b++] = scores[i];
  }
  pos.sort();
  neg.sort();
  let ip = P - 1;
  let ineg = N - 1;
  while (ip >= 0 && Number.isNaN(pos[ip])) ip--;
  while (ineg >= 0 && Number.isNaN(neg[ineg])) ineg--;
  const top = Math.max(ip >= 0 ? pos[ip] : -Infinity, ineg >= 0 ? neg[ineg] : -Infinity);
  const fpr: number[] = [0];
  const tpr: number[] = [0];
  const thresholds: number[] = [top + 1];
  let tp = 0;
  let fp = 0;
  while (ip >= 0 || ineg >= 0) {
    // The next threshold: the largest score left; every row with that score (−0 and 0 alike) joins at once.
    const v = ineg < 0 || (ip >= 0 && pos[ip] > neg[ineg]) ? pos[ip] : neg[ineg];
    while (ip >= 0 && pos[ip] === v) {
      tp++;
      ip--;
    }
    while (ineg >= 0 && neg[ineg] === v) {
      fp++;
      ineg--;
    }
    fpr.push(fp / N);
    tpr.push(tp / P);
    thresholds.push(v);
  }
  return { fpr, tpr, thresholds };
}

/** Curves of at most this many points are kept whole by thinRoc. */
export const ROC_MAX_POINTS = 2000;
/** thinRoc's step: a kept point is at least this far from the one kept before, in FPR or in TPR. */
const ROC_STEP = 1e-3;

/**
 * A long ROC curve thinned for drawing: the first and the last point, and every point at least ROC_STEP away from
 * the point kept before it in FPR or TPR (each kept point is a point of the curve, so the drawn curve stays within
 * ROC_STEP of the whole one; at most 2/ROC_STEP + 2 points). Curves of at most ROC_MAX_POINTS points are returned
 * as they are. A million-row split has about as many distinct scores: sent whole, the curve was tens of megabytes
 * in every session state.
 */
export function thinRoc(roc: { fpr: number[]; tpr: number[]; thresholds: number[] }): { fpr: number[]; tpr: number[]; thresholds: number[] } {
  const count = roc.fpr.length;
  if (count <= ROC_MAX_POINTS) return roc;
  const out = { fpr: [roc.fpr[0]], tpr: [roc.tpr[0]], thresholds: [roc.thresholds[0]] };
  let lastF = roc.fpr[0];
  let lastT = roc.tpr[0];
  for (let t = 1; t < count; t++) {
    const f = roc.fpr[t];
    const p = roc.tpr[t];
    if (t === count - 1 || f - lastF >= ROC_STEP || p - lastT >= ROC_STEP) {
      out.fpr.push(f);
      out.tpr.push(p);
      out.thresholds.push(roc.thresholds[t]);
      lastF = f;
      lastT = p;
    }
  }
  return out;
}

/** Area under a curve by the trapezoid rule: Σ_t (x_{t+1} − x_t)(y_{t+1} + y_t)/2 (x monotone). */
export function trapezoidArea(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let area = 0;
  for (let t = 1; t < x.length; t++) area += ((x[t] - x[t - 1]) * (y[t] + y[t - 1])) / 2;
  return area;
}

/**
 * All metrics of a classifier on one split.
 * Binary (classes.length = 2): ŷ = 1 when p(class 1) ≥ threshold; ROC curve and AUC from p(class 1)
 * (omitted when only one class occurs in yTrue). Multiclass: ŷ = argmax.
 * Per class c (over all classes, also those absent from yTrue or never predicted):
 *   precision_c = TP_c / (TP_c + FP_c), recall_c = TP_c / (TP_c + FN_c),
 *   F1_c = 2·P_c·R_c / (P_c + R_c), each 0 when its denominator is 0 (scikit-learn zero_division=0);
 *   macro averages are unweighted means over the classes. matrix[actual][predicted].
 * Shapes: yTrue (m) class indices; probs m×1 (binary) or m×K row-major. `curve`: the split's rocSummary when already
 * known for these probabilities (it does not depend on the threshold), else computed here.
 */
export function confusionMetrics(
  yTrue: Int32Array,
  probs: Float32Array,
  classes: string[],
  threshold = 0.5,
  curve?: RocSummary | null,
): ConfusionMetrics {
  const K = classes.length;
  const m = yTrue.length;
  const binary = K === 2;
  const pred = predictLabels(probs, m, K, threshold);
  const matrix: number[][] = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let correct = 0;
  for (let i = 0; i < m; i++) {
    const a = yTrue[i];
    if (!(a >= 0 && a < K)) throw new RangeError(`metrics: label ${a} of row ${i} is not a class index 0…${K - 1}`);
    matrix[a][pred[i]]++;
    if (a === pred[i]) correct++;
  }
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  const support: number[] = [];
  for (let c = 0; c < K; c++) {
    const tp = matrix[c][c];
    let predicted = 0;
    let actual = 0;
    for (let d = 0; d < K; d++) {
      predicted += matrix[d][c];
      actual += matrix[c][d];
    }
    const p = predicted > 0 ? tp / predicted : 0;
    const r = actual > 0 ? tp / actual : 0;
    precision.push(p);
    recall.push(r);
    f1.push(p + r > 0 ? (2 * p * r) / (p + r) : 0);
    support.push(actual);
  }
  const mean = (a: number[]): number => (a.length ? a.reduce((s, v) => s + v, 0) / a.length : 0);
  const result: ConfusionMetrics = {
    classes: classes.slice(),
    matrix,
    accuracy: m > 0 ? correct / m : NaN,
    precision,
    recall,
    f1,
    support,
    macroPrecision: mean(precision),
    macroRecall: mean(recall),
    macroF1: mean(f1),
    logLoss: logLoss(yTrue, probs, K),
  };
  if (binary) {
    result.threshold = threshold;
    const r = curve === undefined ? rocSummary(yTrue, probs, K) : curve;
    if (r) {
      result.auc = r.auc;
      result.roc = r.roc;
      if (r.rocPoints !== undefined) result.rocPoints = r.rocPoints;
    }
  }
  return result;
}

/** A binary classifier's ROC curve as confusionMetrics reports it (thinned for drawing), its AUC and its length. */
export interface RocSummary {
  roc: { fpr: number[]; tpr: number[]; thresholds: number[] };
  auc: number;
  /** The whole curve's number of points, when `roc` is thinned. */
  rocPoints?: number;
}

/**
 * The ROC part of confusionMetrics (it does not depend on the threshold): the curve of p(class 1) (rocCurve),
 * AUC = trapezoid area of the whole curve, the curve thinned by thinRoc; null when yTrue has one class only.
 * Shapes: yTrue (m); probs m×1 or m×2 (binary).
 */
export function rocSummary(yTrue: Int32Array, probs: Float32Array, K: number): RocSummary | null {
  const m = yTrue.length;
  const cols = probColumns(m, probs, K);
  const score = new Float64Array(m);
  for (let i = 0; i < m; i++) score[i] = probs[i * cols + cols - 1];
  const roc = rocCurve(yTrue, score);
  if (!roc) return null;
  const auc = trapezoidArea(roc.fpr, roc.tpr);
  const thin = thinRoc(roc);
  return thin === roc ? { roc, auc } : { roc: thin, auc, rocPoints: roc.fpr.length };
}
