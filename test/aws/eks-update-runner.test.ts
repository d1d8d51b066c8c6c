import {
  DescribeUpdateCommand,
  EKSClient,
  InvalidParameterException,
  InvalidRequestException,
  InvalidStateException,
  ResourceInUseException,
  UpdateAddonCommand,
  UpdateClusterVersionCommand,
  UpdateNodegroupVersionCommand,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DEFAULT_RESOLVE_CONFLICTS, EksUpdateRunner } from '../../lib/aws/eks/update-runner';
import {
  ReadinessCheckFailedError,
  UnexpectedResponseError,
  UnsupportedStepError,
} from '../../lib/aws/errors';
import { InvalidRequestError } from '../../lib/domain/errors';
import type { UpgradeStep } from '../../lib/domain/plan-types';
import { clientRequestToken } from '../../lib/domain/request-token';

const eks = mockClient(EKSClient);
const runner = (options: { resolveConflicts?: 'NONE' | 'OVERWRITE' | 'PRESERVE' } = {}) =>
  new EksUpdateRunner({ eks: new EKSClient({}), ...options });
const token = 'a1b2c3d4-0000-5000-8000-000000000000';

const controlPlane: UpgradeStep = {
  kind: 'control-plane',
  id: 'control-plane:1.30',
  hop: '1.30',
  from: '1.29',
  to: '1.30',
  estimatedMinutes: 25,
};
const addon: UpgradeStep = {
  kind: 'addon',
  id: 'addon:vpc-cni:v1.18.3-eksbuild.1',
  name: 'vpc-cni',
  hop: '1.30',
  from: 'v1.16.0-eksbuild.1',
  to: 'v1.18.3-eksbuild.1',
  estimatedMinutes: 3,
};
const nodegroupStep: UpgradeStep = {
  kind: 'nodegroup',
  id: 'nodegroup:ng-a:1.30',
  name: 'ng-a',
  hop: '1.31',
  from: '1.29',
  to: '1.30',
  estimatedMinutes: 15,
};

beforeEach(() => eks.reset());

describe('EksUpdateRunner.startStep', () => {
  test('control plane: UpdateClusterVersion with the target, force and the token', async () => {
    eks.on(UpdateClusterVersionCommand).resolves({ update: { id: 'upd-1', status: 'InProgress' } });
    const outcome = await runner().startStep('prod', controlPlane, {
      clientRequestToken: token,
      force: true,
    });
    expect(outcome).toEqual({ kind: 'started', update: { clusterName: 'prod', updateId: 'upd-1' } });
    expect(eks).toHaveReceivedCommandWith(UpdateClusterVersionCommand, {
      name: 'prod',
      version: '1.30',
      force: true,
      clientRequestToken: token,
    });
  });

  test('add-on: UpdateAddon with the version, PRESERVE by default and the token', async () => {
    eks.on(UpdateAddonCommand).resolves({ update: { id: 'upd-2', status: 'InProgress' } });
    const outcome = await runner().startStep('prod', addon, { clientRequestToken: token, force: false });
    expect(DEFAULT_RESOLVE_CONFLICTS).toBe('PRESERVE');
    expect(outcome).toEqual({
      kind: 'started',
      update: { clusterName: 'prod', addonName: 'vpc-cni', updateId: 'upd-2' },
    });
    expect(eks).toHaveReceivedCommandWith(UpdateAddonCommand, {
      clusterName: 'prod',
      addonName: 'vpc-cni',
      addonVersion: 'v1.18.3-eksbuild.1',
      resolveConflicts: 'PRESERVE',
      clientRequestToken: token,
    });
  });

  test('add-on: resolveConflicts is configurable', async () => {
    eks.on(UpdateAddonCommand).resolves({ update: { id: 'upd-2' } });
    await runner({ resolveConflicts: 'OVERWRITE' }).startStep('prod', addon, {
      clientRequestToken: token,
      force: false,
    });
    expect(eks).toHaveReceivedCommandWith(UpdateAddonCommand, { resolveConflicts: 'OVERWRITE' });
  });

  test('add-on: the step option (the agent configuration) wins over the runner default', async () => {
    eks.on(UpdateAddonCommand).resolves({ update: { id: 'upd-2' } });
    await runner().startStep('prod', addon, {
      clientRequestToken: token,
      force: false,
      resolveConflicts: 'NONE',
    });
    expect(eks).toHaveReceivedCommandWith(UpdateAddonCommand, { resolveConflicts: 'NONE' });
  });

  test('node group: UpdateNodegroupVersion with the Kubernetes version, force and the token', async () => {
    eks.on(UpdateNodegroupVersionCommand).resolves({ update: { id: 'upd-3' } });
    const outcome = await runner().startStep('prod', nodegroupStep, {
      clientRequestToken: token,
      force: true,
    });
    expect(outcome).toEqual({
      kind: 'started',
      update: { clusterName: 'prod', nodegroupName: 'ng-a', updateId: 'upd-3' },
    });
    expect(eks).toHaveReceivedCommandWith(UpdateNodegroupVersionCommand, {
      clusterName: 'prod',
      nodegroupName: 'ng-a',
      version: '1.30',
      force: true,
      clientRequestToken: token,
    });
  });

  test('ResourceInUseException is the busy outcome, with EKS message', async () => {
    const message = 'Cluster has update abc in progress';
    eks.on(UpdateClusterVersionCommand).rejects(new ResourceInUseException({ message, $metadata: {} }));
    const outcome = await runner().startStep('prod', controlPlane, {
      clientRequestToken: token,
      force: false,
    });
    expect(outcome).toEqual({ kind: 'busy', message });
  });

  test('ResourceInUseException on a node group is busy too', async () => {
    eks
      .on(UpdateNodegroupVersionCommand)
      .rejects(new ResourceInUseException({ message: 'Nodegroup is updating', $metadata: {} }));
    const outcome = await runner().startStep('prod', nodegroupStep, {
      clientRequestToken: token,
      force: false,
    });
    expect(outcome.kind).toBe('busy');
  });

  test('InvalidStateException for failing insights becomes ReadinessCheckFailedError carrying EKS message', async () => {
    const message =
      'Upgrade readiness checks failed: deprecated API usage (insight ins-1). Use force to override.';
    eks.on(UpdateClusterVersionCommand).rejects(new InvalidStateException({ message, $metadata: {} }));
    const error = await runner()
      .startStep('prod', controlPlane, { clientRequestToken: token, force: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadinessCheckFailedError);
    expect(error).toMatchObject({ name: 'ReadinessCheckFailedError', eksMessage: message, retryable: false });
    expect((error as Error).message).toContain(message);
    expect((error as Error).cause).toBeInstanceOf(InvalidStateException);
  });

  test('other EKS errors pass through unchanged', async () => {
    eks.on(UpdateClusterVersionCommand).rejects(
      new InvalidParameterException({
        message: 'Unsupported Kubernetes minor version update',
        $metadata: {},
      }),
    );
    await expect(
      runner().startStep('prod', controlPlane, { clientRequestToken: token, force: false }),
    ).rejects.toThrow(InvalidParameterException);
  });

  test.each(['provision-cluster', 'shift-traffic', 'decommission-cluster'] as const)(
    '%s steps throw UnsupportedStepError without calling EKS',
    async (kind) => {
      const step = { ...controlPlane, kind, name: 'green' } as UpgradeStep;
      await expect(
        runner().startStep('prod', step, { clientRequestToken: token, force: false }),
      ).rejects.toThrow(UnsupportedStepError);
      expect(eks.calls()).toHaveLength(0);
    },
  );

  test('an answer without an update id is UnexpectedResponseError', async () => {
    eks.on(UpdateClusterVersionCommand).resolves({});
    await expect(
      runner().startStep('prod', controlPlane, { clientRequestToken: token, force: false }),
    ).rejects.toThrow(UnexpectedResponseError);
  });
});

describe('EksUpdateRunner.describeUpdate', () => {
  test('maps status, type and EKS errors', async () => {
    eks.on(DescribeUpdateCommand).resolves({
      update: {
        id: 'upd-3',
        status: 'Failed',
        type: 'VersionUpdate',
        errors: [
          {
            errorCode: 'PodEvictionFailure',
            errorMessage: 'Reached max retries while trying to evict pods from nodes in node group ng-a',
            resourceIds: ['ip-10-0-1-1.ec2.internal'],
          },
        ],
      },
    });
    const status = await runner().describeUpdate({
      clusterName: 'prod',
      updateId: 'upd-3',
      nodegroupName: 'ng-a',
    });
    expect(status).toEqual({
      updateId: 'upd-3',
      state: 'Failed',
      type: 'VersionUpdate',
      errors: [
        {
          code: 'PodEvictionFailure',
          message: 'Reached max retries while trying to evict pods from nodes in node group ng-a',
          resourceIds: ['ip-10-0-1-1.ec2.internal'],
        },
      ],
    });
    expect(eks).toHaveReceivedCommandWith(DescribeUpdateCommand, {
      name: 'prod',
      updateId: 'upd-3',
      nodegroupName: 'ng-a',
    });
  });

  test('passes the add-on name for add-on updates', async () => {
    eks.on(DescribeUpdateCommand).resolves({ update: { id: 'upd-2', status: 'Successful', errors: [] } });
    const status = await runner().describeUpdate({
      clusterName: 'prod',
      updateId: 'upd-2',
      addonName: 'vpc-cni',
    });
    expect(status).toEqual({ updateId: 'upd-2', state: 'Successful', errors: [] });
    expect(eks).toHaveReceivedCommandWith(DescribeUpdateCommand, { addonName: 'vpc-cni' });
  });

  test('an unknown status is UnexpectedResponseError, never a guess', async () => {
    eks.on(DescribeUpdateCommand).resolves({ update: { id: 'upd-1', status: 'Paused' as never } });
    await expect(runner().describeUpdate({ clusterName: 'prod', updateId: 'upd-1' })).rejects.toThrow(
      UnexpectedResponseError,
    );
  });
});

describe('clientRequestToken', () => {
  test('is deterministic per (upgrade, step) and differs between steps and upgrades', () => {
    const a = clientRequestToken('upg-1', 'control-plane:1.30');
    expect(clientRequestToken('upg-1', 'control-plane:1.30')).toBe(a);
    expect(clientRequestToken('upg-1', 'control-plane:1.31')).not.toBe(a);
    expect(clientRequestToken('upg-2', 'control-plane:1.30')).not.toBe(a);
  });

  test('does not collide when the split between the two ids moves', () => {
    expect(clientRequestToken('a:b', 'c')).not.toBe(clientRequestToken('a', 'b:c'));
  });

  test('has the UUID shape the SDK itself generates', () => {
    const value = clientRequestToken('upg-1', 'addon:vpc-cni:v1.18.3-eksbuild.1');
    expect(value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('refuses empty ids', () => {
    expect(() => clientRequestToken('', 'step')).toThrow(InvalidRequestError);
    expect(() => clientRequestToken('upg', '')).toThrow(InvalidRequestError);
  });
});

describe('EksUpdateRunner.startControlPlaneRollback', () => {
  test('UpdateClusterVersion to the previous minor with the token, never forced', async () => {
    eks.on(UpdateClusterVersionCommand).resolves({ update: { id: 'rb-1', type: 'VersionRollback' } });
    const outcome = await runner().startControlPlaneRollback('prod', '1.29', { clientRequestToken: token });
    expect(outcome).toEqual({ kind: 'started', update: { clusterName: 'prod', updateId: 'rb-1' } });
    const sent = eks.commandCalls(UpdateClusterVersionCommand)[0]?.args[0].input;
    expect(sent).toEqual({ name: 'prod', version: '1.29', clientRequestToken: token });
  });

  test('refused by rollback-readiness checks: ReadinessCheckFailedError with EKS message', async () => {
    const message = 'Rollback readiness checks failed: node group ng-a is at 1.30';
    eks.on(UpdateClusterVersionCommand).rejects(new InvalidStateException({ message, $metadata: {} }));
    await expect(
      runner().startControlPlaneRollback('prod', '1.29', { clientRequestToken: token }),
    ).rejects.toMatchObject({ name: 'ReadinessCheckFailedError', eksMessage: message });
  });

  test('another update in progress is busy', async () => {
    eks
      .on(UpdateClusterVersionCommand)
      .rejects(new ResourceInUseException({ message: 'in progress', $metadata: {} }));
    await expect(
      runner().startControlPlaneRollback('prod', '1.29', { clientRequestToken: token }),
    ).resolves.toEqual({ kind: 'busy', message: 'in progress' });
  });

  test('a timeout becomes RollbackConfig.timeoutMinutes', async () => {
    eks.on(UpdateClusterVersionCommand).resolves({ update: { id: 'rb-2', type: 'VersionRollback' } });
    await runner().startControlPlaneRollback('prod', '1.29', {
      clientRequestToken: token,
      timeoutMinutes: 120,
    });
    expect(eks.commandCalls(UpdateClusterVersionCommand)[0]?.args[0].input).toEqual({
      name: 'prod',
      version: '1.29',
      clientRequestToken: token,
      rollbackConfig: { timeoutMinutes: 120 },
    });
  });

  test.each([119, 10081, 300.5])('a timeout of %p minutes is refused before any call', async (minutes) => {
    await expect(
      runner().startControlPlaneRollback('prod', '1.29', {
        clientRequestToken: token,
        timeoutMinutes: minutes,
      }),
    ).rejects.toThrow(InvalidRequestError);
    expect(eks.commandCalls(UpdateClusterVersionCommand)).toHaveLength(0);
  });

  test('no rollback available (InvalidRequestException): RollbackUnavailableError with EKS message', async () => {
    const message = 'Cluster prod cannot be rolled back: the upgrade to 1.30 completed more than 7 days ago';
    eks.on(UpdateClusterVersionCommand).rejects(new InvalidRequestException({ message, $metadata: {} }));
    await expect(
      runner().startControlPlaneRollback('prod', '1.29', { clientRequestToken: token }),
    ).rejects.toMatchObject({ name: 'RollbackUnavailableError', eksMessage: message, clusterName: 'prod' });
  });

  test('an invalid version (InvalidParameterException) propagates under its EKS name', async () => {
    eks.on(UpdateClusterVersionCommand).rejects(
      new InvalidParameterException({
        message: 'Unsupported Kubernetes minor version update from 1.30 to 1.28',
        $metadata: {},
      }),
    );
    await expect(
      runner().startControlPlaneRollback('prod', '1.28', { clientRequestToken: token }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  test('an answer without an update id is UnexpectedResponseError', async () => {
    eks.on(UpdateClusterVersionCommand).resolves({});
    await expect(
      runner().startControlPlaneRollback('prod', '1.29', { clientRequestToken: token }),
    ).rejects.toThrow(UnexpectedResponseError);
  });
});
