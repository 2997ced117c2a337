// The few browser objects the page script touches, and the part of uPlot's API it uses, typed
// here rather than with the DOM library: the cli package compiles for Node, and adding `dom` to
// its lib would change the types of Node globals (setTimeout) for every file in the package.

export type PageElement = {
  readonly clientWidth: number;
  textContent: string | null;
};

export type PageWindow = {
  readonly document: { getElementById(id: string): PageElement | null };
  addEventListener(type: 'resize' | 'beforeprint' | 'afterprint', listener: () => void): void;
};

export type CanvasContext = {
  strokeStyle: string;
  fillStyle: string;
  lineWidth: number;
  font: string;
  textAlign: 'left' | 'right' | 'center' | 'start' | 'end';
  textBaseline: 'top' | 'middle' | 'bottom' | 'alphabetic';
  save(): void;
  restore(): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  stroke(): void;
  setLineDash(segments: number[]): void;
  fillText(text: string, x: number, y: number): void;
  fillRect(x: number, y: number, width: number, height: number): void;
  measureText(text: string): { width: number };
};

export type UPlotChart = {
  readonly ctx: CanvasContext;
  /** The plotting area, in canvas pixels. */
  readonly bbox: { left: number; top: number; width: number; height: number };
  valToPos(value: number, scaleKey: string, isCanvasPixels?: boolean): number;
  setSize(size: { width: number; height: number }): void;
};

export type UPlotSeries = {
  label: string;
  stroke?: string;
  fill?: string;
  width?: number;
  dash?: number[];
  spanGaps?: boolean;
  points?: { show: boolean };
  value?: (chart: UPlotChart, value: number | null, seriesIndex: number, index: number | null) => string;
};

export type UPlotAxis = {
  label: string;
  stroke: string;
  font: string;
  labelFont: string;
  grid: { stroke: string; width: number };
  ticks: { stroke: string; width: number };
  size?: number;
  /** Splits hidden by uPlot's tick filter come as null. */
  values?: (chart: UPlotChart, splits: (number | null)[]) => string[];
  splits?: (chart: UPlotChart, axisIndex: number, min: number, max: number) => number[];
};

export type UPlotScale = {
  time?: boolean;
  /** 3: logarithmic. */
  distr?: number;
  log?: number;
  range?: (chart: UPlotChart, min: number, max: number) => [number, number];
};

export type UPlotOptions = {
  width: number;
  height: number;
  series: UPlotSeries[];
  axes: UPlotAxis[];
  scales: Record<string, UPlotScale>;
  /** Fills between two series, by their indices (upper first). */
  bands: { series: [number, number]; fill: string }[];
  legend: { live: boolean; markers?: { fill: (chart: UPlotChart, seriesIndex: number) => string } };
  cursor: { drag: { x: boolean; y: boolean } };
  hooks: { draw: ((chart: UPlotChart) => void)[] };
};

export type UPlotConstructor = {
  new (options: UPlotOptions, data: (number | null)[][], target: PageElement): UPlotChart;
  /** Canvas pixels per CSS pixel. */
  readonly pxRatio: number;
};
