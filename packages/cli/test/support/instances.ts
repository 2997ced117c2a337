// Several `flashsale serve` processes on shared stores, with one simulator per instance playing its
// shard of the buyers: what the multi-instance tests (one Redis, a Redis Cluster) have in common.
import { join } from 'node:path';
import { saleKeys } from '@flashsale/server';
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { type Running, runCli, startCli } from './cli.js';

export type SaleAnswer = { sale_id: number; sold: number; held: number };

export const saleAt = async (url: string) => (await (await fetch(`${url}/sale`)).json()) as SaleAnswer;

export type Instances = { instances: Running[]; urls: string[]; stop: () => Promise<void> };

/** Starts `count` instances with the same `serve` arguments and waits until each listens. */
export async function startInstances(count: number, serveArgs: readonly string[]): Promise<Instances> {
  const instances = Array.from({ length: count }, () => startCli(['serve', '--port', '0', ...serveArgs]));
  const stop = async () => {
    for (const instance of instances) instance.child.kill('SIGTERM');
    await Promise.all(instances.map((instance) => instance.finished));
  };
  try {
    const urls = await Promise.all(
      instances.map(async (instance) => String((await instance.waitForEvent('listening')).url)),
    );
    return { instances, urls, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export type ShardLoad = { rps: number; durationS: number; saleSize: number; ledgerDir: string; name: string };

export type ShardSimulators = {
  /** One ledger per instance, in the order of the urls. */
  ledgers: string[];
  sims: Running[];
  /** Resolves once every simulator exited 0, with the ledgers. */
  finished: () => Promise<string[]>;
};

/** One simulator per instance, each playing its shard of the buyers, until the sale sells out. */
export function simulateShards(urls: readonly string[], load: ShardLoad): ShardSimulators {
  const ledgers = urls.map((_, i) => join(load.ledgerDir, `${load.name}-shard-${i}.jsonl`));
  const sims = urls.map((url, i) =>
    startCli([
      'simulate',
      ...['--target', url, '--shard', `${i}/${urls.length}`],
      ...['--rps', String(load.rps), '--duration', `${load.durationS}s`, '--until-sellout'],
      ...['--sale-size', String(load.saleSize), '--warm-up', '0', '--progress', 'none'],
      ...['--ledger', ledgers[i]!],
    ]),
  );
  const finished = async () => {
    for (const sim of await Promise.all(sims.map((s) => s.finished))) expect(sim.code, sim.stderr).toBe(0);
    return ledgers;
  };
  return { ledgers, sims, finished };
}

/** Waits until the sale at `url` has no holds left (they lapse), or another sale has opened. */
export async function waitForNoHolds(url: string, saleId: number): Promise<void> {
  for (;;) {
    const sale = await saleAt(url);
    if (sale.sale_id !== saleId || sale.held === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Waits until no purchase of the sale is pending in Redis: one a killed instance admitted and never
 * wrote is settled by a live instance's reconciler once it is older than PENDING_GRACE_MS (later if
 * the killed one held the sale's reconcile lock, until that lapses).
 */
export async function waitForNoPending(redis: Redis, saleId: number): Promise<void> {
  while ((await redis.zcard(saleKeys(saleId).pending)) > 0)
    await new Promise((resolve) => setTimeout(resolve, 200));
}

/** Waits until `url`'s sale has sold at least `sold` items; resolves with its id. */
export async function waitForSold(url: string, sold: number, saleId?: number): Promise<number> {
  for (;;) {
    const sale = await saleAt(url);
    if ((saleId === undefined || sale.sale_id === saleId) && sale.sold >= sold) return sale.sale_id;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * verify --expect-sellout over every shard's ledger: every invariant passes (with `allowSkip`, a
 * SKIP is accepted too: a check the setup cannot make), and the exit code is 0.
 */
export async function verifySoldOut(
  storeFlags: readonly string[],
  saleId: number,
  ledgers: readonly string[],
  allowSkip = false,
): Promise<void> {
  const verified = await runCli([
    'verify',
    ...storeFlags,
    ...['--sale', String(saleId), '--expect-sellout', '--json'],
    ...ledgers.flatMap((ledger) => ['--ledger', ledger]),
  ]);
  const report = JSON.parse(verified.stdout) as { invariants: Array<{ id: string; status: string }> };
  expect(
    report.invariants.filter((r) => r.status !== 'PASS' && !(allowSkip && r.status === 'SKIP')),
    verified.stdout,
  ).toEqual([]);
  expect(verified.code).toBe(0);
}
