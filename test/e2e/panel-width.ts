/**
 * Sizing the dashboard panel of a real VS Code window (the dashboard opened beside the CSV editor) to a given
 * width by resizing the browser window: the two editor groups share the editor area, so the panel changes by
 * about half of the window's change. A few rounds of measure-and-adjust land within a few pixels.
 */
import type { Frame, Page } from 'playwright-core';

/**
 * Resizes the window until `frame()`'s viewport is `width` … `width + tolerance` pixels wide and returns the width
 * reached. Throws when it cannot get there (e.g. the panel is not beside another editor).
 */
export async function setPanelWidth(page: Page, frame: () => Promise<Frame>, width: number, tolerance = 8): Promise<number> {
  const inner = async (): Promise<number> => (await frame()).evaluate(() => window.innerWidth);
  let current = await inner();
  for (let round = 0; round < 5; round++) {
    if (current >= width && current <= width + tolerance) return current;
    const vp = page.viewportSize() ?? { width: 1400, height: 900 };
    // Aim at the middle of the allowed range; the panel moves by about half of the window's change.
    const next = Math.max(600, Math.round(vp.width + 2 * (width + tolerance / 2 - current)));
    await page.setViewportSize({ width: next, height: vp.height });
    await page.waitForTimeout(300);
    current = await inner();
  }
  if (current >= width && current <= width + tolerance) return current;
  throw new Error(`could not size the panel to ${width} px (it is ${current} px)`);
}
