// Benchmark: what one checkout costs Redis, apart from everything else on the box. The service's own
// admission (checkout.lua, through createAdmission) against a redis-server of the benchmark's own,
// each checkout a new buyer and a new item (every one places a hold, as under the checkout load),
// in calls of 1, 16 and 64 checkouts (the service sends the checkouts that arrive during a call as
// the next one, so the size follows the load). The baseline, alternated with it in the same run, is
// a script that does nothing with the same keys and arguments: the cost of the call itself. INFO
// commandstats says which commands a checkout runs inside the script and the time Redis spends in
// them; what is left is Lua and the call.
import { freePort, launchRedisServer, stopProcess } from '@flashsale/harness';
import {
  type Admission,
  createAdmission,
  createRedisClient,
  type RedisClient,
  saleDataKeys,
} from '@flashsale/server';
import { formatRatio, round } from './format.js';
import { readCpuSeconds } from './proc-stats.js';
import type { BenchResult } from './results.js';
import type { RunContext } from './session.js';

const batchSizes = [1, 16, 64] as const;
/** The batch size the ratio is taken at: about what the checkout load's calls carry. */
const ratioBatch = 16;
const holdTtlMs = 300_000;

/**
 * Does nothing with a checkout call's keys and arguments (sweep limit, now, then user, item and code
 * per checkout), and answers as the checkout script does for a new hold: its deadline.
 */
const noOpScript = `local replies = {}
local expires = tonumber(ARGV[2]) + ${holdTtlMs}
for i = 3, #ARGV, 3 do replies[#replies + 1] = expires end
return replies`;

type CommandCost = Readonly<{ calls_per_checkout: number; us_per_checkout: number }>;

type BatchFigures = Readonly<{
  checkouts_per_call: number;
  checkouts: number;
  redis_cpu_us_per_checkout: number | null;
  no_op_cpu_us_per_checkout: number | null;
  /** Commands the script runs per checkout and Redis' time inside them (commandstats). */
  commands_per_checkout: number | null;
  command_us_per_checkout: number | null;
  by_command: Readonly<Record<string, CommandCost>>;
  rounds: readonly Readonly<{
    redis_cpu_us_per_checkout: number | null;
    no_op_cpu_us_per_checkout: number | null;
  }>[];
}>;

export type RedisScriptResult = BenchResult<
  Readonly<{ batches: readonly BatchFigures[] }>,
  Readonly<{ name: string }>,
  Readonly<{ redis: string }>
>;

type Stats = Map<string, { calls: number; usec: number }>;

export async function benchRedisScript(ctx: RunContext): Promise<RedisScriptResult> {
  const checkouts = ctx.mode === 'quick' ? 10_000 : 60_000;
  const rounds = ctx.settings.rounds;
  ctx.step(
    `redis script: ${checkouts.toLocaleString('en-US')} checkouts per run, calls of ${batchSizes.join(', ')}, ${rounds} rounds`,
  );
  const port = await freePort();
  const server = await launchRedisServer({ port, args: ['--dir', ctx.workDir], isDetached: true });
  const redis = await createRedisClient(
    { redisUrl: `redis://127.0.0.1:${port}`, redisClusterNodes: null, redisKeyPrefix: '' },
    { maxRetriesPerRequest: 1, retry: () => null },
  );
  try {
    await redis.connect();
    // One call per group asked in one turn, whatever its size: the calls measured are of that size.
    const admission = await createAdmission(redis, { maxCallsOut: 1, sendAt: Number.POSITIVE_INFINITY });
    const noOpSha = String(await redis.script('LOAD', noOpScript));
    const pid = server.child.pid;
    if (pid === undefined) throw new Error('redis-server has no pid');
    let saleId = 0;
    const run = async (batch: number, isNoOp: boolean) => {
      saleId += 1;
      const nowMs = Date.now();
      await admission.restoreSale(
        {
          saleId,
          startsAtMs: nowMs,
          endsAtMs: nowMs + 3_600_000,
          size: ctx.saleSize,
          userLimit: 10,
          holdTtlMs,
        },
        { purchases: [], codes: [] },
        nowMs,
      );
      await redis.config('RESETSTAT');
      const cpuBefore = readCpuSeconds(pid);
      const calls = callsOf(batch, checkouts, ctx.saleSize, nowMs);
      await (isNoOp ? sendNoOp(redis, noOpSha, saleId, calls) : sendCheckouts(admission, saleId, calls));
      const cpuAfter = readCpuSeconds(pid);
      const stats = commandStats(String(await redis.info('commandstats')));
      const cpuUs =
        cpuBefore === undefined || cpuAfter === undefined ? null : ((cpuAfter - cpuBefore) * 1e6) / checkouts;
      await redis.flushall();
      return { cpuUs, stats };
    };
    const batches: BatchFigures[] = [];
    for (const batch of batchSizes) {
      const perRound: { measured: number | null; noOp: number | null; stats: Stats }[] = [];
      for (let round = 0; round < rounds; round++) {
        const noOp = await run(batch, true);
        const measured = await run(batch, false);
        perRound.push({ measured: measured.cpuUs, noOp: noOp.cpuUs, stats: measured.stats });
      }
      batches.push(batchFigures(batch, checkouts, perRound));
      const last = batches.at(-1)!;
      ctx.step(
        `  calls of ${batch}: Redis CPU ${last.redis_cpu_us_per_checkout} µs per checkout (no-op script ${last.no_op_cpu_us_per_checkout}), ${last.commands_per_checkout} commands taking ${last.command_us_per_checkout} µs`,
      );
    }
    return resultOf(batches, checkouts, rounds);
  } finally {
    redis.disconnect();
    await stopProcess(server.child);
  }
}

type CheckoutArgs = { userId: string; itemId: number; newCode: string; nowMs: number };

/**
 * The run's checkouts, a call's worth at a time: each a new buyer and a new item (spread over the
 * sale), the clock moving 10 checkouts a ms.
 */
function* callsOf(
  batch: number,
  count: number,
  saleSize: number,
  startMs: number,
): Generator<CheckoutArgs[]> {
  for (let from = 0; from < count; from += batch) {
    const call: CheckoutArgs[] = [];
    for (let i = from; i < Math.min(from + batch, count); i++)
      call.push({
        userId: `bench-buyer-${i}`,
        itemId: (i * 7919) % saleSize,
        newCode: `c${i.toString(36).padStart(21, '0')}`,
        nowMs: startMs + Math.floor(i / 10),
      });
    yield call;
  }
}

async function sendCheckouts(
  admission: Admission,
  saleId: number,
  calls: Iterable<CheckoutArgs[]>,
): Promise<void> {
  for (const call of calls) {
    // Asked in one turn with no call in flight, they go to Redis as one call (sent at the turn's end).
    const decisions = await Promise.all(call.map((args) => admission.checkout({ saleId, ...args })));
    if (decisions.some((d) => d.kind !== 'held'))
      throw new Error('a checkout of a new buyer and a new item was refused: the benchmark measures holds');
  }
}

async function sendNoOp(
  redis: RedisClient,
  sha: string,
  saleId: number,
  calls: Iterable<CheckoutArgs[]>,
): Promise<void> {
  for (const call of calls) {
    const args: Array<string | number> = [64, call.at(-1)!.nowMs];
    for (const a of call) args.push(a.userId, a.itemId, a.newCode);
    await redis.evalsha(sha, 9, ...saleDataKeys(saleId), ...args);
  }
}

/** `cmdstat_hset:calls=3,usec=12,...` lines of INFO commandstats, by command. */
export function commandStats(info: string): Stats {
  const stats: Stats = new Map();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm))
    stats.set(match[1]!, { calls: Number(match[2]), usec: Number(match[3]) });
  return stats;
}

/** Commands the benchmark sends itself, not run by the checkout script. */
const ownCommands = new Set(['evalsha', 'eval', 'script', 'config', 'info', 'flushall', 'ping', 'client']);

function batchFigures(
  batch: number,
  checkouts: number,
  perRound: readonly { measured: number | null; noOp: number | null; stats: Stats }[],
): BatchFigures {
  const median = (values: (number | null)[]) => {
    const known = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
    return known.length === 0 ? null : known[Math.floor((known.length - 1) / 2)]!;
  };
  const stats = perRound.at(-1)!.stats;
  const byCommand: Record<string, CommandCost> = {};
  let calls = 0;
  let usec = 0;
  for (const [name, s] of stats) {
    if (ownCommands.has(name.split('|')[0]!)) continue; // config|resetstat counts as config
    calls += s.calls;
    usec += s.usec;
    byCommand[name] = {
      calls_per_checkout: round(s.calls / checkouts) ?? 0,
      us_per_checkout: round(s.usec / checkouts) ?? 0,
    };
  }
  return {
    checkouts_per_call: batch,
    checkouts,
    redis_cpu_us_per_checkout: round(median(perRound.map((r) => r.measured)), 1),
    no_op_cpu_us_per_checkout: round(median(perRound.map((r) => r.noOp)), 1),
    commands_per_checkout: round(calls / checkouts),
    command_us_per_checkout: round(usec / checkouts, 1),
    by_command: byCommand,
    rounds: perRound.map((r) => ({
      redis_cpu_us_per_checkout: round(r.measured, 1),
      no_op_cpu_us_per_checkout: round(r.noOp, 1),
    })),
  };
}

function resultOf(batches: readonly BatchFigures[], checkouts: number, rounds: number): RedisScriptResult {
  const at = batches.find((b) => b.checkouts_per_call === ratioBatch);
  const ratio =
    at?.redis_cpu_us_per_checkout == null || !at.no_op_cpu_us_per_checkout
      ? null
      : at.redis_cpu_us_per_checkout / at.no_op_cpu_us_per_checkout;
  const us = (value: number | null | undefined) => (value == null ? '-' : `${value} µs`);
  const commands =
    at === undefined
      ? ''
      : Object.entries(at.by_command)
          .sort(([, a], [, b]) => b.us_per_checkout - a.us_per_checkout)
          .map(([name, c]) => `${name} ${c.calls_per_checkout} × ${c.us_per_checkout} µs`)
          .join(', ');
  return {
    id: 'redis-checkout-script',
    title: 'Redis CPU per checkout: the checkout script alone, on a redis-server of its own',
    figures: { batches },
    baseline: { name: 'a no-op script with the same keys and arguments (the cost of the call itself)' },
    ratio: round(ratio),
    ratio_of: `Redis CPU per checkout of the checkout script / of the no-op script, calls of ${ratioBatch} checkouts`,
    command_lines: { redis: 'redis-server --save "" --appendonly no (the benchmark\'s own, on a free port)' },
    notes: [
      `${checkouts.toLocaleString('en-US')} checkouts per run through the service's own admission (createAdmission), each a new buyer and a new item, so each places a hold; ${rounds} rounds, the no-op script and the checkout script alternated, medians shown. Redis CPU from /proc over the run. Commands per checkout and the time inside them from INFO commandstats (reset before each run): the rest of the script's CPU is Lua and the call.${commands === '' ? '' : ` Calls of ${ratioBatch}: ${commands} per checkout.`}`,
    ],
    flags: [],
    rows: batches.flatMap((b) => [
      [
        `Redis CPU per checkout, calls of ${b.checkouts_per_call}`,
        us(b.redis_cpu_us_per_checkout),
        us(b.no_op_cpu_us_per_checkout),
        b.redis_cpu_us_per_checkout == null || !b.no_op_cpu_us_per_checkout
          ? '-'
          : formatRatio(b.redis_cpu_us_per_checkout / b.no_op_cpu_us_per_checkout),
      ] as const,
      ...(b.checkouts_per_call === ratioBatch
        ? [
            [
              `  of which inside its ${b.commands_per_checkout} commands`,
              us(b.command_us_per_checkout),
              '',
              '',
            ] as const,
          ]
        : []),
    ]),
  };
}
