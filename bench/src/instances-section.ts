// The part of the README's Performance section that says how far one Redis shard and one
// Postgres carry: the instances benchmark's rows (instances.ts) as a small table, and one plain
// statement from the saturation figures of the run with the most instances.
import { busyBoxOtherCores, type DependencyCapacity, type SaturationFigures } from './capacity.js';
import { formatCount, formatRate } from './format.js';
import type { MachineFacts } from './machine.js';
import type { ResultEnvelope, ResultsDocument } from './results.js';

/** What the section reads of an instances result (see InstancesFigures). */
type InstancesRow = Readonly<{
  id: string;
  machine: MachineFacts;
  figures: Readonly<{
    instances: number;
    connections: number;
    rps: number | null;
    scaling: number | null;
    per_instance: readonly Readonly<{ rps: number | null }>[];
    cpu_us_per_checkout: Readonly<Record<string, number | null>>;
    cpu_cores?: Readonly<Record<string, number>>;
    idle_share: number | null;
    saturation: SaturationFigures;
  }>;
}>;

function isInstancesRow(result: ResultEnvelope): result is ResultEnvelope & InstancesRow {
  const { figures } = result as { figures?: Partial<InstancesRow['figures']> };
  return (
    result.id.startsWith('instances-') &&
    typeof figures?.instances === 'number' &&
    Array.isArray(figures.per_instance) &&
    typeof figures.saturation === 'object' &&
    figures.saturation !== null
  );
}

const us = (value: number | null | undefined) => (typeof value === 'number' ? String(value) : '-');
const percent = (share: number | null) => (share === null ? '-' : `${Math.round(share * 100)}%`);
const times = (value: number | null | undefined) => (typeof value === 'number' ? value.toFixed(1) : '-');

/** "about 4", or one decimal below 2 (where rounding would say 1 for 1.4). */
export function aboutInstances(count: number): string {
  const text = count < 2 ? count.toFixed(1) : String(Math.round(count));
  return `about ${text} instance${text === '1' || text === '1.0' ? '' : 's'}`;
}

/** Instances a dependency carries, each at the measured rate of one instance alone. */
function carried(capacity: DependencyCapacity | null): string {
  const count = capacity?.instances_at_measured_rate;
  return count === null || count === undefined ? 'an unmeasured number of instances' : aboutInstances(count);
}

/** When other work held the lone instance down, the figures at a core per instance are the sounder ones. */
function busyBoxLines(alone: InstancesRow): string[] {
  const other = alone.figures.cpu_cores?.other;
  if (alone.figures.instances !== 1 || other === undefined || other <= busyBoxOtherCores) return [];
  return [
    `Other work on the box used ${other.toFixed(2)} cores while one instance ran alone, holding its rate down: the figures at a`,
    'core per instance are the sounder ones from this run.',
  ];
}

/** Lines for the README (nothing when the results hold no instances run). */
export function instancesSectionLines(document: ResultsDocument<ResultEnvelope>): string[] {
  const rows = (document.benchmarks as readonly ResultEnvelope[])
    .filter(isInstancesRow)
    .sort((a, b) => a.figures.instances - b.figures.instances);
  const last = rows.at(-1);
  if (last === undefined) return [];
  const { machine } = last;
  // A result kept from an earlier run (the last one had --only) came from `--only instances` or a full run.
  const isKept = document.kept_from_earlier?.includes(last.id) ?? false;
  const command = isKept ? 'an earlier pnpm bench' : `\`${document.command}\``;
  const countList = rows.map((row) => String(row.figures.instances));
  const counts =
    countList.length < 2
      ? countList.join('')
      : `${countList.slice(0, -1).join(', ')} and ${countList.at(-1)}`;
  const { saturation } = last.figures;
  const { redis, postgres } = saturation;
  const coreRate = saturation.per_instance_core_rps;
  const idleLast = percent(last.figures.idle_share);
  const first = rows[0]!;
  const moves = [
    [
      'Redis',
      first.figures.cpu_us_per_checkout.redis ?? null,
      last.figures.cpu_us_per_checkout.redis ?? null,
    ],
    [
      'Postgres',
      first.figures.cpu_us_per_checkout.postgres_backends ?? null,
      last.figures.cpu_us_per_checkout.postgres_backends ?? null,
    ],
  ] as const;
  const measuredMoves = moves.flatMap(([name, from, to]) =>
    from === null || to === null || rows.length < 2 ? [] : [{ name, from, to }],
  );
  const trendLines =
    measuredMoves.length === 0
      ? []
      : [
          `From ${first.figures.instances} to ${last.figures.instances} instances, CPU µs per checkout went ${measuredMoves.map(({ name, from, to }) => `${from} → ${to} in ${name}`).join(' and ')}${
            measuredMoves.some(({ from, to }) => to > from)
              ? ': if that growth goes on, more instances than measured carry fewer than these figures.'
              : '.'
          }`,
        ];
  return [
    '### How far one Redis shard and one Postgres carry',
    '',
    `${counts} separate \`flashsale serve --workers 1\` processes (own ports) against one Redis (a redis-server of the`,
    "benchmark's own, so its CPU is theirs alone) and the one Postgres,",
    `${last.figures.connections} wrk connections in all; measured by ${command} on ${machine.date.slice(0, 10)},`,
    `commit ${machine.git_commit}${machine.git_dirty ? ' (with uncommitted changes)' : ''}, load average ${machine.load_average_at_start.join(' / ')} at the start.`,
    '',
    'CPU µs per checkout by process kind (node: every instance summed), and the idle share of the box:',
    '',
    '| instances | checkouts/s | × 1 instance | per instance | node | Postgres backends | Postgres background | Redis | wrk | idle |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(({ figures: f }) => {
      const cpu = f.cpu_us_per_checkout;
      const perInstance = f.per_instance.map((i) => formatRate(i.rps)).join(' + ');
      return `| ${f.instances} | ${formatRate(f.rps)} | ${times(f.scaling)} | ${perInstance} | ${us(cpu.node)} | ${us(cpu.postgres_backends)} | ${us(cpu.postgres_background)} | ${us(cpu.redis)} | ${us(cpu.load_generator)} | ${percent(f.idle_share)} |`;
    }),
    '',
    `Throughput does not grow linearly with instances here: they, Redis, Postgres and wrk share this box's ${machine.cores} cores`,
    `(idle ${idleLast} with ${last.figures.instances}), so how far each dependency carries comes from its CPU per checkout, not from this curve.`,
    `Redis saturates when it needs one core (it runs commands on one thread), Postgres per core it has (if its backends`,
    `spread over them); their CPU per checkout with ${last.figures.instances} instances, each instance at the rate or the CPU per checkout of the 1-instance run:`,
    '',
    `| dependency | CPU µs per checkout | saturates at, per core | instances carried, each at ${formatRate(saturation.per_instance_rps)} (one alone here) | each at ${formatRate(coreRate)} (a core of its own) |`,
    '|---|---|---|---|---|',
    ...(
      [
        ['Redis (one shard)', redis],
        ['Postgres, per core', postgres],
      ] as const
    ).map(
      ([name, capacity]) =>
        `| ${name} | ${us(capacity?.cpu_us_per_checkout)} | ${formatRate(capacity?.saturates_at_rps_per_core)} | ${times(capacity?.instances_at_measured_rate)} | ${times(capacity?.instances_at_core_rate)} |`,
    ),
    '',
    `One Redis shard carries ${carried(redis)} and one Postgres ${carried(postgres)} per core it has, each instance`,
    `answering ${formatCount(saturation.per_instance_rps)} checkouts/s as one did alone here (${times(redis?.instances_at_core_rate)} and ${times(postgres?.instances_at_core_rate)} if each`,
    `instance had a core of its own and answered ${formatCount(coreRate)}/s). A Redis Cluster does not raise the Redis figure`,
    "for one sale: a sale's keys share one hash slot, so one node serves all its checkouts.",
    ...busyBoxLines(first),
    ...trendLines,
    '',
  ];
}
