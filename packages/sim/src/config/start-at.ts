// --start-at: when the schedule starts. Shards started apart start together at one epoch moment;
// a herd scenario starts just before a sale opens, so the first seconds of the new sale are
// measured. `next-sale` is relative to the sale period GET /sale gives (its ends_at is the next
// sale's start), so it is resolved only once the sale has been read.
import { parseDurationMs } from '@flashsale/protocol';

export type StartAt =
  | Readonly<{ kind: 'at'; epochMs: number }>
  /** The next sale's opening plus `offsetMs` (negative: before it opens). */
  | Readonly<{ kind: 'next-sale'; offsetMs: number }>;

const epochMsPattern = /^\d{10,16}$/;
const isoPattern = /^\d{4}-\d{2}-\d{2}T/;
const nextSalePattern = /^next-sale(?:([+-])(.+))?$/;

/** Reads `1796055600000`, `2026-11-30T17:00:00Z`, `next-sale`, `next-sale-5s`, `next-sale+2s`; a string says what is wrong. */
export function parseStartAt(text: string): StartAt | string {
  if (epochMsPattern.test(text)) return { kind: 'at', epochMs: Number(text) };
  if (isoPattern.test(text)) {
    const epochMs = Date.parse(text);
    return Number.isNaN(epochMs) ? `'${text}' is not a valid ISO time` : { kind: 'at', epochMs };
  }
  const relative = nextSalePattern.exec(text);
  if (relative === null) return `'${text}' is neither epoch ms, an ISO time nor next-sale[-<duration>]`;
  const [, sign, durationText] = relative;
  if (durationText === undefined) return { kind: 'next-sale', offsetMs: 0 };
  const durationMs = parseDurationMs(durationText);
  if (durationMs === null) return `'${durationText}' in '${text}' is not a duration such as 5s`;
  return { kind: 'next-sale', offsetMs: sign === '-' ? -durationMs : durationMs };
}

export type SalePeriod = Readonly<{ endsAtMs: number; periodMs: number }>;

/**
 * The epoch ms to start at, given now and (for next-sale) the current sale's end and period. A
 * moment already past (less than `leadMs` away) moves to the sale after, so `next-sale-5s` always
 * starts five seconds before an opening; an absolute time already past means now.
 */
export function resolveStartAtMs(
  startAt: StartAt,
  nowMs: number,
  leadMs: number,
  period: SalePeriod | null,
): number | string {
  if (startAt.kind === 'at') return Math.max(startAt.epochMs, nowMs);
  if (period === null)
    return 'next-sale needs the sale period, and GET /sale did not give it (starts_at and ends_at)';
  let startMs = period.endsAtMs + startAt.offsetMs;
  while (startMs < nowMs + leadMs) startMs += period.periodMs;
  return startMs;
}
