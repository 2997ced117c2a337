import { serverSettings } from '@flashsale/server';
import { describe, expect, it } from 'vitest';
import { durationFlag } from '../src/duration-flag.js';
import { type ServeValues, serveFlags } from '../src/serve-flags.js';

const dayMs = 86_400_000;

describe('serve flags', () => {
  it('names each value by the flag of its setting, in the order given', () => {
    expect(
      serveFlags({
        port: 0,
        databaseUrl: 'postgres://postgres@127.0.0.1:5432/flashsale_bench_x',
        saleDurationMs: 7 * dayMs,
        workers: 2,
        logLevel: 'info',
      }),
    ).toEqual([
      '--port',
      '0',
      '--database-url',
      'postgres://postgres@127.0.0.1:5432/flashsale_bench_x',
      '--sale-duration',
      '7d',
      '--workers',
      '2',
      '--log-level',
      'info',
    ]);
  });

  it.each<[string, ServeValues]>([
    [
      'the bench service',
      { port: 0, redisKeyPrefix: 'flashsale_bench_ab12:', saleSize: 1_000_000, saleDurationMs: 6 * dayMs },
    ],
    ['durations that are no whole unit', { holdTtlMs: 90_000, maxBatchWaitMs: 2, shutdownGraceMs: 150_000 }],
    ['a setting that can be none', { testCrashItemId: null, isReconcilerEnabled: false }],
  ])('writes %s in forms the server parses back to the same values', (_, values) => {
    const flags = serveFlags(values);
    for (let i = 0; i < flags.length; i += 2) {
      const setting = serverSettings.find((candidate) => candidate.flag === flags[i]);
      expect(setting).toBeDefined();
      expect(setting?.parser.parse(flags[i + 1] ?? '')).toEqual(
        setting === undefined ? undefined : values[setting.key],
      );
    }
    expect(flags).toHaveLength(Object.keys(values).length * 2);
  });
});

describe('duration flags', () => {
  it.each([
    [4000, '4s'],
    [60_000, '1m'],
    [7 * dayMs, '7d'],
    // ms() rounds 90 s to "2m": such durations go in ms, exactly.
    [90_000, '90000ms'],
    [1500, '1500ms'],
  ])('%d ms is written %s', (durationMs, text) => {
    expect(durationFlag(durationMs)).toBe(text);
  });
});
