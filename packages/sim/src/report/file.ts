// The --report file: checked before the run (so a typo does not cost a whole run), written after.
import { constants } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SimError } from '../errors.js';
import type { SimReport } from './types.js';

export async function checkReportPath(path: string): Promise<void> {
  try {
    await access(dirname(path), constants.W_OK);
  } catch (error) {
    throw new SimError('output_failed', `--report: cannot write to ${dirname(path)} (${String(error)})`, {
      flag: '--report',
      cause: error,
    });
  }
}

export async function writeReportFile(path: string, report: SimReport): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
  } catch (error) {
    throw new SimError('output_failed', `--report: cannot write ${path} (${String(error)})`, {
      flag: '--report',
      cause: error,
    });
  }
}
