// Event-loop delay of the simulator process, sampled by Node itself: a generator whose loop
// stalls sends late and measures late, so the report shows it next to the latencies.
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

export type LoopLagSummary = Readonly<{ p50: number; p99: number; max: number }>;

/** Node samples with a timer of this period and records the whole period: the lag is the excess. */
const resolutionMs = 10;

export class LoopLagSampler {
  readonly #whole: IntervalHistogram = monitorEventLoopDelay({ resolution: resolutionMs });
  readonly #second: IntervalHistogram = monitorEventLoopDelay({ resolution: resolutionMs });

  start(): void {
    this.#whole.enable();
    this.#second.enable();
  }

  /** p99 of the delay since the last call, in ms. */
  takeSecondP99Ms(): number | null {
    const p99 = this.#second.count === 0 ? null : nsToMs(this.#second.percentile(99));
    this.#second.reset();
    return p99;
  }

  stop(): LoopLagSummary {
    this.#whole.disable();
    this.#second.disable();
    if (this.#whole.count === 0) return { p50: 0, p99: 0, max: 0 };
    return {
      p50: nsToMs(this.#whole.percentile(50)),
      p99: nsToMs(this.#whole.percentile(99)),
      max: nsToMs(this.#whole.max),
    };
  }
}

/** A recorded timer period (ns) to the lag beyond the period (ms). */
function nsToMs(valueNs: number): number {
  return Math.max(0, Math.round(valueNs / 1000 - resolutionMs * 1000) / 1000);
}
