// The buyer population of one process: `--users N` buyers, of which this shard plays those whose
// index is shard.index modulo shard.count, so shards never share a buyer.
import type { Shard } from '../config/shard.js';

export class Population {
  readonly #shard: Shard;
  readonly #prefix: string;
  /** How many of the N buyers belong to this shard. */
  readonly size: number;

  constructor(users: number, shard: Shard, seed: number) {
    this.#shard = shard;
    // The seed is part of the id, so runs with other seeds against the same sale meet new buyers.
    this.#prefix = `s${seed}.u`;
    this.size = Math.max(0, Math.ceil((users - shard.index) / shard.count));
  }

  /** Session n of this shard plays buyer n modulo the shard's size: buyers come back once all have shopped. */
  userIndexFor(sessionNumber: number): number {
    return this.#shard.index + this.#shard.count * (sessionNumber % this.size);
  }

  userIdFor(sessionNumber: number): string {
    return this.#prefix + this.userIndexFor(sessionNumber);
  }
}
