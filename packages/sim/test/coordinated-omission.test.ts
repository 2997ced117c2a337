import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSimOptions, type SimReport, simulate } from '../src/index.js';
import { startTrivialServer, type TrivialServer } from './support/trivial-server.js';

describe('coordinated omission', () => {
  let server: TrivialServer;
  let report: SimReport;

  beforeAll(async () => {
    server = await startTrivialServer();
    const simulation = simulate(parseSimOptions({ target: server.url, rps: 1000, duration: '10s', seed: 3 }));
    simulation.on('start', () => setTimeout(() => server.stall(1000), 4500));
    report = await simulation.done;
  }, 60_000);
  afterAll(() => server.close());

  it('a one-second stall in a ten-second run at 1,000 requests/s shows as a p99 of at least 800 ms', () => {
    expect(report.latency_ms.p99).toBeGreaterThanOrEqual(800);
    expect(report.latency_ms.max).toBeGreaterThanOrEqual(900);
  });

  it('requests that waited behind the stall are counted late, and the rate was not lowered', () => {
    expect(report.late).toBeGreaterThan(500);
    expect(report.dropped).toBe(0);
    expect(report.requests).toBe(10_000);
  });

  it('service time (from the actual send) is reported apart and does not hide the stall in the response time', () => {
    expect(report.service_time_ms.count).toBe(report.requests);
    expect(report.service_time_ms.p50).toBeLessThan(report.latency_ms.p99);
    expect(report.generator.warnings.join(' ')).toMatch(
      /waited for a free connection|fell behind its own schedule/,
    );
  });
});
