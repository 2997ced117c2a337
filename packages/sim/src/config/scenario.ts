// The buyer behaviours' parameters: defaults, and the scenario file (JSON, snake_case) that
// overrides them. The file is read and checked once, before any load starts.
import { readFileSync } from 'node:fs';
import type { Behaviour } from '@flashsale/protocol';
import { SimError } from '../errors.js';
import { checkMix, isBehaviour, type Mix } from './mix.js';

/** An inclusive [min, max] range. */
export type Range = readonly [min: number, max: number];

export type Popularity = Readonly<{ kind: 'uniform' }> | Readonly<{ kind: 'zipf'; exponent: number }>;

export type Scenario = Readonly<{
  normal: Readonly<{
    itemsWanted: Range;
    thinkMs: Range;
    abandonRate: number;
    maxAttempts: number;
    /** Purchases retried with the same code after an uncertain answer (a repeat is replayed). */
    purchaseRetries: number;
  }>;
  heavy: Readonly<{
    itemsWanted: Range;
    thinkMs: Range;
    recheckoutRate: number;
    limitRetries: number;
    maxAttempts: number;
    purchaseRetries: number;
  }>;
  invalid: Readonly<{ requests: Range; thinkMs: Range }>;
  popularity: Popularity;
}>;

export const defaultScenario: Scenario = {
  normal: {
    itemsWanted: [1, 3],
    thinkMs: [300, 2000],
    abandonRate: 0.2,
    maxAttempts: 20,
    purchaseRetries: 2,
  },
  heavy: {
    itemsWanted: [12, 20],
    thinkMs: [0, 0],
    recheckoutRate: 0.1,
    limitRetries: 3,
    maxAttempts: 60,
    purchaseRetries: 1,
  },
  invalid: { requests: [2, 6], thinkMs: [0, 200] },
  popularity: { kind: 'zipf', exponent: 1 },
};

export type ScenarioFile = Readonly<{ scenario: Scenario; mix: Mix | null }>;

/** Reads a scenario file; every field is optional and falls back to the defaults. */
export function loadScenario(path: string): ScenarioFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SimError('invalid_scenario', `--scenario: cannot read ${path} as JSON (${String(error)})`, {
      flag: '--scenario',
      cause: error,
    });
  }
  return readScenario(parsed, path);
}

/** Checks a parsed scenario document. `where` names it in messages. */
export function readScenario(document: unknown, where: string): ScenarioFile {
  const fail = (message: string): never => {
    throw new SimError('invalid_scenario', `--scenario ${where}: ${message}`, { flag: '--scenario' });
  };
  const root = asObject(document, 'the document', fail);
  checkKeys(root, ['mix', 'normal', 'heavy', 'invalid', 'popularity'], 'the document', fail);
  const normal = asObject(root.normal ?? {}, 'normal', fail);
  checkKeys(
    normal,
    ['items_wanted', 'think_ms', 'abandon_rate', 'max_attempts', 'purchase_retries'],
    'normal',
    fail,
  );
  const heavy = asObject(root.heavy ?? {}, 'heavy', fail);
  checkKeys(
    heavy,
    ['items_wanted', 'think_ms', 'recheckout_rate', 'limit_retries', 'max_attempts', 'purchase_retries'],
    'heavy',
    fail,
  );
  const invalid = asObject(root.invalid ?? {}, 'invalid', fail);
  checkKeys(invalid, ['requests', 'think_ms'], 'invalid', fail);
  const d = defaultScenario;
  const scenario: Scenario = {
    normal: {
      itemsWanted: readRange(normal.items_wanted, d.normal.itemsWanted, 1, 'normal.items_wanted', fail),
      thinkMs: readRange(normal.think_ms, d.normal.thinkMs, 0, 'normal.think_ms', fail),
      abandonRate: readRate(normal.abandon_rate, d.normal.abandonRate, 'normal.abandon_rate', fail),
      maxAttempts: readCount(normal.max_attempts, d.normal.maxAttempts, 'normal.max_attempts', fail),
      purchaseRetries: readCount(
        normal.purchase_retries,
        d.normal.purchaseRetries,
        'normal.purchase_retries',
        fail,
        0,
      ),
    },
    heavy: {
      itemsWanted: readRange(heavy.items_wanted, d.heavy.itemsWanted, 1, 'heavy.items_wanted', fail),
      thinkMs: readRange(heavy.think_ms, d.heavy.thinkMs, 0, 'heavy.think_ms', fail),
      recheckoutRate: readRate(heavy.recheckout_rate, d.heavy.recheckoutRate, 'heavy.recheckout_rate', fail),
      limitRetries: readCount(heavy.limit_retries, d.heavy.limitRetries, 'heavy.limit_retries', fail),
      maxAttempts: readCount(heavy.max_attempts, d.heavy.maxAttempts, 'heavy.max_attempts', fail),
      purchaseRetries: readCount(
        heavy.purchase_retries,
        d.heavy.purchaseRetries,
        'heavy.purchase_retries',
        fail,
        0,
      ),
    },
    invalid: {
      requests: readRange(invalid.requests, d.invalid.requests, 1, 'invalid.requests', fail),
      thinkMs: readRange(invalid.think_ms, d.invalid.thinkMs, 0, 'invalid.think_ms', fail),
    },
    popularity: readPopularity(root.popularity, fail),
  };
  return { scenario, mix: root.mix === undefined ? null : readMix(root.mix, fail) };
}

type Fail = (message: string) => never;
type JsonObject = Record<string, unknown>;

function asObject(value: unknown, name: string, fail: Fail): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${name} must be an object`);
  return value as JsonObject;
}

function checkKeys(object: JsonObject, allowed: readonly string[], name: string, fail: Fail): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) fail(`${name} has no field '${key}' (fields: ${allowed.join(', ')})`);
  }
}

function readRange(value: unknown, fallback: Range, min: number, name: string, fail: Fail): Range {
  if (value === undefined) return fallback;
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !value.every((n) => Number.isInteger(n) && n >= min) ||
    value[0] > value[1]
  ) {
    return fail(`${name} must be [min, max], integers >= ${min} with min <= max`);
  }
  return [value[0], value[1]];
}

function readRate(value: unknown, fallback: number, name: string, fail: Fail): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1))
    return fail(`${name} must be between 0 and 1`);
  return value;
}

function readCount(value: unknown, fallback: number, name: string, fail: Fail, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < min)
    return fail(`${name} must be an integer >= ${min}`);
  return value as number;
}

function readPopularity(value: unknown, fail: Fail): Popularity {
  if (value === undefined) return defaultScenario.popularity;
  const object = asObject(value, 'popularity', fail);
  checkKeys(object, ['kind', 'exponent'], 'popularity', fail);
  if (object.kind === 'uniform') return { kind: 'uniform' };
  if (object.kind !== 'zipf') return fail(`popularity.kind must be 'uniform' or 'zipf'`);
  const exponent = object.exponent ?? 1;
  if (typeof exponent !== 'number' || !(exponent > 0 && exponent <= 10)) {
    return fail('popularity.exponent must be a number in (0, 10]');
  }
  return { kind: 'zipf', exponent };
}

function readMix(value: unknown, fail: Fail): Mix {
  const object = asObject(value, 'mix', fail);
  const shares: Record<Behaviour, number> = { normal: 0, heavy: 0, invalid: 0 };
  for (const [name, share] of Object.entries(object)) {
    if (!isBehaviour(name)) return fail(`mix has no behaviour '${name}'`);
    if (typeof share !== 'number' || !(share >= 0)) return fail(`mix.${name} must be a number >= 0`);
    shares[name] = share;
  }
  const mix = checkMix(shares);
  return typeof mix === 'string' ? fail(`mix: ${mix}`) : mix;
}
