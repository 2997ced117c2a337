import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  renderPerformanceSection,
  replaceBetweenMarkers,
  sectionBetweenMarkers,
} from '../src/performance-section.js';
import { readResultsDocument } from '../src/results.js';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

const machine = {
  date: '2026-11-30T00:00:00Z',
  cores: 2,
  cpu_model: 'cpu',
  memory_gb: 8,
  os: 'linux',
  node: '20',
  postgres: '15',
  redis: '7',
  git_commit: 'abc',
  git_dirty: false,
  load_average_at_start: [1, 1, 1],
};

describe("the README's Performance section", () => {
  it('is what the committed bench/results.json renders to (pnpm bench:readme writes it)', () => {
    const results = readResultsDocument(read('../results.json'), 'bench/results.json');
    expect(results.ok).toBe(true);
    if (!results.ok) return;
    expect(results.document.mode).toBe('full');
    expect(sectionBetweenMarkers(read('../../README.md'))).toBe(renderPerformanceSection(results.document));
  });

  it('is replaced between its markers, and nothing else moves', () => {
    const readme = 'before\n<!-- bench:start -->\nold\n<!-- bench:end -->\nafter\n';
    expect(replaceBetweenMarkers(readme, 'new')).toBe(
      'before\n<!-- bench:start -->\nnew\n<!-- bench:end -->\nafter\n',
    );
    expect(() => replaceBetweenMarkers('no markers', 'new')).toThrow(/bench:start/);
  });
});

describe('CPU per checkout in the Performance section', () => {
  const measured = {
    server: 61,
    postgres_backends: 19,
    postgres_background: 3,
    redis: 11,
    load_generator: 22,
  };
  const baseline = { server: 30, load_generator: 21 };
  /** The section's lines for one checkout result whose CPU per checkout is `cpu`. */
  const render = (cpu: Record<string, unknown>) => {
    const result = {
      id: 'server-checkout-1-worker',
      title: 'Server checkout, 1 worker',
      ratio: 0.5,
      ratio_of: 'a / b',
      notes: [],
      flags: [],
      rows: [['req/s', '1', '2', '0.50'] as const],
      cpu_us_per_checkout: cpu,
    };
    const document = { command: 'pnpm bench', duration_s: 1, machine, benchmarks: [result] };
    return renderPerformanceSection(
      document as unknown as Parameters<typeof renderPerformanceSection>[0],
    ).split('\n');
  };

  it('comes first, one line per checkout setup, beside the bare server and wrk', () => {
    const lines = render({ measured, baseline });
    const cpuHeader = lines.findIndex((line) => line.startsWith('| setup | node |'));
    expect(cpuHeader).toBeGreaterThan(0);
    expect(cpuHeader).toBeLessThan(lines.findIndex((line) => line.startsWith('| benchmark |')));
    expect(lines[cpuHeader + 2]).toBe('| Server checkout, 1 worker | 61 | 19 | 3 | 11 | 22 | 30 / 21 |');
  });

  it("gives the kernel's part of node's, for the bare server too, where the run split it", () => {
    const lines = render({
      measured,
      baseline,
      node_user_kernel: { measured: { user: 36, kernel: 25 }, baseline: { user: 16, kernel: 14 } },
    });
    const cpuHeader = lines.findIndex((line) => line.startsWith('| setup | node |'));
    expect(lines[cpuHeader + 2]).toBe(
      '| Server checkout, 1 worker | 61 (kernel 25) | 19 | 3 | 11 | 22 | 30 (kernel 14) / 21 |',
    );
  });
});

describe('the machine line', () => {
  const render = (machineMore: Record<string, unknown>) => {
    const document = {
      command: 'pnpm bench',
      duration_s: 1,
      machine: { ...machine, ...machineMore },
      benchmarks: [],
    };
    return renderPerformanceSection(document as unknown as Parameters<typeof renderPerformanceSection>[0]);
  };

  it('says how much the vCPUs were taken away before the run, where the run probed it', () => {
    const stalls = { seconds: 2, threads: 2, lost_pct: 0.7, stalls_per_s: 3.1, longest_ms: 8.9 };
    expect(render({ vcpu_stalls_at_start: stalls })).toContain(
      'vCPUs taken away 0.7% of a 2 s probe (3.1 stalls over 1 ms a second, longest 8.9 ms) just before,',
    );
    expect(render({})).not.toContain('vCPUs taken away');
  });
});

describe('a results file read back', () => {
  const row = ['figure', 'measured', 'baseline', 'ratio'];
  const result = { id: 'x', title: 'X', ratio: 1, ratio_of: 'a / b', notes: [], flags: [], rows: [row] };
  const document = { format: 'flashsale-bench@1', mode: 'full', machine: {}, benchmarks: [result] };

  it.each([
    ['not JSON', '{', /is not JSON/],
    [
      'another format',
      JSON.stringify({ ...document, format: 'flashsale-sim-report@1' }),
      /not a bench results file/,
    ],
    ['no machine', JSON.stringify({ ...document, machine: null }), /lacks "machine"/],
    [
      'a row of three cells',
      JSON.stringify({ ...document, benchmarks: [{ ...result, rows: [row.slice(1)] }] }),
      /rows/,
    ],
    [
      'a result without notes',
      JSON.stringify({ ...document, benchmarks: [{ ...result, notes: undefined }] }),
      /notes/,
    ],
  ])('refuses %s, naming the file', (_, text, message) => {
    const read = readResultsDocument(text, 'r.json');
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.message).toMatch(/^r\.json/);
      expect(read.message).toMatch(message);
    }
  });
});
