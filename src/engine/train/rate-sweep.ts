/**
 * Learning rate, seen: the same data, settings and start trained briefly at each α of a logarithmic grid around
 * the stable bound 2/L, and the training cost J each run ends at. Too small an α barely moves J, the best α is just
 * below 2/L (for full-batch gradient descent), and above it J oscillates or diverges. Pure TypeScript: the worker
 * runs a sweep's sessions side by side in slices (side-by-side.ts).
 */
import type { LinearKernel, PreparedDataset, TrainConfig } from '../types';
import { SideBySide } from './side-by-side';
import { isFirstOrder } from './optimizers';
import { TrainingSession } from './session';

/** α values of a sweep. */
export const SWEEP_RATES = 13;
/** Most epochs of each run. */
export const SWEEP_MAX_EPOCHS = 50;
/** Fewest epochs of each run, whatever the size of the data. */
export const SWEEP_MIN_EPOCHS = 3;
/** Multiply-adds a whole sweep may cost (m·(n+1)·k per epoch and run); fewer epochs per run beyond. */
export const SWEEP_WORK = 2e9;

/** One run of the sweep. */
export interface SweepRun {
  learningRate: number;
  /** J = mean loss + (λ/2)‖W‖² after the run (null when it diverged). */
  finalCost: number | null;
  /** Updates made (up to the divergence). */
  iterations: number;
  diverged: boolean;
}

/** A whole sweep, with the settings it ran with. */
export interface RateSweepResult {
  runs: SweepRun[];
  /** Epochs of each run and its settings (α aside). */
  epochs: number;
  optimizer: TrainConfig['optimizer'];
  batchSize: number;
  loss: TrainConfig['loss'];
  l2: number;
  /** J at the start (the same for every run). */
  startCost: number;
  /** 2/L of these data (full-batch gradient descent), when known. */
  stableRate: number | null;
  /** The session's α when the sweep was asked for. */
  current: number;
  /** The α of the lowest final J (null when every run diverged). */
  best: number | null;
  /**
   * The α of the lowest final J among the rates below the stable bound 2/L (null without a bound or such a run):
   * what to train with for longer, since at or above 2/L gradient descent is not guaranteed to keep lowering J.
   */
  bestStable: number | null;
}

/**
 * The α grid: SWEEP_RATES values evenly spaced in log α (3 significant digits), from 2/L·10⁻³ to 2/L·4 when the
 * bound is given, else from α_now/100 to α_now·100.
 */
export function sweepRates(stableRate: number | null, current: number): number[] {
  const [lo, hi] = stableRate !== null && stableRate > 0 && Number.isFinite(stableRate)
    ? [stableRate * 1e-3, stableRate * 4]
    : [current / 100, current * 100];
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  return Array.from({ length: SWEEP_RATES }, (_, i) => Number((10 ** (a + ((b - a) * i) / (SWEEP_RATES - 1))).toPrecision(3)));
}

/** Epochs per run: SWEEP_MAX_EPOCHS (at most the session's budget), fewer when the whole sweep would cost more than SWEEP_WORK. */
export function sweepEpochs(m: number, n: number, k: number, budget: number): number {
  const perEpoch = Math.max(1, m * (n + 1) * k * SWEEP_RATES);
  const affordable = Math.floor(SWEEP_WORK / perEpoch);
  return Math.max(1, Math.min(budget, SWEEP_MAX_EPOCHS, Math.max(SWEEP_MIN_EPOCHS, affordable)));
}

/** A sweep in progress: one short session per α, side by side, advanced a chunk of updates at a time. */
export class RateSweep {
  readonly runs: SideBySide;
  private readonly stableRate: number | null;
  readonly epochs: number;
  private readonly config: TrainConfig;
  private readonly current: number;

  /**
   * `base`: the session whose data, settings and start θ the runs share (an exact fit's sweep uses gradient
   * descent: α is a first-order optimiser's setting).
   */
  constructor(base: TrainingSession, data: PreparedDataset, kernel: LinearKernel) {
    const c = base.config;
    this.current = c.learningRate;
    const optimizer = isFirstOrder(c.optimizer) ? c.optimizer : 'gd';
    this.epochs = sweepEpochs(data.train.m, data.n, base.k, c.epochs);
    this.config = { ...c, optimizer, epochs: this.epochs, tolerance: 0 };
    const L = base.smoothness();
    this.stableRate = L && L > 0 ? 2 / L : null;
    const start = base.startParameters();
    // The bound 2/L is a property of plain gradient descent: momentum and Adam get a grid around their own α.
    const plain = optimizer === 'gd' || optimizer === 'sgd';
    this.runs = new SideBySide(sweepRates(plain ? this.stableRate : null, c.learningRate).map((learningRate) =>
      new TrainingSession(data, { ...this.config, learningRate }, { kernel, computeOptimum: false, start })));
  }

  /** The sweep so far (runs not yet ended report their cost so far). */
  result(): RateSweepResult {
    const runs = this.runs.sessions.map((s, i): SweepRun => {
      const hist = s.history();
      const last = hist[hist.length - 1];
      const diverged = this.runs.diverged(i);
      const cost = last && Number.isFinite(last.trainCost) ? last.trainCost : null;
      return { learningRate: s.config.learningRate, finalCost: diverged ? null : cost, iterations: s.iteration, diverged };
    });
    const lowest = (from: SweepRun[]): SweepRun | null => {
      let best: SweepRun | null = null;
      let cost = Infinity;
      for (const r of from) {
        if (r.finalCost !== null && r.finalCost < cost) {
          best = r;
          cost = r.finalCost;
        }
      }
      return best;
    };
    const best = lowest(runs);
    const stable = this.stableRate;
    const bestStable = stable !== null ? lowest(runs.filter((r) => r.learningRate < stable)) : null;
    const first = this.runs.sessions[0].history()[0];
    return {
      runs,
      epochs: this.epochs,
      optimizer: this.config.optimizer,
      batchSize: this.config.batchSize,
      loss: this.config.loss,
      l2: this.config.l2,
      startCost: first ? first.trainCost : NaN,
      stableRate: this.stableRate,
      current: this.current,
      best: best ? best.learningRate : null,
      bestStable: bestStable ? bestStable.learningRate : null,
    };
  }
}
