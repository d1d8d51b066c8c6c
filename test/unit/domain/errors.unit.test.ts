import {
  GreenProvisioningFailedError,
  GreenSpecError,
  WorkloadsNotReadyError,
} from '../../../lib/domain/blue-green';
import {
  AgentError,
  ClusterNotFoundError,
  InvalidRequestError,
  InvalidSnapshotError,
  NotAwaitingApprovalError,
  PlanBlockedError,
  ReadinessCheckFailedError,
  RollbackUnavailableError,
  UnsupportedStepError,
  UpgradeNotFoundError,
} from '../../../lib/domain/errors';

/**
 * An error's name is what the state machine's Retry/Catch match on and its message is
 * what a person reads: both are the contract, so both are asserted exactly.
 */
describe('the named errors', () => {
  it('InvalidSnapshotError keeps its issues (none by default) and is not retryable', () => {
    const error = new InvalidSnapshotError('bad snapshot', ['cluster.version: required']);
    expect(error).toBeInstanceOf(AgentError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvalidSnapshotError');
    expect(error.message).toBe('bad snapshot');
    expect(error.issues).toEqual(['cluster.version: required']);
    expect(error.retryable).toBe(false);
    expect(new InvalidSnapshotError('x').issues).toEqual([]);
  });

  it('InvalidRequestError', () => {
    const error = new InvalidRequestError('targetVersion: required', { cause: 'zod' });
    expect(error.name).toBe('InvalidRequestError');
    expect(error.retryable).toBe(false);
    expect(error.cause).toBe('zod');
  });

  it('PlanBlockedError keeps the blocking codes', () => {
    const error = new PlanBlockedError('2 blocking findings', ['ADDON_INCOMPATIBLE', 'SKEW']);
    expect(error.name).toBe('PlanBlockedError');
    expect(error.message).toBe('2 blocking findings');
    expect(error.codes).toEqual(['ADDON_INCOMPATIBLE', 'SKEW']);
    expect(error.retryable).toBe(false);
  });

  it("ReadinessCheckFailedError quotes EKS's message and says what to do", () => {
    const cause = new Error('InvalidStateException');
    const error = new ReadinessCheckFailedError('payments', 'Upgrade insights failing.', { cause });
    expect(error.name).toBe('ReadinessCheckFailedError');
    expect(error.retryable).toBe(false);
    expect(error.clusterName).toBe('payments');
    expect(error.eksMessage).toBe('Upgrade insights failing.');
    expect(error.cause).toBe(cause);
    expect(error.message).toBe(
      'EKS refused to change the version of cluster payments: readiness checks are failing. ' +
        'EKS says: Upgrade insights failing. ' +
        'Fix what the failing insights name (ListInsights) or rerun with force.',
    );
  });

  it('UnsupportedStepError names the kind', () => {
    const error = new UnsupportedStepError('shift-traffic');
    expect(error.name).toBe('UnsupportedStepError');
    expect(error.retryable).toBe(false);
    expect(error.kind).toBe('shift-traffic');
    expect(error.message).toBe(
      'step kind "shift-traffic" cannot be started by the EKS update runner (in-place kinds only)',
    );
  });

  it('ClusterNotFoundError names the region and what to check when it is known', () => {
    const cause = new Error('ResourceNotFoundException');
    const error = new ClusterNotFoundError('payments', { cause, region: 'eu-west-1' });
    expect(error.name).toBe('ClusterNotFoundError');
    expect(error.retryable).toBe(false);
    expect(error.clusterName).toBe('payments');
    expect(error.cause).toBe(cause);
    expect(error.message).toBe(
      'no cluster payments in eu-west-1: EKS does not know it in this account and region (check the name, --region and --profile)',
    );
    expect(new ClusterNotFoundError('payments').message).toBe(
      'EKS cluster payments was not found in this account and region',
    );
  });

  it("RollbackUnavailableError quotes EKS's message", () => {
    const error = new RollbackUnavailableError('payments', 'window closed', { cause: 'x' });
    expect(error.name).toBe('RollbackUnavailableError');
    expect(error.retryable).toBe(false);
    expect(error.clusterName).toBe('payments');
    expect(error.eksMessage).toBe('window closed');
    expect(error.cause).toBe('x');
    expect(error.message).toBe('EKS cannot roll back the control plane of cluster payments: window closed');
  });

  it.each([
    ['GreenSpecError', new GreenSpecError('no role')],
    ['GreenProvisioningFailedError', new GreenProvisioningFailedError('CREATE_FAILED')],
    ['WorkloadsNotReadyError', new WorkloadsNotReadyError('not ready')],
    ['NotAwaitingApprovalError', new NotAwaitingApprovalError('already answered')],
    ['UpgradeNotFoundError', new UpgradeNotFoundError('no upgrade up-1')],
  ])('%s is named and not retryable', (name, error) => {
    expect(error).toBeInstanceOf(AgentError);
    expect(error.name).toBe(name);
    expect(error.retryable).toBe(false);
  });
});
