// Drives buyer sessions one after another against an in-memory Shop, without HTTP or timers, so
// tests can look at exactly which requests sessions make for a seed.
import { createBuyerContext } from '../../src/buyers/context.js';
import { SessionFactory } from '../../src/buyers/mix.js';
import type { Step } from '../../src/buyers/session.js';
import { defaultMix, type Mix } from '../../src/config/mix.js';
import { defaultScenario } from '../../src/config/scenario.js';
import { type Shard, wholePopulation } from '../../src/config/shard.js';
import { readAnswer } from '../../src/http/answer.js';
import { Shop } from './shop.js';

export type DrivenStep = Step & Readonly<{ status: number; isReplayed: boolean; behaviour: string }>;

export type DriveOptions = Readonly<{
  seed: number;
  sessions: number;
  mix?: Mix;
  shard?: Shard;
  users?: number;
  saleSize?: number;
}>;

export function driveSessions(options: DriveOptions): DrivenStep[] {
  return driveSessionsInShop(options).steps;
}

export function driveSessionsInShop(options: DriveOptions): { steps: DrivenStep[]; shop: Shop } {
  const saleSize = options.saleSize ?? 1000;
  const shop = new Shop({ saleSize, nowMs: () => 0 });
  const context = createBuyerContext(defaultScenario, saleSize, shop.userLimit);
  const factory = new SessionFactory({
    seed: options.seed,
    mix: options.mix ?? defaultMix,
    shard: options.shard ?? wholePopulation,
    users: options.users ?? 1_000_000,
    context,
  });
  const steps: DrivenStep[] = [];
  for (let n = 0; n < options.sessions; n++) {
    const session = factory.createSession(n);
    for (let step = session.nextStep(0); step !== null; step = session.nextStep(0)) {
      const answer = shop.handle('POST', step.path);
      const read = readAnswer(answer.status, Buffer.from(JSON.stringify(answer.body)));
      steps.push({
        ...step,
        status: answer.status,
        isReplayed: read.isReplayed,
        behaviour: session.behaviour,
      });
      session.onAnswer(read, 0);
    }
  }
  return { steps, shop };
}
