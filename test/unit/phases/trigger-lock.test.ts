import { executionName } from '../../../lib/domain/execution-name';
import { triggerUpgrade } from '../../../lib/phases/trigger';
import type { ExecutionStarter } from '../../../lib/ports';
import { NOW, phaseWorld } from '../../support/phase-world';

/**
 * The trigger's cluster lock and its refusals: a dry run takes no lock, a busy
 * cluster ends as upgrade.failed, an invalid request is rejected with a reason
 * that names each bad field.
 */

const CLUSTER = 'payments-prod';
const request = { clusterName: CLUSTER, targetVersion: '1.32', requestId: 'chg-7' };
const event = (detail: unknown = request) => ({ 'detail-type': 'upgrade.requested', detail });
const NAME = executionName(request);
const ARN = `arn:aws:states:us-east-1:123456789012:execution:upgrade:${NAME}`;

function setup(config?: unknown) {
  const w = phaseWorld(config !== undefined ? { config } : {});
  const starter: ExecutionStarter = {
    find: jest.fn(async () => undefined),
    start: jest.fn(async () => ({ kind: 'started' as const, executionArn: ARN })),
  };
  return { w, starter, deps: { ...w.deps, starter } };
}

describe('triggerUpgrade: the cluster lock', () => {
  test('given a free cluster, then the lock is taken for the upgrade with the configured lifetime and the execution starts with the request', async () => {
    const { w, starter, deps } = setup({ lockTtlSeconds: 3600 });
    const result = await triggerUpgrade(event(), deps);
    expect(result).toEqual({ status: 'started', upgradeId: NAME, executionArn: ARN });
    expect(w.deps.locks.acquire).toHaveBeenCalledWith(CLUSTER, NAME, 3600);
    const input = {
      upgradeId: NAME,
      request: { ...request, schemaVersion: '1', strategy: 'in_place', force: false, dryRun: false },
    };
    expect(starter.find).toHaveBeenCalledWith(NAME, input);
    expect(starter.start).toHaveBeenCalledWith(NAME, input);
    expect(w.deps.locks.release).not.toHaveBeenCalled();
    expect(w.published).toEqual([]);
  });

  test('given a dry run, then no lock is taken (nor given back) and the execution starts', async () => {
    const { w, starter, deps } = setup();
    const result = await triggerUpgrade(event({ ...request, dryRun: true }), deps);
    expect(result.status).toBe('started');
    expect(w.deps.locks.acquire).not.toHaveBeenCalled();
    expect(starter.start).toHaveBeenCalledTimes(1);
  });

  test('given a dry run that ends as a conflict or an error, then no lock is given back (none was taken)', async () => {
    const { w, starter, deps } = setup();
    jest
      .mocked(starter.start)
      .mockResolvedValueOnce({ kind: 'conflict', executionArn: ARN, status: 'SUCCEEDED' });
    await triggerUpgrade(event({ ...request, dryRun: true }), deps);
    jest.mocked(starter.start).mockRejectedValueOnce(new Error('socket hang up'));
    await expect(triggerUpgrade(event({ ...request, dryRun: true }), deps)).rejects.toThrow('socket hang up');
    expect(w.deps.locks.release).not.toHaveBeenCalled();
  });

  test('given the cluster is locked by another upgrade, then upgrade.failed (ClusterBusyError) and no execution', async () => {
    const { w, starter, deps } = setup();
    jest.mocked(w.deps.locks.acquire).mockResolvedValueOnce({ acquired: false, heldBy: 'other-upgrade' });
    const result = await triggerUpgrade(event(), deps);
    const reason =
      `an upgrade is in progress for ${CLUSTER} (other-upgrade); this request was not started. ` +
      'Send a new request id once that upgrade has ended';
    expect(result).toEqual({ status: 'rejected', upgradeId: NAME, reason });
    expect(starter.start).not.toHaveBeenCalled();
    expect(w.deps.locks.release).not.toHaveBeenCalled();
    expect(w.published).toEqual([
      {
        detailType: 'upgrade.failed',
        detail: {
          schemaVersion: '1',
          upgradeId: NAME,
          clusterName: CLUSTER,
          correlationId: NAME,
          occurredAt: NOW,
          targetVersion: '1.32',
          phase: 'trigger',
          error: { name: 'ClusterBusyError', message: reason },
          reason,
        },
      },
    ]);
  });

  test('given a request refused for a busy cluster, when the same request comes again once the cluster is free, then the same refusal again and nothing starts', async () => {
    const { w, starter, deps } = setup();
    jest.mocked(w.deps.locks.acquire).mockResolvedValueOnce({ acquired: false, heldBy: 'other-upgrade' });
    const first = await triggerUpgrade(event(), deps);
    expect(w.store.get(`upgrades/${NAME}/refusal.json`)).toMatchObject({
      refusedAt: NOW,
      error: { name: 'ClusterBusyError' },
      reason: first.status === 'rejected' ? first.reason : 'not rejected',
    });
    const again = await triggerUpgrade(event(), deps);
    expect(again).toEqual(first);
    expect(starter.start).not.toHaveBeenCalled();
    expect(w.deps.locks.acquire).toHaveBeenCalledTimes(1);
    const [a, b] = w.published.map((e) => e.detail);
    expect(w.published.map((e) => e.detailType)).toEqual(['upgrade.failed', 'upgrade.failed']);
    expect(b).toEqual(a);
  });

  test('given a request refused for a busy cluster, when its request id comes with another request, then a reused-id rejection under an id of its own', async () => {
    const { w, starter, deps } = setup();
    jest.mocked(w.deps.locks.acquire).mockResolvedValueOnce({ acquired: false, heldBy: 'other-upgrade' });
    await triggerUpgrade(event(), deps);
    const reused = await triggerUpgrade(event({ ...request, force: true }), deps);
    expect(reused).toMatchObject({ status: 'rejected', upgradeId: 'rejected-chg-7' });
    expect(reused.status === 'rejected' && reused.reason).toContain(
      'request id "chg-7" was reused: it was refused (ClusterBusyError) with another request',
    );
    expect(starter.start).not.toHaveBeenCalled();
  });

  test('given a start that fails and a lookup that fails too, then the lock is given back to the cluster', async () => {
    const { w, starter, deps } = setup();
    jest.mocked(starter.start).mockRejectedValueOnce(new Error('Rate exceeded'));
    jest
      .mocked(starter.find)
      .mockResolvedValueOnce(undefined)
      .mockRejectedValueOnce(new Error('still throttled'));
    await expect(triggerUpgrade(event(), deps)).rejects.toThrow('Rate exceeded');
    expect(w.deps.locks.release).toHaveBeenCalledWith(CLUSTER, NAME);
  });

  test('given a reused request id, then the rejection names the existing execution status and uses an id of its own', async () => {
    const { w, starter, deps } = setup();
    jest
      .mocked(starter.find)
      .mockResolvedValueOnce({ executionArn: ARN, status: 'FAILED', sameInput: false });
    const result = await triggerUpgrade(event(), deps);
    const reason = `request id "chg-7" was reused: execution ${NAME} (FAILED) was started for it with another request; nothing was started. Use a new request id for a new upgrade`;
    expect(result).toEqual({ status: 'rejected', upgradeId: 'rejected-chg-7', reason });
    expect(w.details('upgrade.failed')).toEqual([
      expect.objectContaining({
        upgradeId: 'rejected-chg-7',
        correlationId: 'rejected-chg-7',
        clusterName: CLUSTER,
        targetVersion: '1.32',
        phase: 'trigger',
        error: { name: 'RequestIdReusedError', message: reason },
        reason,
      }),
    ]);
  });
});

describe('triggerUpgrade: an invalid request', () => {
  test('given a bad target and request id, then upgrade.failed names each field and nothing starts', async () => {
    const { w, starter, deps } = setup();
    const result = await triggerUpgrade(
      event({ clusterName: CLUSTER, targetVersion: 'latest', requestId: 'a/b' }),
      deps,
    );
    expect(result).toMatchObject({ status: 'rejected', upgradeId: 'rejected-a/b' });
    const reason = (result as { reason: string }).reason;
    expect(reason).toMatch(
      /^invalid upgrade\.requested: targetVersion: .+; requestId: the request id contains "\/"/,
    );
    expect(w.details('upgrade.failed')).toEqual([
      expect.objectContaining({
        upgradeId: 'rejected-a/b',
        correlationId: 'rejected-a/b',
        clusterName: CLUSTER,
        targetVersion: 'latest',
        phase: 'trigger',
        error: { name: 'InvalidRequestError', message: reason },
        reason,
      }),
    ]);
    expect(starter.find).not.toHaveBeenCalled();
    expect(w.deps.locks.acquire).not.toHaveBeenCalled();
  });

  test('given no request id or target, then the rejection says unknown and a long id is cut to 80 characters', async () => {
    const { w, deps } = setup();
    const noId = await triggerUpgrade(event({ clusterName: CLUSTER }), deps);
    expect(noId).toMatchObject({ upgradeId: 'rejected-unknown' });
    expect(w.details('upgrade.failed')[0]?.targetVersion).toBe('unknown');
    const long = await triggerUpgrade(
      event({ clusterName: CLUSTER, targetVersion: '1.32', requestId: 'x'.repeat(100) }),
      deps,
    );
    expect(long.upgradeId).toBe(`rejected-${'x'.repeat(71)}`);
  });

  test('given a detail that is not an object, then the reason points at the detail itself', async () => {
    const { deps } = setup();
    await expect(triggerUpgrade(event('text'), deps)).rejects.toMatchObject({
      name: 'InvalidRequestError',
      message: expect.stringMatching(/^invalid upgrade\.requested: \(detail\): /),
    });
  });

  test('given an event whose detail is null, then InvalidRequestError says so', async () => {
    const { w, deps } = setup();
    await expect(triggerUpgrade(event(null), deps)).rejects.toMatchObject({
      name: 'InvalidRequestError',
      message: expect.stringMatching(/^invalid upgrade\.requested: \(detail\): /),
    });
    expect(w.published).toEqual([]);
  });

  test.each([
    ['no cluster name', { targetVersion: '1.32', requestId: 'r' }],
    ['an empty cluster name', { clusterName: '', targetVersion: '1.32', requestId: 'r' }],
    ['a numeric cluster name', { clusterName: 7, targetVersion: '1.32', requestId: 'r' }],
  ])(
    'given %s, then InvalidRequestError (nothing to name the failure after) and nothing published',
    async (_, detail) => {
      const { w, deps } = setup();
      await expect(triggerUpgrade(event(detail), deps)).rejects.toMatchObject({
        name: 'InvalidRequestError',
        message: expect.stringContaining('invalid upgrade.requested: clusterName'),
      });
      expect(w.published).toEqual([]);
    },
  );

  test('given an event of another detail type, then InvalidRequestError names the event', async () => {
    const { deps } = setup();
    await expect(
      triggerUpgrade({ 'detail-type': 'upgrade.started', detail: request }, deps),
    ).rejects.toMatchObject({
      name: 'InvalidRequestError',
      message: expect.stringContaining('upgrade.requested event input is invalid'),
    });
  });
});
