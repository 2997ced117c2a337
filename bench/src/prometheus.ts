// Reads the service's /metrics (Prometheus text format): histograms over a measured window are
// the difference of two scrapes, and their quantiles are estimated from the buckets the way
// Prometheus' histogram_quantile does (linear within the bucket that holds the rank).

export type Sample = Readonly<{ name: string; labels: Readonly<Record<string, string>>; value: number }>;
export type Bucket = Readonly<{ le: number; count: number }>;
export type PromHistogram = Readonly<{ buckets: readonly Bucket[]; sum: number; count: number }>;
type Labels = Readonly<Record<string, string>>;

const sampleLine = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const labelPair = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = sampleLine.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const [, key = '', value = ''] of (match[2] ?? '').matchAll(labelPair)) {
      labels[key] = value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1] ?? '', labels, value: parseValue(match[3] ?? '') });
  }
  return samples;
}

function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

const matches = (labels: Labels, wanted: Labels) =>
  Object.entries(wanted).every(([key, value]) => labels[key] === value);

/**
 * The histogram `name` summed over every series whose labels include `wanted` (so
 * `{ route: 'checkout' }` adds up all outcomes of the route).
 */
export function histogramOf(samples: readonly Sample[], name: string, wanted: Labels = {}): PromHistogram {
  const byLe = new Map<number, number>();
  let sum = 0;
  let count = 0;
  for (const sample of samples) {
    if (!matches(sample.labels, wanted)) continue;
    if (sample.name === `${name}_bucket`) {
      const le = parseValue(sample.labels.le ?? 'NaN');
      byLe.set(le, (byLe.get(le) ?? 0) + sample.value);
    } else if (sample.name === `${name}_sum`) sum += sample.value;
    else if (sample.name === `${name}_count`) count += sample.value;
  }
  const buckets = [...byLe].map(([le, n]) => ({ le, count: n })).sort((a, b) => a.le - b.le);
  return { buckets, sum, count };
}

/** Counter or gauge `name`, summed over the series whose labels include `wanted`. */
export function sumOf(samples: readonly Sample[], name: string, wanted: Labels = {}): number {
  return samples
    .filter((sample) => sample.name === name && matches(sample.labels, wanted))
    .reduce((total, sample) => total + sample.value, 0);
}

/** What was observed between two scrapes of the same histogram. */
export function histogramDelta(after: PromHistogram, before: PromHistogram): PromHistogram {
  const beforeByLe = new Map(before.buckets.map((b) => [b.le, b.count]));
  return {
    buckets: after.buckets.map((b) => ({ le: b.le, count: b.count - (beforeByLe.get(b.le) ?? 0) })),
    sum: after.sum - before.sum,
    count: after.count - before.count,
  };
}

/** The histogram `name` (summed over the series whose labels include `wanted`) observed between two scrapes. */
export function histogramBetween(
  before: readonly Sample[],
  after: readonly Sample[],
  name: string,
  wanted: Labels = {},
): PromHistogram {
  return histogramDelta(histogramOf(after, name, wanted), histogramOf(before, name, wanted));
}

/**
 * The q-quantile (0..1) estimated from cumulative buckets, as histogram_quantile: linear
 * interpolation inside the bucket holding the rank, the lower bound of the first bucket taken as
 * 0, and the highest finite bound when the rank falls in +Inf. NaN for an empty histogram.
 */
export function histogramQuantile(q: number, histogram: PromHistogram): number {
  const { buckets } = histogram;
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return lowerBound;
      if (count === lowerCount) return le;
      return lowerBound + ((le - lowerBound) * (rank - lowerCount)) / (count - lowerCount);
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}

export async function scrapeMetrics(baseUrl: string): Promise<Sample[]> {
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
  return parsePrometheusText(await response.text());
}
