// How far one Redis shard and one Postgres carry, derived from CPU per checkout rather than from
// the throughput curve of this 2-core box (where the instances, Redis, Postgres and wrk compete
// for the same cores, so adding instances cannot add throughput linearly). redis-server runs
// commands on one thread: it saturates when it needs one core. Postgres spreads its backends over
// cores: its figure is per core it has, assuming backends scale (group commit and WAL flushes
// serialise part of the work, so that is an upper bound).

const microsPerS = 1e6;

/**
 * Cores of other work (processes outside the bench's groups) above which the 1-instance run's
 * rate says more about the box than about an instance: flagged, and the README says so.
 */
export const busyBoxOtherCores = 0.25;

export type DependencyCapacity = Readonly<{
  cpu_us_per_checkout: number;
  /** Checkouts per second at which it uses one full core. */
  saturates_at_rps_per_core: number;
  /** Instances it carries per core, each at the measured rate of one instance alone. */
  instances_at_measured_rate: number | null;
  /** Instances it carries per core, each with a core of its own (1e6 / node µs per checkout). */
  instances_at_core_rate: number | null;
}>;

export type SaturationFigures = Readonly<{
  /** Checkouts per second one instance answered alone (the 1-instance run). */
  per_instance_rps: number;
  /** Checkouts per second one instance would answer with a full core: 1e6 / its CPU µs per checkout. */
  per_instance_core_rps: number | null;
  redis: DependencyCapacity | null;
  /** The backends of the service's database (the background processes serve the whole box). */
  postgres: DependencyCapacity | null;
}>;

export type SaturationInput = Readonly<{
  /** CPU µs per checkout of each kind of process, from one measured run. */
  cpuUsPerCheckout: Readonly<{
    redis: number | null;
    postgres: number | null;
    nodePerInstance: number | null;
  }>;
  perInstanceRps: number;
}>;

const round1 = (value: number) => Math.round(value * 10) / 10;
const isPositive = (value: number | null): value is number =>
  value !== null && Number.isFinite(value) && value > 0;

export function deriveSaturation({ cpuUsPerCheckout, perInstanceRps }: SaturationInput): SaturationFigures {
  const { nodePerInstance } = cpuUsPerCheckout;
  const coreRps = isPositive(nodePerInstance) ? microsPerS / nodePerInstance : null;
  const capacity = (us: number | null): DependencyCapacity | null => {
    if (!isPositive(us)) return null; // not measured, or too small to read
    const saturatesAt = microsPerS / us;
    return {
      cpu_us_per_checkout: us,
      saturates_at_rps_per_core: Math.round(saturatesAt),
      instances_at_measured_rate: isPositive(perInstanceRps) ? round1(saturatesAt / perInstanceRps) : null,
      instances_at_core_rate: coreRps === null ? null : round1(saturatesAt / coreRps),
    };
  };
  return {
    per_instance_rps: Math.round(perInstanceRps),
    per_instance_core_rps: coreRps === null ? null : Math.round(coreRps),
    redis: capacity(cpuUsPerCheckout.redis),
    postgres: capacity(cpuUsPerCheckout.postgres),
  };
}
