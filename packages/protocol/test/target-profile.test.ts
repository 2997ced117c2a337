// A target profile is said twice, by parseTargetProfile and by target-profile.schema.json: both
// take the example profile, both refuse every bad key, and the parser's one-line error names it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  contestProfile,
  defaultProfile,
  ProfileError,
  parseTargetProfile,
  readTargetProfile,
} from '../src/target-profile.js';

const schema = JSON.parse(
  readFileSync(new URL('../src/target-profile.schema.json', import.meta.url), 'utf8'),
) as object;
const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
addFormats.default(ajv, ['regex']);
const validate = ajv.compile(schema);

/** The README's example: every key given. */
const example = {
  name: 'shop-go',
  description: 'a Go service: 201 on checkout, text refusals, items from 1',
  checkout: {
    success_statuses: [201],
    code_field: 'code',
    code_pattern: 'code: ([A-Za-z0-9-]+)',
    expires_field: null,
  },
  purchase: {
    success_statuses: [200, 201],
    purchase_id_field: 'id',
    item_field: 'item',
    replayed_field: null,
  },
  refusals: [
    { endpoint: 'checkout', status: 409, body_pattern: 'sold', outcome: 'sold_out' },
    { endpoint: 'checkout', status: [409, 423], outcome: 'item_held' },
    { status: 403, json_field: 'reason', equals: 'limit', outcome: 'user_limit' },
    { endpoint: 'purchase', status: 404, outcome: 'unknown_code' },
  ],
  first_item_id: 1,
  sale_size: 500,
  user_limit: 3,
  has_sale_endpoint: false,
};

const bad: ReadonlyArray<[string, unknown, string]> = [
  ['not an object', [], 'a profile is a JSON object'],
  ['an unknown key', { sale_sise: 5 }, '"sale_sise" is not a profile key'],
  ['name', { name: '' }, '"name" is not a non-empty text'],
  ['description', { description: 7 }, '"description" is not a non-empty text'],
  ['checkout', { checkout: 'x' }, '"checkout" is not a JSON object'],
  ['an unknown checkout key', { checkout: { code: 'x' } }, '"checkout.code" is not a profile key'],
  [
    'checkout.success_statuses',
    { checkout: { success_statuses: [] } },
    '"checkout.success_statuses" is not a non-empty list',
  ],
  [
    'a checkout status',
    { checkout: { success_statuses: [201, 999] } },
    '"checkout.success_statuses[1]" is not an HTTP status',
  ],
  ['checkout.code_field', { checkout: { code_field: 3 } }, '"checkout.code_field" is not a non-empty text'],
  [
    'checkout.code_pattern',
    { checkout: { code_pattern: '([a-z' } },
    '"checkout.code_pattern" is not a regular expression',
  ],
  [
    'no way to find a code',
    { checkout: { code_field: null, code_pattern: null } },
    '"checkout.code_field" and checkout.code_pattern are both null',
  ],
  ['checkout.expires_field', { checkout: { expires_field: false } }, '"checkout.expires_field" is not'],
  ['purchase', { purchase: 1 }, '"purchase" is not a JSON object'],
  ['an unknown purchase key', { purchase: { id: 'x' } }, '"purchase.id" is not a profile key'],
  [
    'purchase.success_statuses',
    { purchase: { success_statuses: 200 } },
    '"purchase.success_statuses" is not a non-empty list',
  ],
  [
    'purchase.purchase_id_field',
    { purchase: { purchase_id_field: '' } },
    '"purchase.purchase_id_field" is not',
  ],
  ['purchase.item_field', { purchase: { item_field: [] } }, '"purchase.item_field" is not'],
  ['purchase.replayed_field', { purchase: { replayed_field: 1 } }, '"purchase.replayed_field" is not'],
  ['refusals', { refusals: {} }, '"refusals" is not a list of refusal rules'],
  ['a refusal', { refusals: [5] }, '"refusals[0]" is not a JSON object'],
  [
    'a refusal key',
    { refusals: [{ status: 409, outcome: 'sold_out', when: 1 }] },
    '"refusals[0].when" is not a profile key',
  ],
  [
    'a refusal endpoint',
    { refusals: [{ endpoint: 'sale', status: 409, outcome: 'sold_out' }] },
    '"refusals[0].endpoint" is not checkout or purchase',
  ],
  ['a refusal without status', { refusals: [{ outcome: 'sold_out' }] }, '"refusals[0].status" is missing'],
  [
    'a refusal status',
    { refusals: [{ status: 99, outcome: 'sold_out' }] },
    '"refusals[0].status" is not an HTTP status',
  ],
  [
    'a refusal status list',
    { refusals: [{ status: [409, 'x'], outcome: 'sold_out' }] },
    '"refusals[0].status[1]" is not an HTTP status',
  ],
  [
    'a refusal json_field',
    { refusals: [{ status: 409, json_field: '', equals: 'x', outcome: 'sold_out' }] },
    '"refusals[0].json_field" is not',
  ],
  [
    'json_field without equals',
    { refusals: [{ status: 409, json_field: 'error', outcome: 'sold_out' }] },
    '"refusals[0].equals" is missing',
  ],
  [
    'equals without json_field',
    { refusals: [{ status: 409, equals: 'x', outcome: 'sold_out' }] },
    '"refusals[0].json_field" is missing',
  ],
  [
    'a refusal body_pattern',
    { refusals: [{ status: 409, body_pattern: '*', outcome: 'sold_out' }] },
    '"refusals[0].body_pattern" is not a regular expression',
  ],
  [
    'a refusal outcome',
    { refusals: [{ status: 409, outcome: 'gone' }] },
    '"refusals[0].outcome" is not one of sold_out',
  ],
  ['first_item_id', { first_item_id: -1 }, '"first_item_id" is not a whole number >= 0'],
  ['sale_size', { sale_size: 0 }, '"sale_size" is not a whole number >= 1'],
  ['user_limit', { user_limit: 2.5 }, '"user_limit" is not a whole number >= 1'],
  ['has_sale_endpoint', { has_sale_endpoint: 'no' }, '"has_sale_endpoint" is not true or false'],
];

describe('a profile is checked before any load, with one line naming the bad key', () => {
  it.each(bad)('%s', (_name, document, message) => {
    expect(() => parseTargetProfile(document)).toThrow(ProfileError);
    expect(() => parseTargetProfile(document)).toThrow(message);
    expect(validate(document), 'the schema refuses it too').toBe(false);
  });

  it('the error keeps the key for callers to show', () => {
    try {
      parseTargetProfile({ checkout: { success_statuses: [201, 'x'] } });
      expect.unreachable();
    } catch (error) {
      expect((error as ProfileError).key).toBe('checkout.success_statuses[1]');
      expect((error as Error).message).not.toContain('\n');
    }
  });
});

describe('a good profile', () => {
  it('the example is taken by the schema and read whole', () => {
    expect(validate(example)).toBe(true);
    const profile = parseTargetProfile(example);
    expect(profile.checkout).toEqual({
      successStatuses: [201],
      codeField: 'code',
      codePattern: 'code: ([A-Za-z0-9-]+)',
      expiresField: null,
    });
    expect(profile.refusals[1]).toEqual({
      endpoint: 'checkout',
      statuses: [409, 423],
      jsonField: null,
      equals: null,
      bodyPattern: null,
      outcome: 'item_held',
    });
    expect([profile.firstItemId, profile.saleSize, profile.userLimit, profile.hasSaleEndpoint]).toEqual([
      1,
      500,
      3,
      false,
    ]);
  });

  it('an empty profile is our own service', () => {
    expect(validate({})).toBe(true);
    expect(parseTargetProfile({})).toEqual({ ...defaultProfile, name: 'custom' });
  });

  it('says only where it differs: the rest is the default', () => {
    const profile = parseTargetProfile({ checkout: { success_statuses: [201] } });
    expect(profile.checkout.codeField).toBe('code');
    expect(profile.purchase).toEqual(defaultProfile.purchase);
    expect(profile.refusals).toEqual(defaultProfile.refusals);
  });
});

describe('readTargetProfile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'profile-'));

  it('knows the built-in profiles by name', () => {
    expect(readTargetProfile('contest')).toBe(contestProfile);
    expect(readTargetProfile('default')).toBe(defaultProfile);
  });

  it('reads a file', () => {
    const path = join(dir, 'p.json');
    writeFileSync(path, JSON.stringify(example));
    expect(readTargetProfile(path).name).toBe('shop-go');
  });

  it('says when the file is missing or not JSON', () => {
    expect(() => readTargetProfile(join(dir, 'missing.json'))).toThrow(/nor a readable file \(ENOENT\)/);
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{');
    expect(() => readTargetProfile(path)).toThrow(/is not JSON/);
  });

  it('the contest profile finds codes in JSON and in text bodies', () => {
    const pattern = new RegExp(contestProfile.checkout.codePattern ?? '', 'i');
    expect(pattern.exec('AbC123xyz')?.[1]).toBe('AbC123xyz');
    expect(pattern.exec('Your code: k3J-9x_zz\n')?.[1]).toBe('k3J-9x_zz');
    expect(pattern.exec('checkout ok, code is q1w2e3r4')?.[1]).toBe('q1w2e3r4');
  });
});

it("the README's example profile is valid by the schema and the checks", () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Pointing it at another service'));
  const block = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
  expect(block).toBeDefined();
  const document = JSON.parse(block ?? '') as unknown;
  expect(validate(document)).toBe(true);
  expect(parseTargetProfile(document).name).toBe('shop-go');
});
