import { InvalidRequestError } from '../../../lib/domain/errors';
import { approvalPhase, howToAnswer, planSummary } from '../../../lib/phases/approval';
import { reasonPhase } from '../../../lib/phases/reasoning';
import { artifactKeys } from '../../../lib/phases/records';
import {
  addonStep,
  CORRELATION,
  cpStep,
  gateStep,
  nodegroupStep,
  plan,
  REQUEST,
  record,
  UPGRADE,
} from '../../support/phase-fixtures';
import { NOW, phaseWorld } from '../../support/phase-world';
import { nodegroup, snapshot } from '../../support/snapshot-builder';

/** The approval function over in-memory ports: what it stores and publishes for each Task. */

const PLAN_KEY = artifactKeys.plan(UPGRADE);
const APPROVAL_KEY = artifactKeys.approval(UPGRADE);
const ANA = 'arn:aws:iam::123456789012:user/ana';
const base = { upgradeId: UPGRADE, correlationId: CORRELATION, request: REQUEST };
const ask = (timeoutSeconds = 3600) => ({
  ...base,
  action: 'request',
  planKey: PLAN_KEY,
  timeoutSeconds,
  taskToken: 'secret-token',
});

function world() {
  const w = phaseWorld();
  w.store.set(PLAN_KEY, {
    ...plan([cpStep('1.29', '1.30'), gateStep('control-plane'), addonStep(), nodegroupStep()]),
    findings: [
      { code: 'A', severity: 'warn', message: 'a' },
      { code: 'B', severity: 'warn', message: 'b' },
      { code: 'C', severity: 'info', message: 'c' },
    ],
  });
  return w;
}

describe('approval: request (AwaitApproval)', () => {
  test('stores a pending record with the deadline and publishes the plan summary and how to answer, never the token', async () => {
    const w = world();
    const result = await approvalPhase(ask(3600), w.deps, { stage: 'prod' });
    const expiresAt = new Date(Date.parse(NOW) + 3_600_000).toISOString();
    expect(result).toEqual({ status: 'pending', expiresAt });
    expect(w.store.get(APPROVAL_KEY)).toEqual({
      upgradeId: UPGRADE,
      status: 'pending',
      requestedAt: NOW,
      expiresAt,
    });
    expect(w.types()).toEqual(['approval.requested']);
    const [detail] = w.details('approval.requested');
    expect(detail).toMatchObject({
      currentVersion: '1.29',
      targetVersion: '1.30',
      strategy: 'in_place',
      verdict: 'ready',
      stepCount: 4,
      estimatedMinutes: 60,
      hops: ['1.30'],
      findings: { warn: 2, info: 1 },
      planKey: PLAN_KEY,
      expiresAt,
      howTo: howToAnswer(UPGRADE, 'prod'),
    });
    expect(JSON.stringify(w.store.get(APPROVAL_KEY))).not.toContain('secret-token');
    expect(JSON.stringify(detail)).not.toContain('secret-token');
  });

  test('a retried request keeps the first deadline: a retry never extends the wait', async () => {
    const w = world();
    await approvalPhase(ask(3600), w.deps, { stage: 'prod' });
    const first = w.store.get(APPROVAL_KEY);
    w.setNow(new Date(Date.parse(NOW) + 600_000).toISOString());
    const again = await approvalPhase(ask(3600), w.deps, { stage: 'prod' });
    expect(w.store.get(APPROVAL_KEY)).toEqual(first);
    expect(again).toEqual({ status: 'pending', expiresAt: (first as { expiresAt: string }).expiresAt });
  });

  test('names the stage in the commands; the local stage answers with --sandbox', () => {
    expect(howToAnswer('u-1', 'prod')).toEqual({
      approve: 'eks-upgrade-agent approve u-1 --stage prod --comment "<why>"',
      reject: 'eks-upgrade-agent reject u-1 --stage prod --comment "<why>"',
      api: 'POST /upgrades/u-1/approval {"approve": true|false, "comment": "<why>"}',
    });
    expect(howToAnswer('u-1', 'local').approve).toBe(
      'eks-upgrade-agent approve u-1 --sandbox --comment "<why>"',
    );
  });

  test("an input that is not the state machine's is refused by name", async () => {
    const w = world();
    await expect(approvalPhase({ ...base, action: 'request' }, w.deps, { stage: 'dev' })).rejects.toThrow(
      InvalidRequestError,
    );
    await expect(approvalPhase({ ...base, action: 'sign' }, w.deps, { stage: 'dev' })).rejects.toThrow(
      InvalidRequestError,
    );
    expect(w.types()).toEqual([]);
  });
});

describe("approval: inputs that are not the state machine's", () => {
  const answer = { approved: true, by: ANA, comment: 'ok', at: NOW };
  test.each([
    ['an answer by nobody', { ...answer, by: '' }],
    ['an answer by a name over 2,048 characters', { ...answer, by: 'a'.repeat(2049) }],
    ['a comment over 4,096 characters', { ...answer, comment: 'c'.repeat(4097) }],
    ['an answer with no time', { ...answer, at: '' }],
    ['an answer that does not approve', { ...answer, approved: false }],
  ])('%s is refused, naming the approval input, and nothing is stored or published', async (_, bad) => {
    const w = world();
    const call = approvalPhase({ ...base, action: 'record', answer: bad }, w.deps, { stage: 'prod' });
    await expect(call).rejects.toThrow(InvalidRequestError);
    await expect(call).rejects.toThrow(/^approval input is invalid/);
    expect(w.store.has(APPROVAL_KEY)).toBe(false);
    expect(w.types()).toEqual([]);
  });

  test.each([
    ['a record with neither answer nor error', { ...base, action: 'record' }],
    ['an error without its name', { ...base, action: 'record', error: { Cause: 'x' } }],
    ['an answer under another action', { ...base, action: 'grant', answer }],
  ])('%s is refused', async (_, bad) => {
    await expect(approvalPhase(bad, world().deps, { stage: 'prod' })).rejects.toThrow(InvalidRequestError);
  });

  test('the longest answer that fits is taken', async () => {
    const w = world();
    const longest = { ...answer, by: 'a'.repeat(2048), comment: 'c'.repeat(4096), at: 'x' };
    await expect(
      approvalPhase({ ...base, action: 'record', answer: longest }, w.deps, { stage: 'prod' }),
    ).resolves.toEqual({ status: 'approved', by: 'a'.repeat(2048) });
  });
});

describe('approval: record (RecordApproval, RecordRejection)', () => {
  const pending = async () => {
    const w = world();
    await approvalPhase(ask(), w.deps, { stage: 'prod' });
    w.setNow(new Date(Date.parse(NOW) + 300_000).toISOString());
    return w;
  };

  test('an approval is stored with who gave it and when, and approval.granted published', async () => {
    const w = await pending();
    const answer = { approved: true, by: ANA, comment: 'CAB-42', at: '2026-11-28T10:04:00.000Z' };
    const result = await approvalPhase({ ...base, action: 'record', answer }, w.deps, { stage: 'prod' });
    expect(result).toEqual({ status: 'approved', by: ANA });
    expect(w.store.get(APPROVAL_KEY)).toMatchObject({
      status: 'approved',
      by: ANA,
      comment: 'CAB-42',
      decidedAt: answer.at,
    });
    expect(w.details('approval.granted')).toEqual([
      expect.objectContaining({ by: ANA, comment: 'CAB-42', decidedAt: answer.at }),
    ]);
  });

  test('an empty comment is no comment', async () => {
    const w = await pending();
    const answer = { approved: true, by: ANA, comment: '', at: NOW };
    await approvalPhase({ ...base, action: 'record', answer }, w.deps, { stage: 'prod' });
    expect(w.store.get(APPROVAL_KEY)).not.toHaveProperty('comment');
    expect(w.details('approval.granted')[0]).not.toHaveProperty('comment');
  });

  test('a rejection names who rejected and why, and hands HandleFailure an UpgradeRejected that says the cluster was not touched', async () => {
    const w = await pending();
    const cause = JSON.stringify({ by: ANA, comment: 'freeze week', at: '2026-11-28T10:05:00.000Z' });
    const result = await approvalPhase(
      { ...base, action: 'record', error: { Error: 'UpgradeRejected', Cause: cause } },
      w.deps,
      { stage: 'prod' },
    );
    expect(result).toEqual({
      Error: 'UpgradeRejected',
      Cause: `rejected by ${ANA}: freeze week; the cluster was not touched`,
    });
    expect(w.store.get(APPROVAL_KEY)).toMatchObject({ status: 'rejected', by: ANA, comment: 'freeze week' });
    expect(w.details('approval.rejected')).toEqual([
      expect.objectContaining({ outcome: 'rejected', by: ANA, comment: 'freeze week' }),
    ]);
    expect(w.types()).not.toContain('approval.granted');
  });

  test('a timeout is recorded as expired, answered by the agent, and hands on ApprovalTimedOut with the deadline', async () => {
    const w = await pending();
    const { expiresAt } = w.store.get(APPROVAL_KEY) as { expiresAt: string };
    const result = await approvalPhase(
      { ...base, action: 'record', error: { Error: 'States.Timeout', Cause: 'timed out' } },
      w.deps,
      { stage: 'prod' },
    );
    expect(result).toEqual({
      Error: 'ApprovalTimedOut',
      Cause: `nobody approved or rejected the upgrade by ${expiresAt}; the cluster was not touched`,
    });
    expect(w.store.get(APPROVAL_KEY)).toMatchObject({ status: 'expired', by: 'eks-upgrade-agent' });
    expect(w.details('approval.rejected')[0]).toMatchObject({
      outcome: 'timed-out',
      by: 'eks-upgrade-agent',
    });
  });

  test('a retried request writes nothing: the pending record stays as first stored', async () => {
    const w = await pending();
    const writes = jest.mocked(w.deps.artifacts.putJson).mock.calls.length;
    await approvalPhase(ask(60), w.deps, { stage: 'prod' });
    expect(jest.mocked(w.deps.artifacts.putJson).mock.calls.length).toBe(writes);
  });

  test('an answer with no pending record (approval.json lost) is recorded as asked and answered now', async () => {
    const w = world();
    const answer = { approved: true, by: ANA, at: '2026-11-28T10:01:00.000Z' };
    await approvalPhase({ ...base, action: 'record', answer }, w.deps, { stage: 'prod' });
    expect(w.store.get(APPROVAL_KEY)).toStrictEqual({
      upgradeId: UPGRADE,
      requestedAt: NOW,
      expiresAt: NOW,
      status: 'approved',
      by: ANA,
      decidedAt: '2026-11-28T10:01:00.000Z',
    });
  });

  test.each([
    [
      'not JSON',
      'freeze week',
      'freeze week',
      'rejected by unknown: freeze week; the cluster was not touched',
    ],
    [
      'JSON but not an answer',
      '{"by":""}',
      '{"by":""}',
      'rejected by unknown: {"by":""}; the cluster was not touched',
    ],
    ['absent', undefined, undefined, 'rejected by unknown; the cluster was not touched'],
  ])(
    'a rejection whose cause is %s is by "unknown", the cause kept as the comment',
    async (_, cause, comment, text) => {
      const w = await pending();
      const result = await approvalPhase(
        {
          ...base,
          action: 'record',
          error: { Error: 'UpgradeRejected', ...(cause !== undefined ? { Cause: cause } : {}) },
        },
        w.deps,
        { stage: 'prod' },
      );
      expect(result).toEqual({ Error: 'UpgradeRejected', Cause: text });
      expect(w.store.get(APPROVAL_KEY)).toStrictEqual({
        upgradeId: UPGRADE,
        requestedAt: NOW,
        expiresAt: new Date(Date.parse(NOW) + 3_600_000).toISOString(),
        status: 'rejected',
        by: 'unknown',
        ...(comment !== undefined ? { comment } : {}),
        decidedAt: new Date(Date.parse(NOW) + 300_000).toISOString(),
      });
    },
  );

  test('an expired approval says in its comment by when nobody answered', async () => {
    const w = await pending();
    const { expiresAt } = w.store.get(APPROVAL_KEY) as { expiresAt: string };
    await approvalPhase({ ...base, action: 'record', error: { Error: 'States.Timeout' } }, w.deps, {
      stage: 'prod',
    });
    expect(w.store.get(APPROVAL_KEY)).toMatchObject({
      status: 'expired',
      comment: `no answer by ${expiresAt}`,
    });
    expect(w.details('approval.rejected')[0]).toMatchObject({ comment: `no answer by ${expiresAt}` });
  });

  test('the first answer stands: a record call after it publishes that answer again, not a new one', async () => {
    const w = await pending();
    const answer = { approved: true, by: ANA, comment: 'ok', at: NOW };
    await approvalPhase({ ...base, action: 'record', answer }, w.deps, { stage: 'prod' });
    const cause = JSON.stringify({ by: 'bob', at: NOW });
    const second = await approvalPhase(
      { ...base, action: 'record', error: { Error: 'UpgradeRejected', Cause: cause } },
      w.deps,
      { stage: 'prod' },
    );
    expect(second).toEqual({ status: 'approved', by: ANA });
    expect(w.types().filter((t) => t.startsWith('approval.'))).toEqual([
      'approval.requested',
      'approval.granted',
      'approval.granted',
    ]);
  });
});

describe('the reasoning phase hands on whether an approval is required', () => {
  const cluster = snapshot({ version: '1.29', nodegroups: [nodegroup('general', '1.29')] });
  test.each([
    [undefined, { required: false, timeoutSeconds: 43_200 }],
    [{ approval: { mode: 'required', timeoutSeconds: '900' } }, { required: true, timeoutSeconds: 900 }],
  ])('config %j -> %j', async (config, expected) => {
    const w = phaseWorld({ snapshot: cluster, ...(config ? { config } : {}) });
    w.store.set(artifactKeys.snapshot(UPGRADE), cluster);
    w.store.set(artifactKeys.record(UPGRADE), record());
    const result = await reasonPhase({ ...base, snapshotKey: artifactKeys.snapshot(UPGRADE) }, w.deps);
    expect(result.approval).toEqual(expected);
  });
});

describe('planSummary', () => {
  test('lists each hop once, in order, and counts findings by severity', () => {
    const summary = planSummary({
      ...plan([cpStep('1.29', '1.30'), nodegroupStep(), cpStep('1.30', '1.31')]),
      findings: [{ code: 'X', severity: 'block', message: 'x' }],
    });
    expect(summary.hops).toEqual(['1.30', '1.31']);
    expect(summary.findings).toEqual({ block: 1 });
    expect(summary.stepCount).toBe(3);
  });
});
