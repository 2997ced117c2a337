// Turns a session number into a buyer session: which buyer, which behaviour (by the mix's
// shares) and its own random stream all follow from the seed, the shard and that number alone.
import { type Behaviour, behaviours } from '@flashsale/protocol';
import type { Mix } from '../config/mix.js';
import type { Shard } from '../config/shard.js';
import type { BuyerContext } from './context.js';
import { HeavySession } from './heavy.js';
import { InvalidSession } from './invalid.js';
import { NormalSession } from './normal.js';
import { Population } from './population.js';
import { createRandom, type Random, randomUnit } from './random.js';
import type { Session } from './session.js';

type SessionConstructor = new (userId: string, random: Random, context: BuyerContext) => Session;

const sessionClasses: Record<Behaviour, SessionConstructor> = {
  normal: NormalSession,
  heavy: HeavySession,
  invalid: InvalidSession,
};

export type SessionFactoryOptions = Readonly<{
  seed: number;
  mix: Mix;
  shard: Shard;
  users: number;
  context: BuyerContext;
}>;

export class SessionFactory {
  readonly #options: SessionFactoryOptions;
  readonly #population: Population;
  /** Cumulative shares in [0, 1], in `behaviours` order. */
  readonly #thresholds: readonly number[];

  constructor(options: SessionFactoryOptions) {
    this.#options = options;
    this.#population = new Population(options.users, options.shard, options.seed);
    let sum = 0;
    this.#thresholds = behaviours.map((name) => {
      sum += options.mix[name] / 100;
      return sum;
    });
  }

  createSession(sessionNumber: number): Session {
    const { seed, shard, context } = this.#options;
    const random = createRandom(seed, sessionNumber * shard.count + shard.index);
    const behaviour = this.#pickBehaviour(randomUnit(random));
    return new sessionClasses[behaviour](this.#population.userIdFor(sessionNumber), random, context);
  }

  #pickBehaviour(unit: number): Behaviour {
    for (let i = 0; i < behaviours.length; i++) {
      if (unit < (this.#thresholds[i] ?? 1)) return behaviours[i] as Behaviour;
    }
    // Rounding can leave the last threshold a hair under 1: give the rest to the last behaviour with a share.
    return behaviours.findLast((name) => this.#options.mix[name] > 0) ?? 'normal';
  }
}
