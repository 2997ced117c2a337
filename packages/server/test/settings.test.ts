import { describe, expect, it } from 'vitest';
import { ConfigError, loadServerConfig, redactUrl } from '../src/config/settings.js';

describe('loadServerConfig', () => {
  it('uses the SPEC defaults when nothing is set', () => {
    expect(loadServerConfig({ env: {} })).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://127.0.0.1:5432/flashsale',
      redisUrl: 'redis://127.0.0.1:6379',
      saleSize: 10_000,
      userLimit: 10,
      holdTtlMs: 300_000,
      saleDurationMs: 3_600_000,
      workers: 1,
      testCrashItemId: null,
    });
    expect(loadServerConfig({ env: {}, flags: { testCrashItemId: '0' } }).testCrashItemId).toBe(0);
  });

  it('reads the environment, and flags win over it', () => {
    const config = loadServerConfig({
      env: { PORT: '9000', HOLD_TTL: '10s', SALE_SIZE: '5' },
      flags: { port: '9100' },
    });
    expect(config).toMatchObject({ port: 9100, holdTtlMs: 10_000, saleSize: 5 });
  });

  it('reads Redis Cluster seed nodes as a list, none by default', () => {
    expect(loadServerConfig({ env: {} }).redisClusterNodes).toBeNull();
    expect(
      loadServerConfig({ env: { REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-1.local:7001,[::1]:7002' } })
        .redisClusterNodes,
    ).toEqual(['10.0.0.1:7000', 'redis-1.local:7001', '[::1]:7002']);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(loadServerConfig({ env: {} }))).toBe(true);
  });

  it.each([
    [{ flags: { port: 'eighty' } }, '--port: "eighty" is not valid; expected an integer from 0 to 65535'],
    [{ env: { HOLD_TTL: '300' } }, 'HOLD_TTL: "300" is not valid; expected a duration from 100ms to 1d'],
    [{ flags: { userLimit: '0' } }, '--user-limit: "0" is not valid; expected an integer from 1 to 50'],
    [
      { flags: { databaseUrl: 'mysql://x' } },
      '--database-url: "mysql://x" is not valid; expected a URL starting with postgres:// or postgresql://',
    ],
    [{ flags: { saleDurationMs: '1500ms' } }, '--sale-duration: sale ids are whole seconds'],
    [{ flags: { redisKeyPrefix: '{x}' } }, '--redis-key-prefix'],
    [
      { env: { REDIS_CLUSTER_NODES: 'redis://10.0.0.1:7000' } },
      'REDIS_CLUSTER_NODES: "redis://10.0.0.1:7000" is not valid; expected none or a comma-separated list of host:port',
    ],
    [
      { flags: { redisClusterNodes: '10.0.0.1:7000,10.0.0.2' } },
      '--redis-cluster-nodes: "10.0.0.1:7000,10.0.0.2"',
    ],
    [
      { env: { TEST_CRASH_ITEM: 'soon' } },
      'TEST_CRASH_ITEM: "soon" is not valid; expected none or an item id',
    ],
  ])('refuses %j naming the flag and what it accepts', (source, message) => {
    expect(() => loadServerConfig({ env: {}, ...source })).toThrow(ConfigError);
    expect(() => loadServerConfig({ env: {}, ...source })).toThrow(message);
  });

  it('redacts passwords from URLs it logs', () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/flashsale')).toBe('postgres://app:***@db:5432/flashsale');
    expect(redactUrl('not a url')).toBe('<invalid url>');
  });
});
