// uPlot's script and stylesheet, read from the installed package when a page is rendered and
// inlined into it, so the report opens without a network. Read once per process.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export type UPlotAssets = Readonly<{ script: string; style: string }>;

let assets: UPlotAssets | null = null;

export function uPlotAssets(): UPlotAssets {
  if (assets === null) {
    const require = createRequire(import.meta.url);
    assets = {
      script: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      style: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    };
  }
  return assets;
}
