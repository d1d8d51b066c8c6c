import {
  completeStep,
  currentStep,
  firstPollSeconds,
  INITIAL_PROGRESS,
  InsightBlocksHopError,
  insightsBlockingHop,
  nextPollSeconds,
  StepFailedError,
  UpgradeHaltedError,
} from '../../../lib/domain/execution';
import type { UpgradeStep } from '../../../lib/domain/plan-types';
import { ROLLBACK_WINDOW_MS } from '../../../lib/domain/rollback';
import type { Insight } from '../../../lib/domain/snapshot';

/** The execution phase's pure decisions: when to poll, how progress moves, which insights stop a hop. */
const step = (estimatedMinutes: number, id = 'control-plane:1.31'): UpgradeStep => ({
  kind: 'control-plane',
  id,
  hop: '1.31',
  from: '1.30',
  to: '1.31',
  estimatedMinutes,
});
const tuning = { minPollSeconds: 30, maxPollSeconds: 900, busyRetrySeconds: 60 };

describe('poll timing', () => {
  it('first polls at 80 % of the estimate, within the bounds', () => {
    expect(firstPollSeconds(step(10), tuning)).toBe(480);
    expect(firstPollSeconds(step(0.1), tuning)).toBe(30);
    expect(firstPollSeconds(step(60), tuning)).toBe(900);
    expect(firstPollSeconds(step(1.01), tuning)).toBe(48);
  });

  it('polls at a fifth of the estimate before it is due and a tenth once overdue', () => {
    expect(nextPollSeconds(step(10), 0, tuning)).toBe(120);
    expect(nextPollSeconds(step(10), 599, tuning)).toBe(120);
    expect(nextPollSeconds(step(10), 600, tuning)).toBe(60);
    expect(nextPollSeconds(step(10), 6000, tuning)).toBe(60);
  });

  it('keeps the next poll within the bounds', () => {
    expect(nextPollSeconds(step(1), 0, tuning)).toBe(30);
    expect(nextPollSeconds(step(600), 0, tuning)).toBe(900);
  });
});

describe('progress', () => {
  it('starts at the first step with nothing done', () => {
    expect(INITIAL_PROGRESS).toEqual({ next: 0, completed: [], polls: 0, busyAnswers: 0 });
  });

  it('completing a step moves to the next, records its id and keeps the totals', () => {
    const steps = [step(1, 'a'), step(1, 'b')];
    const inFlight = { stepId: 'a', updateId: 'u', startedAt: 't', polls: 2 };
    const after = completeStep(
      { ...INITIAL_PROGRESS, inFlight, polls: 5, busyAnswers: 1 },
      steps[0] as UpgradeStep,
    );
    expect(after).toEqual({ next: 1, completed: ['a'], polls: 5, busyAnswers: 1 });
    expect(currentStep(steps, after)).toBe(steps[1]);
    expect(currentStep(steps, completeStep(after, steps[1] as UpgradeStep))).toBeUndefined();
  });
});

describe('insightsBlockingHop', () => {
  const insight = (id: string, extra: Partial<Insight>): Insight =>
    ({
      id,
      name: id,
      category: 'UPGRADE_READINESS',
      kubernetesVersion: '1.31',
      insightStatus: { status: 'ERROR', reason: 'r' },
      ...extra,
    }) as Insight;

  it('keeps upgrade-readiness insights in ERROR for this version or for none, and no others', () => {
    const insights = [
      insight('for-hop', {}),
      insight('any-version', { kubernetesVersion: undefined }),
      insight('next-hop', { kubernetesVersion: '1.32' }),
      insight('warning', { insightStatus: { status: 'WARNING', reason: 'r' } }),
      insight('passing', { insightStatus: { status: 'PASSING', reason: 'r' } }),
      insight('misconfig', { category: 'MISCONFIGURATION' }),
    ];
    expect(insightsBlockingHop(insights, '1.31').map((i) => i.id)).toEqual(['for-hop', 'any-version']);
    expect(insightsBlockingHop(insights, '1.32').map((i) => i.id)).toEqual(['any-version', 'next-hop']);
  });
});

describe('execution errors', () => {
  it('StepFailedError keeps the step and EKS codes', () => {
    const error = new StepFailedError('update failed', 'nodegroup:a:1.31', ['NodeCreationFailure']);
    expect(error.name).toBe('StepFailedError');
    expect(error.retryable).toBe(false);
    expect(error.stepId).toBe('nodegroup:a:1.31');
    expect(error.codes).toEqual(['NodeCreationFailure']);
    expect(error.message).toBe('update failed');
  });

  it('UpgradeHaltedError', () => {
    const error = new UpgradeHaltedError('halted');
    expect(error.name).toBe('UpgradeHaltedError');
    expect(error.retryable).toBe(false);
  });

  it('InsightBlocksHopError says the cluster stays and what to do', () => {
    const error = new InsightBlocksHopError('payments', '1.31', ['i-1'], 'Deprecated APIs (i-1)');
    expect(error.name).toBe('InsightBlocksHopError');
    expect(error.retryable).toBe(false);
    expect(error.clusterName).toBe('payments');
    expect(error.version).toBe('1.31');
    expect(error.insightIds).toEqual(['i-1']);
    expect(error.message).toBe(
      'Cluster payments stays at its current version: upgrade insight(s) now in ERROR for 1.31: Deprecated APIs (i-1). Fix what they name and request the upgrade again, or request it with force.',
    );
  });
});

describe('the rollback window', () => {
  it('is the 7 days EKS keeps a control-plane version rollback possible', () => {
    expect(ROLLBACK_WINDOW_MS).toBe(604_800_000);
  });
});
