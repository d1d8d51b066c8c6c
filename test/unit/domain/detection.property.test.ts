import fc from 'fast-check';
import { EARLIEST_LOOK, nextCheckSeconds, OVERDUE_FRACTION } from '../../../lib/domain/detection';

/**
 * The detection rule over any step and any end: following its waits from the start of
 * an update, the first look at or after the update's end comes at most one wait late,
 * and that wait is OVERDUE_FRACTION of the time taken (or the floor, or the ceiling);
 * nothing is looked at before EARLIEST_LOOK of the estimate.
 */
const arb = fc.record({
  estimate: fc.integer({ min: 60, max: 20_000 }),
  endShare: fc.double({ min: 0.05, max: 3, noNaN: true }),
  minPollSeconds: fc.integer({ min: 5, max: 120 }),
  maxPollSeconds: fc.integer({ min: 120, max: 1800 }),
});

function looks(estimate: number, end: number, tuning: { minPollSeconds: number; maxPollSeconds: number }) {
  const at: number[] = [];
  let t = 0;
  while (t < end) {
    const wait = nextCheckSeconds(estimate, t, tuning);
    expect(Number.isInteger(wait) && wait >= 1 && wait <= tuning.maxPollSeconds).toBe(true);
    t += wait;
    at.push(t);
  }
  return at;
}

describe('detection rule (property)', () => {
  it('never looks before 80 % of the estimate, unless the longest wait forces a look', () => {
    fc.assert(
      fc.property(arb, ({ estimate, endShare, ...tuning }) => {
        const first = looks(estimate, Math.round(estimate * endShare), tuning)[0] ?? 0;
        expect(first).toBe(Math.min(tuning.maxPollSeconds, Math.ceil(estimate * EARLIEST_LOOK)));
      }),
    );
  });

  it('sees an end after the first look within 3 % of its time (or minPollSeconds), an earlier one at the first look', () => {
    fc.assert(
      fc.property(arb, ({ estimate, endShare, ...tuning }) => {
        const end = Math.max(1, Math.round(estimate * endShare));
        const at = looks(estimate, end, tuning);
        const latency = (at[at.length - 1] ?? 0) - end;
        const firstLook = Math.ceil(estimate * EARLIEST_LOOK);
        expect(latency).toBeGreaterThanOrEqual(0);
        if (end >= firstLook) {
          const bound = Math.min(
            tuning.maxPollSeconds,
            Math.max(tuning.minPollSeconds, Math.round(end * OVERDUE_FRACTION)),
          );
          expect(latency).toBeLessThanOrEqual(bound);
        } else {
          expect(latency).toBeLessThanOrEqual(firstLook - end);
        }
      }),
    );
  });
});
