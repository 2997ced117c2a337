// Benchmark 1: durable checkouts per second of `flashsale serve` (1 and 2 workers) against a
// bare node:http server answering the same requests, both loaded by the same wrk command. Every
// attempt must be a row in checkout_attempts before its answer, so rows written in the window
// are counted and compared with the requests answered.
import { startBareServer } from './bare-baseline.mjs';
import { cpuSplit, formatCpuSplit, runWrkOnService } from './cpu-split.mjs';
import { formatCount, formatMs, formatRate, formatRatio, round } from './format.mjs';
import { processTree, sampleProcesses } from './proc-stats.mjs';
import { histogramDelta, histogramOf, histogramQuantile, scrapeMetrics, sumOf } from './prometheus.mjs';
import { countAttempts, withService } from './service.mjs';
import { runWrk } from './wrk.mjs';

export async function benchServerCheckout(ctx) {
  const { connections, manyConnections } = ctx.settings;
  const bare1 = [];
  const bare2 = [];
  const bareMany = [];
  let serverMany;
  const server1 = await withService(ctx, { workers: 1 }, async (service) => {
    const rounds = await measureRounds(ctx, service, connections, async (round) => {
      ctx.step(`checkout ${round}: bare node:http, 1 process, wrk -c${connections}`);
      bare1.push(await measureBare(ctx, 1, connections));
      ctx.step(`checkout ${round}: flashsale serve --workers 1`);
    });
    // Group commit fills its batches from the requests in flight: the same service with more clients.
    serverMany = await measureRounds(ctx, service, manyConnections, async (round) => {
      ctx.step(`checkout ${round}: bare node:http, 1 process, wrk -c${manyConnections}`);
      bareMany.push(await measureBare(ctx, 1, manyConnections));
      ctx.step(`checkout ${round}: flashsale serve --workers 1, wrk -c${manyConnections}`);
    });
    return rounds;
  });
  const server2 = await withService(ctx, { workers: 2 }, (service) =>
    measureRounds(ctx, service, connections, async (round) => {
      ctx.step(`checkout ${round}: bare node:http, 2 processes (node:cluster)`);
      bare2.push(await measureBare(ctx, 2, connections));
      ctx.step(`checkout ${round}: flashsale serve --workers 2`);
    }),
  );
  const best = (runs) => runs.reduce((a, b) => (b.wrk.rps > a.wrk.rps ? b : a));
  const measurements = {
    server1: { rounds: server1, best: best(server1) },
    server2: { rounds: server2, best: best(server2) },
    bare1: { rounds: bare1, best: best(bare1) },
    bare2: { rounds: bare2, best: best(bare2) },
    serverMany: { rounds: serverMany, best: best(serverMany) },
    bareMany: { rounds: bareMany, best: best(bareMany) },
  };
  return {
    results: [
      checkoutResult(
        'server-checkout-1-worker',
        `Server checkout, 1 worker, ${connections} connections`,
        measurements.server1,
        {
          baseline: measurements.bare1,
          paired: measurements.bare1,
          others: [],
        },
      ),
      checkoutResult(
        'server-checkout-1-worker-many-clients',
        `Server checkout, 1 worker, ${manyConnections} connections`,
        measurements.serverMany,
        { baseline: measurements.bareMany, paired: measurements.bareMany, others: [] },
      ),
      checkoutResult('server-checkout-2-workers', 'Server checkout, 2 workers', measurements.server2, {
        baseline: measurements.bare1,
        paired: measurements.bare2,
        others: [measurements.bare2],
      }),
    ],
    measurements,
  };
}

/** Rounds of (baseline, then service), back to back, so both see the same noise on this box. */
async function measureRounds(ctx, service, connections, measureBaseline) {
  const rounds = [];
  for (let round = 1; round <= ctx.settings.rounds; round++) {
    await measureBaseline(`${round}/${ctx.settings.rounds}`);
    rounds.push(await measureService(ctx, service, connections));
  }
  return rounds;
}

async function measureBare(ctx, workers, connections) {
  const bare = await startBareServer({ workers });
  try {
    await runWrk({ ...wrkOptions(ctx, bare.url, connections), durationS: ctx.settings.warmUpS });
    let loadPid;
    const sampler = sampleProcesses({
      server: () => processTree(bare.process.pid),
      load_generator: () => (loadPid ? [loadPid] : []),
    });
    const wrk = await runWrk({
      ...wrkOptions(ctx, bare.url, connections),
      onStart: (started) => (loadPid = started.pid),
    });
    return {
      workers,
      wrk,
      usage: sampler.stop(),
      commandLine: bare.commandLine,
      name: `bare node:http, ${workers === 1 ? '1 process' : `${workers} processes (node:cluster)`}`,
    };
  } finally {
    await bare.process.stop();
  }
}

function wrkOptions(ctx, url, connections) {
  return {
    url,
    connections,
    durationS: ctx.settings.measureS,
    saleSize: ctx.saleSize,
  };
}

/** Warm-up, then the measured wrk run between two row counts and two /metrics scrapes. */
async function measureService(ctx, service, connections) {
  const warmUp = await runWrk({
    ...wrkOptions(ctx, service.url, connections),
    durationS: ctx.settings.warmUpS,
    offset: ctx.takeOffset(),
  });
  ctx.advanceOffset(warmUp.nextOffset);
  const rowsBefore = await countAttempts(ctx.world);
  const metricsBefore = await scrapeMetrics(service.url);
  const { wrk, usage } = await runWrkOnService(ctx, service, {
    ...wrkOptions(ctx, service.url, connections),
    offset: ctx.takeOffset(),
  });
  ctx.advanceOffset(wrk.nextOffset);
  const rowsAfter = await countAttempts(ctx.world);
  const metricsAfter = await scrapeMetrics(service.url);
  return {
    workers: service.workers,
    connections,
    primaryPid: service.process.pid,
    wrk,
    rowsWritten: rowsAfter - rowsBefore,
    metricsBefore,
    metricsAfter,
    usage,
    commandLine: service.commandLine,
  };
}

/**
 * The server process's own health over the window, from prom-client's default metrics: event-loop
 * lag (prom-client resets it at each scrape, so the second scrape covers the window; with workers
 * the primary aggregates them) and garbage-collection time.
 */
function runtimeFigures(measured) {
  const { metricsBefore: before, metricsAfter: after } = measured;
  const gc = (kind) =>
    histogramDelta(
      histogramOf(after, 'flashsale_nodejs_gc_duration_seconds', kind === undefined ? {} : { kind }),
      histogramOf(before, 'flashsale_nodejs_gc_duration_seconds', kind === undefined ? {} : { kind }),
    );
  const all = gc();
  const major = gc('major');
  const lagMs = (stat) => round(sumOf(after, `flashsale_nodejs_eventloop_lag_${stat}_seconds`) * 1000);
  return {
    event_loop_lag_ms: { p50: lagMs('p50'), p99: lagMs('p99'), max: lagMs('max') },
    gc_ms_per_s: round((all.sum * 1000) / measured.wrk.durationS, 1),
    major_gcs: major.count,
    major_gc_ms_mean: major.count === 0 ? null : round((major.sum / major.count) * 1000),
  };
}

function formatRuntime({ event_loop_lag_ms: lag, gc_ms_per_s: gcMsPerS, major_gcs: majorGcs }) {
  return `${formatMs(lag.p99)}; ${gcMsPerS} ms/s (${majorGcs} major)`;
}

/** Checkout answers by outcome (ok, item_held, …) during the window, from the request counter. */
function outcomesOf(measured) {
  const count = (samples) => {
    const byOutcome = {};
    for (const s of samples) {
      if (s.name === 'flashsale_http_requests_total' && s.labels.route === 'checkout')
        byOutcome[s.labels.outcome] = (byOutcome[s.labels.outcome] ?? 0) + s.value;
    }
    return byOutcome;
  };
  const before = count(measured.metricsBefore);
  const after = count(measured.metricsAfter);
  return Object.fromEntries(
    Object.entries(after).map(([outcome, n]) => [outcome, n - (before[outcome] ?? 0)]),
  );
}

const socketErrorCount = (wrk) => Object.values(wrk.socketErrors).reduce((a, b) => a + b, 0);

function durabilityFlags(measured) {
  const flags = [];
  const outcomes = outcomesOf(measured);
  const serverErrors = (outcomes.unavailable ?? 0) + (outcomes.internal ?? 0);
  if (measured.rowsWritten < measured.wrk.requests)
    flags.push(
      `only ${measured.rowsWritten} checkout_attempts rows for ${measured.wrk.requests} answered requests (${serverErrors} answered 5xx, which are not persisted)`,
    );
  const socketErrors = socketErrorCount(measured.wrk);
  if (socketErrors > 0)
    flags.push(`wrk saw ${socketErrors} socket errors: ${JSON.stringify(measured.wrk.socketErrors)}`);
  return flags;
}

function baselineFigures(b) {
  const { wrk, usage } = b.best;
  return {
    name: b.best.name,
    rps: round(wrk.rps, 0),
    p50_ms: wrk.latencyMs.p50,
    p99_ms: wrk.latencyMs.p99,
    requests: wrk.requests,
    rounds_rps: b.rounds.map((r) => round(r.wrk.rps, 0)),
    cpu_cores: {
      server: round(usage.cpuByGroup.server / usage.elapsedS),
      wrk: round(usage.cpuByGroup.load_generator / usage.elapsedS),
    },
    command_lines: { load: wrk.commandLine, server: b.best.commandLine },
  };
}

/**
 * Figures of the best round of each side (the most req/s: the round least disturbed by other
 * work on this shared box); every round is listed beside them, with its ratio to the `paired`
 * baseline measured just before it.
 */
function checkoutResult(id, title, service, { baseline, paired, others: otherBaselines }) {
  const measured = service.best;
  const { wrk } = measured;
  const ratio = wrk.rps / baseline.best.wrk.rps;
  const serverSeconds = histogramDelta(
    histogramOf(measured.metricsAfter, 'flashsale_http_request_duration_seconds', { route: 'checkout' }),
    histogramOf(measured.metricsBefore, 'flashsale_http_request_duration_seconds', { route: 'checkout' }),
  );
  const flags = service.rounds.flatMap((round, i) =>
    durabilityFlags(round).map((flag) => `round ${i + 1}: ${flag}`),
  );
  const others = otherBaselines.map((b) => ({
    ...baselineFigures(b),
    ratio: round(wrk.rps / b.best.wrk.rps),
  }));
  const isDurable = service.rounds.every((r) => r.rowsWritten >= r.wrk.requests);
  return {
    id,
    title,
    figures: {
      rps: round(wrk.rps, 0),
      p50_ms: wrk.latencyMs.p50,
      p99_ms: wrk.latencyMs.p99,
      max_ms: wrk.latencyMs.max,
      requests_answered: wrk.requests,
      attempt_rows_written: measured.rowsWritten,
      is_every_attempt_durable: isDurable,
      non_2xx: wrk.non2xx,
      socket_errors: wrk.socketErrors,
      outcomes: outcomesOf(measured),
      server_side_p99_ms: round(histogramQuantile(0.99, serverSeconds) * 1000),
      server_runtime: runtimeFigures(measured),
      cpu_cores: cpuSplit(measured.usage),
      workers: measured.workers,
      rounds: service.rounds.map((r, i) => ({
        rps: round(r.wrk.rps, 0),
        p50_ms: r.wrk.latencyMs.p50,
        p99_ms: r.wrk.latencyMs.p99,
        requests_answered: r.wrk.requests,
        attempt_rows_written: r.rowsWritten,
        paired_baseline: paired.best.name,
        paired_baseline_rps: round(paired.rounds[i].wrk.rps, 0),
        paired_ratio: round(r.wrk.rps / paired.rounds[i].wrk.rps),
        cpu_cores: cpuSplit(r.usage),
      })),
    },
    baseline: baselineFigures(baseline),
    other_baselines: others,
    ratio: round(ratio),
    ratio_of: 'flashsale req/s / bare node:http (1 process) req/s, best round of each, same wrk command',
    command_lines: {
      load: wrk.commandLine,
      service: measured.commandLine,
      baseline: baseline.best.commandLine,
    },
    notes: [
      `${wrk.commandLine.split(' -s ')[0].replace(/^.* wrk /, 'wrk ')} against each side in turn (baseline, then flashsale) in each of ${service.rounds.length} round(s), after a warm-up run; new buyers and items every run (bench/checkout.lua). Rows: count(*) of checkout_attempts just before and after the measured run.`,
    ],
    flags,
    rows: [
      ['req/s (best round)', formatRate(wrk.rps), formatRate(baseline.best.wrk.rps), formatRatio(ratio)],
      ...others.map((b) => [
        'req/s vs bare x2 (cluster)',
        formatRate(wrk.rps),
        formatRate(b.rps),
        formatRatio(b.ratio),
      ]),
      [
        'p50 / p99 (wrk)',
        `${formatMs(wrk.latencyMs.p50)} / ${formatMs(wrk.latencyMs.p99)}`,
        `${formatMs(baseline.best.wrk.latencyMs.p50)} / ${formatMs(baseline.best.wrk.latencyMs.p99)}`,
        '',
      ],
      ['CPU, cores (of 2)', formatCpuSplit(cpuSplit(measured.usage)), '', ''],
      ['server event-loop lag p99; GC', formatRuntime(runtimeFigures(measured)), '', ''],
      [
        'attempt rows / answered',
        `${formatCount(measured.rowsWritten)} / ${formatCount(wrk.requests)}${isDurable ? '' : ' (!)'}`,
        '',
        '',
      ],
    ],
  };
}
