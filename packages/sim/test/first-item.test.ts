// Buyers against a target whose items count from first_item_id: every checkout (a re-checkout
// too) names an item in [first, first + size), and every purchase says, from the code book, the
// buyer and item its code was issued for, exactly as the checkout that returned it.
import { contestProfile } from '@flashsale/protocol';
import { expect, it } from 'vitest';
import { createBuyerContext } from '../src/buyers/context.js';
import { SessionFactory } from '../src/buyers/mix.js';
import type { Step } from '../src/buyers/session.js';
import type { Mix } from '../src/config/mix.js';
import { parseMix } from '../src/config/mix.js';
import { defaultScenario } from '../src/config/scenario.js';
import { wholePopulation } from '../src/config/shard.js';
import { AnswerReader } from '../src/http/answer.js';

it.each(['normal=100', 'heavy=100'])(
  '%s buyers send item ids from first_item_id and attribute purchases',
  (mix) => {
    const firstItemId = 5;
    const saleSize = 10;
    const context = createBuyerContext(defaultScenario, saleSize, 10, firstItemId);
    const factory = new SessionFactory({
      seed: 3,
      mix: parseMix(mix) as Mix,
      shard: wholePopulation,
      users: 50,
      context,
    });
    const reader = new AnswerReader(contestProfile);
    const issued = new Map<string, { userId: string; itemId: number }>();
    let nextCode = 0;
    let purchases = 0;
    for (let n = 0; n < 50; n++) {
      const session = factory.createSession(n);
      let nowMs = 0;
      for (let step: Step | null = session.nextStep(nowMs); step !== null; step = session.nextStep(nowMs)) {
        nowMs += 1;
        if (step.endpoint === 'checkout') {
          expect(step.itemId as number).toBeGreaterThanOrEqual(firstItemId);
          expect(step.itemId as number).toBeLessThan(firstItemId + saleSize);
          const code = `code${nextCode++}`;
          issued.set(code, { userId: step.userId ?? '', itemId: step.itemId ?? -1 });
          session.onAnswer(reader.read('checkout', 201, Buffer.from(`code: ${code}`)), nowMs);
        } else {
          purchases += 1;
          expect({ userId: step.issuedUserId, itemId: step.issuedItemId }).toEqual(
            issued.get(step.code ?? ''),
          );
          session.onAnswer(reader.read('purchase', 200, Buffer.from('ok')), nowMs);
        }
      }
    }
    expect(purchases).toBeGreaterThan(0);
  },
);
