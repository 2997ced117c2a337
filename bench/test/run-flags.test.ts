import { describe, expect, it } from 'vitest';
import { benchmarkNames, parseRunFlags } from '../src/run-flags.js';

describe('pnpm bench flags', () => {
  it('run every benchmark, instances among them, when --only is absent', () => {
    expect(benchmarkNames).toContain('instances');
  });

  it.each([
    [[], { mode: 'full', only: benchmarkNames, onlyText: undefined, outPath: undefined }],
    [['--quick'], { mode: 'quick', only: benchmarkNames, onlyText: undefined, outPath: undefined }],
    [
      ['--quick', '--only', 'checkout,memory', '--out', 'x.json'],
      { mode: 'quick', only: ['checkout', 'memory'], onlyText: 'checkout,memory', outPath: 'x.json' },
    ],
    [
      ['--only', 'instances'],
      { mode: 'full', only: ['instances'], onlyText: 'instances', outPath: undefined },
    ],
    [
      ['--quick', '--only', 'instances,checkout'],
      { mode: 'quick', only: ['instances', 'checkout'], onlyText: 'instances,checkout', outPath: undefined },
    ],
  ])('%j reads as %j', (args, flags) => {
    expect(parseRunFlags(args)).toEqual({ ok: true, flags });
  });

  it.each([
    [['--only', 'checkout,nope'], /^--only: unknown benchmark nope; expected some of checkout, full-flow/],
    [['--only', 'memory'], /^--only: memory needs checkout/],
    [['--only', 'instance'], /^--only: unknown benchmark instance; expected .*, instances, redis-script$/],
    [['--fast'], /--fast/],
    [['--only'], /--only/],
  ])('%j is refused with one line naming the flag', (args, message) => {
    const parsed = parseRunFlags(args);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});
