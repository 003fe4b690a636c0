/**
 * Pixel data: columns p0…pN (or px/pixel, from 0 or 1) of a square image. Such features are kept in order, even
 * constant ones, so that feature j is pixel j and the weights of a class draw as an image. Pure TypeScript.
 */
import type { PrepareOptions } from '../types';

const PIXEL_NAME = /^(p|px|pixel)(\d+)$/i;

/**
 * The names if they are pixels of a square image: one prefix (p, px, pixel) and the numbers 0…N−1 or 1…N
 * in order, N = s² with s ≥ 2; else null.
 */
export function pixelColumns(names: string[]): string[] | null {
  if (names.length < 4) return null;
  const side = Math.round(Math.sqrt(names.length));
  if (side * side !== names.length) return null;
  const first = PIXEL_NAME.exec(names[0]);
  if (!first) return null;
  const prefix = first[1];
  const start = Number(first[2]);
  if (start !== 0 && start !== 1) return null;
  for (let i = 0; i < names.length; i++) {
    const m = PIXEL_NAME.exec(names[i]);
    if (!m || m[1] !== prefix || Number(m[2]) !== start + i || String(start + i) !== m[2]) return null;
  }
  return names.slice();
}

/** Side s of the image when feature j is pixel j of an s×s image, else null. */
export function pixelSide(featureNames: string[]): number | null {
  return pixelColumns(featureNames) ? Math.round(Math.sqrt(featureNames.length)) : null;
}

/**
 * The options with image pixels force-included: when the columns besides the target are pixels p0…pN of a
 * square image (and all of them are selected), every pixel is kept, even constant ones, so that feature j is
 * pixel j and weights draw as images. The one rule for the extension and the CLI.
 */
export function withImagePixels(names: string[], prepare: PrepareOptions): PrepareOptions {
  const options: PrepareOptions = { ...prepare };
  const pixels = pixelColumns(names.filter((name) => name !== prepare.target));
  if (pixels && (!options.features || pixels.every((p) => options.features?.includes(p)))) {
    options.include = Array.from(new Set([...(options.include ?? []), ...pixels]));
  }
  return options;
}
