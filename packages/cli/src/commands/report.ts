// `flashsale report`: commands on simulator run reports. `report merge A.json B.json ...` adds up
// the reports of shards or workers that ran side by side (HdrHistograms and counts add) and
// writes the merged report as JSON to stdout.
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
}

async function readReport(file: string): Promise<SimReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file} (${(error as Error).message})`, ExitCode.usageOrUnchecked);
  }
  try {
    return parseReport(text, file);
  } catch (error) {
    if (error instanceof SimError)
      throw new CliError(error.message, ExitCode.usageOrUnchecked, { cause: error });
    throw error;
  }
}
