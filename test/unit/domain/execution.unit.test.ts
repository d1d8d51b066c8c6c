import {
  currentStep,
  INITIAL_PROGRESS,
  InsightBlocksHopError,
  insightsBlockingHop,
  passStep,
  StepFailedError,
  UpgradeHaltedError,
} from '../../../lib/domain/execution';
import { ROLLBACK_WINDOW_MS } from '../../../lib/domain/rollback';
import type { Insight } from '../../../lib/domain/snapshot';
import { hopControlPlane, hopNodegroupsGate } from '../../support/hop-steps';

/** The execution phase's pure decisions: which insights stop a hop, and its named errors. */
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

describe('progress through the steps', () => {
  const steps = [hopControlPlane, hopNodegroupsGate];

  it('starts at the first step with nothing in flight, done or counted', () => {
    expect(INITIAL_PROGRESS).toEqual({ next: 0, inFlight: [], done: 0, polls: 0, busyAnswers: 0 });
    expect(currentStep(steps, INITIAL_PROGRESS)).toBe(hopControlPlane);
  });

  it('a passed gate moves next and done on by one and keeps the rest', () => {
    const at = { ...INITIAL_PROGRESS, next: 1, done: 1, polls: 4, busyAnswers: 2 };
    expect(currentStep(steps, at)).toBe(hopNodegroupsGate);
    const passed = passStep(at);
    expect(passed).toEqual({ next: 2, inFlight: [], done: 2, polls: 4, busyAnswers: 2 });
    expect(currentStep(steps, passed)).toBeUndefined();
  });
});
