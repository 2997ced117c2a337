import { describe, expect, it } from 'vitest';
import { adminQuery, createTestDatabase, schemaTemplatePrefix, templateName } from './support/db.js';
import { setup } from './support/global-setup.js';

const exists = async (name: string) =>
  ((await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0;

describe('the test run template', () => {
  it('a second run makes and drops its own template and leaves another run’s template and clones alone', async () => {
    // What another checkout's test run has right now: its template (same schema) and a clone of it.
    const other = `${schemaTemplatePrefix()}_other${Date.now() % 100000}`;
    await adminQuery(`CREATE DATABASE ${other} TEMPLATE ${templateName()}`);
    const clone = await createTestDatabase();
    try {
      let provided: string | undefined;
      const project = { provide: (_key: string, value: string) => (provided = value) };
      const teardown = await setup(project as never);
      expect(provided).toMatch(new RegExp(`^${schemaTemplatePrefix()}_[0-9a-f]{8}$`));
      expect(await exists(provided!)).toBe(true);
      expect(await exists(other)).toBe(true);
      expect(await exists(clone.name)).toBe(true);
      await teardown();
      expect(await exists(provided!)).toBe(false);
      expect(await exists(other)).toBe(true);
      expect(await exists(templateName())).toBe(true);
    } finally {
      await clone.drop();
      await adminQuery(`DROP DATABASE IF EXISTS ${other} WITH (FORCE)`);
    }
  });
});
