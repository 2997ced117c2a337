// Reads a verify report (`flashsale verify --json`, or verify.json of `flashsale run`) back for
// the page, refusing text that is not one.
import { CliError, ExitCode } from '../exit-codes.js';
import type { AnyVerifyJson } from '../output/json.js';

export function parseVerifyJson(text: string, where: string): AnyVerifyJson {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${where} is not JSON (${String(error)})`, ExitCode.usageOrUnchecked, {
      cause: error,
    });
  }
  const report = document as Partial<Record<keyof AnyVerifyJson, unknown>> | null;
  const isVerifyReport =
    typeof report === 'object' &&
    report !== null &&
    (report.verdict === 'pass' || report.verdict === 'fail') &&
    Array.isArray(report.invariants) &&
    typeof report.sale === 'object' &&
    report.sale !== null;
  if (!isVerifyReport)
    throw new CliError(
      `${where} is not a verify report (write one with flashsale verify --json)`,
      ExitCode.usageOrUnchecked,
    );
  return document as AnyVerifyJson;
}
