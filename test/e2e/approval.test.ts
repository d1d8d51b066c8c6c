import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotAwaitingApprovalError } from '../../lib/domain/errors';
import { EVENT_SOURCE } from '../../lib/domain/events';
import { executionName } from '../../lib/domain/execution-name';
import { createLocalStack } from '../../lib/sandbox/local-stack';

/**
 * The approval gate end to end in the sandbox: the real ASL, phases and rules; an
 * execution parks at AwaitApproval until the sandbox's ApprovalDecider answers.
 */
const SNAPSHOT = join(__dirname, '..', '..', 'demo', 'snapshots', 'payments-prod-1.30.json');
const UPGRADE_ID = executionName({ clusterName: 'payments-prod', targetVersion: '1.32', requestId: 'chg-7' });
const ANA = 'arn:aws:iam::123456789012:user/ana';

function stackRequiringApproval() {
  const stateDir = mkdtempSync(join(tmpdir(), 'eua-approval-'));
  const stack = createLocalStack({
    stateDir,
    snapshotFile: SNAPSHOT,
    config: { approval: { mode: 'required', timeoutSeconds: 7200 } },
  });
  return { stack, stateDir };
}

async function request(stack: ReturnType<typeof createLocalStack>) {
  await stack.put({
    detailType: 'upgrade.requested',
    source: EVENT_SOURCE,
    detail: { schemaVersion: '1', clusterName: 'payments-prod', targetVersion: '1.32', requestId: 'chg-7' },
  } as never);
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const jsonl = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
    : [];
const approvalRecord = (dir: string) =>
  readJson(join(dir, 'artifacts', 'upgrades', UPGRADE_ID, 'approval.json'));
const types = (stack: ReturnType<typeof createLocalStack>) =>
  stack.bus.published().map((e) => e['detail-type']);

describe('approval gate (approval/mode required), in the sandbox', () => {
  test('the upgrade waits after its plan, touching nothing, and the notification says what it would do and how to answer', async () => {
    const { stack, stateDir } = stackRequiringApproval();
    await request(stack);

    expect(stack.executions).toHaveLength(1);
    expect(stack.executions[0]?.result.status).toBe('RUNNING');
    expect(stack.world.inspect().calls.startStep ?? 0).toBe(0);
    expect(await stack.executionReader.describe(UPGRADE_ID)).toMatchObject({ status: 'RUNNING' });
    expect(approvalRecord(stateDir)).toMatchObject({ status: 'pending', upgradeId: UPGRADE_ID });

    const notified = jsonl(join(stateDir, 'notifications.jsonl')).filter(
      (e) => e['detail-type'] === 'approval.requested',
    );
    expect(notified).toHaveLength(1);
    expect(notified[0].detail).toMatchObject({
      currentVersion: '1.30',
      targetVersion: '1.32',
      hops: ['1.31', '1.32'],
      howTo: {
        approve: expect.stringContaining(`eks-upgrade-agent approve ${UPGRADE_ID} --sandbox`),
        reject: expect.stringContaining(`eks-upgrade-agent reject ${UPGRADE_ID} --sandbox`),
        api: expect.stringContaining(`POST /upgrades/${UPGRADE_ID}/approval`),
      },
    });
    // Two hours of the approval's timeout, from the virtual clock.
    const { requestedAt, expiresAt } = approvalRecord(stateDir);
    expect(Date.parse(expiresAt) - Date.parse(requestedAt)).toBe(7_200_000);
  });

  test('an approval is recorded with who gave it, and the upgrade runs to the end', async () => {
    const { stack, stateDir } = stackRequiringApproval();
    await request(stack);
    await stack.approvals.decide(UPGRADE_ID, { approve: true, by: ANA, comment: 'CAB-42' });

    expect(await stack.executionReader.describe(UPGRADE_ID)).toMatchObject({ status: 'SUCCEEDED' });
    expect(approvalRecord(stateDir)).toMatchObject({ status: 'approved', by: ANA, comment: 'CAB-42' });
    expect(types(stack)).toEqual(expect.arrayContaining(['approval.granted', 'upgrade.completed']));
    expect((await stack.world.snapshotReader.readSnapshot('payments-prod')).cluster.version).toBe('1.32');
    // The approval function asked once; the resumed execution did not ask again.
    expect(types(stack).filter((t) => t === 'approval.requested')).toHaveLength(1);
    // Answered once: a second answer is refused, by name.
    await expect(stack.approvals.decide(UPGRADE_ID, { approve: false, by: ANA })).rejects.toThrow(
      NotAwaitingApprovalError,
    );
  });

  test.each([
    ['a rejection', 'UpgradeRejected', 'rejected'],
    ['no answer in time', 'ApprovalTimedOut', 'expired'],
  ])(
    '%s ends the upgrade with upgrade.failed, the cluster untouched and free again',
    async (_, error, status) => {
      const { stack, stateDir } = stackRequiringApproval();
      await request(stack);
      if (error === 'UpgradeRejected') {
        await stack.approvals.decide(UPGRADE_ID, { approve: false, by: ANA, comment: 'freeze week' });
      } else {
        await stack.expireApproval(UPGRADE_ID, 7200);
      }

      expect(await stack.executionReader.describe(UPGRADE_ID)).toMatchObject({ status: 'FAILED' });
      expect(approvalRecord(stateDir)).toMatchObject({
        status,
        by: error === 'UpgradeRejected' ? ANA : 'eks-upgrade-agent',
      });
      const failed = stack.bus.published().find((e) => e['detail-type'] === 'upgrade.failed');
      expect(failed?.detail).toMatchObject({ error: { name: error } });
      expect(types(stack)).toContain('approval.rejected');
      expect(types(stack)).not.toContain('rollback.triggered');
      expect(stack.world.inspect().calls.startStep ?? 0).toBe(0);
      const locks = existsSync(join(stateDir, 'locks.json')) ? readJson(join(stateDir, 'locks.json')) : {};
      expect(locks['payments-prod']).toBeUndefined();
    },
  );

  test('an answer for an upgrade that does not wait is refused by name, and changes nothing', async () => {
    const { stack } = stackRequiringApproval();
    await expect(stack.approvals.decide('no-such-upgrade', { approve: true, by: ANA })).rejects.toThrow(
      /no upgrade no-such-upgrade/,
    );
  });
});
