import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type OptionSpec, parseSimOptions, SimError, simOptionTable } from '../src/index.js';
import { createTempDir } from './support/files.js';

describe('parsing simulator options', () => {
  it('fills in the defaults from the option table', () => {
    const options = parseSimOptions({});
    expect(options).toMatchObject({
      targets: ['http://127.0.0.1:8080'],
      itemsRefreshMs: 0,
      stages: [{ durationMs: 10_000, rps: 100 }],
      mix: { normal: 70, heavy: 20, invalid: 10 },
      users: 1_000_000,
      connections: 100,
      timeoutMs: 10_000,
      warmUpMs: 1000,
      shard: { index: 0, count: 1 },
      workers: 1,
      progress: 'none',
      reportPath: null,
      ledgerPath: null,
      stopsAtSellout: false,
    });
    expect(Number.isInteger(options.seed)).toBe(true);
    expect(options.runId).toMatch(/^[0-9a-f]{8}$/);
    expect(Object.isFrozen(options)).toBe(true);
  });

  it('reads CLI texts: durations, stages, shard, repeated thresholds', () => {
    const options = parseSimOptions({
      stages: '500ms:10,1m:2000.5',
      shard: '1/4',
      threshold: ['checkout.p99<50ms', 'errors<1%'],
      untilSellout: true,
      timeout: '2s',
    });
    expect(options.stages).toEqual([
      { durationMs: 500, rps: 10 },
      { durationMs: 60_000, rps: 2000.5 },
    ]);
    expect(options.shard).toEqual({ index: 1, count: 4 });
    expect(options.thresholds.map((threshold) => threshold.source)).toEqual([
      'checkout.p99<50ms',
      'errors<1%',
    ]);
    expect([options.stopsAtSellout, options.timeoutMs]).toEqual([true, 2000]);
    expect(parseSimOptions({ warmUp: '0' }).warmUpMs).toBe(0);
  });

  it('reads several comma-separated targets, each an origin', () => {
    const options = parseSimOptions({
      target: 'http://127.0.0.1:8080, http://10.0.0.2:9000/',
      itemsRefresh: '0',
    });
    expect(options.targets).toEqual(['http://127.0.0.1:8080', 'http://10.0.0.2:9000']);
    expect(options.itemsRefreshMs).toBe(0);
  });

  it('reads the item list every second by default only when the run is split over processes', () => {
    expect(parseSimOptions({}).itemsRefreshMs).toBe(0);
    expect(parseSimOptions({ shard: '1/2' }).itemsRefreshMs).toBe(1000);
    expect(parseSimOptions({ workers: '2' }).itemsRefreshMs).toBe(1000);
    expect(parseSimOptions({ workers: '2', itemsRefresh: '0' }).itemsRefreshMs).toBe(0);
    expect(parseSimOptions({ itemsRefresh: '250ms' }).itemsRefreshMs).toBe(250);
  });

  it('reads every option from its SIM_ variable; a given flag wins', () => {
    const env = {
      SIM_RPS: '250',
      SIM_SHARD: '2/3',
      SIM_TARGET: 'http://a.test:8080,http://b.test:8080',
      SIM_MAX_IN_FLIGHT: '77',
      SIM_UNTIL_SELLOUT: 'true',
      SIM_THRESHOLD: 'checkout.p99<50ms,errors<1%',
      SIM_SEED: '',
    };
    const options = parseSimOptions({ rps: '10' }, undefined, env);
    expect(options.stages).toEqual([{ durationMs: 10_000, rps: 10 }]);
    expect(options.shard).toEqual({ index: 2, count: 3 });
    expect(options.targets).toEqual(['http://a.test:8080', 'http://b.test:8080']);
    expect(options.maxInFlight).toBe(77);
    expect(options.stopsAtSellout).toBe(true);
    expect(options.thresholds.map((threshold) => threshold.source)).toEqual([
      'checkout.p99<50ms',
      'errors<1%',
    ]);
    expect(parseSimOptions({}, undefined, { SIM_UNTIL_SELLOUT: 'false' }).stopsAtSellout).toBe(false);
    // Without an environment (a programmatic caller), no variable is read.
    expect(parseSimOptions({}).shard).toEqual({ index: 0, count: 1 });
  });

  it.each([
    [{ SIM_RPS: 'fast' }, "SIM_RPS (--rps: accepts a number above 0, got 'fast')"],
    [{ SIM_SHARD: '3/3' }, 'SIM_SHARD (--shard: accepts i/n with 0 <= i < n'],
    [{ SIM_UNTIL_SELLOUT: 'yes' }, "SIM_UNTIL_SELLOUT: accepts true, false, 1 or 0, got 'yes'"],
  ])('the environment %j is refused naming the variable: %s', (env, message) => {
    expect(() => parseSimOptions({}, undefined, env)).toThrow(message);
  });

  it('reads durations in the grammar the service settings use, days included', () => {
    expect(parseSimOptions({ duration: '1d', rps: '1' }).stages).toEqual([
      { durationMs: 86_400_000, rps: 1 },
    ]);
    expect(parseSimOptions({ stages: '1d:5' }).stages).toEqual([{ durationMs: 86_400_000, rps: 5 }]);
  });

  it.each([
    [{ isTty: true, env: {} }, 'live'],
    [{ isTty: true, env: { CI: 'true' } }, 'plain'],
    [{ isTty: false, env: {} }, 'plain'],
  ])('progress auto in %j means %s', (surroundings, mode) => {
    expect(parseSimOptions({}, surroundings).progress).toBe(mode);
  });

  it.each([
    [{ rps: 'fast' }, "--rps: accepts a number above 0, got 'fast'"],
    [{ rps: '0' }, '--rps: accepts a number above 0'],
    [{ duration: '10' }, "--duration: accepts a duration such as 500ms, 10s, 5m or 1h, got '10'"],
    [{ duration: '-1s' }, '--duration: accepts a duration'],
    [{ stages: '30s' }, '--stages: accepts duration:rps pairs such as 30s:1000,60s:5000'],
    [{ stages: '30s:100', rps: '5' }, '--stages: give either --stages or --rps/--duration, not both'],
    [
      { mix: 'normal=80' },
      '--mix: accepts normal=N,heavy=N,invalid=N adding up to 100 (shares add up to 80, not 100)',
    ],
    [{ shard: '2/2' }, '--shard: accepts i/n with 0 <= i < n'],
    [{ users: '1.5' }, '--users: accepts a whole number >= 1'],
    [{ users: '1', shard: '1/2' }, '--users: must be more than 1'],
    [{ users: '3', workers: '4' }, '--users: must be at least 4'],
    [{ workers: '65' }, '--workers: accepts 1 to 64'],
    [{ seed: '-3' }, '--seed: accepts a whole number from 0 to 4294967295'],
    [{ target: 'ftp://x' }, '--target: accepts an origin such as http://127.0.0.1:8080'],
    [{ target: 'http://127.0.0.1:8080/api' }, '--target: accepts an origin'],
    [{ target: 'http://127.0.0.1:8080,' }, '--target: expects a non-empty text'],
    [
      { itemsRefresh: 'often' },
      "--items-refresh: accepts auto, 0 or a duration such as 500ms or 1s, got 'often'",
    ],
    [{ connections: '0' }, '--connections: accepts a whole number >= 1'],
    [{ progress: 'fancy' }, "--progress: accepts auto, live, plain or none, got 'fancy'"],
    [{ runId: 'has space' }, '--run-id: accepts 1-32 characters'],
    [{ threshold: 'p99<5' }, "--threshold 'p99<5': unknown metric 'p99'"],
    [{ untilSellout: 'yes' }, '--until-sellout: is a switch and takes no value'],
    [{ warmUp: 'soon' }, "--warm-up: accepts a duration such as 500ms, 10s, 5m or 1h, got 'soon'"],
    [{ rate: '5' }, "unknown option 'rate'"],
  ])('%j is refused with: %s', (flags, message) => {
    expect(() => parseSimOptions(flags)).toThrow(message);
    try {
      parseSimOptions(flags);
    } catch (error) {
      expect(error).toBeInstanceOf(SimError);
      expect((error as SimError).message).not.toContain('\n');
    }
  });

  it('a scenario file sets behaviours and the mix; --mix still wins over it', () => {
    const dir = createTempDir();
    const path = dir.path('scenario.json');
    writeFileSync(
      path,
      JSON.stringify({
        mix: { normal: 50, heavy: 50 },
        normal: { items_wanted: [2, 2], think_ms: [10, 20], abandon_rate: 0, purchase_retries: 0 },
        popularity: { kind: 'uniform' },
      }),
    );
    const fromFile = parseSimOptions({ scenario: path });
    expect(fromFile.mix).toEqual({ normal: 50, heavy: 50, invalid: 0 });
    expect(fromFile.scenario.normal).toMatchObject({
      itemsWanted: [2, 2],
      thinkMs: [10, 20],
      abandonRate: 0,
      purchaseRetries: 0,
    });
    expect(fromFile.scenario.popularity).toEqual({ kind: 'uniform' });
    expect(fromFile.scenario.heavy.itemsWanted).toEqual([12, 20]);
    expect(parseSimOptions({ scenario: path, mix: 'invalid=100' }).mix).toEqual({
      normal: 0,
      heavy: 0,
      invalid: 100,
    });
    dir.remove();
  });

  it.each([
    [{ normal: { think: [1, 2] } }, "normal has no field 'think'"],
    [{ normal: { items_wanted: [3, 1] } }, 'normal.items_wanted must be [min, max]'],
    [{ heavy: { recheckout_rate: 2 } }, 'heavy.recheckout_rate must be between 0 and 1'],
    [{ popularity: { kind: 'pareto' } }, "popularity.kind must be 'uniform' or 'zipf'"],
    [{ normal: { purchase_retries: -1 } }, 'normal.purchase_retries must be an integer >= 0'],
    [{ heavy: { max_attempts: 0 } }, 'heavy.max_attempts must be an integer >= 1'],
    [{ mix: { normal: 60 } }, 'mix: shares add up to 60, not 100'],
  ])('the scenario %j is refused: %s', (document, reason) => {
    const dir = createTempDir();
    const path = dir.path('scenario.json');
    writeFileSync(path, JSON.stringify(document));
    expect(() => parseSimOptions({ scenario: path })).toThrow(reason);
    dir.remove();
  });

  it('the README lists every flag of the option table', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    // Table cells may be padded (the formatter aligns the columns).
    const listed = new Set([...readme.matchAll(/^\| `([^`]+)` +\|/gm)].map((match) => match[1]));
    for (const spec of Object.values(simOptionTable) as OptionSpec[]) expect(listed).toContain(spec.flags);
  });
});
