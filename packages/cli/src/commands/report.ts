// `flashsale report`: commands on simulator run reports. `report merge A.json B.json ...` adds up
// the reports of shards or workers that ran side by side (HdrHistograms and counts add) and
// writes the merged report as JSON to stdout. `report html run.json [--verify verify.json]` turns
// a report (and the verdict) into the self-contained HTML page.
import { readFile, writeFile } from 'node:fs/promises';
import { mergeReports, parseReport, SimError, type SimReport } from '@flashsale/sim';
import type { Command } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';

export function register(program: Command): void {
  const report = program
    .command('report')
    .description('work with simulator run reports (from simulate --report)');
  report
    .command('merge')
    .description(
      'add up reports of shards or workers that ran side by side; the merged report goes to stdout',
    )
    .argument('<files...>', 'report files')
    .option('--output <file>', 'write the merged report here instead of stdout')
    .action(async (files: string[], flags: { output?: string }) => {
      const reports = await Promise.all(files.map(readReport));
      const text = `${JSON.stringify(mergeReports(reports), null, 2)}\n`;
      if (flags.output === undefined) {
        process.stdout.write(text);
        return;
      }
      try {
        await writeFile(flags.output, text);
      } catch (error) {
        throw new CliError(
          `--output: cannot write ${flags.output} (${String(error)})`,
          ExitCode.usageOrUnchecked,
        );
      }
    });
  report
    .command('html')
    .description('render a run report (and its verify report) as one self-contained HTML page')
    .argument('<report>', 'simulator report (simulate --report, run --out/report.json, or a merge)')
    .option(
      '--verify <file>',
      'the verify report to show the invariants of (verify --json, run --out/verify.json)',
    )
    .option('--out <file>', 'write the page here instead of stdout')
    .option('--title <text>', 'heading of the page')
    .action(renderHtml);
}

async function renderHtml(
  file: string,
  flags: { verify?: string; out?: string; title?: string },
): Promise<void> {
  const [{ renderHtmlReport }, { writeHtmlReport }, { parseVerifyJson }] = await Promise.all([
    import('../html/render-report.js'),
    import('../html/html-file.js'),
    import('../html/verify-json.js'),
  ]);
  const sim = await readReport(file);
  const verify =
    flags.verify === undefined ? undefined : parseVerifyJson(await readText(flags.verify), flags.verify);
  const input = { sim, verify, title: flags.title };
  if (flags.out === undefined) process.stdout.write(renderHtmlReport(input));
  else await writeHtmlReport(flags.out, input, '--out');
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file} (${(error as Error).message})`, ExitCode.usageOrUnchecked);
  }
}

async function readReport(file: string): Promise<SimReport> {
  const text = await readText(file);
  try {
    return parseReport(text, file);
  } catch (error) {
    if (error instanceof SimError)
      throw new CliError(error.message, ExitCode.usageOrUnchecked, { cause: error });
    throw error;
  }
}
