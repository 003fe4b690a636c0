/**
 * How much memory loading a CSV takes, to ask before a load would make the machine swap. Pure (no vscode): the
 * numbers come from the caller (file size, os.freemem()).
 */

/** Peak memory of reading and preparing a CSV, as a multiple of its size (text, typed columns and the float32 X). */
export const LOAD_MEMORY_FACTOR = 3;
/** Share of the free memory a load may take before the user is asked. */
export const FREE_MEMORY_SHARE = 0.8;

/** The bytes of memory a CSV of `size` bytes needs at most, and whether that fits in `free` bytes. */
export function loadMemory(size: number, free: number): { need: number; fits: boolean } {
  const need = size * LOAD_MEMORY_FACTOR;
  return { need, fits: need <= free * FREE_MEMORY_SHARE };
}

