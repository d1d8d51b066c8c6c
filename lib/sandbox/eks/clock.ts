import type { Clock } from '../../ports';

/**
 * Virtual time. The sandbox never sleeps: an update "takes 25 minutes" because its
 * end time is 25 virtual minutes after its start, and it completes once virtual
 * time has moved past that. Virtual time is `base clock + offset`, where the offset
 * is kept in the state file, so every process that opens the same state directory
 * reads the same time, and time moves only when someone advances it.
 */

/** The port's clock: the sandbox's virtual time is one. */
export type { Clock };

/** The persisted part of virtual time. */
export interface VirtualClockState {
  /** Time zero of this world (ISO 8601): the base when no clock is injected. */
  readonly epoch: string;
  /** Minutes added by `advance` (and by a runner compressing Wait states). */
  readonly offsetMinutes: number;
}

const MS_PER_MINUTE = 60_000;

/** A clock a test (or a runner) moves by hand. */
export class ManualClock implements Clock {
  private ms: number;
  constructor(start: Date) {
    this.ms = start.getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  advanceMinutes(minutes: number): void {
    this.ms += minutes * MS_PER_MINUTE;
  }
}

/** The virtual time now: the base clock (the epoch when none is given) plus the persisted offset. */
export function virtualNow(state: VirtualClockState, base?: Clock): Date {
  const baseMs = base ? base.now().getTime() : Date.parse(state.epoch);
  return new Date(baseMs + state.offsetMinutes * MS_PER_MINUTE);
}

/** `at` plus `minutes`, as an ISO string (the form the state file keeps). */
export function addMinutes(at: Date, minutes: number): string {
  return new Date(at.getTime() + minutes * MS_PER_MINUTE).toISOString();
}
