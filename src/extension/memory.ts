/**
 * How much memory loading a CSV takes, to ask before a load would make the machine swap. Pure (no vscode): the
 * numbers come from the caller (file size, the described columns, os.freemem()).
 */

/** Peak memory of reading and preparing a CSV whose columns are not known yet, as a multiple of its size. */
export const LOAD_MEMORY_FACTOR = 3;
/** Share of the free memory a load may take before the user is asked. */
export const FREE_MEMORY_SHARE = 0.8;
/** Working memory of the preparation beyond its arrays (scratch copies, dictionaries, the read window), as a share. */
export const PREPARE_OVERHEAD = 0.15;
/** And a fixed part: the reader's 4 MiB window, tables and the like. */
export const PREPARE_FIXED_BYTES = 16 * 2 ** 20;

/**
 * The shape of a described file: its rows, the bytes a row of its typed columns takes as read, and the number of
 * features the preparation makes at most (featureCountBound).
 */
export interface FileShape {
  rows: number;
  /** Numbers in 1, 4 or 8 bytes (the narrowest exact array), 4 per text code, 4 for the row's CSV line. */
  rowBytes: number;
  features: number;
}

/**
 * The bytes that reading and preparing a file of this shape need at their peak, and then keep while training (X
 * lives in the kernel's memory and is used in place): the typed columns and X (4 bytes a feature) alive together,
 * plus labels and split indices (8 bytes a row), with PREPARE_OVERHEAD and PREPARE_FIXED_BYTES on top.
 */
export function shapeMemory(shape: FileShape): number {
  const { rows, rowBytes, features } = shape;
  const arrays = rows * (rowBytes + features * 4 + 8);
  return Math.ceil(arrays * (1 + PREPARE_OVERHEAD) + PREPARE_FIXED_BYTES);
}

/**
 * The bytes of memory a CSV of `size` bytes needs at most — from its shape when it was described, else
 * LOAD_MEMORY_FACTOR × its size — and whether that fits in `free` bytes.
 */
export function loadMemory(size: number, free: number, shape: FileShape | null = null): { need: number; fits: boolean } {
  const need = shape ? shapeMemory(shape) : size * LOAD_MEMORY_FACTOR;
  return { need, fits: need <= free * FREE_MEMORY_SHARE };
}
