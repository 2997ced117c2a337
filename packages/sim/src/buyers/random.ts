// Seeded randomness: every buyer session draws from its own generator, derived from the run seed
// and the session's number, so a session's choices do not depend on what other sessions did.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import type { Range } from '../config/scenario.js';

export type Random = RandomGenerator;

/**
 * A generator for stream `stream` of `seed`. xoroshiro's own seeding puts the seed in one word
 * and leaves the others constant, which correlates neighbouring seeds; each state word here is a
 * separately mixed hash instead.
 */
export function createRandom(seed: number, stream: number): Random {
  const base = mix32(seed ^ mix32(stream + 0x632be5ab));
  return xoroshiro128plusFromState([
    mix32(base + 0x9e3779b9),
    mix32(base + 0x3c6ef372),
    mix32(base + 0xdaa66d2b),
    mix32(base + 0x78dde6e4),
  ]);
}

export function randomInt(random: Random, min: number, max: number): number {
  return uniformInt(random, min, max);
}

export function randomInRange(random: Random, range: Range): number {
  return uniformInt(random, range[0], range[1]);
}

/** A float in [0, 1). */
export function randomUnit(random: Random): number {
  return uniformFloat64(random);
}

export function randomChance(random: Random, probability: number): boolean {
  return uniformFloat64(random) < probability;
}

/** murmur3's 32-bit finaliser: a cheap, well-spread hash of one integer. */
function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
