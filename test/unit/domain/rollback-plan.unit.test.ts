import {
  planRollback,
  type RollbackPlanInput,
  type RollbackStepView,
} from '../../../lib/domain/rollback-plan';
import { addon, addonInfo, nodegroup, snapshot } from '../../support/snapshot-builder';

/**
 * A two-hop plan 1.29 -> 1.31 in the gated shape: per hop the add-ons that run on
 * both minors, the control plane, a gate, the canary node group, its gate, kube-proxy
 * and the other node groups, a gate.
 */
const hop = (from: string, to: string): RollbackStepView[] => [
  { id: `addon:coredns:${to}`, kind: 'addon', name: 'coredns', hop: to, from: `c-${from}`, to: `c-${to}` },
  { id: `control-plane:${to}`, kind: 'control-plane', hop: to, from, to },
  { id: `gate:${to}:control-plane`, kind: 'gate', hop: to, from: to, to },
  { id: `nodegroup:general:${to}`, kind: 'nodegroup', name: 'general', hop: to, from, to },
  { id: `gate:${to}:canary`, kind: 'gate', hop: to, from: to, to },
  {
    id: `addon:kube-proxy:${to}`,
    kind: 'addon',
    name: 'kube-proxy',
    hop: to,
    from: `kp-${from}`,
    to: `kp-${to}`,
  },
  { id: `nodegroup:batch:${to}`, kind: 'nodegroup', name: 'batch', hop: to, from, to },
  { id: `gate:${to}:nodegroups`, kind: 'gate', hop: to, from: to, to },
];
const steps = [...hop('1.29', '1.30'), ...hop('1.30', '1.31')];
const upTo = (id: string) => steps.slice(0, steps.findIndex((s) => s.id === id) + 1).map((s) => s.id);

const catalog = [
  addonInfo('coredns', [
    { v: 'c-1.29', on: ['1.29'] },
    { v: 'c-1.30', on: ['1.29', '1.30', '1.31'] },
    { v: 'c-1.31', on: ['1.30', '1.31'] },
  ]),
  addonInfo('kube-proxy', [
    { v: 'kp-1.29', on: ['1.29'] },
    { v: 'kp-1.30', on: ['1.30'] },
    { v: 'kp-1.31', on: ['1.31'] },
  ]),
];
const ngExtra = { subnets: ['subnet-a'], nodeRole: 'arn:aws:iam::1:role/nodes' };

function input(
  completed: string[],
  cluster: { cp: string; general: string; batch: string; coredns: string; kubeProxy: string },
  overrides: Partial<RollbackPlanInput> = {},
): RollbackPlanInput {
  return {
    upgradeId: 'up-1',
    steps,
    completed,
    snapshot: snapshot({
      version: cluster.cp,
      nodegroups: [
        nodegroup('general', cluster.general, ngExtra),
        nodegroup('batch', cluster.batch, ngExtra),
      ],
      addons: [addon('coredns', cluster.coredns), addon('kube-proxy', cluster.kubeProxy)],
    }),
    addonVersions: catalog,
    previousNodegroups: { general: { version: '1.29', releaseVersion: '1.29.3-20240531' } },
    hopCompletedAt: '2025-03-03T10:00:00.000Z',
    now: '2025-03-03T11:00:00.000Z',
    revertControlPlane: true,
    ...overrides,
  };
}

describe('planRollback', () => {
  it('given a failed gate right after the first control-plane hop, then the control plane goes back and the add-on is kept', () => {
    const plan = planRollback(
      input(upTo('control-plane:1.30'), {
        cp: '1.30',
        general: '1.29',
        batch: '1.29',
        coredns: 'c-1.30',
        kubeProxy: 'kp-1.29',
      }),
    );
    expect(plan).toEqual({
      hop: '1.30',
      expected: 'reverted',
      actions: [
        {
          kind: 'keep',
          resource: 'addon/coredns',
          why: 'moved c-1.29 -> c-1.30; EKS does not downgrade add-ons',
        },
        {
          kind: 'rollback-control-plane',
          resource: 'cluster/test-cluster',
          from: '1.30',
          to: '1.29',
          why: "this hop moved it 1.29 -> 1.30; EKS's version rollback returns it within 7 days",
        },
      ],
    });
  });

  it('given a failed canary gate, then the canary is replaced at 1.29 first, then the control plane', () => {
    const plan = planRollback(
      input(upTo('nodegroup:general:1.30'), {
        cp: '1.30',
        general: '1.30',
        batch: '1.29',
        coredns: 'c-1.30',
        kubeProxy: 'kp-1.29',
      }),
    );
    expect(plan.expected).toBe('reverted');
    expect(plan.actions.map((a) => `${a.kind} ${a.resource}`)).toEqual([
      'replace-nodegroup nodegroup/general',
      'keep addon/coredns',
      'rollback-control-plane cluster/test-cluster',
    ]);
    expect(plan.actions[0]).toMatchObject({
      nodegroup: 'general',
      from: '1.30',
      to: '1.29',
      request: { version: '1.29', releaseVersion: '1.29.3-20240531', subnets: ['subnet-a'] },
    });
  });

  it('given a failed gate after kube-proxy moved to a 1.30-only version, then node groups are replaced but the control plane stays: partially reverted', () => {
    const plan = planRollback(
      input(upTo('nodegroup:batch:1.30'), {
        cp: '1.30',
        general: '1.30',
        batch: '1.30',
        coredns: 'c-1.30',
        kubeProxy: 'kp-1.30',
      }),
    );
    expect(plan.expected).toBe('partially-reverted');
    expect(plan.actions.map((a) => `${a.kind} ${a.resource}`)).toEqual([
      'replace-nodegroup nodegroup/general',
      'replace-nodegroup nodegroup/batch',
      'keep addon/coredns',
      'keep addon/kube-proxy',
      'keep cluster/test-cluster',
    ]);
    expect(plan.actions.at(-1)).toMatchObject({
      why: 'control plane stays at 1.30: add-on(s) kube-proxy kp-1.30 do not run on 1.29, and EKS does not downgrade add-ons',
      blocking: true,
    });
  });

  it('given a failed gate in the second hop, then the first hop is kept (its gates passed) and only 1.31 -> 1.30 is reverted', () => {
    const plan = planRollback(
      input(upTo('control-plane:1.31'), {
        cp: '1.31',
        general: '1.30',
        batch: '1.30',
        coredns: 'c-1.31',
        kubeProxy: 'kp-1.30',
      }),
    );
    expect(plan.hop).toBe('1.31');
    expect(plan.expected).toBe('reverted');
    expect(plan.actions.filter((a) => a.kind === 'keep').map((a) => [a.resource, a.why])).toEqual([
      ['addon/coredns', 'moved c-1.29 -> c-1.30 in hop 1.30, whose gates passed'],
      ['cluster/test-cluster', 'moved 1.29 -> 1.30 in hop 1.30, whose gates passed'],
      ['nodegroup/general', 'moved 1.29 -> 1.30 in hop 1.30, whose gates passed'],
      ['addon/kube-proxy', 'moved kp-1.29 -> kp-1.30 in hop 1.30, whose gates passed'],
      ['nodegroup/batch', 'moved 1.29 -> 1.30 in hop 1.30, whose gates passed'],
      ['addon/coredns', 'moved c-1.30 -> c-1.31; EKS does not downgrade add-ons'],
    ]);
    expect(plan.actions.at(-1)).toMatchObject({ kind: 'rollback-control-plane', from: '1.31', to: '1.30' });
  });

  it('given nothing completed, then nothing to revert: stopped', () => {
    expect(
      planRollback(
        input([], { cp: '1.29', general: '1.29', batch: '1.29', coredns: 'c-1.29', kubeProxy: 'kp-1.29' }),
      ),
    ).toEqual({ actions: [], expected: 'stopped' });
  });

  it.each([
    [
      { now: '2025-03-10T10:00:01.000Z' },
      'control plane stays at 1.30: the 7-day rollback window has passed',
    ],
    [
      { revertControlPlane: false },
      'control plane stays at 1.30: control-plane rollback is disabled by configuration',
    ],
  ])('given %p, then the control plane is kept and nothing is reverted: stopped', (overrides, why) => {
    const plan = planRollback(
      input(
        upTo('control-plane:1.30'),
        { cp: '1.30', general: '1.29', batch: '1.29', coredns: 'c-1.30', kubeProxy: 'kp-1.29' },
        overrides,
      ),
    );
    expect(plan.expected).toBe('stopped');
    expect(plan.actions.at(-1)).toEqual({
      kind: 'keep',
      resource: 'cluster/test-cluster',
      why,
      blocking: true,
    });
  });

  it('given a node group that cannot be replaced (no node role), then it is kept, and the control plane with it: stopped', () => {
    const base = input(upTo('nodegroup:general:1.30'), {
      cp: '1.30',
      general: '1.30',
      batch: '1.29',
      coredns: 'c-1.30',
      kubeProxy: 'kp-1.29',
    });
    const plan = planRollback({
      ...base,
      snapshot: {
        ...base.snapshot,
        nodegroups: [nodegroup('general', '1.30'), nodegroup('batch', '1.29', ngExtra)],
      },
    });
    expect(plan.expected).toBe('stopped');
    expect(plan.actions.map((a) => `${a.kind} ${a.resource}`)).toEqual([
      'keep nodegroup/general',
      'keep addon/coredns',
      'keep cluster/test-cluster',
    ]);
    expect(plan.actions.at(-1)?.why).toBe(
      'control plane stays at 1.30: node group(s) general (1.30) would run kubelets newer than 1.29',
    );
  });

  it('given the control plane already back at 1.29 (a retry), then nothing for it: kept, not blocking', () => {
    const plan = planRollback(
      input(upTo('control-plane:1.30'), {
        cp: '1.29',
        general: '1.29',
        batch: '1.29',
        coredns: 'c-1.30',
        kubeProxy: 'kp-1.29',
      }),
    );
    expect(plan.actions.at(-1)).toEqual({
      kind: 'keep',
      resource: 'cluster/test-cluster',
      why: 'the control plane already runs 1.29',
    });
  });
});
