import { GREEN_OF_TAG, greenSpec } from '../../../lib/domain/blue-green';
import { artifactKeys } from '../../../lib/phases/records';
import {
  ACTIVE,
  ADDONS,
  BG_KEY,
  BLUE,
  type BlueGreenWorld,
  bgRecord,
  blueGreenWorld,
  bluePlan,
  blueSnapshot,
  GREEN,
  NODEGROUPS,
  PROFILES,
  secondsAfter,
  state,
} from '../../support/blue-green-world';
import { CORRELATION, UPGRADE } from '../../support/phase-fixtures';
import { NOW } from '../../support/phase-world';

/**
 * The blue/green phase's provision and readiness actions over in-memory ports: what
 * it asks EKS to create and when, what it records, what it publishes, and when it
 * gives up (named errors), without ever touching traffic.
 */

const spec = () => {
  const built = greenSpec(blueSnapshot(), '1.30', { upgradeId: UPGRADE, greenName: GREEN });
  if (built.kind !== 'spec') throw new Error('the fixture must build');
  return built.spec;
};

const noTraffic = (w: BlueGreenWorld) => {
  expect(w.traffic.setWeights).not.toHaveBeenCalled();
  expect(w.types()).not.toContain('traffic.shifted');
};

const nothingCreated = (w: BlueGreenWorld) => {
  expect(w.provisioner.createCluster).not.toHaveBeenCalled();
  expect(w.deps.nodegroups.createNodegroup).not.toHaveBeenCalled();
  expect(w.provisioner.createAddon).not.toHaveBeenCalled();
  expect(w.provisioner.createFargateProfile).not.toHaveBeenCalled();
};

/** Green's cluster ACTIVE with everything; then the test takes parts away. */
const greenActive = (w: BlueGreenWorld) => w.eks.all(GREEN);

describe('blueGreenPhase: its input and plan', () => {
  test('given an unknown action, then InvalidRequestError names the input and nothing is read', async () => {
    const w = blueGreenWorld();
    await expect(w.run('explode')).rejects.toMatchObject({
      name: 'InvalidRequestError',
      message: expect.stringContaining('blue/green input is invalid'),
    });
    expect(w.deps.config.load).not.toHaveBeenCalled();
    expect(w.published).toEqual([]);
  });

  test('given an in-place plan, then InvalidRequestError names its strategy and nothing is created', async () => {
    const w = blueGreenWorld();
    w.store.set(artifactKeys.plan(UPGRADE), { ...bluePlan(), strategy: 'in_place' });
    await expect(w.run('provision')).rejects.toMatchObject({
      name: 'InvalidRequestError',
      message: `plan for ${BLUE} is not a blue/green plan (strategy in_place)`,
    });
    nothingCreated(w);
    expect(w.bg()).toBeUndefined();
  });

  test('given a blue/green plan without a provision-cluster step, then InvalidRequestError', async () => {
    const w = blueGreenWorld();
    const plan = bluePlan();
    w.store.set(artifactKeys.plan(UPGRADE), {
      ...plan,
      steps: plan.steps.filter((s) => s.kind !== 'provision-cluster'),
    });
    await expect(w.run('provision')).rejects.toThrow('is not a blue/green plan (strategy blue_green)');
    expect(w.provisioner.describeCluster).not.toHaveBeenCalled();
  });

  test("given a blue/green plan, then green's name is the provision step's and the weights are the shift steps' targets", async () => {
    const w = blueGreenWorld({ weights: [20, 100], bg: bgRecord({ passed: 1, shifted: [20] }) });
    const plan = bluePlan([20, 100]);
    // A provision step named otherwise, and last: the plan's provision step, not the name pattern, names green.
    w.store.set(artifactKeys.plan(UPGRADE), {
      ...plan,
      steps: [
        ...plan.steps.filter((s) => s.kind !== 'provision-cluster'),
        ...plan.steps.filter((s) => s.kind === 'provision-cluster').map((s) => ({ ...s, name: 'green-x' })),
      ],
    });
    const result = await w.run('shift');
    expect(result).toMatchObject({ status: 'baking', green: 'green-x', percentage: 100 });
    expect(w.traffic.setWeights.mock.calls[0]?.[1]).toEqual([
      { setIdentifier: BLUE, value: `${BLUE}.ingress.example.com`, weight: 0 },
      { setIdentifier: 'green-x', value: 'green-x.ingress.example.com', weight: 100 },
    ]);
  });

  test.each(['hostedZoneId', 'recordName', 'recordTargetPattern', 'healthCheckUrl'])(
    'given no blueGreen/%s, then provision refuses with InvalidConfigError before anything is created or recorded',
    async (key) => {
      const w = blueGreenWorld({ blueGreen: { [key]: undefined } });
      await expect(w.run('provision')).rejects.toMatchObject({
        name: 'InvalidConfigError',
        message: expect.stringContaining(`needs blueGreen/${key} in the agent configuration`),
      });
      expect(w.provisioner.describeCluster).not.toHaveBeenCalled();
      expect(w.bg()).toBeUndefined();
      expect(w.types()).toEqual(['phase.started', 'phase.failed']);
    },
  );

  test('given no traffic config on a retried provision, then it still refuses', async () => {
    const w = blueGreenWorld({ blueGreen: { hostedZoneId: undefined }, bg: bgRecord() });
    await expect(w.run('provision')).rejects.toThrow('blueGreen/hostedZoneId');
    nothingCreated(w);
  });
});

describe('provision: the first call', () => {
  test('given no green yet, then the blue/green record is started, the upgrade enters execution and the cluster is created', async () => {
    const w = blueGreenWorld({ upgrade: { phase: 'reasoning' } });
    const result = await w.run('provision');
    expect(result).toEqual({
      status: 'waiting',
      waitSeconds: 20 * 60,
      soakSeconds: 0,
      finalBakeSeconds: 3600,
      green: GREEN,
      percentage: 0,
      waitUntil: null,
    });
    expect(w.writes(BG_KEY)).toEqual([
      { blue: BLUE, green: GREEN, target: '1.30', provisionStartedAt: NOW, shifted: [], passed: 0 },
    ]);
    expect(w.upgrade()?.phase).toBe('execution');
    expect(w.provisioner.describeCluster.mock.calls).toEqual([[GREEN]]);
    expect(w.provisioner.createCluster.mock.calls).toEqual([[spec().cluster]]);
    expect(spec().cluster).toMatchObject({
      name: GREEN,
      version: '1.30',
      roleArn: 'arn:aws:iam::123456789012:role/eks-cluster',
      tags: { team: 'platform', [GREEN_OF_TAG]: BLUE },
    });
    // Its parts wait for the cluster to be ACTIVE.
    expect(w.deps.nodegroups.describeNodegroup).not.toHaveBeenCalled();
    expect(w.deps.nodegroups.createNodegroup).not.toHaveBeenCalled();
    expect(w.provisioner.createAddon).not.toHaveBeenCalled();
    expect(w.provisioner.createFargateProfile).not.toHaveBeenCalled();
    noTraffic(w);
  });

  test('given the first call, then phase.started is announced and no phase.completed while it waits', async () => {
    const w = blueGreenWorld();
    await w.run('provision');
    expect(w.types()).toEqual(['phase.started']);
    expect(w.published[0]?.detail).toMatchObject({
      phase: 'execution',
      upgradeId: UPGRADE,
      clusterName: BLUE,
      correlationId: CORRELATION,
    });
  });

  test('given a finalBakeSeconds configured, then every answer carries it', async () => {
    const w = blueGreenWorld({ blueGreen: { finalBakeSeconds: 900 } });
    expect((await w.run('provision')).finalBakeSeconds).toBe(900);
  });

  test("given green's spec cannot be built, then GreenSpecError names every reason and nothing is created", async () => {
    const w = blueGreenWorld();
    const blue = blueSnapshot();
    w.store.set(artifactKeys.snapshot(UPGRADE), {
      ...blue,
      cluster: { ...blue.cluster, roleArn: undefined },
      fargateProfiles: [{ fargateProfileName: 'fp-a', selectors: [] }],
    });
    const error = await w.run('provision').catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'GreenSpecError',
      message: `green ${GREEN} cannot be built: cluster ${BLUE} has no roleArn in its DescribeCluster; Fargate profile fp-a has no podExecutionRoleArn`,
    });
    nothingCreated(w);
    expect(w.provisioner.describeCluster).not.toHaveBeenCalled();
    expect(w.details('phase.failed')).toEqual([
      expect.objectContaining({
        phase: 'execution',
        error: expect.objectContaining({ name: 'GreenSpecError' }),
      }),
    ]);
    noTraffic(w);
  });
});

describe('provision: the maintenance window', () => {
  const window = { days: 'MON-SUN', hours: '02:00-06:00', timeZone: 'UTC' };

  test('given the window closed, then upgrade.waiting until it opens, and nothing is created or recorded', async () => {
    const w = blueGreenWorld({ config: { maintenanceWindow: window }, upgrade: { phase: 'reasoning' } });
    const result = await w.run('provision');
    expect(result).toMatchObject({ status: 'window', waitUntil: '2026-11-29T02:00:00.000Z', waitSeconds: 0 });
    expect(w.details('upgrade.waiting')).toEqual([
      expect.objectContaining({
        reason: 'maintenance-window',
        waitUntil: '2026-11-29T02:00:00.000Z',
        window: {
          days: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'],
          hours: '02:00-06:00',
          timeZone: 'UTC',
        },
        stepId: `provision-cluster:${GREEN}`,
        hop: '1.30',
      }),
    ]);
    expect(w.types()).toEqual(['phase.started', 'upgrade.waiting', 'phase.completed']);
    expect(w.details('phase.completed')[0]?.summary).toBe(`blue/green provision: window (0 % on ${GREEN})`);
    expect(w.bg()).toBeUndefined();
    expect(w.upgrade()?.phase).toBe('reasoning');
    expect(w.provisioner.describeCluster).not.toHaveBeenCalled();
    nothingCreated(w);
  });

  test('given the window open, then green is created now', async () => {
    const w = blueGreenWorld({ config: { maintenanceWindow: { ...window, hours: '09:00-11:00' } } });
    const result = await w.run('provision');
    expect(result.status).toBe('waiting');
    expect(w.types()).not.toContain('upgrade.waiting');
    expect(w.provisioner.createCluster).toHaveBeenCalledTimes(1);
  });

  test('given a window that is disabled, then green is created now', async () => {
    const w = blueGreenWorld({ config: { maintenanceWindow: { ...window, enabled: false } } });
    expect((await w.run('provision')).status).toBe('waiting');
    expect(w.provisioner.createCluster).toHaveBeenCalledTimes(1);
  });

  test('given a retry once green was started, then a closed window no longer holds it back', async () => {
    const w = blueGreenWorld({ config: { maintenanceWindow: window }, bg: bgRecord() });
    w.eks.clusters.set(GREEN, state('CREATING'));
    const result = await w.run('provision');
    expect(result.status).toBe('waiting');
    expect(w.types()).toEqual([]);
  });
});

describe('provision: a retry', () => {
  test('given the record exists, then it is not rewritten, no phase.started, and a CREATING cluster is not created again', async () => {
    const w = blueGreenWorld({
      upgrade: { phase: 'reasoning' },
      blueGreen: { pollSeconds: 45 },
      bg: bgRecord(),
    });
    w.eks.clusters.set(GREEN, state('CREATING'));
    const result = await w.run('provision');
    expect(result).toMatchObject({ status: 'waiting', waitSeconds: 45 });
    expect(w.writes(BG_KEY)).toEqual([]);
    expect(w.upgrade()?.phase).toBe('reasoning');
    expect(w.types()).toEqual([]);
    nothingCreated(w);
    expect(w.deps.nodegroups.describeNodegroup).not.toHaveBeenCalled();
  });

  test('given green was provisioned already, then ready with nothing described, created or published', async () => {
    const w = blueGreenWorld({ bg: bgRecord({ provisionedAt: '2026-11-28T09:50:00.000Z' }) });
    const result = await w.run('provision');
    expect(result).toMatchObject({ status: 'ready', waitSeconds: 0, percentage: 0 });
    expect(w.provisioner.describeCluster).not.toHaveBeenCalled();
    expect(w.writes(BG_KEY)).toEqual([]);
    expect(w.types()).toEqual(['phase.completed']);
    expect(w.details('phase.completed')[0]?.summary).toBe(`blue/green provision: ready (0 % on ${GREEN})`);
  });

  test('given the cluster ACTIVE and no parts, then every node group and add-on is created, and no Fargate profile yet', async () => {
    const w = blueGreenWorld({ bg: bgRecord() });
    w.eks.clusters.set(GREEN, ACTIVE);
    const result = await w.run('provision');
    expect(result).toMatchObject({ status: 'waiting', waitSeconds: 60 });
    const s = spec();
    expect(jest.mocked(w.deps.nodegroups.describeNodegroup).mock.calls).toEqual(
      NODEGROUPS.map((n) => [GREEN, n]),
    );
    expect(w.provisioner.describeAddon.mock.calls).toEqual(ADDONS.map((a) => [GREEN, a]));
    expect(w.provisioner.describeFargateProfile.mock.calls).toEqual(PROFILES.map((p) => [GREEN, p]));
    expect(jest.mocked(w.deps.nodegroups.createNodegroup).mock.calls).toEqual(s.nodegroups.map((n) => [n]));
    expect(w.provisioner.createAddon.mock.calls).toEqual(s.addons.map((a) => [a]));
    expect(s.nodegroups.map((n) => [n.clusterName, n.nodegroupName])).toEqual(
      NODEGROUPS.map((n) => [GREEN, n]),
    );
    expect(s.addons.map((a) => a.addonName)).toEqual([...ADDONS]);
    expect(w.provisioner.createFargateProfile).not.toHaveBeenCalled();
    expect(w.provisioner.createCluster).not.toHaveBeenCalled();
    expect(w.writes(BG_KEY)).toEqual([]);
    expect(w.types()).toEqual([]);
  });

  test('given node groups and add-ons that exist, then none is created again', async () => {
    const w = blueGreenWorld({ bg: bgRecord() });
    greenActive(w);
    w.eks.setNodegroup(GREEN, 'general', 'CREATING');
    w.eks.addons.set(`${GREEN}/coredns`, state('CREATING'));
    const result = await w.run('provision');
    expect(result.status).toBe('waiting');
    nothingCreated(w);
  });

  test('given node groups and add-ons ACTIVE and no Fargate profile, then only the first profile is created (EKS takes one at a time)', async () => {
    const w = blueGreenWorld({ bg: bgRecord() });
    greenActive(w);
    w.eks.profiles.clear();
    const result = await w.run('provision');
    expect(result.status).toBe('waiting');
    expect(w.provisioner.createFargateProfile.mock.calls).toEqual([[spec().fargateProfiles[0]]]);
    expect(spec().fargateProfiles[0]).toMatchObject({ clusterName: GREEN, fargateProfileName: 'fp-a' });
    expect(w.deps.nodegroups.createNodegroup).not.toHaveBeenCalled();
    expect(w.provisioner.createAddon).not.toHaveBeenCalled();
  });

  test('given the first profile ACTIVE and the second missing, then the second is created', async () => {
    const w = blueGreenWorld({ bg: bgRecord() });
    greenActive(w);
    w.eks.profiles.delete(`${GREEN}/fp-b`);
    expect((await w.run('provision')).status).toBe('waiting');
    expect(w.provisioner.createFargateProfile.mock.calls).toEqual([[spec().fargateProfiles[1]]]);
  });

  test('given a profile CREATING, then no other profile is created while it is', async () => {
    const w = blueGreenWorld({ bg: bgRecord() });
    greenActive(w);
    w.eks.profiles.set(`${GREEN}/fp-a`, state('CREATING'));
    w.eks.profiles.delete(`${GREEN}/fp-b`);
    expect((await w.run('provision')).status).toBe('waiting');
    expect(w.provisioner.createFargateProfile).not.toHaveBeenCalled();
  });

  test('given a later profile CREATING and an earlier one missing, then the missing one waits its turn', async () => {
    const w = blueGreenWorld({ bg: bgRecord() });
    greenActive(w);
    w.eks.profiles.delete(`${GREEN}/fp-a`);
    w.eks.profiles.set(`${GREEN}/fp-b`, state('CREATING'));
    expect((await w.run('provision')).status).toBe('waiting');
    expect(w.provisioner.createFargateProfile).not.toHaveBeenCalled();
  });

  test('given a node group still CREATING, then no Fargate profile is created yet', async () => {
    const w = blueGreenWorld({ bg: bgRecord() });
    greenActive(w);
    w.eks.setNodegroup(GREEN, 'batch', 'CREATING');
    w.eks.profiles.clear();
    expect((await w.run('provision')).status).toBe('waiting');
    expect(w.provisioner.createFargateProfile).not.toHaveBeenCalled();
  });

  test('given an add-on still CREATING, then no Fargate profile is created yet', async () => {
    const w = blueGreenWorld({ bg: bgRecord() });
    greenActive(w);
    w.eks.addons.set(`${GREEN}/coredns`, state('CREATING'));
    w.eks.profiles.clear();
    expect((await w.run('provision')).status).toBe('waiting');
    expect(w.provisioner.createFargateProfile).not.toHaveBeenCalled();
  });
});

describe('provision: green ACTIVE', () => {
  const provisioned = async (w: BlueGreenWorld) => {
    greenActive(w);
    return w.run('provision');
  };

  test('given everything ACTIVE, then provisionedAt is recorded, the step is done, cluster.provisioned, ready', async () => {
    const w = blueGreenWorld({ bg: bgRecord(), upgrade: { completed: [{ stepId: 'x', finishedAt: 'y' }] } });
    const result = await provisioned(w);
    expect(result).toEqual({
      status: 'ready',
      waitSeconds: 0,
      soakSeconds: 0,
      finalBakeSeconds: 3600,
      green: GREEN,
      percentage: 0,
      waitUntil: null,
    });
    expect(w.writes(BG_KEY)).toEqual([bgRecord({ provisionedAt: NOW })]);
    expect(w.upgrade()?.completed).toEqual([
      { stepId: 'x', finishedAt: 'y' },
      { stepId: `provision-cluster:${GREEN}`, finishedAt: NOW },
    ]);
    expect(w.types()).toEqual(['cluster.provisioned', 'phase.completed']);
    expect(w.details('cluster.provisioned')).toEqual([
      expect.objectContaining({ newClusterName: GREEN, version: '1.30', occurredAt: NOW }),
    ]);
    nothingCreated(w);
    noTraffic(w);
  });

  test('given the step already done (a retry after a lost response), then it is not recorded twice', async () => {
    const done = { stepId: `provision-cluster:${GREEN}`, finishedAt: '2026-11-28T09:59:00.000Z' };
    const w = blueGreenWorld({ bg: bgRecord(), upgrade: { completed: [done] } });
    await provisioned(w);
    expect(w.upgrade()?.completed).toEqual([done]);
    expect(w.writes(artifactKeys.record(UPGRADE))).toEqual([]);
  });

  test('given no upgrade record, then green is still provisioned and nothing else is written', async () => {
    const w = blueGreenWorld({ bg: bgRecord(), upgrade: null });
    expect((await provisioned(w)).status).toBe('ready');
    expect(w.upgrade()).toBeUndefined();
    expect(w.writes(artifactKeys.record(UPGRADE))).toEqual([]);
  });

  test('given the first call finds green ACTIVE already, then it is provisioned in one call', async () => {
    const w = blueGreenWorld();
    const result = await provisioned(w);
    expect(result.status).toBe('ready');
    expect(w.writes(BG_KEY)).toEqual([
      bgRecord({ provisionStartedAt: NOW }),
      bgRecord({ provisionStartedAt: NOW, provisionedAt: NOW }),
    ]);
    expect(w.types()).toEqual(['phase.started', 'cluster.provisioned', 'phase.completed']);
  });
});

describe('provision: failures', () => {
  test.each([
    ['CREATE_FAILED', ['ResourceLimitExceeded', 'bad subnet'], ': ResourceLimitExceeded; bad subnet'],
    ['FAILED', [], ''],
  ])(
    'given the cluster %s, then GreenProvisioningFailedError with its issues, nothing else created, nothing shifted',
    async (status, issues, suffix) => {
      const w = blueGreenWorld({ bg: bgRecord() });
      w.eks.clusters.set(GREEN, state(status, issues));
      const error = await w.run('provision').catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: 'GreenProvisioningFailedError',
        message: `green cluster ${GREEN} is ${status}${suffix}`,
      });
      nothingCreated(w);
      noTraffic(w);
      expect(w.types()).toEqual(['phase.failed']);
      expect(w.details('phase.failed')[0]?.error).toEqual({
        name: 'GreenProvisioningFailedError',
        message: `green cluster ${GREEN} is ${status}${suffix}`,
      });
    },
  );

  test('given a status that only mentions FAILED, then it is not a failure: green waits', async () => {
    const w = blueGreenWorld({ bg: bgRecord() });
    w.eks.clusters.set(GREEN, state('FAILED_OVER'));
    expect((await w.run('provision')).status).toBe('waiting');
  });

  test('given a node group CREATE_FAILED, then its health issues are named (code: message)', async () => {
    const w = blueGreenWorld({ bg: bgRecord() });
    greenActive(w);
    w.eks.setNodegroup(GREEN, 'batch', 'CREATE_FAILED', {
      health: {
        issues: [
          { code: 'AsgInstanceLaunchFailures', message: 'no capacity' },
          { message: 'odd' },
          { code: 'X' },
        ],
      },
    });
    await expect(w.run('provision')).rejects.toMatchObject({
      name: 'GreenProvisioningFailedError',
      message:
        'green node group batch is CREATE_FAILED: AsgInstanceLaunchFailures: no capacity; Unknown: odd; X: ',
    });
    noTraffic(w);
  });

  test('given a node group CREATE_FAILED without health, then the message has no issues', async () => {
    const w = blueGreenWorld({ bg: bgRecord() });
    greenActive(w);
    w.eks.setNodegroup(GREEN, 'general', 'CREATE_FAILED');
    await expect(w.run('provision')).rejects.toThrow(/^green node group general is CREATE_FAILED$/);
  });

  test('given a node group without a status, then it is pending, not failed', async () => {
    const w = blueGreenWorld({ bg: bgRecord({ provisionStartedAt: secondsAfter(NOW, -7200) }) });
    greenActive(w);
    w.eks.setNodegroup(GREEN, 'general', undefined as never);
    await expect(w.run('provision')).rejects.toThrow('still not ACTIVE: node group general (creating).');
  });

  test('given an add-on CREATE_FAILED, then it is named and nothing is created', async () => {
    const w = blueGreenWorld({ bg: bgRecord() });
    greenActive(w);
    w.eks.addons.set(`${GREEN}/coredns`, state('CREATE_FAILED', ['ConfigurationConflict']));
    w.eks.profiles.clear();
    await expect(w.run('provision')).rejects.toMatchObject({
      name: 'GreenProvisioningFailedError',
      message: 'green add-on coredns is CREATE_FAILED: ConfigurationConflict',
    });
    nothingCreated(w);
  });

  test('given a Fargate profile CREATE_FAILED, then it is named', async () => {
    const w = blueGreenWorld({ bg: bgRecord() });
    greenActive(w);
    w.eks.profiles.set(`${GREEN}/fp-b`, state('CREATE_FAILED'));
    await expect(w.run('provision')).rejects.toMatchObject({
      name: 'GreenProvisioningFailedError',
      message: 'green Fargate profile fp-b is CREATE_FAILED',
    });
  });
});

describe('provision: blueGreen/provisionTimeoutSeconds', () => {
  const started = '2026-11-28T08:00:00.000Z';

  test.each([
    [7199, 'waiting'],
    [7200, 'failed'],
  ])('given green not ACTIVE %i s after creation started, then %s', async (elapsed, outcome) => {
    const w = blueGreenWorld({
      bg: bgRecord({ provisionStartedAt: started }),
      now: secondsAfter(started, elapsed),
    });
    w.eks.clusters.set(GREEN, state('CREATING'));
    const run = w.run('provision');
    if (outcome === 'waiting') {
      await expect(run).resolves.toMatchObject({ status: 'waiting', waitSeconds: 60 });
      expect(w.types()).toEqual([]);
    } else {
      await expect(run).rejects.toMatchObject({
        name: 'GreenProvisioningFailedError',
        message: `green ${GREEN} was not ACTIVE 7200 s after its creation started (blueGreen/provisionTimeoutSeconds); still not ACTIVE: cluster ${GREEN} (CREATING). Nothing was shifted`,
      });
      expect(w.types()).toEqual(['phase.failed']);
    }
    noTraffic(w);
    expect(w.writes(BG_KEY)).toEqual([]);
  });

  test('given a configured timeout, then it counts, and every part not ACTIVE is named', async () => {
    const w = blueGreenWorld({
      blueGreen: { provisionTimeoutSeconds: 600 },
      bg: bgRecord({ provisionStartedAt: started }),
      now: secondsAfter(started, 600),
    });
    greenActive(w);
    w.eks.setNodegroup(GREEN, 'general', 'CREATING');
    w.eks.addons.delete(`${GREEN}/coredns`);
    w.eks.profiles.set(`${GREEN}/fp-b`, state('CREATING'));
    await expect(w.run('provision')).rejects.toThrow(
      `green ${GREEN} was not ACTIVE 600 s after its creation started (blueGreen/provisionTimeoutSeconds); still not ACTIVE: node group general (CREATING), add-on coredns (creating), Fargate profile fp-b (CREATING). Nothing was shifted`,
    );
    // The missing add-on was asked for before the deadline was judged.
    expect(w.provisioner.createAddon.mock.calls).toEqual([[spec().addons[1]]]);
  });

  test('given a profile just created at the deadline, then the message names it creating', async () => {
    const w = blueGreenWorld({
      bg: bgRecord({ provisionStartedAt: started }),
      now: secondsAfter(started, 9000),
    });
    greenActive(w);
    w.eks.profiles.clear();
    await expect(w.run('provision')).rejects.toThrow(
      'still not ACTIVE: Fargate profile fp-a (creating). Nothing',
    );
  });

  test('given a cluster that vanished and is created again after the deadline, then the deadline still holds', async () => {
    const w = blueGreenWorld({
      bg: bgRecord({ provisionStartedAt: started }),
      now: secondsAfter(started, 7200),
    });
    await expect(w.run('provision')).rejects.toThrow(
      `still not ACTIVE: cluster ${GREEN}. Nothing was shifted`,
    );
    expect(w.provisioner.createCluster).toHaveBeenCalledTimes(1);
  });

  test('given a record from before the start time was kept, then the deadline counts from now (never times out at once)', async () => {
    const old = bgRecord();
    delete old.provisionStartedAt;
    const w = blueGreenWorld({ bg: old });
    w.eks.clusters.set(GREEN, state('CREATING'));
    expect((await w.run('provision')).status).toBe('waiting');
  });
});

describe('readiness', () => {
  const provisionedAt = '2026-11-28T09:30:00.000Z';

  test("given green answers, then the check was of green's URL, readyAt is recorded and ready", async () => {
    const w = blueGreenWorld({
      blueGreen: { healthCheckUrl: 'https://{cluster}.example.com/{cluster}/healthz' },
      bg: bgRecord({ provisionedAt }),
    });
    const result = await w.run('readiness');
    expect(result).toMatchObject({ status: 'ready', waitSeconds: 0, percentage: 0 });
    expect(w.readiness.check.mock.calls).toEqual([
      [{ clusterName: GREEN, url: `https://${GREEN}.example.com/${GREEN}/healthz` }],
    ]);
    expect(w.writes(BG_KEY)).toEqual([bgRecord({ provisionedAt, readyAt: NOW })]);
    expect(w.types()).toEqual(['phase.completed']);
    expect(w.details('phase.completed')[0]?.summary).toBe(`blue/green readiness: ready (0 % on ${GREEN})`);
    noTraffic(w);
    nothingCreated(w);
  });

  test('given green was found ready before, then no check and nothing written', async () => {
    const w = blueGreenWorld({ bg: bgRecord({ provisionedAt, readyAt: NOW }) });
    expect((await w.run('readiness')).status).toBe('ready');
    expect(w.readiness.check).not.toHaveBeenCalled();
    expect(w.writes(BG_KEY)).toEqual([]);
  });

  test('given no health check configured, then InvalidConfigError and no check', async () => {
    const w = blueGreenWorld({ blueGreen: { healthCheckUrl: undefined }, bg: bgRecord({ provisionedAt }) });
    await expect(w.run('readiness')).rejects.toMatchObject({ name: 'InvalidConfigError' });
    expect(w.readiness.check).not.toHaveBeenCalled();
  });

  test.each([
    [3599, 'waiting'],
    [3600, 'failed'],
  ])('given green not ready %i s after it was provisioned, then %s', async (elapsed, outcome) => {
    const w = blueGreenWorld({
      blueGreen: { pollSeconds: 20 },
      bg: bgRecord({ provisionedAt }),
      now: secondsAfter(provisionedAt, elapsed),
    });
    w.readiness.check.mockResolvedValue({ ready: false, detail: 'HTTP 503' });
    const run = w.run('readiness');
    if (outcome === 'waiting') {
      await expect(run).resolves.toMatchObject({ status: 'waiting', waitSeconds: 20 });
      expect(w.types()).toEqual([]);
    } else {
      await expect(run).rejects.toMatchObject({
        name: 'WorkloadsNotReadyError',
        message: `green ${GREEN}'s workloads were not ready 3600 s after it was provisioned (last check: HTTP 503); nothing was shifted`,
      });
      expect(w.details('phase.failed')[0]?.error.name).toBe('WorkloadsNotReadyError');
    }
    expect(w.writes(BG_KEY)).toEqual([]);
    noTraffic(w);
  });

  test('given a configured readiness timeout, then it is the one that counts', async () => {
    const w = blueGreenWorld({
      blueGreen: { readinessTimeoutSeconds: 60 },
      bg: bgRecord({ provisionedAt }),
      now: secondsAfter(provisionedAt, 60),
    });
    w.readiness.check.mockResolvedValue({ ready: false, detail: 'connection refused' });
    await expect(w.run('readiness')).rejects.toThrow(
      'were not ready 60 s after it was provisioned (last check: connection refused)',
    );
  });

  test('given no provisionedAt recorded, then the timeout counts from now: waiting', async () => {
    const w = blueGreenWorld({ bg: bgRecord(), now: secondsAfter(NOW, 99_999) });
    w.readiness.check.mockResolvedValue({ ready: false, detail: 'HTTP 503' });
    expect((await w.run('readiness')).status).toBe('waiting');
  });
});
