import { describe, expect, it } from 'vitest';
import { parseProfileFlags } from '../src/profile-flags.js';

describe('pnpm bench:profile flags', () => {
  it.each([
    [[], { measureS: 15, warmUpS: 3, workers: 1, connections: 50, outDir: undefined }],
    [
      ['--duration', '1m', '--warm-up', '5s', '--workers', '2', '--connections', '200', '--out', 'p'],
      { measureS: 60, warmUpS: 5, workers: 2, connections: 200, outDir: 'p' },
    ],
  ])('%j reads as %j', (args, flags) => {
    expect(parseProfileFlags(args)).toEqual({ ok: true, flags });
  });

  it.each([
    // A bare number has no unit: the one duration grammar refuses to guess it.
    [['--duration', '15'], '--duration: a whole number of seconds with its unit, such as 15s or 1m (got 15)'],
    [
      ['--warm-up', '1500ms'],
      '--warm-up: a whole number of seconds with its unit, such as 15s or 1m (got 1500ms)',
    ],
    [['--workers', '0'], '--workers: an integer from 1 to 64 (got 0)'],
    [['--connections', 'many'], '--connections: an integer from 1 to 10000 (got many)'],
  ])('%j is refused: %s', (args, message) => {
    expect(parseProfileFlags(args)).toEqual({ ok: false, message });
  });

  it('refuses an unknown flag, naming it', () => {
    const parsed = parseProfileFlags(['--seconds', '3']);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(/--seconds/);
  });
});
