// The rate plan: `--rps N --duration D` is one stage; `--stages 30s:1000,60s:5000` holds each
// stage's rate for its duration, one after the other (ramp by using more stages).
import { parseDurationMs } from '@flashsale/protocol';

export type Stage = Readonly<{ durationMs: number; rps: number }>;

const stagePattern = /^([^:]+):(\d+(?:\.\d+)?)$/;

/** Reads `30s:1000,60s:5000`; returns a reason on failure. */
export function parseStages(text: string): readonly Stage[] | string {
  const stages: Stage[] = [];
  for (const part of text.split(',')) {
    const match = stagePattern.exec(part.trim());
    const durationMs = match === null ? null : parseDurationMs(match[1] ?? '');
    const rps = Number(match?.[2]);
    if (durationMs === null || !(durationMs > 0)) return `'${part}' is not duration:rps (e.g. 30s:1000)`;
    if (!(rps > 0)) return `'${part}' needs a rate above 0`;
    stages.push({ durationMs, rps });
  }
  return stages;
}

export function plannedDurationMs(stages: readonly Stage[]): number {
  return stages.reduce((sum, stage) => sum + stage.durationMs, 0);
}

/** Requests the plan sends in total (the open loop sends exactly this many unless stopped). */
export function plannedRequests(stages: readonly Stage[], phase = 0): number {
  return stages.reduce((sum, stage) => sum + slotsInStage(stage, phase), 0);
}

function slotsInStage(stage: Stage, phase: number): number {
  return Math.max(0, Math.ceil((stage.durationMs * stage.rps) / 1000 - phase));
}

/**
 * The intended send times of an open-loop schedule. Stage j's slots sit at
 * stageStart + (slot + phase) * 1000/rps; the time comes from the slot index rather than from
 * adding intervals, so it never drifts. `phase` (0 <= phase < 1) shifts every slot by a share of
 * the interval, so several workers at rps/W each interleave into one even stream.
 */
export class RateSchedule {
  readonly #stages: readonly Stage[];
  readonly #phase: number;
  #stageIndex = 0;
  #stageStartMs: number;
  #slotInStage = 0;
  #endMs = Number.POSITIVE_INFINITY;
  /** The next slot's intended time, or +Infinity once the schedule is over. */
  nextSlotMs = Number.POSITIVE_INFINITY;

  constructor(stages: readonly Stage[], startMs: number, phase = 0) {
    this.#stages = stages;
    this.#phase = phase;
    this.#stageStartMs = startMs;
    this.#settle();
  }

  /** Moves to the slot after `nextSlotMs`. */
  advance(): void {
    this.#slotInStage += 1;
    this.#settle();
  }

  /** Ends the schedule early: no slot at or after `atMs` is given out. */
  endAt(atMs: number): void {
    this.#endMs = Math.min(this.#endMs, atMs);
    if (this.nextSlotMs >= this.#endMs) this.nextSlotMs = Number.POSITIVE_INFINITY;
  }

  #settle(): void {
    for (;;) {
      const stage = this.#stages[this.#stageIndex];
      if (stage === undefined) {
        this.nextSlotMs = Number.POSITIVE_INFINITY;
        return;
      }
      const slotMs = this.#stageStartMs + ((this.#slotInStage + this.#phase) * 1000) / stage.rps;
      if (this.#slotInStage < slotsInStage(stage, this.#phase)) {
        this.nextSlotMs = slotMs < this.#endMs ? slotMs : Number.POSITIVE_INFINITY;
        return;
      }
      this.#stageStartMs += stage.durationMs;
      this.#stageIndex += 1;
      this.#slotInStage = 0;
    }
  }
}
