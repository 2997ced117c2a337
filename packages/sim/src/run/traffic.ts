// The hot path of a run: fills each schedule slot with the next ready session step (or a new
// session), sends it, and on its answer records it, writes its ledger line and lets the session
// react. Times are performance.now() ms; sessions and the ledger get epoch ms.
import { ledgerOutcomeOf } from '@flashsale/protocol';
import type { BuyerContext } from '../buyers/context.js';
import type { SessionFactory } from '../buyers/mix.js';
import type { Session, Step } from '../buyers/session.js';
import { type AnswerReader, noAnswer, type ReadAnswer } from '../http/answer.js';
import { failureOf, PendingRequest, type RequestSink, type Sender } from '../http/sender.js';
import type { LedgerWriter } from '../record/ledger.js';
import type { Recorder } from '../record/recorder.js';
import { ReadyQueue } from '../schedule/ready-queue.js';

export type TrafficParts = Readonly<{
  factory: SessionFactory;
  context: BuyerContext;
  sender: Sender;
  /** Reads answers in the target's dialect (its profile). */
  reader: AnswerReader;
  recorder: Recorder;
  ledger: LedgerWriter | null;
  maxInFlight: number;
  /** `<run-id>-<shard>-`: each request id is this plus a sequence number. */
  requestIdPrefix: string;
}>;

export class Traffic implements RequestSink {
  readonly #parts: TrafficParts;
  readonly #ready = new ReadyQueue<Session>();
  /** Sessions about to buy what they hold: served before any other (see Session.isHolding). */
  readonly #readyToBuy = new ReadyQueue<Session>();
  readonly #epochOffsetMs = performance.timeOrigin;
  /** Items bought → sessions, for normal and heavy buyers whose session ended. */
  readonly itemsPerBuyer = new Map<number, number>();
  #sessionCount = 0;
  #sequence = 0;
  #isAbandoning = false;
  #onDrained: (() => void) | null = null;

  constructor(parts: TrafficParts) {
    this.#parts = parts;
  }

  nowMs(): number {
    return performance.now();
  }

  fillSlot(intendedMs: number, nowMs: number): void {
    const { recorder, factory } = this.#parts;
    recorder.onScheduled();
    if (recorder.inFlight >= this.#parts.maxInFlight) {
      recorder.onDropped();
      return;
    }
    const epochMs = this.#epochOffsetMs + nowMs;
    // Ends because a new session always has a first step.
    for (;;) {
      const session =
        this.#readyToBuy.popReady(nowMs) ??
        this.#ready.popReady(nowMs) ??
        factory.createSession(this.#sessionCount++);
      const step = session.nextStep(epochMs);
      if (step !== null) {
        this.#send(session, step, intendedMs, nowMs);
        return;
      }
      this.#endSession(session);
    }
  }

  onSent(request: PendingRequest): void {
    this.#parts.recorder.onSent(request.intendedMs, request.sentMs);
  }

  onAnswered(request: PendingRequest, body: Buffer | null): void {
    this.#finish(request, this.#parts.reader.read(request.step.endpoint, request.status, body));
  }

  onFailed(request: PendingRequest, error: Error): void {
    if (this.#isAbandoning && request.sentMs < 0) {
      // Still queued for a connection when the run gave up waiting: it was never sent.
      this.#parts.recorder.onCancelled();
      this.#endSession(request.session);
      this.#checkDrained();
      return;
    }
    const failure = this.#isAbandoning ? 'timeout' : failureOf(error);
    this.#finish(request, noAnswer(failure));
  }

  /** Resolves once nothing is in flight. */
  whenDrained(): Promise<void> {
    return new Promise((resolve) => {
      this.#onDrained = resolve;
      this.#checkDrained();
    });
  }

  /** From now on, failures are the run giving up on requests, not the service's doing. */
  abandonInFlight(): void {
    this.#isAbandoning = true;
  }

  /** Ends every waiting session, so items-per-buyer covers them. */
  endAllSessions(): void {
    for (const session of [...this.#readyToBuy.takeAll(), ...this.#ready.takeAll()])
      this.#endSession(session);
  }

  #send(session: Session, step: Step, intendedMs: number, nowMs: number): void {
    const request = new PendingRequest(
      this,
      session,
      step,
      this.#parts.requestIdPrefix + this.#sequence++,
      intendedMs,
    );
    this.#parts.recorder.onDispatched(intendedMs, nowMs);
    this.#parts.sender.send(request);
  }

  #finish(request: PendingRequest, answer: ReadAnswer): void {
    const doneMs = this.nowMs();
    const doneEpochMs = this.#epochOffsetMs + doneMs;
    const wasSent = request.sentMs >= 0;
    const { step, session } = request;
    this.#parts.recorder.onDone(
      step.endpoint,
      answer.outcome,
      request.intendedMs,
      wasSent ? request.sentMs : null,
      doneMs,
      doneEpochMs,
      this.#epochOffsetMs + request.intendedMs,
      answer.saleId,
    );
    this.#parts.ledger?.writeRequest({
      requestId: request.requestId,
      attemptId: request.attemptId,
      issuedUserId: step.issuedUserId,
      issuedItemId: step.issuedItemId,
      reportedItemId: answer.reportedItemId,
      expiresMs: answer.expiresAtMs,
      endpoint: step.endpoint,
      behaviour: session.behaviour,
      userId: step.userId,
      itemId: step.itemId,
      code: step.endpoint === 'purchase' ? step.code : answer.code,
      saleId: answer.saleId,
      purchaseId: answer.purchaseId,
      isReplayed: answer.isReplayed,
      intendedMs: this.#epochOffsetMs + request.intendedMs,
      sentMs: wasSent ? this.#epochOffsetMs + request.sentMs : null,
      doneMs: doneEpochMs,
      status: answer.status,
      error: answer.error,
      outcome: answer.ledgerOutcome ?? ledgerOutcomeOf(answer.status, wasSent),
    });
    // A newer sale id means the sale rolled over: buyers forget the old one before reacting.
    this.#parts.context.sale.observe(answer.saleId);
    const boughtBefore = session.itemsBought;
    const thinkMs = session.onAnswer(answer, doneEpochMs);
    if (session.itemsBought > boughtBefore && session.itemsBought <= this.#wantedOf(session))
      this.#parts.context.demand.outstanding -= 1;
    (session.isHolding ? this.#readyToBuy : this.#ready).push(doneMs + thinkMs, session);
    this.#checkDrained();
  }

  #endSession(session: Session): void {
    if (session.behaviour === 'invalid') return;
    this.#parts.context.demand.outstanding -= Math.max(0, this.#wantedOf(session) - session.itemsBought);
    this.itemsPerBuyer.set(session.itemsBought, (this.itemsPerBuyer.get(session.itemsBought) ?? 0) + 1);
  }

  /** What a session's demand counted: its wants capped at the user limit. */
  #wantedOf(session: Session): number {
    return Math.min(session.itemsWanted, this.#parts.context.userLimit);
  }

  #checkDrained(): void {
    if (this.#onDrained !== null && this.#parts.recorder.inFlight === 0) {
      const resolve = this.#onDrained;
      this.#onDrained = null;
      resolve();
    }
  }
}
