// `flashsale verify --junit FILE`: one test case per invariant, so any CI system shows which
// invariant broke; a violated invariant is a failure carrying its counts and examples. The
// database checks and the black-box checks are a suite each.
import { createRequire } from 'node:module';
import type { Builder, TestSuite } from 'junit-report-builder';
import type { BlackBoxReport } from '../verify/black-box/report.js';
import type { VerifyReport } from '../verify/report.js';
import type { InvariantResult } from '../verify/result.js';

// The package is CommonJS whose types claim an ES default export; require() gets the real object.
const junit = createRequire(import.meta.url)('junit-report-builder') as Builder;

/** One test suite per sale verified. */
export function formatJunit(report: VerifyReport | readonly VerifyReport[]): string {
  const builder = junit.newBuilder();
  const reports = Array.isArray(report) ? report : [report as VerifyReport];
  for (const each of reports) addSuite(builder, each);
  return builder.build();
}

function addSuite(builder: Builder, report: VerifyReport): void {
  const suite = builder
    .testSuite()
    .name(`flashsale verify sale ${report.saleId}${report.isRunInterrupted ? ' (run interrupted)' : ''}`)
    .timestamp(new Date(report.checkedAtMs).toISOString())
    .time(report.elapsedMs / 1000);
  if (report.isRunInterrupted) suite.property('interrupted', 'true');
  addCases(suite, 'flashsale.verify', report.invariants);
  if (report.blackBox !== null) addBlackBoxSuite(builder, report.blackBox);
}

export function formatBlackBoxJunit(report: BlackBoxReport): string {
  const builder = junit.newBuilder();
  addBlackBoxSuite(builder, report);
  return builder.build();
}

function addBlackBoxSuite(builder: Builder, report: BlackBoxReport): void {
  const suite = builder
    .testSuite()
    .name(
      `flashsale verify --black-box (profile ${report.profile})${report.isRunInterrupted ? ' (run interrupted)' : ''}`,
    )
    .timestamp(new Date(report.checkedAtMs).toISOString())
    .time(report.elapsedMs / 1000);
  addCases(suite, 'flashsale.verify.black_box', report.invariants);
}

function addCases(suite: TestSuite, className: string, results: readonly InvariantResult<string>[]): void {
  for (const result of results) {
    const testCase = suite
      .testCase()
      .className(className)
      .name(result.id)
      .time(result.elapsedMs / 1000);
    if (result.status === 'SKIP') {
      testCase.skipped().standardOutput(result.counted);
    } else if (result.status === 'FAIL') {
      testCase
        .failure(`${result.id}: ${result.counted}`, 'invariant_violated')
        .standardOutput([result.title, result.counted, ...result.examples.map((e) => `- ${e}`)].join('\n'));
    } else {
      testCase.standardOutput(`${result.title}\n${result.counted}`);
    }
  }
}
