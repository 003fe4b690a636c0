/**
 * First-order optimisers for the parameter vector θ. The training session keeps W (k×n) and b (k) in
 * one array θ = [W | b] of length k·n + k, so one optimiser instance (and its state) covers both.
 * Arithmetic is float64; θ may be a Float64Array (the session's master copy, so that updates far
 * below float32 resolution are not lost) or a Float32Array (each parameter rounded once when stored).
 *
 * With gradient g_t = ∇J(θ_{t−1}) on the current batch and learning rate α:
 * - gd / sgd:  θ_t = θ_{t−1} − α g_t   (the same rule; 'gd' uses the full batch, 'sgd' mini-batches)
 * - momentum (heavy ball, the "PyTorch" form without dampening):
 *       v_t = β v_{t−1} + g_t,   θ_t = θ_{t−1} − α v_t,   v_0 = 0
 *   (equivalent to v'_t = β v'_{t−1} + α g_t, θ_t = θ_{t−1} − v'_t for a constant α).
 * - Adam (Kingma & Ba 2015, bias-corrected):
 *       m_t = β₁ m_{t−1} + (1 − β₁) g_t,   v_t = β₂ v_{t−1} + (1 − β₂) g_t²,
 *       m̂_t = m_t / (1 − β₁ᵗ),  v̂_t = v_t / (1 − β₂ᵗ),   θ_t = θ_{t−1} − α m̂_t / (√v̂_t + ε).
 *   Its first step moves every parameter with g ≠ 0 by α·|g|/(|g| + ε) ≈ α.
 */
import type { FirstOrderKind, OptimizerKind, TrainConfig } from '../types';

/** Serializable optimiser state (for session snapshots). Buffers are plain number arrays (float64). */
export interface OptimizerState {
  kind: OptimizerKind;
  /** Number of steps taken (Adam's t). */
  t: number;
  /** momentum: [v]; adam: [m, v]; gd/sgd: []. */
  buffers: number[][];
}

export interface Optimizer {
  /** θ ← update(θ, g) in place. params and grad have the same length (k·n + k). */
  step(params: Float32Array | Float64Array, grad: Float32Array, lr: number): void;
  /** Forget all state (velocities, moments, step count). */
  reset(): void;
  readonly kind: OptimizerKind;
  /** Copy of the state, JSON-serialisable. */
  getState(): OptimizerState;
  /** Restore a state from {@link getState}. */
  setState(state: OptimizerState): void;
}

/** Hyper-parameters of the optimisers (a subset of TrainConfig, for a first-order optimiser). */
export type OptimizerSettings = Pick<TrainConfig, 'momentum' | 'beta1' | 'beta2' | 'epsilon'> & { optimizer: FirstOrderKind };

/** Whether a fitting method is a first-order optimiser (the others, newton and lbfgs, are exact fits). */
export function isFirstOrder(kind: OptimizerKind): kind is FirstOrderKind {
  return kind === 'gd' || kind === 'sgd' || kind === 'momentum' || kind === 'adam';
}

/** Checks that a restored state fits this optimiser. */
function checkState(state: OptimizerState, kind: OptimizerKind, buffers: number, size: number): void {
  if (state.kind !== kind) throw new RangeError(`optimizer state is for '${state.kind}', not '${kind}'`);
  if (state.buffers.length !== buffers || state.buffers.some((b) => b.length !== size)) {
    throw new RangeError(`optimizer state does not match ${size} parameters`);
  }
}

/** Plain gradient descent θ ← θ − α g (kind 'gd' or 'sgd'; stateless). */
export function plainOptimizer(kind: 'gd' | 'sgd' = 'gd'): Optimizer {
  let t = 0;
  return {
    kind,
    step(params, grad, lr) {
      for (let i = 0; i < params.length; i++) params[i] = params[i] - lr * grad[i];
      t++;
    },
    reset() {
      t = 0;
    },
    getState: () => ({ kind, t, buffers: [] }),
    setState(state) {
      if (state.kind !== kind) throw new RangeError(`optimizer state is for '${state.kind}', not '${kind}'`);
      t = state.t;
    },
  };
}

/** Heavy-ball momentum for `size` parameters: v ← βv + g, θ ← θ − αv. */
export function momentumOptimizer(size: number, beta: number): Optimizer {
  const v = new Float64Array(size);
  let t = 0;
  return {
    kind: 'momentum',
    step(params, grad, lr) {
      for (let i = 0; i < size; i++) {
        const vi = beta * v[i] + grad[i];
        v[i] = vi;
        params[i] = params[i] - lr * vi;
      }
      t++;
    },
    reset() {
      v.fill(0);
      t = 0;
    },
    getState: () => ({ kind: 'momentum', t, buffers: [Array.from(v)] }),
    setState(state) {
      checkState(state, 'momentum', 1, size);
      v.set(state.buffers[0]);
      t = state.t;
    },
  };
}

/** Adam for `size` parameters (bias-corrected moments, see the module comment). */
export function adamOptimizer(size: number, beta1: number, beta2: number, epsilon: number): Optimizer {
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  let t = 0;
  return {
    kind: 'adam',
    step(params, grad, lr) {
      t++;
      const c1 = 1 - Math.pow(beta1, t);
      const c2 = 1 - Math.pow(beta2, t);
      for (let i = 0; i < size; i++) {
        const g = grad[i];
        const mi = beta1 * m[i] + (1 - beta1) * g;
        const vi = beta2 * v[i] + (1 - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        params[i] = params[i] - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon);
      }
    },
    reset() {
      m.fill(0);
      v.fill(0);
      t = 0;
    },
    getState: () => ({ kind: 'adam', t, buffers: [Array.from(m), Array.from(v)] }),
    setState(state) {
      checkState(state, 'adam', 2, size);
      m.set(state.buffers[0]);
      v.set(state.buffers[1]);
      t = state.t;
    },
  };
}

/** The optimiser named by settings.optimizer, for `size` parameters. */
export function createOptimizer(settings: OptimizerSettings, size: number): Optimizer {
  switch (settings.optimizer) {
    case 'gd':
    case 'sgd':
      return plainOptimizer(settings.optimizer);
    case 'momentum':
      return momentumOptimizer(size, settings.momentum);
    case 'adam':
      return adamOptimizer(size, settings.beta1, settings.beta2, settings.epsilon);
  }
}
