import { describe, expect, it } from 'vitest';
import { type InstancesRound, instancesResults } from '../src/instances.js';
import { aboutInstances, instancesSectionLines } from '../src/instances-section.js';
import type { MachineFacts } from '../src/machine.js';
import { renderPerformanceSection } from '../src/performance-section.js';
import type { ResultEnvelope, ResultsDocument } from '../src/results.js';

const machine: MachineFacts = {
  cores: 2,
  cpu_model: 'cpu',
  memory_gb: 8,
  os: 'linux',
  node: 'v20',
  postgres: '15',
  redis: '7',
  wrk: 'wrk',
  git_commit: 'abc1234',
  git_dirty: false,
  load_average_at_start: [0.5, 0.4, 0.3],
  date: '2026-11-30T20:00:00Z',
};

function roundOf(
  instances: number,
  requests: number,
  nodeS: number,
  redisS: number,
  pgS: number,
  machineBusyS = 14,
): InstancesRound {
  const perInstance = requests / instances;
  return {
    instances,
    connections: 60,
    wrk: {
      requests,
      durationS: 10,
      rps: requests / 10,
      latencyMs: { p50: 5, p90: 8, p99: 20, p999: 30, max: 40, mean: 6 },
      non2xx: 0,
      socketErrors: { connect: 0, read: 0, write: 0, timeout: 0 },
      nextOffset: requests,
      connections: 60,
      commandLine: 'wrk …',
    },
    usage: {
      elapsedS: 10,
      machineBusyS,
      machineTotalS: 20,
      machineInterruptS: 1,
      machineStealS: 0,
      cpuByGroup: {
        ...Object.fromEntries(
          Array.from({ length: instances }, (_, i) => [`instance_${i + 1}`, nodeS / instances]),
        ),
        postgres_backends: pgS,
        postgres_background: 0.01,
        redis: redisS,
        load_generator: 1,
      },
      kernelCpuByGroup: {},
      rss: [],
      mainThreads: [],
    },
    checkoutsByInstance: Array.from({ length: instances }, () => perInstance),
    rowsWritten: requests,
    serviceCommandLines: [],
  };
}

function documentWith(benchmarks: readonly ResultEnvelope[], isKept = true): ResultsDocument<ResultEnvelope> {
  return {
    format: 'flashsale-bench@1',
    mode: 'full',
    command: 'pnpm bench',
    started_at: '2026-11-30T18:00:00Z',
    finished_at: '2026-11-30T18:08:00Z',
    duration_s: 480,
    machine: { ...machine, date: '2026-11-30T18:00:00Z' },
    settings: {} as ResultsDocument['settings'],
    benchmarks: benchmarks.map((result) => ({ ...result, machine })),
    ...(isKept ? { kept_from_earlier: ['instances-1', 'instances-2', 'instances-3'] } : {}),
  };
}

// 1 instance: 8,000/s at 100 µs node; 3 instances: 10,000/s, Redis 25 → 30 µs, Postgres 20 → 40 µs.
const results = instancesResults([
  [roundOf(1, 80_000, 8, 2, 1.6)],
  [roundOf(2, 90_000, 10, 2.5, 2.7)],
  [roundOf(3, 100_000, 12, 3, 4)],
]);

describe('how far one Redis shard and one Postgres carry, in the README', () => {
  const lines = instancesSectionLines(documentWith(results));

  it('tabulates each instance count with CPU per checkout by process kind and the idle share', () => {
    expect(lines[0]).toBe('### How far one Redis shard and one Postgres carry');
    expect(lines).toContain('| 1 | 8,000/s | 1.0 | 8,000/s | 100 | 20 | 0 | 25 | 13 | 30% |');
    expect(lines).toContain(
      '| 3 | 10,000/s | 1.3 | 3,333/s + 3,333/s + 3,333/s | 120 | 40 | 0 | 30 | 10 | 30% |',
    );
    expect(lines.join('\n')).toContain('measured by an earlier pnpm bench on 2026-11-30,\ncommit abc1234');
  });

  it('says the throughput is not linear on this box and derives the figures from CPU per checkout', () => {
    const text = lines.join('\n');
    expect(text).toContain(
      "Throughput does not grow linearly with instances here: they, Redis, Postgres and wrk share this box's 2 cores",
    );
    expect(lines).toContain('| Redis (one shard) | 30 | 33,333/s | 4.2 | 3.3 |');
    expect(lines).toContain('| Postgres, per core | 40 | 25,000/s | 3.1 | 2.5 |');
    expect(text).toContain(
      'One Redis shard carries about 4 instances and one Postgres about 3 instances per core it has, each instance\nanswering 8,000 checkouts/s as one did alone here (3.3 and 2.5 if each',
    );
    expect(text).toContain(
      'CPU µs per checkout went 25 → 30 in Redis and 20 → 40 in Postgres: if that growth goes on',
    );
  });

  it('sits in the Performance section, after CPU per checkout and before the table of every benchmark', () => {
    const section = renderPerformanceSection(documentWith(results)).split('\n');
    const at = section.indexOf('### How far one Redis shard and one Postgres carry');
    expect(at).toBeGreaterThan(section.findIndex((line) => line.startsWith('| setup | node |')));
    expect(at).toBeLessThan(section.findIndex((line) => line.startsWith('| benchmark |')));
  });

  it('is absent when the results hold no instances run, and names the run it came from', () => {
    expect(instancesSectionLines(documentWith([], false))).toEqual([]);
    const alone = instancesSectionLines(documentWith(results, false)).join('\n');
    expect(alone).toContain('measured by `pnpm bench` on');
  });

  it('says when other work on the box held the lone instance down, and flags that run', () => {
    expect(lines.join('\n')).not.toContain('Other work on the box');
    // 6.4 CPU seconds of the 20 in the window used by no process of the bench: 0.64 cores.
    const busy = instancesResults([[roundOf(1, 80_000, 8, 2, 1.6, 20)], [roundOf(3, 100_000, 12, 3, 4)]]);
    expect(busy[0]?.flags).toEqual([
      'other work on the box used 0.64 cores during this run: the rate of one instance alone, and the instances carried at it, are held down by it',
    ]);
    expect(instancesSectionLines(documentWith(busy)).join('\n')).toContain(
      'Other work on the box used 0.64 cores while one instance ran alone, holding its rate down: the figures at a\ncore per instance are the sounder ones from this run.',
    );
  });

  it.each([
    [4.2, 'about 4 instances'],
    [2.5, 'about 3 instances'],
    [1.4, 'about 1.4 instances'],
    [1, 'about 1.0 instance'],
    [0.6, 'about 0.6 instances'],
  ])('reads %d as "%s"', (count, text) => {
    expect(aboutInstances(count)).toBe(text);
  });
});
