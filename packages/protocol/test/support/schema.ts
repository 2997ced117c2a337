// The ledger line's JSON Schema, loaded and compiled once per test file.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';

export type LineSchema = {
  $defs: Record<'request' | 'fault', { required: string[]; properties: Record<string, { enum?: string[] }> }>;
};

export const schema = JSON.parse(
  readFileSync(new URL('../../src/ledger-line.schema.json', import.meta.url), 'utf8'),
) as LineSchema;

const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
const validate = ajv.compile(schema);

/** Whether a line's text is valid by the schema (not JSON is not valid). */
export function isValidBySchema(text: string): boolean {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return false;
  }
  return validate(document);
}
