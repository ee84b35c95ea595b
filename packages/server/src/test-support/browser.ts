import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it when missing). */
export const chromiumPath = process.env.MLP_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where browser tests write a screenshot of each page. */
export const screenshotDir = join(process.cwd(), 'test-output', 'ui');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/** How many pixels of the canvases inside `selector` are drawn (not transparent). Browser code as text: the server's types have no DOM. */
export function drawnPixels(page: Page, selector: string): Promise<number> {
  return page.evaluate(`[...document.querySelectorAll(${JSON.stringify(`${selector} canvas`)})].reduce((sum, canvas) => {
    const context = canvas.getContext('2d');
    if (!context || canvas.width === 0 || canvas.height === 0) return sum;
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
    return sum + drawn;
  }, 0)`);
}
