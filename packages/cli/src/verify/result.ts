// One check's line in a report, its shape and how it is built, alike for the database invariants
// and the black-box checks: SKIP with the reason it could not run, or PASS/FAIL from what it found
// and how long it took.
import type { Milliseconds } from '@flashsale/protocol';

/** What a check found: what it counted, and the violations (all counted, some as examples). */
export type Finding = {
  counted: string;
  violations: number;
  examples: readonly string[];
};

/** SKIP only for the ledger invariants without --ledger and sell-out without --expect-sellout. */
export type InvariantStatus = 'PASS' | 'FAIL' | 'SKIP';

export const MAX_EXAMPLES = 5;

/** `Id`: the database invariants' (verify/report.ts) or the black-box checks' (black-box/check.ts). */
export type InvariantResult<Id extends string> = {
  id: Id;
  title: string;
  status: InvariantStatus;
  /** One line: what was counted, and how many of those broke the rule. */
  counted: string;
  violations: number;
  /** Up to MAX_EXAMPLES violations, each naming ids a person can look up. */
  examples: readonly string[];
  elapsedMs: Milliseconds;
};

/** Why sell-out is not checked after a Ctrl-C. */
export const INTERRUPTED_REASON = 'not applicable: the run was interrupted before it could sell out';

type Named<Id extends string> = { id: Id; title: string };

export function skippedResult<Id extends string>(check: Named<Id>, reason: string): InvariantResult<Id> {
  return {
    id: check.id,
    title: check.title,
    status: 'SKIP',
    counted: reason,
    violations: 0,
    examples: [],
    elapsedMs: 0,
  };
}

/** `startedMs` is the check's start on performance.now()'s clock. */
export function judgedResult<Id extends string>(
  check: Named<Id>,
  finding: Finding,
  startedMs: number,
): InvariantResult<Id> {
  return {
    id: check.id,
    title: check.title,
    status: finding.violations > 0 ? 'FAIL' : 'PASS',
    counted: finding.counted,
    violations: finding.violations,
    examples: finding.examples.slice(0, MAX_EXAMPLES),
    elapsedMs: Math.round(performance.now() - startedMs),
  };
}
