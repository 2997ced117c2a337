// How much of the time the box's vCPUs are taken away. One thread per core spins on the clock; a
// gap of more than 1 ms between two reads is time the thread did not run. On an otherwise idle box
// that is the hypervisor running something else: this VM's /proc/stat shows no steal time, yet
// such stalls (several ms each) add straight to any request in flight, so a run's tail says little
// without them. Measured before the benchmarks start, with nothing else of the bench running.
import { Worker } from 'node:worker_threads';

export type StallFigures = Readonly<{
  seconds: number;
  threads: number;
  /** Share of the spinning time (%) the threads did not run, over all threads. */
  lost_pct: number;
  /** Gaps over 1 ms, per thread and second. */
  stalls_per_s: number;
  longest_ms: number;
}>;

/** A gap between two clock reads longer than this is a stall, not the loop's own time. */
export const stallThresholdMs = 1;

/** Figures from each thread's gaps (ms, each over the threshold) while spinning `spanMs`. */
export function stallFigures(gapsByThread: readonly (readonly number[])[], spanMs: number): StallFigures {
  const threads = gapsByThread.length;
  const gaps = gapsByThread.flat();
  const lostMs = gaps.reduce((sum, gap) => sum + gap, 0);
  const threadSeconds = (threads * spanMs) / 1000;
  return {
    seconds: Math.round(spanMs) / 1000,
    threads,
    lost_pct: threadSeconds > 0 ? Math.round((lostMs / (threadSeconds * 1000)) * 1000) / 10 : 0,
    stalls_per_s: threadSeconds > 0 ? Math.round((gaps.length / threadSeconds) * 10) / 10 : 0,
    longest_ms: Math.round(Math.max(0, ...gaps) * 10) / 10,
  };
}

// The spinning thread: reads the clock until the span is over and posts the gaps it saw.
const spinSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { spanMs, thresholdMs } = workerData;
const gaps = [];
const end = performance.now() + spanMs;
let last = performance.now();
while (last < end) {
  const now = performance.now();
  if (now - last > thresholdMs) gaps.push(now - last);
  last = now;
}
parentPort.postMessage(gaps);
`;

/** Spins `threads` threads (one per core by default) for `seconds` and says what they lost. */
export async function probeVcpuStalls(seconds: number, threads: number): Promise<StallFigures> {
  const spanMs = seconds * 1000;
  const gapsByThread = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number[]>((resolve, reject) => {
          const worker = new Worker(spinSource, {
            eval: true,
            workerData: { spanMs, thresholdMs: stallThresholdMs },
          });
          worker.once('message', (gaps: number[]) => {
            resolve(gaps);
            void worker.terminate();
          });
          worker.once('error', reject);
        }),
    ),
  );
  return stallFigures(gapsByThread, spanMs);
}

/** e.g. `0.7% of a 2 s probe (3.1 stalls over 1 ms a second, longest 8.9 ms)`. */
export function formatStalls(stalls: StallFigures): string {
  return `${stalls.lost_pct}% of a ${stalls.seconds} s probe (${stalls.stalls_per_s} stalls over ${stallThresholdMs} ms a second, longest ${stalls.longest_ms} ms)`;
}
