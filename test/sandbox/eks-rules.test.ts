import { ReadinessCheckFailedError, UnsupportedStepError } from '../../lib/aws/errors';
import { InvalidParameterException, ResourceNotFoundException } from '../../lib/sandbox/eks';
import {
  addonStep,
  CLUSTER,
  controlPlaneStep,
  fixtureSnapshot,
  newWorld,
  nodegroupStep,
  opts,
  runToEnd,
  started,
} from '../fixtures/sandbox/world';

describe('sandbox EKS version rules', () => {
  describe('control plane', () => {
    it('given a 1.29 cluster, when asked for 1.31, then EKS refuses: one minor at a time', async () => {
      const world = newWorld();
      const start = world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.31'), opts('t1'));
      await expect(start).rejects.toThrow(InvalidParameterException);
      await expect(start).rejects.toMatchObject({
        name: 'InvalidParameterException',
        message: 'Unsupported Kubernetes minor version update from 1.29 to 1.31',
        $metadata: { httpStatusCode: 400 },
        clusterName: CLUSTER,
      });
    });

    it('given a 1.29 cluster, when asked for 1.29 again, then EKS refuses', async () => {
      const world = newWorld();
      await expect(
        world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.29'), opts('t1')),
      ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    });

    it('given a 1.29 cluster, when asked for 1.30, then the update starts as a VersionUpdate', async () => {
      const world = newWorld();
      const ref = started(
        await world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('t1')),
      );
      expect(ref).toEqual({ clusterName: CLUSTER, updateId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      await expect(world.updateRunner.describeUpdate(ref)).resolves.toEqual({
        updateId: ref.updateId,
        state: 'InProgress',
        type: 'VersionUpdate',
        errors: [],
      });
    });

    it('given DescribeClusterVersions data without 1.30, when asked for 1.30, then EKS refuses the version', async () => {
      const snapshot = fixtureSnapshot();
      snapshot.clusterVersions = snapshot.clusterVersions?.filter((v) => v.clusterVersion === '1.29');
      const world = newWorld({ snapshot });
      await expect(
        world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('t1')),
      ).rejects.toThrow('Kubernetes version 1.30 is not supported by Amazon EKS');
    });

    it('given a cluster never upgraded, when asked for the previous minor, then no rollback is available', async () => {
      const world = newWorld();
      await expect(
        world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.28'), opts('t1')),
      ).rejects.toMatchObject({
        name: 'InvalidRequestException',
        message: expect.stringContaining('cannot be rolled back'),
      });
    });

    it('given an unknown cluster, when a step starts, then ResourceNotFoundException', async () => {
      const world = newWorld();
      await expect(
        world.updateRunner.startStep('nope', controlPlaneStep('1.29', '1.30'), opts('t1')),
      ).rejects.toThrow(new ResourceNotFoundException('No cluster found for name: nope.'));
    });

    it('given a blue/green step, when it starts, then UnsupportedStepError', async () => {
      const world = newWorld();
      const step = {
        kind: 'shift-traffic',
        id: 's',
        name: 'green',
        hop: '1.30',
        from: '0',
        to: '10',
        estimatedMinutes: 15,
      } as const;
      await expect(world.updateRunner.startStep(CLUSTER, step, opts('t1'))).rejects.toThrow(
        UnsupportedStepError,
      );
    });
  });

  describe('readiness insights', () => {
    function withFailingInsight() {
      const snapshot = fixtureSnapshot();
      const insight = snapshot.insights[0];
      if (!insight) throw new Error('fixture has an insight');
      insight.insightStatus = { status: 'ERROR', reason: 'Nodes run kubelet 1.26.' };
      return newWorld({ snapshot });
    }

    it('given an ERROR insight for 1.30, when the update is not forced, then ReadinessCheckFailedError with EKS message', async () => {
      const world = withFailingInsight();
      const start = world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('t1'));
      await expect(start).rejects.toThrow(ReadinessCheckFailedError);
      await expect(start).rejects.toMatchObject({
        name: 'ReadinessCheckFailedError',
        cause: { name: 'InvalidStateException', insightIds: ['b1a9f0c2-6d3e-4f1a-8c7b-2e5d9a0f3c11'] },
      });
    });

    it('given an ERROR insight for 1.30, when the update is forced, then it starts', async () => {
      const world = withFailingInsight();
      const outcome = await world.updateRunner.startStep(
        CLUSTER,
        controlPlaneStep('1.29', '1.30'),
        opts('t1', true),
      );
      expect(outcome.kind).toBe('started');
    });
  });

  describe('add-ons', () => {
    it('given coredns, when the target is not listed by DescribeAddonVersions, then EKS refuses', async () => {
      const world = newWorld();
      await expect(
        world.updateRunner.startStep(
          CLUSTER,
          addonStep('coredns', 'v1.11.1-eksbuild.9', 'v1.12.0-eksbuild.1'),
          opts('t1'),
        ),
      ).rejects.toMatchObject({ name: 'InvalidParameterException', addonName: 'coredns' });
    });

    it('given a 1.29 control plane, when kube-proxy moves to its 1.30 build, then EKS refuses it as incompatible', async () => {
      const world = newWorld();
      await expect(
        world.updateRunner.startStep(
          CLUSTER,
          addonStep('kube-proxy', 'v1.29.3-eksbuild.2', 'v1.30.0-eksbuild.3'),
          opts('t1'),
        ),
      ).rejects.toThrow(
        'Addon version v1.30.0-eksbuild.3 of kube-proxy is not compatible with Kubernetes version 1.29',
      );
    });

    it('given vpc-cni v1.18.1, when asked for the older v1.17.1, then EKS refuses the downgrade', async () => {
      const world = newWorld();
      await expect(
        world.updateRunner.startStep(
          CLUSTER,
          addonStep('vpc-cni', 'v1.18.1-eksbuild.1', 'v1.17.1-eksbuild.1'),
          opts('t1'),
        ),
      ).rejects.toThrow(/lower version/);
    });

    it('given a compatible newer version, when the step starts, then the update carries the add-on name', async () => {
      const world = newWorld();
      const ref = started(
        await world.updateRunner.startStep(
          CLUSTER,
          addonStep('vpc-cni', 'v1.18.1-eksbuild.1', 'v1.18.3-eksbuild.2'),
          opts('t1'),
        ),
      );
      expect(ref.addonName).toBe('vpc-cni');
      await expect(world.updateRunner.describeUpdate(ref)).resolves.toMatchObject({ type: 'AddonUpdate' });
    });

    it('given an add-on the cluster does not have, when the step starts, then ResourceNotFoundException', async () => {
      const world = newWorld();
      await expect(
        world.updateRunner.startStep(CLUSTER, addonStep('aws-ebs-csi-driver', 'v1', 'v2'), opts('t1')),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });
  });

  describe('node groups', () => {
    it('given a 1.29 control plane, when a node group is asked for 1.30, then EKS refuses: not above the control plane', async () => {
      const world = newWorld();
      await expect(
        world.updateRunner.startStep(CLUSTER, nodegroupStep('general', '1.29', '1.30'), opts('t1')),
      ).rejects.toMatchObject({ name: 'InvalidParameterException', nodegroupName: 'general' });
    });

    it('given a node group at 1.28, when asked for 1.27 outside any rollback, then EKS refuses the downgrade', async () => {
      const snapshot = fixtureSnapshot();
      const ng = snapshot.nodegroups[0];
      if (!ng) throw new Error('fixture has node groups');
      ng.version = '1.28';
      const world = newWorld({ snapshot });
      await expect(
        world.updateRunner.startStep(CLUSTER, nodegroupStep('general', '1.28', '1.27'), opts('t1')),
      ).rejects.toThrow(/cannot be downgraded/);
    });

    it('given the control plane at 1.30, when a node group moves to 1.30, then it starts', async () => {
      const world = newWorld();
      await runToEnd(
        world,
        started(await world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('cp'))),
      );
      const ref = started(
        await world.updateRunner.startStep(CLUSTER, nodegroupStep('general', '1.29', '1.30'), opts('ng')),
      );
      expect(ref).toEqual({ clusterName: CLUSTER, nodegroupName: 'general', updateId: expect.any(String) });
    });
  });
});
