// Epoch milliseconds as ISO 8601 text, remembering the last answer: the checkouts of one moment
// (a batch of rows, the answers of one turn) share their milliseconds, so most calls are a compare.

/** A converter with its own one-entry memory (one per use, so uses do not evict each other). */
export function isoTimes(): (ms: number) => string {
  let lastMs = Number.NaN;
  let lastText = '';
  return (ms) => {
    if (ms !== lastMs) {
      lastText = new Date(ms).toISOString();
      lastMs = ms;
    }
    return lastText;
  };
}
