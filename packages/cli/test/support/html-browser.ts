// Debian's Chromium driven by playwright-core, for tests that look at a generated page the way a
// person would: every request the page makes is recorded (and any but the page itself refused),
// and every text a canvas draws is recorded per chart, so axis labels drawn by uPlot can be read.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Why a browser test cannot run here, or null when it can. */
export function whyNoBrowser(chromiumPath = CHROMIUM_PATH): string | null {
  return existsSync(chromiumPath)
    ? null
    : `no Chromium at ${chromiumPath}: install it with \`bash scripts/install-system-deps.sh chromium\``;
}

/**
 * Why the browser tests are skipped, or null when they run. Only a local run skips them for a
 * missing Chromium: CI (CI=true) installs it, so there a missing one fails the tests instead of
 * hiding them.
 */
export function browserSkipReason(
  env: Readonly<Record<string, string | undefined>> = process.env,
  chromiumPath = CHROMIUM_PATH,
): string | null {
  return env.CI === 'true' ? null : whyNoBrowser(chromiumPath);
}

export type OpenedPage = {
  page: Page;
  /** Every URL the page asked for, in order. */
  requests: string[];
  pageErrors: string[];
  /** Chart id → every text drawn on its canvas (axis labels, ticks, marker labels). */
  drawnTexts(): Promise<Record<string, string[]>>;
};

/** What a chart on the page shows: its canvas, how much of it is drawn, and its legend. */
export type ChartProbe = {
  id: string;
  canvasWidthPx: number;
  canvasHeightPx: number;
  /** Canvas pixels that are not transparent: axes, grid, lines, fills. */
  inkedPixels: number;
  legendLabels: string[];
};

const probeChartsScript = `[...document.querySelectorAll('figure[data-chart]')].map((figure) => {
  const canvas = figure.querySelector('canvas');
  let inkedPixels = 0;
  if (canvas !== null && canvas.width > 0 && canvas.height > 0) {
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let index = 3; index < pixels.length; index += 4) if (pixels[index] > 0) inkedPixels++;
  }
  return {
    id: figure.getAttribute('data-chart'),
    canvasWidthPx: canvas?.getBoundingClientRect().width ?? 0,
    canvasHeightPx: canvas?.getBoundingClientRect().height ?? 0,
    inkedPixels,
    legendLabels: [...figure.querySelectorAll('.u-legend .u-label')].map((label) => label.textContent.trim()),
  };
})`;

export function probeCharts(page: Page): Promise<ChartProbe[]> {
  return page.evaluate<ChartProbe[]>(probeChartsScript);
}

export type Browser = {
  open(fileUrl: string, viewportWidthPx?: number): Promise<OpenedPage>;
  close(): Promise<void>;
};

/**
 * Runs in the page before its scripts: records fillText calls by the chart they draw into. Text,
 * not a function, because the tests compile without the DOM library.
 */
const recordCanvasTexts = `
  const drawn = {};
  window.drawnTexts = drawn;
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y, maxWidth) {
    const chart = this.canvas.closest('[data-chart]')?.getAttribute('data-chart') ?? 'none';
    (drawn[chart] ??= []).push(String(text));
    return maxWidth === undefined ? fillText.call(this, text, x, y) : fillText.call(this, text, x, y, maxWidth);
  };
`;

export async function launchBrowser(): Promise<Browser> {
  const missing = whyNoBrowser();
  if (missing !== null) throw new Error(`the browser tests must run under CI=true, and cannot: ${missing}`);
  const userDataDir = mkdtempSync(join(tmpdir(), 'flashsale-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  await context.addInitScript({ content: recordCanvasTexts });
  return {
    async open(fileUrl, viewportWidthPx = 1280) {
      const page = await context.newPage();
      await page.setViewportSize({ width: viewportWidthPx, height: 900 });
      const requests: string[] = [];
      const pageErrors: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.route('**/*', (route) =>
        route.request().url() === fileUrl ? route.continue() : route.abort('blockedbyclient'),
      );
      await page.goto(fileUrl, { waitUntil: 'load' });
      return {
        page,
        requests,
        pageErrors,
        drawnTexts: () =>
          page.evaluate(() => (globalThis as unknown as { drawnTexts: Record<string, string[]> }).drawnTexts),
      };
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
