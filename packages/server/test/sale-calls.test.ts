// The per-sale lanes of the batched script calls, with a fake `send` whose calls answer when told.
import { describe, expect, it } from 'vitest';
import { createSaleCalls } from '../src/admission/sale-calls.js';

type Sent = {
  kind: string;
  saleId: number;
  inputs: string[];
  answer: (replies: unknown[]) => void;
  fail: (error: Error) => void;
};

function fakeCalls(isSlotShared: boolean, maxPerCall = 10) {
  const sent: Sent[] = [];
  const kindOf = (kind: string) => ({
    maxPerCall,
    send: (saleId: number, inputs: readonly string[]) =>
      new Promise<readonly unknown[]>((resolve, reject) => {
        sent.push({ kind, saleId, inputs: [...inputs], answer: resolve, fail: reject });
      }),
    decode: (reply: unknown) => {
      if (typeof reply !== 'string') throw new Error('no reply');
      return reply;
    },
  });
  const calls = createSaleCalls(
    { checkout: kindOf('checkout'), purchase: kindOf('purchase') },
    { isSlotShared },
  );
  const echo = (call: Sent) => call.answer(call.inputs.map((input) => `${input}!`));
  return { calls, sent, echo };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('sale calls', () => {
  it('sends the inputs of a turn as one call per sale and kind, and those asked while it is out as the next', async () => {
    const { calls, sent, echo } = fakeCalls(false);
    const first = [
      calls.ask('checkout', 1, 'a'),
      calls.ask('checkout', 1, 'b'),
      calls.ask('checkout', 2, 'c'),
    ];
    await turn();
    expect(sent.map((s) => [s.saleId, s.inputs])).toEqual([
      [1, ['a', 'b']],
      [2, ['c']],
    ]);
    const later = [calls.ask('checkout', 1, 'd'), calls.ask('checkout', 1, 'e')];
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

  it('without a shared slot, a sale call of one kind out holds up none of the other kind; with one, it does', async () => {
    const apart = fakeCalls(false);
    void apart.calls.ask('checkout', 1, 'a');
    await turn();
    const bought = apart.calls.ask('purchase', 1, 'b');
    await turn();
    expect(apart.sent.map((s) => s.kind)).toEqual(['checkout', 'purchase']);
    apart.echo(apart.sent[1]!);
    expect(await bought).toBe('b!');

    const shared = fakeCalls(true);
    const held = shared.calls.ask('checkout', 1, 'a');
    await turn();
    const waiting = shared.calls.ask('purchase', 1, 'b');
    await turn();
    expect(shared.sent.map((s) => s.kind)).toEqual(['checkout']);
    shared.echo(shared.sent[0]!);
    expect(await held).toBe('a!');
    expect(shared.sent.map((s) => s.kind)).toEqual(['checkout', 'purchase']);
    shared.echo(shared.sent[1]!);
    expect(await waiting).toBe('b!');
  });

  it('splits a turn over calls of at most maxPerCall, and sends the next batch only when all of them answered', async () => {
    const { calls, sent, echo } = fakeCalls(false, 2);
    const asked = ['a', 'b', 'c', 'd', 'e'].map((input) => calls.ask('purchase', 7, input));
    await turn();
    expect(sent.map((s) => s.inputs)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    const next = calls.ask('purchase', 7, 'f');
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
    const { calls, sent, echo } = fakeCalls(false);
    const failing = [calls.ask('checkout', 3, 'a'), calls.ask('checkout', 3, 'b')];
    await turn();
    const after = calls.ask('checkout', 3, 'c');
    sent[0]!.fail(new Error('connection lost'));
    await expect(failing[0]).rejects.toThrow('connection lost');
    await expect(failing[1]).rejects.toThrow('connection lost');
    const short = calls.ask('checkout', 3, 'd');
    echo(sent[1]!);
    expect(await after).toBe('c!');
    await turn();
    sent[2]!.answer([]);
    await expect(short).rejects.toThrow('no reply');
  });
});
