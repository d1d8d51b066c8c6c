import { replacementName } from '../../../lib/domain/nodegroup-replacement';
import { ROLLBACK_WINDOW_MS } from '../../../lib/domain/rollback';
import {
  planRollback,
  type RollbackPlanInput,
  type RollbackStepView,
} from '../../../lib/domain/rollback-plan';
import { addon, addonInfo, nodegroup, snapshot } from '../../support/snapshot-builder';

/**
 * The rollback decision branch by branch: every action asserted whole (kind, resource,
 * why, blocking or its absence) so that a changed condition, message or outcome fails.
 * One hop 1.29 -> 1.30 unless a test says otherwise.
 */
const ngExtra = { subnets: ['subnet-a'], nodeRole: 'arn:aws:iam::1:role/nodes' };
const cpStep: RollbackStepView = {
  id: 'control-plane:1.30',
  kind: 'control-plane',
  hop: '1.30',
  from: '1.29',
  to: '1.30',
};
const ngStep = (name: string, from = '1.29', to = '1.30', hop = '1.30'): RollbackStepView => ({
  id: `nodegroup:${name}:${to}`,
  kind: 'nodegroup',
  name,
  hop,
  from,
  to,
});
const HOP_DONE = '2025-03-03T10:00:00.000Z';
const at = (msAfterHop: number) => new Date(Date.parse(HOP_DONE) + msAfterHop).toISOString();

function input(
  steps: RollbackStepView[],
  cluster: { cp?: string; nodegroups?: unknown[]; addons?: unknown[] } = {},
  overrides: Partial<RollbackPlanInput> = {},
): RollbackPlanInput {
  return {
    upgradeId: 'up-1',
    steps,
    completed: steps.map((s) => s.id),
    snapshot: snapshot({
      version: cluster.cp ?? '1.30',
      nodegroups: cluster.nodegroups ?? [],
      addons: cluster.addons ?? [],
    }),
    addonVersions: [addonInfo('coredns', [{ v: 'c-both', on: ['1.29', '1.30'] }])],
    previousNodegroups: {},
    hopCompletedAt: HOP_DONE,
    now: at(3_600_000),
    revertControlPlane: true,
    ...overrides,
  };
}

const rollbackCp = {
  kind: 'rollback-control-plane',
  resource: 'cluster/test-cluster',
  from: '1.30',
  to: '1.29',
  why: "this hop moved it 1.29 -> 1.30; EKS's version rollback returns it within 7 days",
};

describe('planRollback: the control plane', () => {
  it('given only the control plane moved, then it alone is rolled back: reverted', () => {
    expect(planRollback(input([cpStep]))).toEqual({
      hop: '1.30',
      actions: [rollbackCp],
      expected: 'reverted',
    });
  });

  it('given the cluster at neither version, then it is kept, blocking: stopped', () => {
    expect(planRollback(input([cpStep], { cp: '1.31' }))).toEqual({
      hop: '1.30',
      expected: 'stopped',
      actions: [
        {
          kind: 'keep',
          resource: 'cluster/test-cluster',
          why: 'control plane stays at 1.30: the cluster runs 1.31, not 1.30',
          blocking: true,
        },
      ],
    });
  });

  it('given the cluster already at the previous version, then kept without blocking (disabled rollback is said first): stopped', () => {
    const keep = {
      kind: 'keep',
      resource: 'cluster/test-cluster',
      why: 'control plane stays at 1.30: control-plane rollback is disabled by configuration',
      blocking: true,
    };
    expect(planRollback(input([cpStep], { cp: '1.29' }, { revertControlPlane: false })).actions).toEqual([
      keep,
    ]);
    expect(planRollback(input([cpStep], { cp: '1.29' }))).toEqual({
      hop: '1.30',
      expected: 'stopped',
      actions: [
        { kind: 'keep', resource: 'cluster/test-cluster', why: 'the control plane already runs 1.29' },
      ],
    });
  });

  it.each([
    ['exactly 7 days after the hop', at(ROLLBACK_WINDOW_MS), 'rollback-control-plane'],
    ['1 ms after the window', at(ROLLBACK_WINDOW_MS + 1), 'keep'],
    ['right after the hop', at(0), 'rollback-control-plane'],
  ])('given a rollback %s (%s), then %s', (_, now, kind) => {
    expect(planRollback(input([cpStep], {}, { now })).actions.map((a) => a.kind)).toEqual([kind]);
  });

  it('given ROLLBACK_WINDOW_MS, then it is 7 days', () => {
    expect(ROLLBACK_WINDOW_MS).toBe(604_800_000);
  });

  it('given no time for the hop, then the window is not judged', () => {
    const plan = planRollback(
      input([cpStep], {}, { hopCompletedAt: undefined, now: '2030-01-01T00:00:00.000Z' }),
    );
    expect(plan.actions).toEqual([rollbackCp]);
  });

  it('given node groups newer than the previous version that are not replaced, then it is kept naming each', () => {
    const plan = planRollback(
      input([cpStep], {
        nodegroups: [nodegroup('a', '1.30'), nodegroup('b', '1.29'), nodegroup('c', '1.30')],
      }),
    );
    expect(plan).toEqual({
      hop: '1.30',
      expected: 'stopped',
      actions: [
        {
          kind: 'keep',
          resource: 'cluster/test-cluster',
          why: 'control plane stays at 1.30: node group(s) a (1.30), c (1.30) would run kubelets newer than 1.29',
          blocking: true,
        },
      ],
    });
  });

  it('given node groups at or below the previous version, then they do not hold the control plane', () => {
    const plan = planRollback(
      input([cpStep], { nodegroups: [nodegroup('a', '1.29'), nodegroup('b', '1.28')] }),
    );
    expect(plan.actions).toEqual([rollbackCp]);
  });

  it('given add-ons that do not run on the previous version or have no compatibility data, then it is kept naming them', () => {
    const plan = planRollback(
      input(
        [cpStep],
        {
          addons: [addon('coredns', 'c-both'), addon('kube-proxy', 'kp-1.30'), addon('vpc-cni', 'v1')],
        },
        {
          addonVersions: [
            addonInfo('coredns', [{ v: 'c-both', on: ['1.29', '1.30'] }]),
            addonInfo('kube-proxy', [
              { v: 'kp-1.29', on: ['1.29'] },
              { v: 'kp-1.30', on: ['1.30'] },
            ]),
          ],
        },
      ),
    );
    expect(plan.actions).toEqual([
      {
        kind: 'keep',
        resource: 'cluster/test-cluster',
        why: 'control plane stays at 1.30: add-on(s) kube-proxy kp-1.30, vpc-cni v1 do not run on 1.29, and EKS does not downgrade add-ons',
        blocking: true,
      },
    ]);
  });

  it('given add-ons that all run on the previous version, then the control plane goes back', () => {
    expect(planRollback(input([cpStep], { addons: [addon('coredns', 'c-both')] })).actions).toEqual([
      rollbackCp,
    ]);
  });

  it('given the control-plane step of an earlier hop only, then no control-plane action for this hop', () => {
    const steps = [
      { ...cpStep, id: 'control-plane:1.29', hop: '1.29', from: '1.28', to: '1.29' },
      ngStep('a', '1.28', '1.29', '1.29'),
      ngStep('b', '1.29', '1.30', '1.30'),
    ];
    const plan = planRollback(
      input(steps, { cp: '1.29', nodegroups: [nodegroup('a', '1.29'), nodegroup('b', '1.30', ngExtra)] }),
    );
    expect(plan.actions.map((a) => `${a.kind} ${a.resource}`)).toEqual([
      'keep cluster/test-cluster',
      'keep nodegroup/a',
      'replace-nodegroup nodegroup/b',
    ]);
    expect(plan.expected).toBe('reverted');
  });
});

describe('planRollback: node groups', () => {
  it('given a group replaced, then the action carries the request, the names and why', () => {
    const plan = planRollback(
      input([cpStep, ngStep('general')], { nodegroups: [nodegroup('general', '1.30', ngExtra)] }),
    );
    const name = replacementName('up-1', 'general');
    expect(plan.expected).toBe('reverted');
    expect(plan.actions).toEqual([
      {
        kind: 'replace-nodegroup',
        resource: 'nodegroup/general',
        nodegroup: 'general',
        from: '1.30',
        to: '1.29',
        request: expect.objectContaining({
          clusterName: 'test-cluster',
          nodegroupName: name,
          version: '1.29',
          nodeRole: ngExtra.nodeRole,
          subnets: ['subnet-a'],
        }),
        notCarried: expect.any(Array),
        why: `moved 1.29 -> 1.30 in the failed hop; EKS does not downgrade node groups, so ${name} is created at 1.29 and general deleted once it is ACTIVE`,
      },
      rollbackCp,
    ]);
  });

  it('given a group that no longer exists, then it is kept without blocking and does not hold the control plane', () => {
    expect(planRollback(input([cpStep, ngStep('gone')]))).toEqual({
      hop: '1.30',
      expected: 'reverted',
      actions: [
        { kind: 'keep', resource: 'nodegroup/gone', why: 'the node group no longer exists' },
        rollbackCp,
      ],
    });
  });

  it('given a group already back at the previous version, then it is kept without blocking', () => {
    expect(
      planRollback(input([cpStep, ngStep('back')], { nodegroups: [nodegroup('back', '1.29', ngExtra)] })),
    ).toEqual({
      hop: '1.30',
      expected: 'reverted',
      actions: [{ kind: 'keep', resource: 'nodegroup/back', why: 'it already runs 1.29' }, rollbackCp],
    });
  });

  it('given a group that cannot be replaced, then it is kept, blocking, saying why', () => {
    const plan = planRollback(input([ngStep('norole')], { nodegroups: [nodegroup('norole', '1.30')] }));
    expect(plan.expected).toBe('stopped');
    expect(plan.actions).toEqual([
      {
        kind: 'keep',
        resource: 'nodegroup/norole',
        why: expect.stringMatching(/^cannot be replaced: .+/),
        blocking: true,
      },
    ]);
  });

  it('given one group replaced and one that cannot be, then partially reverted', () => {
    const plan = planRollback(
      input([ngStep('ok'), ngStep('norole')], {
        nodegroups: [nodegroup('ok', '1.30', ngExtra), nodegroup('norole', '1.30')],
      }),
    );
    expect(plan.actions.map((a) => `${a.kind} ${a.resource}`)).toEqual([
      'replace-nodegroup nodegroup/ok',
      'keep nodegroup/norole',
    ]);
    expect(plan.expected).toBe('partially-reverted');
  });

  it('given a group moved only to match the control plane before the hop, then it is kept, not blocking, and does not hold the control plane', () => {
    const plan = planRollback(
      input([ngStep('trailing', '1.28', '1.29'), cpStep], {
        nodegroups: [nodegroup('trailing', '1.29', ngExtra)],
      }),
    );
    expect(plan).toEqual({
      hop: '1.30',
      expected: 'reverted',
      actions: [
        {
          kind: 'keep',
          resource: 'nodegroup/trailing',
          why: 'moved 1.28 -> 1.29 to match the control plane before the hop; it runs on 1.29',
        },
        rollbackCp,
      ],
    });
  });

  it('given a replaced group, then it does not hold the control plane; an unreplaced one at the hop does', () => {
    const plan = planRollback(
      input([cpStep, ngStep('a')], {
        nodegroups: [nodegroup('a', '1.30', ngExtra), nodegroup('stray', '1.30', ngExtra)],
      }),
    );
    expect(plan.actions.map((a) => a.kind)).toEqual(['replace-nodegroup', 'keep']);
    expect(plan.actions.at(-1)?.why).toBe(
      'control plane stays at 1.30: node group(s) stray (1.30) would run kubelets newer than 1.29',
    );
    expect(plan.expected).toBe('partially-reverted');
  });

  it('given a node-group or add-on step without a name, then it is skipped', () => {
    const steps: RollbackStepView[] = [
      { id: 'nodegroup:?:1.30', kind: 'nodegroup', hop: '1.30', from: '1.29', to: '1.30' },
      { id: 'addon:?:1.30', kind: 'addon', hop: '1.30', from: 'a', to: 'b' },
      cpStep,
    ];
    expect(planRollback(input(steps)).actions).toEqual([rollbackCp]);
  });
});

describe('planRollback: which steps count', () => {
  it('given completed ids out of plan order, then the hop is the one of the last completed step in plan order', () => {
    const earlier: RollbackStepView = {
      ...cpStep,
      id: 'control-plane:1.29',
      hop: '1.29',
      from: '1.28',
      to: '1.29',
    };
    const base = input([earlier, cpStep]);
    const plan = planRollback({ ...base, completed: ['control-plane:1.30', 'control-plane:1.29'] });
    expect(plan.hop).toBe('1.30');
    expect(plan.actions).toEqual([
      {
        kind: 'keep',
        resource: 'cluster/test-cluster',
        why: 'moved 1.28 -> 1.29 in hop 1.29, whose gates passed',
      },
      rollbackCp,
    ]);
  });

  it('given steps not completed, then they are not reverted', () => {
    const base = input([cpStep, ngStep('a')], { nodegroups: [nodegroup('a', '1.30', ngExtra)] });
    const plan = planRollback({ ...base, completed: ['control-plane:1.30', 'unknown-step'] });
    expect(plan.actions.map((a) => a.kind)).toEqual(['keep']);
  });

  it('given an earlier hop step without a name, then its resource is its kind and id; its gate is not listed', () => {
    const steps: RollbackStepView[] = [
      { id: 'shift:1', kind: 'shift-traffic', hop: '1.29', from: '0', to: '10' },
      { id: 'gate:1.29', kind: 'gate', hop: '1.29', from: '1.29', to: '1.29' },
      { id: 'addon:coredns:1.30', kind: 'addon', name: 'coredns', hop: '1.30', from: 'c1', to: 'c2' },
    ];
    expect(planRollback(input(steps))).toEqual({
      hop: '1.30',
      expected: 'stopped',
      actions: [
        {
          kind: 'keep',
          resource: 'shift-traffic/shift:1',
          why: 'moved 0 -> 10 in hop 1.29, whose gates passed',
        },
        { kind: 'keep', resource: 'addon/coredns', why: 'moved c1 -> c2; EKS does not downgrade add-ons' },
      ],
    });
  });
});
