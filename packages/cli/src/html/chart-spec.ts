// What the page's script needs to draw one chart: the contract between the charts built here in
// TypeScript and page/draw-charts.ts, which turns each spec into a uPlot chart in the browser.
// Everything is plain JSON, so the page embeds the specs and nothing else of the report.

/** The x axis of a time chart is seconds since the run started; a distribution's is nines. */
export type XAxisKind = 'seconds' | 'nines';

/** How a y value reads in axis ticks and the legend. */
export type ValueUnit = 'ms' | 'per_second' | 'count';

export type SeriesSpec = {
  label: string;
  /** CSS colour of the line. */
  color: string;
  /** One value per x; null where there is none (a gap). */
  values: (number | null)[];
  /** Stacked charts plot running sums; the legend shows these own values instead. */
  ownValues?: (number | null)[];
  /** Draw the line across missing values (curves sampled at different points). */
  spansGaps?: boolean;
  /** Area fill: down to the series below in a stacked chart, else down to zero. */
  fill?: string;
  widthPx?: number;
  /** Canvas line dash, e.g. [6, 4]. */
  dashPx?: number[];
};

/** A labelled vertical line (the sell-out, a fault), or a shaded span (a fault until it recovered). */
export type MarkerSpec = {
  x: number;
  /** End of the span; none for a line. */
  untilX?: number;
  label: string;
  color: string;
  /** Translucent fill of the span. */
  shade?: string;
};

export type ChartSpec = {
  /** Id of the element the chart mounts into. */
  id: string;
  xKind: XAxisKind;
  xLabel: string;
  yLabel: string;
  yUnit: ValueUnit;
  isLogY: boolean;
  /** Series are running sums, bottom first: each fills the band down to the one before it. */
  isStacked: boolean;
  xs: number[];
  series: SeriesSpec[];
  markers: MarkerSpec[];
};
