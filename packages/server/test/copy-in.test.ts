// COPY FROM STDIN sent as one write: rows land; a COPY the server refuses (before the rows, or at
// a row) rejects with the server's error, none of its rows land, and the same connection answers
// the next statement (Postgres drops the CopyData and CopyDone that followed the refusal).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyIn, copyInMessages } from '../src/store/pg/copy-in.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';

describe('copyIn', () => {
  let db: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('CREATE TABLE copy_in_test (id int PRIMARY KEY, note text)');
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  const count = async () =>
    (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM copy_in_test')).rows[0]!.n;

  it('frames Query, CopyData and CopyDone in one buffer', () => {
    const message = copyInMessages('COPY t FROM STDIN', 'é\n');
    expect(message.subarray(0, 5)).toEqual(Buffer.from([0x51, 0, 0, 0, 4 + 17 + 1]));
    expect(message.subarray(5, 23).toString()).toBe('COPY t FROM STDIN\0');
    expect(message.subarray(23, 28)).toEqual(Buffer.from([0x64, 0, 0, 0, 4 + 3]));
    expect(message.subarray(28, 31).toString()).toBe('é\n');
    expect(message.subarray(31)).toEqual(Buffer.from([0x63, 0, 0, 0, 4]));
  });

  it('lands every row, and an empty batch too', async () => {
    await copyIn(client, 'COPY copy_in_test (id, note) FROM STDIN', '1\tone\n2\t\\N\n3\ttab\\there\n');
    await copyIn(client, 'COPY copy_in_test (id, note) FROM STDIN', '');
    const { rows } = await client.query('SELECT id, note FROM copy_in_test ORDER BY id');
    expect(rows).toEqual([
      { id: 1, note: 'one' },
      { id: 2, note: null },
      { id: 3, note: 'tab\there' },
    ]);
  });

  it('a row the table refuses rejects the whole COPY, and the connection goes on', async () => {
    const before = await count();
    const refused = copyIn(client, 'COPY copy_in_test (id, note) FROM STDIN', '10\tnew\n1\ttaken\n');
    await expect(refused).rejects.toMatchObject({ code: '23505', constraint: 'copy_in_test_pkey' });
    expect(await count()).toBe(before);
    await copyIn(client, 'COPY copy_in_test (id, note) FROM STDIN', '11\tafter\n');
    expect(await count()).toBe(before + 1);
  });

  it('a statement the server cannot run rejects, and the rows sent with it are dropped', async () => {
    const before = await count();
    const refused = copyIn(client, 'COPY no_such_table FROM STDIN', '1\tx\n');
    await expect(refused).rejects.toMatchObject({ code: '42P01' });
    const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
    expect(await count()).toBe(before);
  });
});
