/** Level lines of a value on a grid, for the charts that draw them (the loss landscape, the decision boundary). */

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
