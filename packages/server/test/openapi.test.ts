// docs/openapi.yaml must describe what the server does: the same routes and methods, and every
// answer the server gives validates against the documented schema for its status.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { statusOf } from '../src/http/respond.js';
import { buildRoutes } from '../src/http/routes.js';
import type { SaleDeps } from '../src/sale/deps.js';
import { createWorld, type World } from './support/server.js';

type Operation = {
  responses: Record<string, { content?: Record<string, { schema: unknown }>; $ref?: string }>;
};
type Doc = {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, unknown>>;
};

const doc = parse(readFileSync(new URL('../../../docs/openapi.yaml', import.meta.url), 'utf8')) as Doc;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ ...doc, $id: 'openapi' });

const escapePointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** A schema that points into the document, so its own `$ref`s resolve there. */
function schemaFor(path: string, method: string, status: number): object {
  const operation = doc.paths[path]?.[method];
  expect(operation, `${method.toUpperCase()} ${path} is documented`).toBeDefined();
  let pointer = `/paths/${escapePointer(path)}/${method}/responses/${status}`;
  let response = operation!.responses[String(status)];
  expect(response, `${method.toUpperCase()} ${path} documents ${status}`).toBeDefined();
  if (response!.$ref !== undefined) {
    const name = response!.$ref.split('/').at(-1)!;
    pointer = `/components/responses/${name}`;
    response = doc.components.responses![name] as typeof response;
  }
  const mediaType = Object.keys(response!.content!)[0]!;
  return { $ref: `openapi#${pointer}/content/${escapePointer(mediaType)}/schema` };
}

let world: World;
beforeAll(async () => {
  world = await createWorld({ saleSize: '20', userLimit: '1' });
});
afterAll(() => world.close());

describe('docs/openapi.yaml', () => {
  it('documents exactly the routes and methods the server serves', () => {
    const routes = buildRoutes({ config: { saleSize: 1 } } as SaleDeps, async () => ({
      contentType: '',
      text: '',
    }));
    const served = [...routes].map(([path, entry]) => `${entry.method} ${path}`).sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(served);
  });

  it('lists every error code the server can answer with', () => {
    const schema = doc.components.schemas!.Error as { properties: { error: { enum: string[] } } };
    expect([...schema.properties.error.enum].sort()).toEqual(Object.keys(statusOf).sort());
  });

  it('validates every kind of answer the server gives', async () => {
    const seen: string[] = [];
    const check = async (method: 'GET' | 'POST', pathAndQuery: string, expectedStatus: number) => {
      const path = pathAndQuery.split('?')[0]!;
      const answer = await world.call(method, pathAndQuery);
      expect(answer.status, pathAndQuery).toBe(expectedStatus);
      const validate = ajv.compile(schemaFor(path, method.toLowerCase(), answer.status));
      const body = path === '/metrics' ? answer.body.text : answer.body;
      expect(validate(body), `${method} ${pathAndQuery}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      seen.push(`${method} ${path} ${answer.status}`);
      return answer;
    };

    const hold = await check('POST', '/checkout?user_id=ann&id=1', 200);
    await check('POST', '/checkout?user_id=ann&id=2', 403);
    await check('POST', '/checkout?user_id=ben&id=1', 409);
    await check('POST', '/checkout?user_id=ann', 400);
    await check('POST', `/purchase?code=${hold.body.code}`, 200);
    await check('POST', `/purchase?code=${hold.body.code}`, 200);
    await check('POST', `/purchase?code=${hold.body.sale_id}.${'x'.repeat(22)}`, 404);
    await check('POST', '/purchase?code=nope', 400);
    const late = await check('POST', '/checkout?user_id=cid&id=3', 200);
    world.clock.advance(31_000);
    await check('POST', `/purchase?code=${late.body.code}`, 410);
    await check('GET', '/sale', 200);
    await check('GET', '/sale/items?limit=5', 200);
    await check('GET', '/sale/items?limit=5000', 400);
    await check('GET', '/health', 200);
    await check('GET', '/health/live', 200);
    await check('GET', '/health/ready', 200);
    await check('GET', '/metrics', 200);
    expect(seen).toHaveLength(17);
  });
});
