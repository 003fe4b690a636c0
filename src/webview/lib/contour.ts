/**
 * Maps of a value on a grid of cell centres (xs, ys; values row-major ys.length × xs.length), for the charts that
 * draw them (the loss landscape, the decision boundary): the filled cells and the level lines.
 */

/** Maps a value on a chart axis to its pixel (a Chart.js scale). */
export interface PixelScale {
  getPixelForValue(v: number): number;
}

/**
 * The span of cell i along an axis of cell centres v: from the midpoint with the previous centre to the midpoint
 * with the next, the first and last cells ending at their centres (where the grid, and the chart's axis, end).
 */
export function cellSpan(v: ArrayLike<number>, i: number): [number, number] {
  return [i === 0 ? v[0] : (v[i - 1] + v[i]) / 2, i === v.length - 1 ? v[i] : (v[i] + v[i + 1]) / 2];
}

/** Fills every cell of the grid with `color(cell)` (solid, and half a pixel wider, so neighbours leave no seams). */
export function fillCells(
  g: CanvasRenderingContext2D, sx: PixelScale, sy: PixelScale, xs: ArrayLike<number>, ys: ArrayLike<number>,
  color: (cell: number) => string,
): void {
  for (let r = 0; r < ys.length; r++) {
    const [y0, y1] = cellSpan(ys, r);
    const py0 = sy.getPixelForValue(y0);
    const py1 = sy.getPixelForValue(y1);
    for (let a = 0; a < xs.length; a++) {
      const [x0, x1] = cellSpan(xs, a);
      const px0 = sx.getPixelForValue(x0);
      const px1 = sx.getPixelForValue(x1);
      g.fillStyle = color(r * xs.length + a);
      g.fillRect(Math.min(px0, px1), Math.min(py0, py1), Math.abs(px1 - px0) + 0.5, Math.abs(py1 - py0) + 0.5);
    }
  }
}

/**
 * Marching squares: the segments [x0, y0, x1, y1] of the level line value = level over a grid with values
 * v[r·|xs| + c] at (xs[c], ys[r]) (ys.length × xs.length, row-major), crossing each cell side by linear
 * interpolation between its two ends.
 */
export function levelSegments(xs: ArrayLike<number>, ys: ArrayLike<number>, v: ArrayLike<number>, level: number): Array<[number, number, number, number]> {
  const nx = xs.length;
  const out: Array<[number, number, number, number]> = [];
  const at = (r: number, a: number): number => v[r * nx + a];
  const cross = (x0: number, y0: number, v0: number, x1: number, y1: number, v1: number): [number, number] => {
    const t = (level - v0) / (v1 - v0);
    return [x0 + t * (x1 - x0), y0 + t * (y1 - y0)];
  };
  for (let r = 0; r + 1 < ys.length; r++) {
    for (let a = 0; a + 1 < nx; a++) {
      const c: Array<[number, number, number]> = [
        [xs[a], ys[r], at(r, a)], [xs[a + 1], ys[r], at(r, a + 1)], [xs[a + 1], ys[r + 1], at(r + 1, a + 1)], [xs[a], ys[r + 1], at(r + 1, a)],
      ];
      const pts: Array<[number, number]> = [];
      for (let e = 0; e < 4; e++) {
        const [x0, y0, v0] = c[e];
        const [x1, y1, v1] = c[(e + 1) % 4];
        if ((v0 < level) !== (v1 < level)) pts.push(cross(x0, y0, v0, x1, y1, v1));
      }
      if (pts.length >= 2) out.push([pts[0][0], pts[0][1], pts[1][0], pts[1][1]]);
      if (pts.length === 4) out.push([pts[2][0], pts[2][1], pts[3][0], pts[3][1]]);
    }
  }
  return out;
}
