/**
 * The one choice of kernels for every caller — the extension's worker, the CLI and the benchmark (Node-only: threads):
 * WebAssembly SIMD when the runtime has it, split across kernel threads for large calls, else the TypeScript reference
 * kernel. LAB_KERNEL=js|wasm|parallel overrides it for measurements.
 */
import { jsKernel } from '../kernels/kernel-js';
import { createWasmKernel, wasmKernelSupported } from '../kernels/kernel-wasm';
import { createParallelKernel } from './parallel-kernel';
import type { LinearKernel } from '../types';

export type KernelName = 'js' | 'wasm' | 'parallel';

/**
 * The default kernel. `nice` (Linux scheduling priority) applies to the kernel threads, e.g. below the extension
 * host's UI thread. Call `releaseKernel` when done so its threads end.
 */
export function chooseKernel(options: { nice?: number; kernel?: KernelName } = {}): LinearKernel {
  const env = process.env.LAB_KERNEL;
  const wanted = options.kernel ?? (env === 'js' || env === 'wasm' || env === 'parallel' ? env : 'parallel');
  if (wanted === 'js') return jsKernel;
  try {
    if (wasmKernelSupported()) return wanted === 'wasm' ? createWasmKernel() : createParallelKernel({ nice: options.nice });
  } catch {
    try {
      return createWasmKernel();
    } catch {
      // fall through to the reference kernel
    }
  }
  return jsKernel;
}

/** Ends the threads of a kernel from chooseKernel (a no-op for single-threaded kernels). */
export function releaseKernel(kernel: LinearKernel): void {
  const k = kernel as LinearKernel & { dispose?: () => void };
  if (typeof k.dispose === 'function') k.dispose();
}
