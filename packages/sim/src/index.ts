// @flashsale/sim: the open-loop load simulator. This file is the package's whole surface.
// Importing it is cheap: undici, hdr-histogram-js, cli-table3 and ink load on first use.
export { type Environment, envNameOf } from './config/env.js';
export type { Mix } from './config/mix.js';
export type { OptionSpec, SimFlags } from './config/option-spec.js';
export {
  flagOf,
  type ProgressMode,
  parseSimOptions,
  type SimOptionName,
  type SimOptions,
  type Surroundings,
  simOptionTable,
} from './config/options.js';
export type { Popularity, Range, Scenario } from './config/scenario.js';
export type { Shard } from './config/shard.js';
export { SimError, type SimErrorCode } from './errors.js';
export type { OutcomeCode } from './record/outcomes.js';
export type { SecondFigures } from './record/timeline.js';
export { parseReport } from './report/json.js';
export { summarizeLatencies } from './report/latency-summary.js';
export { mergeReports } from './report/merge.js';
export { type PercentileCurve, type PercentilePoint, percentileCurve } from './report/percentile-curve.js';
export { type ProgressView, startProgress } from './report/progress.js';
export { formatSummary } from './report/summary.js';
export {
  checkThresholds,
  parseThreshold,
  type Threshold,
  type ThresholdResult,
} from './report/thresholds.js';
export type {
  EndpointReport,
  FaultReport,
  GeneratorReport,
  HistogramsReport,
  LatencySummaryMs,
  OutcomeReport,
  ReportConfig,
  SaleReport,
  SimReport,
  TimelineSecondReport,
} from './report/types.js';
export type { Stage } from './schedule/stages.js';
export { simulate } from './simulate.js';
export type {
  SimStart,
  SimTick,
  SimTotals,
  Simulation,
  SimulationEvents,
  StopReason,
} from './simulation.js';
