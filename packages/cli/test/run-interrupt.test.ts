// Ctrl-C during `flashsale run`, as a person would press it: the first SIGINT ends the load early
// and the run wraps up marked interrupted (exit 130, sell-out not applicable, every output says
// so); a second one stops everything at once, and no process of the run outlives it.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestStores } from '../../server/test/support/db.js';
import { type Running, startCli, storeFlags } from './support/cli.js';

async function waitForOutput(running: Running, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(running.stdout())) {
    if (running.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(
        `no ${pattern} in the output; stdout:\n${running.stdout()}\nstderr:\n${running.stderr()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The service's pids from its log: the primary's, and its workers'. */
function servicePids(out: string): { primary: number; all: number[] } {
  const entries = readFileSync(join(out, 'service.log'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { event?: string; pid?: number; role?: string });
  const primary = entries.find((entry) => entry.event === 'listening')!.pid!;
  const all = [...new Set(entries.flatMap((entry) => (typeof entry.pid === 'number' ? [entry.pid] : [])))];
  return { primary, all };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const firstTick = /^\[1s\b/m;

describe('Ctrl-C during flashsale run', () => {
  const stores = useTestStores();

  it('one SIGINT ends the load early: run verifies the rest, marks every output interrupted, stops the service and exits 130', {
    timeout: 180_000,
  }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'flashsale-interrupt-'));
    const running = startCli([
      'run',
      ...storeFlags(stores),
      '--out',
      out,
      '--progress',
      'plain',
      '--hold-ttl',
      '2s',
      '--seed',
      '13',
    ]);
    await waitForOutput(running, firstTick);
    running.child.kill('SIGINT');
    const result = await running.finished;

    expect(result.code, result.stdout + result.stderr).toBe(130);
    expect(result.stdout).toMatch(
      /^INTERRUPTED: sale \d+: the run was cut short; all 7 checked invariants hold/m,
    );
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      interrupted: boolean;
      sellout_expected: boolean;
      sale: { sold: number; size: number };
    };
    expect(report.interrupted).toBe(true);
    expect(report.sale.sold).toBeLessThan(report.sale.size);
    const verify = JSON.parse(readFileSync(join(out, 'verify.json'), 'utf8')) as {
      interrupted: boolean;
      verdict: string;
      invariants: Array<{ id: string; status: string; counted: string }>;
    };
    expect(verify.interrupted).toBe(true);
    expect(verify.verdict).toBe('pass');
    const sellOut = verify.invariants.find((invariant) => invariant.id === 'sell-out')!;
    expect(sellOut.status).toBe('SKIP');
    expect(sellOut.counted).toContain('not applicable: the run was interrupted');
    expect(verify.invariants.filter((invariant) => invariant.status === 'PASS')).toHaveLength(7);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('(run interrupted)');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<strong>Interrupted</strong>');

    const { primary } = servicePids(out);
    expect(isAlive(primary)).toBe(false);
  });

  it('a second SIGINT while run waits for holds to lapse stops at once: no process of the run is left, the report on disk says interrupted', {
    timeout: 180_000,
  }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'flashsale-interrupt-twice-'));
    const running = startCli([
      'run',
      ...storeFlags(stores),
      '--out',
      out,
      '--progress',
      'plain',
      '--workers',
      '2',
      '--hold-ttl',
      '1m',
      '--seed',
      '14',
    ]);
    await waitForOutput(running, firstTick);
    running.child.kill('SIGINT');
    await waitForOutput(running, /^run: load done/m);
    running.child.kill('SIGINT');
    const result = await running.finished;

    expect(result.code, result.stdout + result.stderr).toBe(130);
    expect(result.stdout).toContain('run: SIGINT: stopping now');
    const { primary, all } = servicePids(out);
    expect(all.length).toBeGreaterThanOrEqual(3); // the primary and its two workers
    expect(all.filter(isAlive)).toEqual([]);
    expect(() => process.kill(-primary, 0), 'the service process group is empty').toThrow();

    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { interrupted: boolean };
    expect(report.interrupted).toBe(true);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<strong>Interrupted</strong>');
    expect(existsSync(join(out, 'verify.json'))).toBe(false);
  });
});
