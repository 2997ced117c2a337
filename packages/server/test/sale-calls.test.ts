// The per-sale lanes of the batched script calls, with a fake `send` whose calls answer when told.
import { describe, expect, it } from 'vitest';
import { createSaleCalls } from '../src/admission/sale-calls.js';

type Sent = {
  saleId: number;
  inputs: string[];
  answer: (replies: unknown[]) => void;
  fail: (error: Error) => void;
};

function fakeCalls({ maxPerCall = 10, maxCallsOut = 1, sendAt = Number.POSITIVE_INFINITY } = {}) {
  const sent: Sent[] = [];
  const calls: Array<{ inputs: number; seconds: number }> = [];
  const ask = createSaleCalls({
    maxPerCall,
    maxCallsOut,
    sendAt,
    send: (saleId: number, inputs: readonly string[]) =>
      new Promise<readonly unknown[]>((resolve, reject) => {
        sent.push({ saleId, inputs: [...inputs], answer: resolve, fail: reject });
      }),
    decode: (reply: unknown) => {
      if (typeof reply !== 'string') throw new Error('no reply');
      return reply;
    },
    onCall: (inputs, seconds) => calls.push({ inputs, seconds }),
  });
  const echo = (call: Sent) => call.answer(call.inputs.map((input) => `${input}!`));
  return { ask, sent, echo, calls };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('sale calls', () => {
  it('with one call allowed, sends the inputs of a turn as one call per sale, and those asked while it is out as the next', async () => {
    const { ask, sent, echo } = fakeCalls();
    const first = [ask(1, 'a'), ask(1, 'b'), ask(2, 'c')];
    await turn();
    expect(sent.map((s) => [s.saleId, s.inputs])).toEqual([
      [1, ['a', 'b']],
      [2, ['c']],
    ]);
    const later = [ask(1, 'd'), ask(1, 'e')];
    await turn();
    expect(sent).toHaveLength(2); // sale 1's call is out
    echo(sent[0]!);
    expect(await Promise.all(first.slice(0, 2))).toEqual(['a!', 'b!']);
    expect(sent[2]!.inputs).toEqual(['d', 'e']);
    echo(sent[2]!);
    expect(await Promise.all(later)).toEqual(['d!', 'e!']);
    echo(sent[1]!);
    expect(await first[2]).toBe('c!');
  });

  it('splits a turn over calls of at most maxPerCall, and sends the next batch only when all of them answered', async () => {
    const { ask, sent, echo } = fakeCalls({ maxPerCall: 2 });
    const asked = ['a', 'b', 'c', 'd', 'e'].map((input) => ask(7, input));
    await turn();
    expect(sent.map((s) => s.inputs)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    const next = ask(7, 'f');
    echo(sent[0]!);
    echo(sent[2]!);
    await Promise.all([asked[0], asked[4]]);
    expect(sent).toHaveLength(3); // one call of the turn is still out
    echo(sent[1]!);
    expect(await Promise.all(asked)).toEqual(['a!', 'b!', 'c!', 'd!', 'e!']);
    expect(sent[3]!.inputs).toEqual(['f']);
    echo(sent[3]!);
    expect(await next).toBe('f!');
  });

  it('a failed call rejects each of its inputs, a reply missing rejects only its input, and the lane goes on', async () => {
    const { ask, sent, echo } = fakeCalls();
    const failing = [ask(3, 'a'), ask(3, 'b')];
    await turn();
    const after = ask(3, 'c');
    sent[0]!.fail(new Error('connection lost'));
    await expect(failing[0]).rejects.toThrow('connection lost');
    await expect(failing[1]).rejects.toThrow('connection lost');
    const short = ask(3, 'd');
    echo(sent[1]!);
    expect(await after).toBe('c!');
    await turn();
    sent[2]!.answer([]);
    await expect(short).rejects.toThrow('no reply');
  });

  it('with two calls allowed, a second goes out while the first is in flight, and a third waits for an answer', async () => {
    const { ask, sent, echo } = fakeCalls({ maxCallsOut: 2 });
    const first = ask(4, 'a');
    await turn();
    const second = ask(4, 'b');
    await turn();
    const third = [ask(4, 'c'), ask(4, 'd')];
    await turn();
    expect(sent.map((s) => s.inputs)).toEqual([['a'], ['b']]);
    echo(sent[1]!); // answers out of order still free a slot
    expect(await second).toBe('b!');
    expect(sent[2]!.inputs).toEqual(['c', 'd']);
    echo(sent[0]!);
    echo(sent[2]!);
    expect(await Promise.all([first, ...third])).toEqual(['a!', 'c!', 'd!']);
  });

  it('sends sendAt waiting inputs at once, before the turn ends, and the rest of the turn at its end', async () => {
    const { ask, sent, echo } = fakeCalls({ maxCallsOut: 2, sendAt: 3 });
    const asked = ['a', 'b', 'c'].map((input) => ask(5, input));
    expect(sent.map((s) => s.inputs)).toEqual([['a', 'b', 'c']]); // no turn has passed
    asked.push(ask(5, 'd'), ask(5, 'e'));
    expect(sent).toHaveLength(1);
    await turn();
    expect(sent.map((s) => s.inputs)).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    // Both slots taken: more waits for an answer, however many arrive.
    const later = ['f', 'g', 'h', 'i'].map((input) => ask(5, input));
    await turn();
    expect(sent).toHaveLength(2);
    echo(sent[0]!);
    echo(sent[1]!);
    expect(await Promise.all(asked)).toEqual(['a!', 'b!', 'c!', 'd!', 'e!']);
    expect(sent[2]!.inputs).toEqual(['f', 'g', 'h', 'i']);
    echo(sent[2]!);
    expect(await Promise.all(later)).toEqual(['f!', 'g!', 'h!', 'i!']);
  });

  it('tells onCall of each call once it answered or failed: its inputs and how long it was out', async () => {
    const { ask, sent, echo, calls } = fakeCalls({ maxCallsOut: 2 });
    const answered = [ask(1, 'a'), ask(1, 'b'), ask(1, 'c')];
    await turn();
    const failed = ask(1, 'd').catch((error: Error) => error.message);
    await turn();
    expect(calls).toEqual([]); // both out, neither answered
    await new Promise((resolve) => setTimeout(resolve, 20));
    echo(sent[0]!);
    sent[1]!.fail(new Error('gone'));
    expect(await Promise.all(answered)).toEqual(['a!', 'b!', 'c!']);
    expect(await failed).toBe('gone');
    expect(calls.map((c) => c.inputs)).toEqual([3, 1]);
    for (const call of calls) expect(call.seconds).toBeGreaterThanOrEqual(0.015);
  });
});
