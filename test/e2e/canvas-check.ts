/**
 * Pixel checks for charts drawn on canvases (a chart that renders empty must fail a test):
 * counts the pixels of a canvas whose colour is close to a given CSS colour.
 */
import type { Frame, Page } from 'playwright-core';

/** Pixels of the canvas matching `color` (per channel within `tolerance`, alpha > 0.5), and its total size. */
export async function countColorPixels(
  target: Page | Frame,
  canvasSelector: string,
  color: string,
  tolerance = 40,
): Promise<{ matching: number; total: number; painted: number }> {
  return target.evaluate(({ sel, col, tol }) => {
    const canvas = document.querySelector(sel) as HTMLCanvasElement | null;
    if (!canvas) throw new Error(`no canvas ${sel}`);
    const probe = document.createElement('canvas').getContext('2d')!;
    probe.fillStyle = col;
    probe.fillRect(0, 0, 1, 1);
    const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
    const ctx = canvas.getContext('2d')!;
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let matching = 0;
    let painted = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] < 128) continue;
      painted++;
      if (Math.abs(data[i] - r) <= tol && Math.abs(data[i + 1] - g) <= tol && Math.abs(data[i + 2] - b) <= tol) matching++;
    }
    return { matching, total: canvas.width * canvas.height, painted };
  }, { sel: canvasSelector, col: color, tol: tolerance });
}
