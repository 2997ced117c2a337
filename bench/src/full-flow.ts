// Benchmark 2: checkout then purchase, driven open-loop by `flashsale simulate` at fixed rates.
// The figure is the highest rate whose p99 (from the intended send time) stays under 50 ms with
// nothing dropped, no errors, the rate sent and the generator keeping up, and the p99 at half of
// it. The baseline is the same search with the same simulator against bare node:http.
import { fileURLToPath } from 'node:url';
import { startBareServer } from './bare-baseline.js';
import { formatCpuSplit, formatMainThreads, serviceProcessGroups } from './cpu-split.js';
import { formatMs, formatRate, formatRatio, round, verdictText } from './format.js';
import { type CommitFigures, type CommitTable, commitFigures } from './group-commit.js';
import { type ListPids, processTree } from './proc-stats.js';
import { scrapeMetrics } from './prometheus.js';
import { type RateVerdict, searchMaxRate } from './rate-search.js';
import { type CallScript, formatRedisCalls, type RedisCallFigures, redisCallFigures } from './redis-calls.js';
import type { BenchResult, TableRow } from './results.js';
import { formatServerSide, type ServerSideFigures, serverSideFigures } from './server-side.js';
import { withService } from './service.js';
import type { RunContext } from './session.js';
import { type RunSummary, runSimulate, startUpS, summarizeRun } from './simulate.js';
import { runWrk } from './wrk.js';

const scenarioPath = fileURLToPath(new URL('../full-flow-scenario.json', import.meta.url));
const p99LimitMs = 50;
/** The simulator's own threshold for calling itself saturated (schedule lag p99 > 10 ms). */
const generatorLagLimitMs = 10;
const commitTables: readonly CommitTable[] = ['checkout_attempts', 'purchases'];

/** One fixed-rate run as the results list it. */
export type FullFlowRun = RunSummary &
  Readonly<{
    /** The service's group commits during the run (absent for the bare baseline). */
    group_commits?: Readonly<Record<CommitTable, CommitFigures>>;
    /** The service's batched Redis calls during the run (absent for the bare baseline). */
    redis_calls?: Readonly<Record<CallScript, RedisCallFigures>>;
    /** What the service measured itself during the run: its p99s, GC pauses (absent for the bare baseline). */
    server_side?: ServerSideFigures;
    failures: readonly string[];
  }>;

type MeasuredRun = FullFlowRun & Readonly<{ commandLine: string }>;

type Search = RateVerdict & Readonly<{ runs: readonly MeasuredRun[]; commandLine: string | undefined }>;

export type FullFlowResult = BenchResult<
  Readonly<{
    max_rps_p99_under_50ms: number | null;
    first_failing_rps: number | null;
    at_half_rate: FullFlowRun | null;
    runs: readonly FullFlowRun[];
  }>,
  Readonly<{
    name: string;
    max_rps_p99_under_50ms: number | null;
    first_failing_rps: number | null;
    runs: readonly FullFlowRun[];
  }>,
  Readonly<{ load: string | undefined; service: string; baseline_load: string | undefined }>
>;

const withoutCommandLine = ({ commandLine: _, ...run }: MeasuredRun): FullFlowRun => run;

/**
 * Why a run does not count as sustained; empty when it does. Judged on the steady seconds (after
 * the simulator's start-up), except drops and errors, which count over the whole run.
 */
export function fullFlowFailures(run: RunSummary): string[] {
  const { steady } = run;
  const reasons: string[] = [];
  if (steady.p99_ms === null || steady.p99_ms >= p99LimitMs) reasons.push(`p99 ${steady.p99_ms} ms`);
  if (run.dropped > 0) reasons.push(`${run.dropped} dropped`);
  if (run.errors > 0) reasons.push(`${run.errors} errors`);
  if (steady.sent_share === null || steady.sent_share < 0.98)
    reasons.push(`sent ${steady.sent_share} of target`);
  if (steady.event_loop_lag_p99_max_ms !== null && steady.event_loop_lag_p99_max_ms > generatorLagLimitMs)
    reasons.push(`generator lagging (event loop p99 up to ${steady.event_loop_lag_p99_max_ms} ms)`);
  return reasons;
}

type Target = Readonly<{
  url: string;
  label: string;
  groups: Readonly<Record<string, ListPids>>;
  /** The service's /metrics, scraped around each run; absent for the bare baseline. */
  metricsUrl?: string;
}>;

/** Runs simulate at fixed rates against `target`; returns the search and every run. */
async function searchAgainst(
  ctx: RunContext,
  target: Target,
  startRps: number,
  turns: Turns,
): Promise<Search> {
  const search = await searchMaxRate({
    startRps,
    maxRuns: ctx.settings.searchRuns,
    factor: 1.4,
    isPass: (run: MeasuredRun) => run.failures.length === 0,
    measure: async (rps) => {
      const run = await turns.take(() => runFullFlow(ctx, target, rps));
      const commits =
        run.group_commits === undefined
          ? ''
          : `; commits ${Object.entries(run.group_commits)
              .map(
                ([table, c]) =>
                  `${table} ${c.rows_per_round_trip_mean} rows ${c.commit_ms_mean} ms busy ${c.flushing_share}%`,
              )
              .join(', ')}`;
      ctx.step(
        `  ${target.label} ${rps}/s: steady p99 ${run.steady.p99_ms} ms (whole run ${run.p99_ms} ms), ${verdictText(run.failures)}; cores: ${formatCpuSplit(run.cpu_cores)}${commits}`,
      );
      return run;
    },
  });
  const runs = [...search.measured.values()].sort((a, b) => a.target_rps - b.target_rps);
  return {
    maxRps: search.maxRps,
    lowestFailRps: search.lowestFailRps,
    isMonotonic: search.isMonotonic,
    runs,
    // The command of the highest sustained rate (or of the last rate tried).
    commandLine: (
      (search.maxRps === null ? undefined : search.measured.get(search.maxRps)) ??
      [...search.measured.values()].at(-1)
    )?.commandLine,
  };
}

/** One fixed-rate run; with a `metricsUrl`, the service's group commits during it too. */
async function runFullFlow(ctx: RunContext, target: Target, rps: number): Promise<MeasuredRun> {
  const metricsBefore = target.metricsUrl === undefined ? null : await scrapeMetrics(target.metricsUrl);
  const run = await runSimulate({
    otherGroups: target.groups,
    target: target.url,
    rps,
    durationS: ctx.settings.stepS,
    seed: ctx.nextSeed(),
    workDir: ctx.workDir,
    args: ['--scenario', scenarioPath, '--sale-size', String(ctx.saleSize)],
  });
  const summary = summarizeRun(run);
  let groupCommits: Record<CommitTable, CommitFigures> | undefined;
  let redisCalls: Record<CallScript, RedisCallFigures> | undefined;
  let serverSide: ServerSideFigures | undefined;
  if (metricsBefore !== null && target.metricsUrl !== undefined) {
    const metricsAfter = await scrapeMetrics(target.metricsUrl);
    const windowS = run.elapsedS ?? ctx.settings.stepS;
    groupCommits = Object.fromEntries(
      commitTables.map((table) => [table, commitFigures(metricsBefore, metricsAfter, table, windowS)]),
    ) as Record<CommitTable, CommitFigures>;
    redisCalls = {
      checkout: redisCallFigures(metricsBefore, metricsAfter, 'checkout', windowS),
      purchase: redisCallFigures(metricsBefore, metricsAfter, 'purchase', windowS),
    };
    serverSide = serverSideFigures(metricsBefore, metricsAfter, windowS);
  }
  return {
    ...summary,
    group_commits: groupCommits,
    redis_calls: redisCalls,
    server_side: serverSide,
    failures: fullFlowFailures(summary),
    commandLine: run.commandLine,
  };
}

/**
 * Runs handed to `take` go one at a time, in the order asked for. The two searches ask in turn,
 * so their runs alternate and both see the same weather on this shared box.
 */
type Turns = Readonly<{ take: <T>(run: () => Promise<T>) => Promise<T> }>;

function createTurns(): Turns {
  let last: Promise<unknown> = Promise.resolve();
  return {
    take<T>(run: () => Promise<T>): Promise<T> {
      const result = last.then(run);
      last = result.catch(() => undefined);
      return result;
    },
  };
}

/** Settles every promise, then throws the first failure (so no search is left running). */
async function allOrFirstError<A, B>(promises: readonly [Promise<A>, Promise<B>]): Promise<[A, B]> {
  const [a, b] = await Promise.allSettled(promises);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return [a.value, b.value];
}

/** `58% on a core, 12% waiting for one; 40% on a core, 9% waiting for one`: the service's, then the simulator's. */
export function formatHalfThreads(threads: FullFlowRun['main_threads']): string {
  if (threads === null) return '-';
  return `${formatMainThreads(threads.server)}; ${formatMainThreads(threads.simulator)}`;
}

export async function benchFullFlow(
  ctx: RunContext,
  { checkoutRpsHint }: { checkoutRpsHint: number },
): Promise<FullFlowResult> {
  ctx.step('full flow: flashsale serve --workers 1 and bare node:http, simulate ladders taking turns');
  const bare = await startBareServer({ workers: 1 });
  try {
    return await withService(ctx, { workers: 1 }, async (service) => {
      // A fresh process: warm its checkout path (and its pools) before the first rate is judged.
      const warmUp = await runWrk({
        url: service.url,
        connections: ctx.settings.connections,
        durationS: ctx.settings.warmUpS,
        saleSize: ctx.saleSize,
        offset: ctx.takeOffset(),
      });
      ctx.advanceOffset(warmUp.nextOffset);
      const { load_generator: _, ...serviceGroups } = serviceProcessGroups({
        serverPid: service.pid,
        databaseName: ctx.world.databaseName,
        redisPort: new URL(ctx.world.redisUrl).port || '6379',
        loadPid: () => undefined,
      });
      const serviceTarget: Target = {
        url: service.url,
        label: 'flashsale',
        groups: serviceGroups,
        metricsUrl: service.url,
      };
      const bareTarget: Target = {
        url: bare.url,
        label: 'bare',
        groups: { server: () => processTree(bare.process.pid) },
      };
      const turns = createTurns();
      const searchServer = async () => {
        const search = await searchAgainst(ctx, serviceTarget, checkoutRpsHint * 0.4, turns);
        if (search.maxRps === null) return { ...search, half: null };
        const halfRps = Math.round(search.maxRps / 2 / 50) * 50;
        const half = await turns.take(() => runFullFlow(ctx, serviceTarget, halfRps));
        ctx.step(
          `  flashsale at half (${halfRps}/s): steady p99 ${half.steady.p99_ms} ms (whole run ${half.p99_ms} ms, checkout ${half.checkout_p99_ms} ms); in the service: ${formatServerSide(half.server_side)}`,
        );
        return { ...search, half: withoutCommandLine(half) };
      };
      const [server, baseline] = await allOrFirstError([
        searchServer(),
        // Bare answers at least as fast as the service: its search starts no lower.
        searchAgainst(
          ctx,
          bareTarget,
          Math.max(ctx.settings.simulatorStartRps, checkoutRpsHint * 0.4),
          turns,
        ),
      ]);
      return fullFlowResult(ctx, server, baseline, service.commandLine);
    });
  } finally {
    await bare.process.stop();
  }
}

function fullFlowResult(
  ctx: RunContext,
  server: Search & Readonly<{ half: FullFlowRun | null }>,
  baseline: Search,
  serviceCommandLine: string,
): FullFlowResult {
  const ratio = server.maxRps !== null && baseline.maxRps !== null ? server.maxRps / baseline.maxRps : null;
  const flags: string[] = [];
  if (server.maxRps === null) flags.push('flashsale sustained none of the rates tried');
  if (baseline.maxRps === null) flags.push('the bare baseline sustained none of the rates tried');
  for (const [name, search] of [
    ['flashsale', server],
    ['bare', baseline],
  ] as const) {
    if (!search.isMonotonic)
      flags.push(`noisy: ${name} passed at ${search.maxRps}/s but failed at ${search.lowestFailRps}/s`);
  }
  const isGeneratorBound = server.runs
    .find((run) => run.target_rps === server.lowestFailRps)
    ?.failures.some((reason) => reason.startsWith('generator'));
  if (isGeneratorBound)
    flags.push(
      "the first failing rate of flashsale had a saturated generator: the figure may be the generator's",
    );
  // Buyers purchase about two checkouts in three (20% abandon, some refused): far fewer means the
  // checkouts were mostly refused, and the figure is not the flow's.
  const thinFlow = server.runs.filter((run) => run.purchases < run.checkouts / 4);
  if (thinFlow.length > 0)
    flags.push(
      `mostly refused checkouts: fewer than one purchase in four checkouts at ${thinFlow.map((run) => `${run.target_rps}/s`).join(', ')}`,
    );
  const reach = (search: Search) => (search.lowestFailRps === null ? ' (highest tried)' : '');
  const halfRow: TableRow = [
    'p99 at half that rate: steady / whole run / checkout, whole run',
    server.half === null
      ? '-'
      : [server.half.steady.p99_ms, server.half.p99_ms, server.half.checkout_p99_ms]
          .map(formatMs)
          .join(' / '),
    '',
    '',
  ];
  return {
    id: 'server-full-flow',
    title: 'Server full flow (checkout + purchase, simulate, 1 worker)',
    figures: {
      max_rps_p99_under_50ms: server.maxRps,
      first_failing_rps: server.lowestFailRps,
      at_half_rate: server.half,
      runs: server.runs.map(withoutCommandLine),
    },
    baseline: {
      name: 'bare node:http, 1 process, same simulate search',
      max_rps_p99_under_50ms: baseline.maxRps,
      first_failing_rps: baseline.lowestFailRps,
      runs: baseline.runs.map(withoutCommandLine),
    },
    ratio: round(ratio),
    ratio_of: 'highest sustained rate, flashsale / bare node:http (both found with the same simulator)',
    command_lines: {
      load: server.commandLine,
      service: serviceCommandLine,
      baseline_load: baseline.commandLine,
    },
    notes: [
      `Buyers: bench/full-flow-scenario.json (all "normal": checkout, think 0.3-2 s, purchase; 20% abandon; items uniform over the sale), on a ${ctx.saleSize.toLocaleString('en-US')}-item sale of its own (a fresh database and Redis prefix: the checkout benchmark's holds, 5 minutes each, would refuse most of its checkouts with item_held). Each rate runs ${ctx.settings.stepS} s with a new seed (new buyers); the flashsale and bare searches take turns, run by run, so both meet the same load from other users of the box (the "other" cores of each run are in the JSON). Judged on the steady seconds (after the first ${startUpS} s of each run, the simulator's own start-up; whole-run figures are in the JSON): p99 < ${p99LimitMs} ms from the intended send time, >= 98% of the target sent, the simulator's event-loop lag p99 <= ${generatorLagLimitMs} ms in every second (else the figure would be the generator's); and over the whole run nothing dropped and no errors. Main thread at half: the scheduler's time on a core and time runnable waiting for one (/proc/<pid>/task/<pid>/schedstat) of the service and of the simulator over the run: the two share the box's 2 cores with Redis and Postgres.`,
    ],
    flags,
    rows: [
      [
        'max rate, p99 < 50 ms',
        `${formatRate(server.maxRps)}${reach(server)}`,
        `${formatRate(baseline.maxRps)}${reach(baseline)}`,
        formatRatio(ratio),
      ],
      halfRow,
      ["at half, the service's own p99 and GC pauses", formatServerSide(server.half?.server_side), '', ''],
      ['at half, in the service, mean: Redis call; group commit', formatWaits(server.half), '', ''],
      [
        'at half, main thread (event loop): the service; the simulator',
        formatHalfThreads(server.half?.main_threads ?? null),
        '',
        '',
      ],
      [
        'group commits at that rate: rows per trip, commit mean',
        formatCommits(server.runs.find((run) => run.target_rps === server.maxRps)?.group_commits),
        '',
        '',
      ],
    ],
  };
}

const commitLabels: Readonly<Record<CommitTable, string>> = {
  checkout_attempts: 'attempts',
  purchases: 'purchases',
};

/** Per kind: its Redis call (and how many a call carried), then its group commit (rows a trip). */
function formatWaits(run: FullFlowRun | null | undefined): string {
  const calls = run?.redis_calls;
  const commits = run?.group_commits;
  if (calls === undefined || commits === undefined) return '-';
  const kind = (name: string, call: RedisCallFigures, commit: CommitFigures) =>
    `${name} ${formatRedisCalls(call)}; ${formatMs(commit.commit_ms_mean)} (${commit.rows_per_round_trip_mean ?? '-'} a trip)`;
  return [
    kind('checkout', calls.checkout, commits.checkout_attempts),
    kind('purchase', calls.purchase, commits.purchases),
  ].join('; ');
}

function formatCommits(groupCommits: Readonly<Record<CommitTable, CommitFigures>> | undefined): string {
  if (groupCommits === undefined) return '-';
  return commitTables
    .map(
      (table) =>
        `${commitLabels[table]} ${groupCommits[table].rows_per_round_trip_mean}, ${formatMs(groupCommits[table].commit_ms_mean)}`,
    )
    .join('; ');
}
