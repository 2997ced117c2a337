import { describe, expect, it } from 'vitest';
import { deriveSaturation } from '../src/capacity.js';

describe('how far Redis and Postgres carry, from CPU per checkout', () => {
  it('saturates Redis at one core and Postgres per core, and divides by the rate of one instance', () => {
    const figures = deriveSaturation({
      cpuUsPerCheckout: { redis: 25, postgres: 40, nodePerInstance: 100 },
      perInstanceRps: 8000,
    });
    expect(figures).toEqual({
      per_instance_rps: 8000,
      per_instance_core_rps: 10_000,
      redis: {
        cpu_us_per_checkout: 25,
        saturates_at_rps_per_core: 40_000,
        instances_at_measured_rate: 5,
        instances_at_core_rate: 4,
      },
      postgres: {
        cpu_us_per_checkout: 40,
        saturates_at_rps_per_core: 25_000,
        instances_at_measured_rate: 3.1,
        instances_at_core_rate: 2.5,
      },
    });
  });

  it('says nothing of a dependency it did not measure, nor of a rate it lacks', () => {
    const figures = deriveSaturation({
      cpuUsPerCheckout: { redis: null, postgres: 0, nodePerInstance: null },
      perInstanceRps: 0,
    });
    expect(figures.redis).toBeNull();
    expect(figures.postgres).toBeNull();
    expect(figures.per_instance_core_rps).toBeNull();
    const noRate = deriveSaturation({
      cpuUsPerCheckout: { redis: 50, postgres: 50, nodePerInstance: null },
      perInstanceRps: 0,
    });
    expect(noRate.redis).toEqual({
      cpu_us_per_checkout: 50,
      saturates_at_rps_per_core: 20_000,
      instances_at_measured_rate: null,
      instances_at_core_rate: null,
    });
  });
});
