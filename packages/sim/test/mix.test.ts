import { behaviours } from '@flashsale/protocol';
import { describe, expect, it } from 'vitest';
import { createBuyerContext } from '../src/buyers/context.js';
import { SessionFactory } from '../src/buyers/mix.js';
import { type Mix, parseMix } from '../src/config/mix.js';
import { defaultScenario } from '../src/config/scenario.js';
import { wholePopulation } from '../src/config/shard.js';
import { noAnswer, readAnswer } from '../src/http/answer.js';
import { driveSessions, driveSessionsInShop } from './support/drive.js';

function shareOfSessions(mix: Mix, seed: number, sessions: number): Record<string, number> {
  const factory = new SessionFactory({
    seed,
    mix,
    shard: wholePopulation,
    users: 1_000_000,
    context: createBuyerContext(defaultScenario, 10_000, 10),
  });
  const counts: Record<string, number> = { normal: 0, heavy: 0, invalid: 0 };
  for (let n = 0; n < sessions; n++) {
    const behaviour = factory.createSession(n).behaviour;
    counts[behaviour] = (counts[behaviour] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([name, count]) => [name, (100 * count) / sessions]));
}

describe('the buyer mix', () => {
  it.each([
    'normal=70,heavy=20,invalid=10',
    'normal=50,heavy=50',
    'normal=10,heavy=30,invalid=60',
    'invalid=100',
  ])('over 10,000 sessions the shares of %s are within 2 points', (text) => {
    const mix = parseMix(text) as Mix;
    const shares = shareOfSessions(mix, 11, 10_000);
    for (const name of behaviours) expect(Math.abs((shares[name] ?? 0) - mix[name])).toBeLessThan(2);
  });

  it.each([
    ['normal=70,heavy=20', 'shares add up to 90, not 100'],
    ['normal=70,heavy=20,greedy=10', "'greedy' is not a behaviour"],
    ['normal:100', "'normal:100' is not behaviour=share"],
  ])('the mix %s is refused: %s', (text, reason) => {
    expect(parseMix(text)).toContain(reason);
  });
});

describe('determinism', () => {
  const signature = (seed: number) =>
    driveSessions({ seed, sessions: 300 }).map(
      (step) =>
        `${step.behaviour} ${step.endpoint} ${step.userId} ${step.itemId} ${step.endpoint === 'checkout' ? step.path : ''}`,
    );

  it('the same seed gives the same sequence of requests', () => {
    const first = signature(42);
    expect(first.length).toBeGreaterThan(300);
    expect(signature(42)).toEqual(first);
  });

  it('another seed gives another sequence', () => {
    expect(signature(43)).not.toEqual(signature(42));
  });

  it('buyer ids are valid user ids and depend on the seed', () => {
    const steps = driveSessions({ seed: 9, sessions: 50, mix: { normal: 100, heavy: 0, invalid: 0 } });
    for (const step of steps)
      if (step.userId !== null) expect(step.userId).toMatch(/^[A-Za-z0-9_.:-]{1,64}$/);
    expect(steps[0]?.userId).toBe('s9.u0');
  });
});

describe('shards', () => {
  it('shards never share a buyer: shard i of n plays only buyers whose index is i mod n', () => {
    const usersOf = (index: number) =>
      new Set(
        driveSessions({ seed: 5, sessions: 200, users: 150, shard: { index, count: 3 } })
          .filter((step) => step.endpoint === 'checkout' && step.behaviour !== 'invalid')
          .map((step) => step.userId),
      );
    const shards = [usersOf(0), usersOf(1), usersOf(2)];
    shards.forEach((users, index) => {
      expect(users.size).toBeGreaterThan(0);
      for (const user of users) expect(Number(String(user).split('.u')[1]) % 3).toBe(index);
    });
    const all = shards.flatMap((users) => [...users]);
    expect(new Set(all).size).toBe(all.length);
  });

  it('--users bounds the population: buyers come back once all have shopped', () => {
    const users = new Set(
      driveSessions({ seed: 5, sessions: 100, users: 10, mix: { normal: 100, heavy: 0, invalid: 0 } }).map(
        (step) => step.userId,
      ),
    );
    users.delete(null);
    expect(users.size).toBe(10);
  });
});

describe('behaviours against the reference shop', () => {
  const { steps, shop } = driveSessionsInShop({ seed: 21, sessions: 2000, users: 300, saleSize: 400 });

  it('heavy buyers buy up to the limit, then keep trying and hear user_limit', () => {
    const limited = steps.filter((step) => step.behaviour === 'heavy' && step.status === 403);
    expect(limited.length).toBeGreaterThan(0);
    for (const step of limited) expect(shop.ownedBy(String(step.userId))).toBe(shop.userLimit);
  });

  it('heavy buyers sometimes check out an item they hold again', () => {
    const heavyCheckouts = steps.filter((step) => step.behaviour === 'heavy' && step.endpoint === 'checkout');
    const repeats = heavyCheckouts.filter(
      (step, i) => heavyCheckouts[i - 1]?.path === step.path && step.status === 200,
    );
    expect(repeats.length).toBeGreaterThan(0);
  });

  it('invalid buyers get only 4xx answers, or 200 replayed for an already used code', () => {
    const invalid = steps.filter((step) => step.behaviour === 'invalid');
    expect(invalid.length).toBeGreaterThan(100);
    for (const step of invalid) {
      const isRejected = step.status >= 400 && step.status < 500;
      const isReplay = step.status === 200 && step.endpoint === 'purchase' && step.isReplayed;
      expect({ path: step.path, isRejectedOrReplay: isRejected || isReplay }).toEqual({
        path: step.path,
        isRejectedOrReplay: true,
      });
    }
    const statuses = new Set(invalid.map((step) => step.status));
    expect([...statuses].sort()).toEqual(expect.arrayContaining([400, 404]));
  });

  it('normal buyers buy a few items each', () => {
    const bought = steps.filter(
      (step) => step.behaviour === 'normal' && step.endpoint === 'purchase' && step.status === 200,
    );
    expect(bought.length).toBeGreaterThan(50);
  });
});

describe('purchase retries', () => {
  /** Purchases a session sends with its first code when every purchase gets no answer. */
  function purchasesWithOneCode(behaviour: 'normal' | 'heavy', purchaseRetries: number): number {
    const scenario = {
      ...defaultScenario,
      normal: { ...defaultScenario.normal, abandonRate: 0, purchaseRetries },
      heavy: { ...defaultScenario.heavy, recheckoutRate: 0, purchaseRetries },
    };
    const mix: Mix = { normal: 0, heavy: 0, invalid: 0, [behaviour]: 100 };
    const context = createBuyerContext(scenario, 1000, 10);
    const factory = new SessionFactory({ seed: 5, mix, shard: wholePopulation, users: 1000, context });
    const session = factory.createSession(0);
    const checkout = session.nextStep(0);
    expect(checkout?.endpoint).toBe('checkout');
    const code = 'sale.held-code-0000000000';
    session.onAnswer(readAnswer(200, Buffer.from(JSON.stringify({ code, item_id: checkout?.itemId }))), 0);
    let purchases = 0;
    for (let step = session.nextStep(0); step?.endpoint === 'purchase'; step = session.nextStep(0)) {
      expect(step.code).toBe(code);
      purchases += 1;
      session.onAnswer(noAnswer('timeout'), 0);
    }
    return purchases;
  }

  it.each([
    ['normal', 0],
    ['normal', 2],
    ['heavy', 0],
    ['heavy', 3],
  ] as const)(
    'a %s buyer with purchase_retries %i repeats an unanswered purchase that often, then moves on',
    (behaviour, retries) => {
      expect(purchasesWithOneCode(behaviour, retries)).toBe(1 + retries);
    },
  );

  it('the defaults: normal buyers retry twice, heavy buyers once', () => {
    expect(defaultScenario.normal.purchaseRetries).toBe(2);
    expect(defaultScenario.heavy.purchaseRetries).toBe(1);
  });
});
