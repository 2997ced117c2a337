// `flashsale run --help` shows the defaults run really uses, which differ from serve's and
// simulate's, and the environment still wins over them (flags > env > defaults, as everywhere).
import { loadServerConfig } from '@flashsale/server';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

/** One option's help text, its wrapped lines joined. */
function optionHelp(help: string, flag: string): string {
  const lines = help.split('\n');
  const at = lines.findIndex((line) => line.trimStart().startsWith(`${flag} `));
  if (at === -1) throw new Error(`no ${flag} in:\n${help}`);
  const text = [lines[at]!];
  for (const line of lines.slice(at + 1)) {
    if (/^\s{2,}-/.test(line) || !/^\s{20,}\S/.test(line)) break;
    text.push(line);
  }
  return text.map((line) => line.trim()).join(' ');
}

describe('flashsale run --help', () => {
  it.each([
    ['--port', 'default 0, a free port]'],
    ['--hold-ttl', 'default 10s]'],
    ['--sale-duration', 'default a fresh period that starts now and outlasts the run]'],
    ['--target', '(default: none, run starts the service)'],
    ['--rps', '(default 800)'],
    ['--duration', '(default 2m)'],
  ])('%s shows %s', async (flag, shown) => {
    const result = await runCli(['run', '--help']);
    expect(result.code).toBe(0);
    expect(optionHelp(result.stdout, flag)).toContain(shown);
  });

  it('says that with --reconciler false run does not wait for reconciler rounds, and what verify reports', async () => {
    const result = await runCli(['run', '--help']);
    const text = result.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('With --reconciler false, run waits for purchases pending in Redis only as long');
    expect(text).toContain('not for reconciler rounds');
    expect(text).toContain('verify reports it: sell-out, and redis-agrees');
  });

  it("run's own defaults sit below the environment", () => {
    const defaults = { port: '0', holdTtlMs: '10s' };
    expect(loadServerConfig({ env: {}, defaults })).toMatchObject({ port: 0, holdTtlMs: 10_000 });
    expect(loadServerConfig({ env: { HOLD_TTL: '1m' }, defaults }).holdTtlMs).toBe(60_000);
    expect(
      loadServerConfig({ env: { HOLD_TTL: '1m' }, flags: { holdTtlMs: '2s' }, defaults }).holdTtlMs,
    ).toBe(2_000);
  });
});
