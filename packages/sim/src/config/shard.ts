// `--shard i/n`: this process plays the buyers whose index is i modulo n, at 1/n of the rate.
import type { Stage } from '../schedule/stages.js';

export type Shard = Readonly<{ index: number; count: number }>;

export const wholePopulation: Shard = { index: 0, count: 1 };

const shardPattern = /^(\d+)\/(\d+)$/;

/** Reads `i/n` with 0 <= i < n; returns a reason on failure. */
export function parseShard(text: string): Shard | string {
  const match = shardPattern.exec(text.trim());
  if (match === null) return `'${text}' is not i/n`;
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index >= count) return `'${text}' needs 0 <= i < n`;
  return { index, count };
}

/** Worker w of `workers` inside `shard` plays its own sub-shard, so no two processes share a buyer. */
export function splitShard(shard: Shard, worker: number, workers: number): Shard {
  return { index: shard.index + shard.count * worker, count: shard.count * workers };
}

/** The rate plan of one of `count` equal shares: same stages, each at rate/count. */
export function shareOfStages(stages: readonly Stage[], count: number): readonly Stage[] {
  return stages.map((stage) => ({ durationMs: stage.durationMs, rps: stage.rps / count }));
}
