// The one timer that drives a run (no timer per request). Each wake-up fills every slot whose
// intended time has come: a late wake-up fills the missed slots at once, each keeping its own
// intended time, so lateness shows up in the latencies instead of lowering the rate. It also
// closes each second as it passes, until stopped.
import type { RateSchedule } from './stages.js';

export interface LoopTarget {
  fillSlot(intendedMs: number, nowMs: number): void;
  closeSecond(second: number): void;
  /** The schedule has given out its last slot (or was ended early). */
  onScheduleEnd(): void;
}

export class OpenLoop {
  readonly #schedule: RateSchedule;
  readonly #target: LoopTarget;
  readonly #startMs: number;
  readonly #nowMs: () => number;
  #second = 0;
  #timer: NodeJS.Timeout | null = null;
  #hasEnded = false;
  #isStopped = false;

  constructor(schedule: RateSchedule, target: LoopTarget, startMs: number, nowMs: () => number) {
    this.#schedule = schedule;
    this.#target = target;
    this.#startMs = startMs;
    this.#nowMs = nowMs;
  }

  /** The second currently open (seconds since start). */
  get second(): number {
    return this.#second;
  }

  start(): void {
    this.#arm(this.#nowMs());
  }

  /** Stops the timer; the caller closes the last, partial second itself. */
  stop(): void {
    this.#isStopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
  }

  readonly #wake = (): void => {
    if (this.#isStopped) return;
    let nowMs = this.#nowMs();
    const schedule = this.#schedule;
    while (schedule.nextSlotMs <= nowMs) {
      // A slot belongs to the second of its intended time, even when it is filled late.
      this.#closeSecondsBefore(schedule.nextSlotMs);
      this.#target.fillSlot(schedule.nextSlotMs, nowMs);
      schedule.advance();
      // A long burst (after a stall) takes real time: keep `now` honest for the lag figures.
      if (schedule.nextSlotMs < nowMs) nowMs = this.#nowMs();
    }
    this.#closeSecondsBefore(nowMs);
    if (!this.#hasEnded && schedule.nextSlotMs === Number.POSITIVE_INFINITY) {
      this.#hasEnded = true;
      this.#target.onScheduleEnd();
    }
    if (!this.#isStopped) this.#arm(nowMs);
  };

  #closeSecondsBefore(atMs: number): void {
    while (atMs >= this.#startMs + (this.#second + 1) * 1000) {
      this.#target.closeSecond(this.#second);
      this.#second += 1;
    }
  }

  #arm(nowMs: number): void {
    const nextSecondMs = this.#startMs + (this.#second + 1) * 1000;
    const nextMs = Math.min(this.#schedule.nextSlotMs, nextSecondMs);
    this.#timer = setTimeout(this.#wake, Math.max(0, nextMs - nowMs));
  }
}
