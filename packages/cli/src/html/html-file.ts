// The HTML report as a file: its folder is checked before a run (a typo must not cost the run),
// and the page is written after. Failures name the flag and exit 2.
import { constants } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CliError, ExitCode } from '../exit-codes.js';
import { type HtmlReportInput, renderHtmlReport } from './render-report.js';

export async function checkHtmlPath(path: string, flag: string): Promise<void> {
  try {
    await access(dirname(path), constants.W_OK);
  } catch (error) {
    throw new CliError(
      `${flag}: cannot write to ${dirname(path)} (${String(error)})`,
      ExitCode.usageOrUnchecked,
      {
        cause: error,
      },
    );
  }
}

export async function writeHtmlReport(path: string, input: HtmlReportInput, flag: string): Promise<void> {
  try {
    await writeFile(path, renderHtmlReport(input));
  } catch (error) {
    throw new CliError(`${flag}: cannot write ${path} (${String(error)})`, ExitCode.usageOrUnchecked, {
      cause: error,
    });
  }
}
