import { EARLIEST_LOOK, nextCheckSeconds, OVERDUE_FRACTION } from '../../../lib/domain/detection';
import { mayStart } from '../../../lib/domain/parallel-steps';
import type { UpgradeStep } from '../../../lib/domain/plan-types';
import { hopControlPlane, hopNodegroup, hopNodegroupsGate } from '../../support/hop-steps';

const ng = (name: string, to = '1.31') => hopNodegroup(name, 10, to);
const addon: UpgradeStep = {
  kind: 'addon',
  id: 'addon:kube-proxy:1.31',
  name: 'kube-proxy',
  hop: '1.31',
  from: 'v1.30.0',
  to: 'v1.31.0',
  estimatedMinutes: 3,
};
const cp = hopControlPlane;
const gate = hopNodegroupsGate;
const at = (steps: readonly UpgradeStep[], ...indexes: number[]) =>
  indexes.map((index) => ({ index, step: steps[index] as UpgradeStep }));

describe('mayStart', () => {
  const steps = [cp, addon, ng('a'), ng('b'), ng('c'), gate];

  it('given nothing in flight, then any step but a gate may start', () => {
    expect(steps.map((_, i) => mayStart(steps, i, [], 3))).toEqual([true, true, true, true, true, false]);
  });

  it('given node groups of one run in flight, then the next node group joins them up to the limit', () => {
    expect(mayStart(steps, 3, at(steps, 2), 2)).toBe(true);
    expect(mayStart(steps, 4, at(steps, 2, 3), 2)).toBe(false);
    expect(mayStart(steps, 4, at(steps, 2, 3), 3)).toBe(true);
  });

  it('given a limit below one, then it counts as one', () => {
    expect(mayStart(steps, 3, at(steps, 2), 0)).toBe(false);
  });

  it('given the control plane or an add-on in flight, then nothing starts beside it, and they start beside nothing', () => {
    expect(mayStart(steps, 1, at(steps, 0), 5)).toBe(false);
    expect(mayStart(steps, 2, at(steps, 1), 5)).toBe(false);
    expect(mayStart([ng('a'), cp], 1, at([ng('a'), cp], 0), 5)).toBe(false);
  });

  it('given a node group in flight, then a second update of the same node group waits', () => {
    const same = [ng('a', '1.30'), ng('a', '1.31')];
    expect(mayStart(same, 1, at(same, 0), 5)).toBe(false);
    const second = [ng('a', '1.30'), ng('b'), ng('a', '1.31')];
    expect(mayStart(second, 2, at(second, 0, 1), 5)).toBe(false);
  });

  it('given another kind of step between them in the plan, then node groups of two runs never overlap', () => {
    const runs = [ng('a'), addon, ng('b')];
    expect(mayStart(runs, 2, at(runs, 0), 5)).toBe(false);
  });

  it('given no step at the index, then nothing starts', () => {
    expect(mayStart(steps, steps.length, [], 5)).toBe(false);
  });
});

describe('nextCheckSeconds', () => {
  const tuning = { minPollSeconds: 15, maxPollSeconds: 900 };

  it('before 80 % of the estimate, then it waits exactly the rest of the way there, even below the minimum', () => {
    expect(EARLIEST_LOOK).toBe(0.8);
    expect(nextCheckSeconds(600, 0, tuning)).toBe(480);
    expect(nextCheckSeconds(600, 470, tuning)).toBe(10);
    expect(nextCheckSeconds(600, 479.5, tuning)).toBe(1);
  });

  it('given an estimate longer than the longest wait, then it waits the longest wait', () => {
    expect(nextCheckSeconds(3600, 0, tuning)).toBe(900);
  });

  it('once looking, then it waits a small share of the time taken, within the bounds, before and after the estimate', () => {
    expect(OVERDUE_FRACTION).toBe(0.03);
    expect(nextCheckSeconds(600, 480, tuning)).toBe(15);
    expect(nextCheckSeconds(3000, 2400, tuning)).toBe(72);
    expect(nextCheckSeconds(3000, 3000, tuning)).toBe(90);
    expect(nextCheckSeconds(3000, 3050, tuning)).toBe(92);
    expect(nextCheckSeconds(60_000, 60_000, tuning)).toBe(900);
  });

  it('given a minimum above the maximum, then the maximum wins; and a wait is never below one second', () => {
    expect(nextCheckSeconds(100, 200, { minPollSeconds: 60, maxPollSeconds: 20 })).toBe(20);
    expect(nextCheckSeconds(10, 20, { minPollSeconds: 0, maxPollSeconds: 0 })).toBe(1);
  });
});
