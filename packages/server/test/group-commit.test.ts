import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../src/store/group-commit.js';

function recorder(options: { maxBatchRows?: number; failOn?: number; maxFlushesInFlight?: number } = {}) {
  const batches: number[][] = [];
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  const commit = new GroupCommit<number, string>({
    name: 'test',
    maxBatchRows: options.maxBatchRows ?? 100,
    maxBatchWaitMs: 0,
    maxFlushesInFlight: options.maxFlushesInFlight ?? 1,
    flush: async (rows) => {
      batches.push([...rows]);
      if (gate !== undefined) await gate;
      if (options.failOn !== undefined && rows.includes(options.failOn)) throw new Error('boom');
      return rows.map((r) => `row ${r}`);
    },
  });
  return {
    commit,
    batches,
    hold() {
      gate = new Promise((resolve) => {
        release = () => {
          gate = undefined;
          resolve();
        };
      });
    },
    release: () => release?.(),
  };
}

describe('GroupCommit', () => {
  it('rows enqueued in the same tick share one flush and each reads its own result', async () => {
    const { commit, batches } = recorder();
    const tickets = [1, 2, 3].map((n) => commit.enqueue(n));
    const results = await Promise.all(tickets.map(async (t) => (await t.batch)[t.index]));
    expect(results).toEqual(['row 1', 'row 2', 'row 3']);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('with one flush in flight, rows that arrive meanwhile form the next batch', async () => {
    const r = recorder();
    r.hold();
    const first = r.commit.enqueue(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.batches).toEqual([[1]]);
    const later = [2, 3, 4].map((n) => r.commit.enqueue(n));
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.batches).toHaveLength(1); // still waiting on the first
    r.release();
    await first.batch;
    await Promise.all(later.map((t) => t.batch));
    expect(r.batches).toEqual([[1], [2, 3, 4]]);
  });

  it("rows that gathered during a flush are sent before that flush's requests are answered", async () => {
    const r = recorder();
    r.hold();
    const first = r.commit.enqueue(1);
    await new Promise((resolve) => setImmediate(resolve));
    r.commit.enqueue(2);
    // What the first batch's request sees when it is answered: the second batch already sent.
    const seenAtAnswer = first.batch.then(() => r.batches.length);
    r.release();
    expect(await seenAtAnswer).toBe(2);
  });

  it('with two flushes allowed, a second batch starts while the first is in flight, and no third', async () => {
    const r = recorder({ maxFlushesInFlight: 2 });
    r.hold();
    const first = r.commit.enqueue(1);
    await new Promise((resolve) => setImmediate(resolve));
    const second = r.commit.enqueue(2);
    await new Promise((resolve) => setImmediate(resolve));
    const third = [3, 4].map((n) => r.commit.enqueue(n));
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.batches).toEqual([[1], [2]]);
    r.release();
    await Promise.all([first.batch, second.batch, ...third.map((t) => t.batch)]);
    expect(r.batches).toEqual([[1], [2], [3, 4]]);
  });

  it('a batch never exceeds maxBatchRows', async () => {
    const r = recorder({ maxBatchRows: 4 });
    const tickets = Array.from({ length: 10 }, (_, i) => r.commit.enqueue(i));
    await Promise.all(tickets.map((t) => t.batch));
    expect(r.batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(r.batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a failed flush rejects only its own batch, and the queue goes on', async () => {
    const r = recorder({ failOn: 2 });
    const bad = r.commit.enqueue(2);
    await expect(bad.batch).rejects.toThrow('boom');
    const good = r.commit.enqueue(3);
    expect((await good.batch)[good.index]).toBe('row 3');
  });

  it('drain resolves once every queued row is flushed', async () => {
    const r = recorder();
    r.hold();
    r.commit.enqueue(1);
    r.commit.enqueue(2);
    let drained = false;
    const done = r.commit.drain().then(() => {
      drained = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    expect(r.commit.queuedRows).toBe(2);
    r.release();
    await done;
    expect(r.commit.queuedRows).toBe(0);
  });
});
