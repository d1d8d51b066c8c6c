import { ReadinessCheckFailedError } from '../../lib/aws/errors';
import { ThrottlingException } from '../../lib/sandbox/eks';
import {
  getScenario,
  listScenarios,
  SCENARIO_NAMES,
  UnknownScenarioError,
} from '../../lib/sandbox/scenarios';
import {
  addonStep,
  CLUSTER,
  controlPlaneStep,
  newWorld,
  nodegroupStep,
  opts,
  runToEnd,
  started,
} from '../fixtures/sandbox/world';

const cp130 = controlPlaneStep('1.29', '1.30');

describe('sandbox scenarios', () => {
  it('lists every scenario by name, each with a summary', () => {
    expect(listScenarios().map((s) => s.name)).toEqual([...SCENARIO_NAMES]);
    for (const scenario of listScenarios()) expect(scenario.summary.length).toBeGreaterThan(10);
  });

  it('given a bad name, when looked up, then UnknownScenarioError listing the valid names', () => {
    expect(() => getScenario('chaos')).toThrow(UnknownScenarioError);
    expect(() => getScenario('chaos')).toThrow(
      'unknown sandbox scenario "chaos"; valid scenarios: happy, validation-failure, eviction-failure, busy, throttled, addon-conflict, insight-error, insight-later-hop, no-data',
    );
    expect(() => newWorld({ scenario: 'chaos' })).toThrow(UnknownScenarioError);
  });

  describe('happy', () => {
    it('given the happy world, when the control plane and a node group update, then both succeed', async () => {
      const world = newWorld({ scenario: 'happy' });
      await expect(
        runToEnd(world, started(await world.updateRunner.startStep(CLUSTER, cp130, opts('cp')))),
      ).resolves.toMatchObject({ state: 'Successful' });
      const ng = started(
        await world.updateRunner.startStep(CLUSTER, nodegroupStep('general', '1.29', '1.30'), opts('ng')),
      );
      await expect(runToEnd(world, ng)).resolves.toMatchObject({ state: 'Successful' });
    });
  });

  describe('eviction-failure', () => {
    async function upgraded() {
      const world = newWorld({ scenario: 'eviction-failure' });
      await runToEnd(world, started(await world.updateRunner.startStep(CLUSTER, cp130, opts('cp'))));
      return world;
    }

    it('given a PDB blocking eviction, when a node group updates, then Failed with PodEvictionFailure after 15+ minutes', async () => {
      const world = await upgraded();
      const ref = started(
        await world.updateRunner.startStep(CLUSTER, nodegroupStep('general', '1.29', '1.30'), opts('ng')),
      );
      world.advance(16);
      await expect(world.updateRunner.describeUpdate(ref)).resolves.toMatchObject({ state: 'InProgress' });
      world.advance(1);
      await expect(world.updateRunner.describeUpdate(ref)).resolves.toEqual({
        updateId: ref.updateId,
        state: 'Failed',
        type: 'VersionUpdate',
        errors: [
          {
            code: 'PodEvictionFailure',
            message: 'Reached max retries while trying to evict pods from nodes in node group general',
            resourceIds: ['general'],
          },
        ],
      });
      const ng = (await world.snapshotReader.readSnapshot(CLUSTER)).nodegroups.find(
        (n) => n.nodegroupName === 'general',
      );
      expect(ng).toMatchObject({ status: 'ACTIVE', version: '1.29' });
    });

    it('given a PDB blocking eviction, when the node-group update is forced, then it succeeds', async () => {
      const world = await upgraded();
      const step = nodegroupStep('general', '1.29', '1.30');
      const ref = started(await world.updateRunner.startStep(CLUSTER, step, opts('ng', true)));
      await expect(runToEnd(world, ref)).resolves.toMatchObject({ state: 'Successful' });
    });
  });

  describe('busy', () => {
    it('given a platform update in flight, when steps start, then busy until 5 virtual minutes pass, cluster still ACTIVE', async () => {
      const world = newWorld({ scenario: 'busy' });
      const first = await world.updateRunner.startStep(CLUSTER, cp130, opts('cp'));
      expect(first).toEqual({
        kind: 'busy',
        message: expect.stringMatching(/^Cluster has update [0-9a-f-]{36} in progress$/),
      });
      expect((await world.snapshotReader.readSnapshot(CLUSTER)).cluster.status).toBe('ACTIVE');
      world.advance(4);
      expect((await world.updateRunner.startStep(CLUSTER, cp130, opts('cp'))).kind).toBe('busy');
      world.advance(1);
      expect((await world.updateRunner.startStep(CLUSTER, cp130, opts('cp'))).kind).toBe('started');
      expect((await world.snapshotReader.readSnapshot(CLUSTER)).cluster.platformVersion).toBe('eks.8');
    });
  });

  describe('throttled', () => {
    it('given throttling, when the first calls of each operation are made, then ThrottlingException the SDK would retry', async () => {
      const world = newWorld({ scenario: 'throttled' });
      const read = world.snapshotReader.readSnapshot(CLUSTER);
      await expect(read).rejects.toThrow(ThrottlingException);
      await expect(read).rejects.toMatchObject({
        name: 'ThrottlingException',
        message: 'Rate exceeded',
        $retryable: { throttling: true },
        $metadata: { httpStatusCode: 429 },
      });
      await expect(world.snapshotReader.readSnapshot(CLUSTER)).rejects.toThrow(ThrottlingException);
      await expect(world.snapshotReader.readSnapshot(CLUSTER)).resolves.toMatchObject({
        cluster: { name: CLUSTER },
      });

      await expect(world.updateRunner.startStep(CLUSTER, cp130, opts('cp'))).rejects.toThrow(
        ThrottlingException,
      );
      const ref = started(await world.updateRunner.startStep(CLUSTER, cp130, opts('cp')));
      await expect(world.updateRunner.describeUpdate(ref)).rejects.toThrow(ThrottlingException);
      await expect(world.updateRunner.describeUpdate(ref)).resolves.toMatchObject({ state: 'InProgress' });
      expect(world.inspect().calls).toEqual({ readSnapshot: 3, startStep: 2, describeUpdate: 2 });
    });
  });

  describe('addon-conflict', () => {
    it('given fields edited outside EKS, when an add-on updates, then Failed with ConfigurationConflict and UPDATE_FAILED', async () => {
      const world = newWorld({ scenario: 'addon-conflict' });
      const step = addonStep('coredns', 'v1.11.1-eksbuild.9', 'v1.11.1-eksbuild.11');
      const status = await runToEnd(
        world,
        started(await world.updateRunner.startStep(CLUSTER, step, opts('a'))),
      );
      expect(status).toMatchObject({
        state: 'Failed',
        type: 'AddonUpdate',
        errors: [{ code: 'ConfigurationConflict', message: expect.stringContaining('ConfigMap coredns') }],
      });
      const addon = (await world.snapshotReader.readSnapshot(CLUSTER)).addons.find(
        (a) => a.addonName === 'coredns',
      );
      expect(addon).toMatchObject({
        status: 'UPDATE_FAILED',
        addonVersion: 'v1.11.1-eksbuild.9',
        health: { issues: [{ code: 'ConfigurationConflict' }] },
      });
    });
  });

  describe('insight-error', () => {
    it('given the world, when read, then an UPGRADE_READINESS insight in ERROR for 1.30 is in the snapshot', async () => {
      const world = newWorld({ scenario: 'insight-error' });
      const insights = (await world.snapshotReader.readSnapshot(CLUSTER)).insights;
      expect(insights).toContainEqual(
        expect.objectContaining({
          name: 'Deprecated APIs removed in Kubernetes v1.30',
          kubernetesVersion: '1.30',
          insightStatus: expect.objectContaining({ status: 'ERROR' }),
        }),
      );
    });

    it('given the failing insight, when the control plane updates without force, then ReadinessCheckFailedError; with force, started', async () => {
      const world = newWorld({ scenario: 'insight-error' });
      await expect(world.updateRunner.startStep(CLUSTER, cp130, opts('cp'))).rejects.toThrow(
        ReadinessCheckFailedError,
      );
      expect((await world.updateRunner.startStep(CLUSTER, cp130, opts('cp', true))).kind).toBe('started');
    });
  });
});
