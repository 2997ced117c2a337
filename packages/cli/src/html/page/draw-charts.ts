// The page's only script of its own: turns each chart spec into a uPlot chart, formats ticks and
// legend values by unit, draws the markers (faults, sell-out) across the plot, and refits the
// charts to their boxes on resize and for print. It runs in the browser: the page inlines this
// function's source (`drawChartsSource`), so it must use nothing from outside its own body.
import type { ChartSpec, MarkerSpec, SeriesSpec, ValueUnit } from '../chart-spec.js';
import type {
  PageElement,
  PageWindow,
  UPlotAxis,
  UPlotChart,
  UPlotConstructor,
  UPlotSeries,
} from './page-types.js';

export function drawCharts(page: PageWindow, uPlot: UPlotConstructor, specs: ChartSpec[]): void {
  const heightPx = 240;
  const ink = '#1f2933';
  const gridColor = '#e4e7eb';
  const font = '11px system-ui, sans-serif';
  const labelFont = '600 11px system-ui, sans-serif';

  const grouped = (value: number, decimals: number) =>
    value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  const formatMs = (ms: number) =>
    ms < 1 ? grouped(ms, 3) : ms < 10 ? grouped(ms, 2) : ms < 100 ? grouped(ms, 1) : grouped(ms, 0);
  const formatValue = (unit: ValueUnit, value: number | null): string => {
    if (value === null) return '–';
    if (unit === 'ms') return `${formatMs(value)} ms`;
    if (unit === 'per_second') return `${grouped(value, 0)}/s`;
    return grouped(value, 0);
  };
  const formatTick = (unit: ValueUnit, value: number) =>
    unit === 'ms' ? value.toLocaleString('en-US', { maximumSignificantDigits: 3 }) : grouped(value, 0);
  const formatSeconds = (seconds: number) =>
    seconds < 120
      ? `${grouped(seconds, 0)}s`
      : `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, '0')}`;
  // n nines is the percentile 100 * (1 - 10^-n): 1 → 90%, 3 → 99.9%.
  const formatNines = (nines: number, isTick: boolean) => {
    const percentile = 100 * (1 - 10 ** -nines);
    const decimals = isTick ? Math.max(0, Math.round(nines) - 2) : Math.max(1, Math.ceil(nines) - 1);
    return `${percentile >= 100 ? '100' : percentile.toFixed(decimals)}%`;
  };

  function axisOf(label: string, format: (split: number) => string): UPlotAxis {
    return {
      label,
      stroke: ink,
      font,
      labelFont,
      grid: { stroke: gridColor, width: 1 },
      ticks: { stroke: gridColor, width: 1 },
      values: (_chart, splits) => splits.map((split) => (split === null ? '' : format(split))),
    };
  }

  function xAxisOf(spec: ChartSpec): UPlotAxis {
    if (spec.xKind === 'seconds') return { ...axisOf(spec.xLabel, formatSeconds), size: 40 };
    const axis = axisOf(spec.xLabel, (nines) => formatNines(nines, true));
    axis.splits = (_chart, _axisIndex, min, max) => {
      const whole: number[] = [];
      for (let nines = Math.ceil(min); nines <= Math.floor(max); nines++) whole.push(nines);
      return whole;
    };
    axis.size = 40;
    return axis;
  }

  // Away from the cursor the legend shows each series' peak (the x column says so).
  function seriesOf(spec: ChartSpec, series: SeriesSpec, index: number): UPlotSeries {
    const own = series.ownValues;
    const peak = Math.max(...(own ?? series.values).map((value) => value ?? Number.NEGATIVE_INFINITY));
    return {
      label: series.label,
      stroke: series.color,
      // A stacked series above the first fills through its band, not down to zero.
      fill: spec.isStacked && index > 0 ? undefined : series.fill,
      width: series.widthPx ?? 1.5,
      dash: series.dashPx,
      spanGaps: series.spansGaps === true,
      points: { show: false },
      value: (_chart, value, _seriesIndex, index) => {
        if (index === null) return formatValue(spec.yUnit, Number.isFinite(peak) ? peak : null);
        return formatValue(spec.yUnit, own === undefined ? value : (own[index] ?? null));
      },
    };
  }

  // uPlot counts the x values as series 0: spec series i is uPlot series i + 1.
  function bandsOf(series: SeriesSpec[]): { series: [number, number]; fill: string }[] {
    return series
      .slice(1)
      .map((upper, index) => ({ series: [index + 2, index + 1], fill: upper.fill ?? 'transparent' }));
  }

  // Labels go in rows along the top of the plot, each in the first row where it overlaps none.
  function drawMarkers(chart: UPlotChart, markers: MarkerSpec[]): void {
    const { ctx, bbox } = chart;
    const ratio = uPlot.pxRatio;
    const right = bbox.left + bbox.width;
    const rowEnds: number[] = [];
    ctx.save();
    ctx.font = `600 ${Math.round(10 * ratio)}px system-ui, sans-serif`;
    ctx.textBaseline = 'top';
    ctx.lineWidth = ratio * 1.5;
    for (const marker of [...markers].sort((a, b) => a.x - b.x)) {
      const x = chart.valToPos(marker.x, 'x', true);
      if (x < bbox.left || x > right) continue;
      if (marker.untilX !== undefined && marker.shade !== undefined) {
        const untilX = Math.min(right, chart.valToPos(marker.untilX, 'x', true));
        ctx.fillStyle = marker.shade;
        ctx.fillRect(x, bbox.top, Math.max(untilX - x, ratio), bbox.height);
      }
      ctx.strokeStyle = marker.color;
      ctx.setLineDash([4 * ratio, 3 * ratio]);
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
      const width = ctx.measureText(marker.label).width;
      const start = x + width + 4 * ratio < right ? x + 3 * ratio : x - 3 * ratio - width;
      let row = rowEnds.findIndex((end) => end < start);
      if (row < 0) row = rowEnds.length < 4 ? rowEnds.length : rowEnds.indexOf(Math.min(...rowEnds));
      rowEnds[row] = start + width + 6 * ratio;
      ctx.fillStyle = marker.color;
      ctx.textAlign = 'left';
      ctx.fillText(marker.label, start, bbox.top + (2 + row * 12) * ratio);
    }
    ctx.restore();
  }

  function draw(spec: ChartSpec, mount: PageElement): UPlotChart {
    const yMax = Math.max(0, ...spec.series.flatMap((series) => series.values.map((value) => value ?? 0)));
    return new uPlot(
      {
        width: mount.clientWidth,
        height: heightPx,
        series: [
          {
            label: spec.xLabel,
            value: (_chart, x) => {
              if (spec.xKind === 'nines') return x === null ? '100%' : formatNines(x, false);
              return x === null ? 'peak' : formatSeconds(x);
            },
          },
          ...spec.series.map((series, index) => seriesOf(spec, series, index)),
        ],
        bands: spec.isStacked ? bandsOf(spec.series) : [],
        axes: [xAxisOf(spec), { ...axisOf(spec.yLabel, (y) => formatTick(spec.yUnit, y)), size: 56 }],
        scales: {
          x: { time: false },
          y: spec.isLogY ? { distr: 3, log: 10 } : { range: () => [0, yMax > 0 ? yMax * 1.08 : 1] },
        },
        legend: spec.isStacked
          ? {
              live: true,
              markers: { fill: (_chart, index) => spec.series[index - 1]?.fill ?? 'transparent' },
            }
          : { live: true },
        cursor: { drag: { x: true, y: false } },
        hooks: { draw: [(chart) => drawMarkers(chart, spec.markers)] },
      },
      [spec.xs, ...spec.series.map((series) => series.values)],
      mount,
    );
  }

  const drawn: { chart: UPlotChart; mount: PageElement }[] = [];
  for (const spec of specs) {
    const mount = page.document.getElementById(spec.id);
    if (mount !== null) drawn.push({ chart: draw(spec, mount), mount });
  }
  const refit = () => {
    for (const { chart, mount } of drawn) chart.setSize({ width: mount.clientWidth, height: heightPx });
  };
  page.addEventListener('resize', refit);
  page.addEventListener('beforeprint', refit);
  page.addEventListener('afterprint', refit);
}

/** The function's source, to inline in the page: `(${drawChartsSource})(window, uPlot, specs)`. */
export const drawChartsSource: string = drawCharts.toString();
