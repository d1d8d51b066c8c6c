import { planRollback, type RollbackStepView } from '../../../lib/domain/rollback-plan';
import { nodegroup, snapshot } from '../../support/snapshot-builder';

/**
 * Found by the simulator (seeds 5108, 5261, 5345, 5556): a node group two minors behind
 * the control plane moves 1.13 -> 1.14 -> 1.15 before and during the first hop, then
 * 1.15 -> 1.16 in the second; the second hop's gate fails. Its replacement must run
 * 1.15 (what this hop moved it from), not 1.13 (what perception found).
 */
const steps: RollbackStepView[] = [
  { id: 'nodegroup:old:1.14', kind: 'nodegroup', name: 'old', hop: '1.15', from: '1.13', to: '1.14' },
  { id: 'control-plane:1.15', kind: 'control-plane', hop: '1.15', from: '1.14', to: '1.15' },
  { id: 'nodegroup:old:1.15', kind: 'nodegroup', name: 'old', hop: '1.15', from: '1.14', to: '1.15' },
  { id: 'gate:1.15:nodegroups', kind: 'gate', hop: '1.15', from: '1.15', to: '1.15' },
  { id: 'control-plane:1.16', kind: 'control-plane', hop: '1.16', from: '1.15', to: '1.16' },
  { id: 'nodegroup:old:1.16', kind: 'nodegroup', name: 'old', hop: '1.16', from: '1.15', to: '1.16' },
];

function plan(previous: { version: string; releaseVersion?: string }) {
  return planRollback({
    upgradeId: 'up-1',
    steps,
    completed: steps.map((s) => s.id),
    snapshot: snapshot({
      version: '1.16',
      nodegroups: [
        nodegroup('old', '1.16', { subnets: ['subnet-a'], nodeRole: 'arn:aws:iam::1:role/nodes' }),
      ],
    }),
    addonVersions: [],
    previousNodegroups: { old: previous },
    hopCompletedAt: '2025-03-03T10:00:00.000Z',
    now: '2025-03-03T11:00:00.000Z',
    revertControlPlane: true,
  });
}

describe('planRollback of a node group an earlier hop moved', () => {
  it('replaces it at the version this hop moved it from, with EKS picking the release', () => {
    const replace = plan({ version: '1.13', releaseVersion: '1.13.8-20200609' }).actions.find(
      (a) => a.kind === 'replace-nodegroup',
    );
    expect(replace).toMatchObject({ kind: 'replace-nodegroup', from: '1.16', to: '1.15' });
    if (replace?.kind !== 'replace-nodegroup') throw new Error('no replacement');
    expect(replace.request.version).toBe('1.15');
    expect(replace.request.releaseVersion).toBeUndefined();
  });

  it('keeps the recorded AMI release when perception found it at that same version', () => {
    const replace = plan({ version: '1.15', releaseVersion: '1.15.12-20201112' }).actions.find(
      (a) => a.kind === 'replace-nodegroup',
    );
    if (replace?.kind !== 'replace-nodegroup') throw new Error('no replacement');
    expect(replace.request.version).toBe('1.15');
    expect(replace.request.releaseVersion).toBe('1.15.12-20201112');
  });
});
