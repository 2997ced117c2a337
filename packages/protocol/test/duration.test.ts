import { describe, expect, it } from 'vitest';
import { formatDurationMs, parseDurationMs } from '../src/duration.js';

describe('the duration grammar', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1.5s', 1500],
    [' 5 m ', 300_000],
  ])('%j is %d ms', (text, durationMs) => {
    expect(parseDurationMs(text)).toBe(durationMs);
  });

  it.each(['', '10', 'ten seconds', '5 minutes', '-1s', '1w', '1e3ms', 's'])('%j is refused', (text) => {
    expect(parseDurationMs(text)).toBeNull();
  });

  it.each([
    [300_000, '5m'],
    [1500, '2s'],
    [86_400_000, '1d'],
    [250.4, '250ms'],
  ])('%d ms is written %j', (durationMs, text) => {
    expect(formatDurationMs(durationMs)).toBe(text);
  });
});
