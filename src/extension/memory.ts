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
 * The shape of a described file: its rows, per column whether it is numeric, how it was read, and the number of
 * features the preparation makes at most (featureCountBound).
 */
export interface FileShape {
  rows: number;
  numericColumns: number;
  textColumns: number;
  features: number;
  /** 'matrix': all-numeric, read straight into one float32 matrix and prepared in place. */
  path: 'matrix' | 'table';
}

/**
 * The bytes that reading and preparing a file of this shape need at their peak, and then keep while training (X
 * lives in the kernel's memory and is used in place):
 * - table path: the typed columns (8 bytes a number, 4 a text code, 4 for the row's CSV line) and X (4 bytes a
 *   feature) alive together, plus labels and split indices (8 bytes a row);
 * - matrix path: the float32 matrix of the file's numbers (4 bytes a column), prepared in place; a wider X
 *   (missing indicators) is a second matrix.
 * Both with PREPARE_OVERHEAD and PREPARE_FIXED_BYTES on top.
 */
export function shapeMemory(shape: FileShape): number {
  const { rows, numericColumns, textColumns, features } = shape;
  const X = rows * features * 4;
  let arrays: number;
  if (shape.path === 'matrix') {
    const raw = rows * Math.max(0, numericColumns - 1) * 4;
    arrays = (features > numericColumns - 1 ? raw + X : raw) + rows * 8;
  } else {
    arrays = rows * (numericColumns * 8 + textColumns * 4 + 4) + X + rows * 8;
  }
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
