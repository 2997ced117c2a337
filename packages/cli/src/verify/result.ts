// One check's line in a report, built alike for the database invariants and the black-box checks:
// SKIP with the reason it could not run, or PASS/FAIL from what it found and how long it took.
import type { Finding } from './invariants/invariant.js';
import { type InvariantResult, MAX_EXAMPLES } from './report.js';

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
