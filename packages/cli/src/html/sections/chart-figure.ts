// A chart's place on the page: its title and a line on how to read it, and the box the page
// script draws into; or a short note when the run has nothing to plot.
import type { ChartSpec } from '../chart-spec.js';
import { escapeHtml } from '../html-text.js';

export type FigureText = Readonly<{ title: string; caption: string; whenEmpty: string }>;

export function renderChartFigure(spec: ChartSpec | null, text: FigureText): string {
  const caption = `<figcaption><h3>${escapeHtml(text.title)}</h3><p>${escapeHtml(text.caption)}</p></figcaption>`;
  if (spec === null || spec.xs.length === 0)
    return `<figure>${caption}<p class="empty">${escapeHtml(text.whenEmpty)}</p></figure>`;
  return `<figure data-chart="${escapeHtml(spec.id)}">${caption}<div class="chart" id="${escapeHtml(spec.id)}"></div></figure>`;
}
