// Every simulator option in one table: its flag, default and parser. The same table defines the
// CLI's `simulate` flags and checks options given programmatically. parseSimOptions checks
// everything once, before any load starts, and returns one frozen object.
import { randomBytes, randomInt } from 'node:crypto';
import { ProfileError, parseDurationMs, readTargetProfile, type TargetProfile } from '@flashsale/protocol';
import { SimError } from '../errors.js';
import { parseThreshold, type Threshold } from '../report/thresholds.js';
import { parseStages, plannedDurationMs, type Stage } from '../schedule/stages.js';
import { type Environment, flagsWithEnv } from './env.js';
import { defaultMix, type Mix, parseMix } from './mix.js';
import type { OptionSpec, SimFlags } from './option-spec.js';
import { defaultScenario, loadScenario, type Scenario } from './scenario.js';
import { parseShard, type Shard } from './shard.js';
import { parseStartAt, type StartAt } from './start-at.js';

export type ProgressMode = 'live' | 'plain' | 'none';

export type SimOptions = Readonly<{
  /** Origins of the service instances, e.g. http://127.0.0.1:8080; each buyer sticks to one. */
  targets: readonly string[];
  /** The target's dialect (a plain value: it crosses to --workers children as it is). */
  profile: TargetProfile;
  stages: readonly Stage[];
  mix: Mix;
  scenario: Scenario;
  seed: number;
  users: number;
  /** Sale size to assume when GET /sale does not tell (--sale-size, else the profile's, else 10,000). */
  saleSize: number;
  /** The service's USER_LIMIT (--user-limit, else the profile's), capping each buyer's demand in the report. */
  userLimit: number;
  stopsAtSellout: boolean;
  reportPath: string | null;
  ledgerPath: string | null;
  /** How often buyers re-read what is sold from GET /sale/items; 0: never. */
  itemsRefreshMs: number;
  connections: number;
  maxInFlight: number;
  timeoutMs: number;
  lateAfterMs: number;
  /** How long to exercise the client in-process before the run (0: not at all). */
  warmUpMs: number;
  thresholds: readonly Threshold[];
  shard: Shard;
  workers: number;
  progress: ProgressMode;
  runId: string;
  /** When the schedule starts; null: as soon as every part is ready. */
  startAt: StartAt | null;
}>;

/** The flags, keyed by the attribute name commander gives each (camelCase of the flag). */
export const simOptionTable = {
  target: {
    flags: '--target <urls>',
    description: 'service origin; several, comma-separated, share the buyers (each buyer sticks to one)',
    defaultValue: 'http://127.0.0.1:8080',
  },
  profile: {
    flags: '--profile <profile>',
    description:
      "the target's dialect: default (this service), contest (201, text refusals, items from 1, no GET /sale) or a JSON profile file",
    defaultValue: 'default',
  },
  rps: { flags: '--rps <n>', description: 'target requests per second (open loop)', defaultValue: '100' },
  duration: { flags: '--duration <d>', description: 'how long to send, e.g. 30s, 5m', defaultValue: '10s' },
  stages: {
    flags: '--stages <list>',
    description: 'rate plan instead of --rps/--duration, e.g. 30s:1000,60s:5000',
  },
  mix: {
    flags: '--mix <shares>',
    description: 'buyer mix in percent',
    defaultValue: 'normal=70,heavy=20,invalid=10',
  },
  scenario: {
    flags: '--scenario <file>',
    description: 'JSON file: mix, think times, items wanted, popularity',
  },
  seed: {
    flags: '--seed <n>',
    description: 'seed for a repeatable run (default: random, shown in the report)',
  },
  users: { flags: '--users <n>', description: 'size of the buyer population', defaultValue: '1000000' },
  saleSize: {
    flags: '--sale-size <n>',
    description: 'items in the sale when GET /sale does not say',
    defaultValue: '10000',
  },
  userLimit: {
    flags: '--user-limit <n>',
    description: "the service's USER_LIMIT (caps demand per buyer)",
    defaultValue: '10',
  },
  untilSellout: {
    flags: '--until-sellout',
    description: 'stop once GET /sale says sold out (at most --duration)',
  },
  report: { flags: '--report <file>', description: 'write the JSON run report here' },
  ledger: {
    flags: '--ledger <file>',
    description: 'write the JSONL request ledger here (for verify --ledger)',
  },
  itemsRefresh: {
    flags: '--items-refresh <d>',
    description:
      'how often buyers re-read what is sold from GET /sale/items (as shoppers do); 0: never; auto: 1s when the run is split over shards or workers',
    defaultValue: 'auto',
  },
  connections: {
    flags: '--connections <n>',
    description: 'keep-alive sockets to each target',
    defaultValue: '100',
  },
  maxInFlight: {
    flags: '--max-in-flight <n>',
    description: 'requests outstanding before new slots are dropped',
    defaultValue: '10000',
  },
  timeout: {
    flags: '--timeout <d>',
    description: 'per request, from when it is written; no answer by then is indeterminate',
    defaultValue: '10s',
  },
  lateAfter: {
    flags: '--late-after <d>',
    description: 'a request sent later than this is late',
    defaultValue: '10ms',
  },
  warmUp: {
    flags: '--warm-up <d>',
    description: 'warm the client up in-process before the run (no request reaches the target); 0 to skip',
    defaultValue: '1s',
  },
  threshold: {
    flags: '--threshold <objective>',
    description: "objective checked at the end, repeatable: 'checkout.p99<50ms', 'errors<0.1%'",
    isRepeatable: true,
  },
  shard: {
    flags: '--shard <i/n>',
    description: 'play only buyers i mod n of the population, at 1/n of the rate (shard 0 watches GET /sale)',
    defaultValue: '0/1',
  },
  workers: {
    flags: '--workers <n>',
    description: 'processes sharing the rate and the population',
    defaultValue: '1',
  },
  progress: { flags: '--progress <mode>', description: 'auto, live, plain or none', defaultValue: 'auto' },
  runId: { flags: '--run-id <id>', description: 'prefix of every x-request-id (default: random)' },
  startAt: {
    flags: '--start-at <when>',
    description:
      'start sending at this moment: epoch ms, an ISO time, next-sale or next-sale-5s (before the next ' +
      "sale opens, from GET /sale's period); shards given one moment start together",
    env: 'SIM_START_AT',
  },
} as const satisfies Record<string, OptionSpec>;

export type SimOptionName = keyof typeof simOptionTable;

/** What `progress: auto` looks at: the output stream and the environment. */
export type Surroundings = Readonly<{ isTty: boolean; env: Readonly<Record<string, string | undefined>> }>;

const runIdPattern = /^[A-Za-z0-9_-]{1,32}$/;
const autoItemsRefreshMs = 1000;
const maxWorkers = 64;

/**
 * Checks flags (from the CLI, or typed values from a caller) against the table. Without
 * `surroundings` (a programmatic caller), `progress: auto` means none. With `env`, each option not
 * given comes from its SIM_ variable when that is set (see env.ts).
 */
export function parseSimOptions(flags: SimFlags, surroundings?: Surroundings, env?: Environment): SimOptions {
  if (env === undefined) return parseGivenOptions(flags, surroundings);
  const filled = flagsWithEnv(simOptionTable, flags, env);
  try {
    return parseGivenOptions(filled.flags, surroundings);
  } catch (error) {
    const envName =
      error instanceof SimError && error.flag !== null ? filled.fromEnv.get(error.flag) : undefined;
    if (envName === undefined) throw error;
    throw new SimError('invalid_option', `${envName} (${(error as SimError).message})`, {
      flag: (error as SimError).flag ?? undefined,
      cause: error,
    });
  }
}

function parseGivenOptions(flags: SimFlags, surroundings: Surroundings | undefined): SimOptions {
  for (const key of Object.keys(flags)) {
    if (!(key in simOptionTable) && flags[key] !== undefined) {
      throw new SimError('invalid_option', `unknown option '${key}'`);
    }
  }
  const read = (name: SimOptionName): unknown => {
    const spec: OptionSpec = simOptionTable[name];
    return flags[name] ?? spec.defaultValue;
  };
  if (flags.stages !== undefined && (flags.rps !== undefined || flags.duration !== undefined)) {
    fail('stages', 'give either --stages or --rps/--duration, not both');
  }
  const stages =
    flags.stages === undefined
      ? [{ durationMs: durationOf('duration', read('duration')), rps: positiveNumberOf('rps', read('rps')) }]
      : stagesOf(flags.stages);
  const scenarioFile = flags.scenario === undefined ? null : loadScenario(textOf('scenario', flags.scenario));
  const shard = shardOf(read('shard'));
  const users = positiveIntegerOf('users', read('users'));
  if (users <= shard.index)
    fail('users', `must be more than ${shard.index} so shard ${shard.index}/${shard.count} has buyers`);
  const workers = positiveIntegerOf('workers', read('workers'));
  if (workers > maxWorkers) fail('workers', `accepts 1 to ${maxWorkers}`);
  if (users < shard.index + shard.count * (workers - 1) + 1) {
    fail('users', `must be at least ${shard.count * workers} so every worker has buyers`);
  }
  const profile = profileOf(read('profile'));
  const options: SimOptions = {
    targets: targetsOf(read('target')),
    profile,
    stages,
    mix: flags.mix === undefined && scenarioFile?.mix ? scenarioFile.mix : mixOf(read('mix')),
    scenario: scenarioFile?.scenario ?? defaultScenario,
    seed: flags.seed === undefined ? randomInt(0, 2 ** 32) : seedOf(flags.seed),
    users,
    saleSize: positiveIntegerOf('saleSize', flags.saleSize ?? profile.saleSize ?? read('saleSize')),
    userLimit: positiveIntegerOf('userLimit', flags.userLimit ?? profile.userLimit ?? read('userLimit')),
    stopsAtSellout: switchOf('untilSellout', flags.untilSellout),
    reportPath: flags.report === undefined ? null : textOf('report', flags.report),
    ledgerPath: flags.ledger === undefined ? null : textOf('ledger', flags.ledger),
    itemsRefreshMs: itemsRefreshOf(read('itemsRefresh'), shard.count * workers > 1),
    connections: positiveIntegerOf('connections', read('connections')),
    maxInFlight: positiveIntegerOf('maxInFlight', read('maxInFlight')),
    timeoutMs: durationOf('timeout', read('timeout')),
    lateAfterMs: durationOf('lateAfter', read('lateAfter')),
    warmUpMs: zeroOrDurationOf('warmUp', read('warmUp')),
    thresholds: thresholdsOf(flags.threshold),
    shard,
    workers,
    progress: progressOf(read('progress'), surroundings),
    runId: flags.runId === undefined ? randomBytes(4).toString('hex') : runIdOf(flags.runId),
    startAt: startAtOf(flags.startAt ?? surroundings?.env[simOptionTable.startAt.env]),
  };
  return Object.freeze(options);
}

function fail(name: SimOptionName, accepts: string): never {
  const flag = flagOf(name);
  throw new SimError('invalid_option', `${flag}: ${accepts}`, { flag });
}

/** `--max-in-flight` for `maxInFlight`. */
export function flagOf(name: SimOptionName): string {
  return simOptionTable[name].flags.split(' ')[0] ?? name;
}

function textOf(name: SimOptionName, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) fail(name, 'expects a non-empty text');
  return value;
}

function positiveNumberOf(name: SimOptionName, value: unknown): number {
  const number = typeof value === 'number' ? value : Number(textOf(name, value));
  if (!Number.isFinite(number) || number <= 0) fail(name, `accepts a number above 0, got '${String(value)}'`);
  return number;
}

function positiveIntegerOf(name: SimOptionName, value: unknown): number {
  const number = typeof value === 'number' ? value : Number(textOf(name, value));
  if (!Number.isSafeInteger(number) || number < 1)
    fail(name, `accepts a whole number >= 1, got '${String(value)}'`);
  return number;
}

function seedOf(value: unknown): number {
  const number = typeof value === 'number' ? value : Number(textOf('seed', value));
  if (!Number.isInteger(number) || number < 0 || number >= 2 ** 32) {
    fail('seed', `accepts a whole number from 0 to 4294967295, got '${String(value)}'`);
  }
  return number;
}

function durationOf(name: SimOptionName, value: unknown, { mayBeZero = false } = {}): number {
  const durationMs = typeof value === 'number' ? value : parseDurationMs(textOf(name, value));
  if (durationMs === null || !(durationMs > 0 || (mayBeZero && durationMs === 0))) {
    fail(name, `accepts a duration such as 500ms, 10s, 5m or 1h, got '${String(value)}'`);
  }
  return durationMs;
}

/**
 * `auto`: the item list is read only by a run split over processes (shards, workers), whose
 * processes know nothing of each other's sales; one process knows its own, and each read costs
 * the service a 1,000-item page.
 */
function itemsRefreshOf(value: unknown, isSplit: boolean): number {
  if (value === 'auto') return isSplit ? autoItemsRefreshMs : 0;
  if (value === '0' || value === 0) return 0;
  const durationMs = typeof value === 'number' ? value : parseDurationMs(textOf('itemsRefresh', value));
  if (durationMs === null || !(durationMs > 0))
    fail('itemsRefresh', `accepts auto, 0 or a duration such as 500ms or 1s, got '${String(value)}'`);
  return durationMs;
}

/** `0` (off) or a duration. */
function zeroOrDurationOf(name: SimOptionName, value: unknown): number {
  return value === '0' ? 0 : durationOf(name, value, { mayBeZero: true });
}

function switchOf(name: SimOptionName, value: unknown): boolean {
  if (value === undefined || typeof value === 'boolean') return value === true;
  return fail(name, 'is a switch and takes no value');
}

function stagesOf(value: unknown): readonly Stage[] {
  const stages = parseStages(textOf('stages', value));
  if (typeof stages === 'string')
    fail('stages', `accepts duration:rps pairs such as 30s:1000,60s:5000 (${stages})`);
  if (plannedDurationMs(stages) <= 0) fail('stages', 'needs a total duration above 0');
  return stages;
}

function mixOf(value: unknown): Mix {
  const mix = typeof value === 'string' ? parseMix(value) : value === undefined ? defaultMix : 'not a text';
  if (typeof mix === 'string') fail('mix', `accepts normal=N,heavy=N,invalid=N adding up to 100 (${mix})`);
  return mix;
}

function shardOf(value: unknown): Shard {
  const shard = parseShard(textOf('shard', value));
  if (typeof shard === 'string') fail('shard', `accepts i/n with 0 <= i < n, e.g. 0/2 (${shard})`);
  return shard;
}

function targetsOf(value: unknown): readonly string[] {
  const texts = Array.isArray(value) ? value : textOf('target', value).split(',');
  return texts.map((text) => targetOf(typeof text === 'string' ? text.trim() : text));
}

function targetOf(value: unknown): string {
  const text = textOf('target', value);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('target', `accepts an http:// or https:// URL, got '${text}'`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search !== '') {
    fail('target', `accepts an origin such as http://127.0.0.1:8080 (no path), got '${text}'`);
  }
  return url.origin;
}

function profileOf(value: unknown): TargetProfile {
  if (typeof value === 'object' && value !== null) return value as TargetProfile; // a caller's parsed profile
  const text = textOf('profile', value);
  try {
    return readTargetProfile(text);
  } catch (error) {
    if (!(error instanceof ProfileError)) throw error;
    throw new SimError('invalid_option', `--profile ${text}: ${error.message}`, {
      flag: '--profile',
      cause: error,
    });
  }
}

function thresholdsOf(value: unknown): readonly Threshold[] {
  if (value === undefined) return [];
  const sources = Array.isArray(value) ? value : [value];
  return sources.map((source) => parseThreshold(textOf('threshold', source)));
}

function progressOf(value: unknown, surroundings: Surroundings | undefined): ProgressMode {
  const mode = textOf('progress', value);
  if (mode === 'live' || mode === 'plain' || mode === 'none') return mode;
  if (mode !== 'auto') fail('progress', `accepts auto, live, plain or none, got '${mode}'`);
  if (surroundings === undefined) return 'none';
  return surroundings.isTty && surroundings.env.CI !== 'true' ? 'live' : 'plain';
}

function startAtOf(value: unknown): StartAt | null {
  if (value === undefined || value === '') return null;
  if (typeof value === 'object' && value !== null && 'kind' in value) return value as StartAt;
  const startAt = parseStartAt(textOf('startAt', value));
  if (typeof startAt === 'string')
    fail('startAt', `accepts epoch ms, an ISO time, next-sale or next-sale-<duration> (${startAt})`);
  return startAt;
}

function runIdOf(value: unknown): string {
  const text = textOf('runId', value);
  if (!runIdPattern.test(text)) fail('runId', `accepts 1-32 characters of A-Z a-z 0-9 _ -, got '${text}'`);
  return text;
}
