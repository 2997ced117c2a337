// Injects the chosen faults one after another at seeded random moments while the load runs, and
// measures how long the service takes to answer again (GET /health 200, GET /sale 200 with the sale).
import { readSaleAnswer } from '@flashsale/protocol';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { FaultResult } from './fault.js';
import type { FaultEvidence } from './faults.js';
import type { FaultKind } from './kinds.js';

/** A chosen fault, ready to inject into this run. */
export type ScheduledFault = {
  kind: FaultKind;
  inject: () => Promise<FaultResult<FaultEvidence[FaultKind]>>;
};

export type FaultRecord = {
  kind: FaultKind;
  /** Epoch ms the fault was injected; null when the load ended first. */
  atMs: number | null;
  detail: string;
  /** What shows the fault happened; null when it was not injected or found nothing to act on. */
  evidence: FaultEvidence[FaultKind] | null;
  /** Epoch ms the service answered again; null if it did not within the deadline. */
  recoveredAtMs: number | null;
};

export type ChaosPlan = {
  /** Injected in this order. */
  faults: readonly ScheduledFault[];
  /** Seeds the moments the faults are injected at. */
  seed: number;
  /** Records the fault in the simulator's ledger, report and timeline. */
  mark: (kind: string, detail: string) => void;
  serviceUrl: () => string;
  isLoadRunning: () => boolean;
  /** The load's schedule started: the first fault's delay counts from here, not from the launch. */
  loadStarted: Promise<void>;
  log: (line: string) => void;
  /** The run was aborted: no more faults, no more waiting for recovery. */
  signal?: AbortSignal;
};

const FIRST_FAULT_AFTER_MS: [number, number] = [2000, 4000];
const BETWEEN_FAULTS_MS: [number, number] = [2000, 4000];
const RECOVERY_DEADLINE_MS = 30_000;

export async function injectFaults(plan: ChaosPlan): Promise<FaultRecord[]> {
  const random = xoroshiro128plus(plan.seed >>> 0);
  const records: FaultRecord[] = [];
  let waitMs = uniformInt(random, ...FIRST_FAULT_AFTER_MS);
  // A slow start (warm-up, connections, the item list read first) must not let a fault land
  // before any buyer has sent a request.
  await plan.loadStarted;
  for (const { kind, inject } of plan.faults) {
    await sleep(waitMs);
    if (!plan.isLoadRunning() || plan.signal?.aborted) {
      records.push({
        kind,
        atMs: null,
        detail: 'not injected: the load ended first',
        evidence: null,
        recoveredAtMs: null,
      });
      continue;
    }
    const atMs = Date.now();
    plan.mark(kind, 'injected');
    const { detail, evidence } = await inject();
    plan.log(`fault ${kind}: ${detail}`);
    const recoveredAtMs = await waitUntilServing(plan.serviceUrl, atMs + RECOVERY_DEADLINE_MS, plan.signal);
    plan.mark(
      `${kind}:recovered`,
      recoveredAtMs === null ? 'not within 30 s' : `after ${recoveredAtMs - atMs} ms`,
    );
    plan.log(
      `fault ${kind}: ${recoveredAtMs === null ? 'the service did not recover within 30 s' : `service answering again after ${recoveredAtMs - atMs} ms`}`,
    );
    records.push({ kind, atMs, detail, evidence, recoveredAtMs });
    waitMs = uniformInt(random, ...BETWEEN_FAULTS_MS);
  }
  return records;
}

async function waitUntilServing(
  serviceUrl: () => string,
  deadlineMs: number,
  signal: AbortSignal | undefined,
): Promise<number | null> {
  while (Date.now() < deadlineMs && signal?.aborted !== true) {
    const url = serviceUrl();
    const ok = await Promise.all([
      answersOk(`${url}/health`, () => true),
      answersOk(`${url}/sale`, (body) => readSaleAnswer(body) !== null),
    ]);
    if (ok.every(Boolean)) return Date.now();
    await sleep(100);
  }
  return null;
}

async function answersOk(url: string, isGoodBody: (body: string) => boolean): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    const body = await response.text();
    return response.status === 200 && isGoodBody(body);
  } catch {
    return false; // refused, reset or timed out: not serving yet
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
