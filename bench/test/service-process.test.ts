import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServiceProcess } from '../src/service-process.js';

// Runs the built `flashsale serve` (pnpm test builds first); neither case gets as far as a database.
describe('the service launcher of the bench', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flashsale-bench-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects with its own last lines when the service exits before listening, and keeps its log', async () => {
    const logPath = join(dir, 'bad-port.log');
    await expect(startServiceProcess({ serveArgs: ['--port', 'eighty'], logPath })).rejects.toThrow(
      /exited \(2\) before it was ready[\s\S]*--port/,
    );
    expect(readFileSync(logPath, 'utf8')).toMatch(/--port/);
  });

  it('gives up at once, with the reason, when its signal has aborted', async () => {
    const reason = new Error('the bench session is stopping');
    const start = startServiceProcess({
      serveArgs: ['--port', '0'],
      logPath: join(dir, 'aborted.log'),
      signal: AbortSignal.abort(reason),
    });
    await expect(start).rejects.toBe(reason);
  });
});
