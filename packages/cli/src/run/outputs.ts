// What a run leaves in --out: the file names, and the verdict written there (verify.json,
// junit.xml, chaos.json, report.html) plus the tables on the terminal. An aborted run writes the
// page of what the load saw, marked interrupted, and nothing it did not check.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkThresholds, type SimOptions, type SimReport } from '@flashsale/sim';
import type pg from 'pg';
import { type FaultImpact, measureImpact } from '../chaos/impact.js';
import { formatChaosTable } from '../chaos/impact-table.js';
import type { FaultRecord } from '../chaos/injector.js';
import { renderHtmlReport } from '../html/render-report.js';
import { formatJson, toJsonAll } from '../output/json.js';
import { formatJunit } from '../output/junit.js';
import { formatTable } from '../output/table.js';
import type { VerifyReport } from '../verify/report.js';

export type Paths = Record<
  'ledger' | 'report' | 'html' | 'verify' | 'junit' | 'chaos' | 'serviceLog',
  string
>;

export function pathsIn(outDir: string): Paths {
  return {
    ledger: join(outDir, 'ledger.jsonl'),
    report: join(outDir, 'report.json'),
    html: join(outDir, 'report.html'),
    verify: join(outDir, 'verify.json'),
    junit: join(outDir, 'junit.xml'),
    chaos: join(outDir, 'chaos.json'),
    serviceLog: join(outDir, 'service.log'),
  };
}

const title = 'flashsale run report';

/** Writes the verdict files and tables; returns the fault impacts and how many thresholds were missed. */
export async function writeVerdict(verdict: {
  paths: Paths;
  output: NodeJS.WriteStream;
  say: (line: string) => void;
  verify: readonly VerifyReport[];
  sim: SimReport;
  faults: readonly FaultRecord[];
  postgres: pg.Client;
  thresholds: SimOptions['thresholds'];
}): Promise<{ faults: FaultImpact[]; missed: number }> {
  const { paths, output, say, verify, sim } = verdict;
  await writeFile(paths.verify, formatJson(verify));
  await writeFile(paths.junit, formatJunit(verify));
  const faults =
    verdict.faults.length === 0 ? [] : await measureImpact(paths.ledger, verdict.faults, verdict.postgres);
  if (faults.length > 0) {
    await writeFile(paths.chaos, `${JSON.stringify(faults, null, 2)}\n`);
    output.write(`${formatChaosTable(faults)}\n`);
  }
  output.write(`${formatTable(verify)}\n`);
  await writeFile(paths.html, renderHtmlReport({ sim, verify: toJsonAll(verify), title }));
  say(`report: ${paths.html}`);

  const missed = checkThresholds(sim, verdict.thresholds).filter((r) => !r.isPassed);
  if (missed.length > 0)
    say(`threshold missed: ${missed.map((r) => `${r.source} (actual ${r.actualText})`).join(', ')}`);
  return { faults, missed: missed.length };
}

export async function writeAbortedOutputs(
  paths: Paths,
  sim: SimReport,
  say: (line: string) => void,
): Promise<void> {
  // The load may have ended on its own before the run was cut short: the page is of a cut run still.
  await writeFile(paths.html, renderHtmlReport({ sim: { ...sim, interrupted: true }, title }));
  say(`report (not verified): ${paths.html}`);
}
