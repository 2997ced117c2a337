// --start-at: its texts, how next-sale is placed against the sale period, the SIM_START_AT
// environment variable, and a run against a rolling shop that starts just before a sale opens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStartAt, resolveStartAtMs } from '../src/config/start-at.js';
import { parseSimOptions, type SimReport, simulate } from '../src/index.js';
import { type ShopServer, startShopServer } from './support/shop-server.js';

describe('reading --start-at', () => {
  it.each([
    ['1796055600000', { kind: 'at', epochMs: 1_796_055_600_000 }],
    ['2026-11-30T17:00:00Z', { kind: 'at', epochMs: Date.parse('2026-11-30T17:00:00Z') }],
    ['2026-11-30T17:00:00.250+01:00', { kind: 'at', epochMs: Date.parse('2026-11-30T16:00:00.250Z') }],
    ['next-sale', { kind: 'next-sale', offsetMs: 0 }],
    ['next-sale-5s', { kind: 'next-sale', offsetMs: -5000 }],
    ['next-sale+500ms', { kind: 'next-sale', offsetMs: 500 }],
  ])('%s', (text, expected) => {
    expect(parseStartAt(text)).toEqual(expected);
  });

  it.each([
    ['soon', 'neither epoch ms'],
    ['next-sale-5x', 'not a duration'],
    ['next', 'neither epoch ms'],
    ['2026-13-45T99:00:00Z', 'not a valid ISO time'],
    ['12345', 'neither epoch ms'],
  ])('%s is refused: %s', (text, reason) => {
    expect(parseStartAt(text)).toContain(reason);
  });
});

describe('placing --start-at', () => {
  const period = { endsAtMs: 100_000, periodMs: 20_000 };

  it.each([
    ['next-sale-5s, with time to spare', { kind: 'next-sale', offsetMs: -5000 } as const, 90_000, 95_000],
    [
      'next-sale-5s, too late for this one: the sale after',
      { kind: 'next-sale', offsetMs: -5000 } as const,
      94_000,
      115_000,
    ],
    ['next-sale, at the opening', { kind: 'next-sale', offsetMs: 0 } as const, 90_000, 100_000],
    ['an absolute time ahead', { kind: 'at', epochMs: 93_000 } as const, 90_000, 93_000],
    ['an absolute time past: now', { kind: 'at', epochMs: 80_000 } as const, 90_000, 90_000],
  ])('%s', (_name, startAt, nowMs, expected) => {
    expect(resolveStartAtMs(startAt, nowMs, 2000, period)).toBe(expected);
  });

  it('next-sale without a sale period says what is missing', () => {
    expect(resolveStartAtMs({ kind: 'next-sale', offsetMs: 0 }, 0, 2000, null)).toContain('sale period');
  });
});

describe('the --start-at option', () => {
  it('is read from SIM_START_AT when the flag is not given, and the flag wins', () => {
    const env = { SIM_START_AT: 'next-sale-5s' };
    expect(parseSimOptions({}, { isTty: false, env }).startAt).toEqual({
      kind: 'next-sale',
      offsetMs: -5000,
    });
    expect(parseSimOptions({ startAt: '1796055600000' }, { isTty: false, env }).startAt).toEqual({
      kind: 'at',
      epochMs: 1_796_055_600_000,
    });
    expect(parseSimOptions({}).startAt).toBeNull();
  });

  it('a bad value names the flag and what it accepts', () => {
    expect(() => parseSimOptions({ startAt: 'soon' })).toThrow(
      /^--start-at: accepts epoch ms, an ISO time, next-sale/,
    );
  });
});

describe('a run started just before the next sale opens', () => {
  const salePeriodMs = 3000;
  let server: ShopServer;
  let report: SimReport;

  beforeAll(async () => {
    server = await startShopServer({ saleSize: 30, holdTtlMs: 500, salePeriodMs });
    report = await simulate(
      parseSimOptions({
        target: server.url,
        rps: 100,
        duration: '2s',
        users: 1000,
        seed: 5,
        warmUp: '0',
        startAt: 'next-sale-1s',
      }),
    ).done;
  }, 30_000);
  afterAll(() => server.close());

  it('starts one second before an opening and measures that sale from its first second', () => {
    const startedAtMs = Date.parse(report.started_at);
    expect((startedAtMs + 1000) % salePeriodMs).toBe(0);
    const opened = (report.sales ?? []).find((sale) => sale.sale_id === (startedAtMs + 1000) / salePeriodMs);
    expect(opened?.opened_during_run).toBe(true);
    expect(opened?.first_second_latency_ms?.count).toBeGreaterThan(0);
  });
});
