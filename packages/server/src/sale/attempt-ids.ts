// Attempt ids: RFC 9562 version 7 UUIDs, time-ordered, so the rows of checkout_attempts go in at
// the right end of its primary key (a random UUID lands on a random leaf page: after each
// checkpoint that page's first change is a full-page image in the WAL). No CSPRNG call per id:
//   48 bits  milliseconds since the epoch (never going back within a process)
//   4 bits   version 7
//   12+2+14 bits drawn once per process  (with the 2 variant bits between them)
//   48 bits  a per-process counter
// Unique across processes and restarts: two ids meet only with the same millisecond, the same
// 26 random bits and the same counter value (which starts at a random point).
import { randomBytes } from 'node:crypto';

export type AttemptIds = () => string;

/** A generator of ids; `nowMs` is the clock (tests drive it). */
export function attemptIds(nowMs: () => number = Date.now): AttemptIds {
  const random = randomBytes(4).readUInt32BE(0);
  const randA = (random >>> 20).toString(16).padStart(3, '0'); // 12 bits
  const randB = (0x8000 | ((random >>> 6) & 0x3fff)).toString(16); // variant 10 + 14 bits
  let lastMs = -1;
  let prefix = '';
  let counter = Math.floor(Math.random() * 0x10000) * 0x10000; // a random start, 16 bits of 48
  return () => {
    const ms = nowMs();
    if (ms > lastMs) {
      lastMs = ms;
      const hex = ms.toString(16).padStart(12, '0');
      prefix = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${randA}-${randB}-`;
    }
    counter = counter >= 0xffffffffffff ? 0 : counter + 1;
    return prefix + counter.toString(16).padStart(12, '0');
  };
}
