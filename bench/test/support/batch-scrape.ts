import { parsePrometheusText, type Sample } from '../../src/prometheus.js';

export type BatchScrape = Readonly<{
  /** Batches so far, the items they carried, and their summed time out (s). */
  batches: number;
  items: number;
  seconds: number;
  /** How many of the batches were out under the first time bucket. */
  underFirst: number;
}>;

/**
 * A /metrics scrape of the histogram pair (size, time out) of one batching part of the service,
 * for `asked` and for one `other` value of its label, which the figures must leave out. Every batch of `asked` is under
 * `bounds.size` items and under `bounds.time[1]` seconds.
 */
export function batchScrape(
  names: Readonly<{ size: string; seconds: string; label: string }>,
  bounds: Readonly<{ size: number; time: readonly [number, number] }>,
  asked: string,
  other: string,
  { batches, items, seconds, underFirst }: BatchScrape,
): Sample[] {
  const { size, seconds: time, label } = names;
  const on = (value: string) => `${label}="${value}"`;
  return parsePrometheusText(`# TYPE ${size} histogram
${size}_bucket{le="${bounds.size}",${on(asked)}} ${batches}
${size}_bucket{le="+Inf",${on(asked)}} ${batches}
${size}_sum{${on(asked)}} ${items}
${size}_count{${on(asked)}} ${batches}
${size}_bucket{le="${bounds.size}",${on(other)}} 5
${size}_bucket{le="+Inf",${on(other)}} 5
${size}_sum{${on(other)}} 40
${size}_count{${on(other)}} 5
# TYPE ${time} histogram
${time}_bucket{le="${bounds.time[0]}",${on(asked)}} ${underFirst}
${time}_bucket{le="${bounds.time[1]}",${on(asked)}} ${batches}
${time}_bucket{le="+Inf",${on(asked)}} ${batches}
${time}_sum{${on(asked)}} ${seconds}
${time}_count{${on(asked)}} ${batches}
`);
}
