import {
  AddTagsToResourceCommand,
  DeleteParametersCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient as SdkSSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  ConfigurationNotFoundError,
  ParameterNotFoundError,
  ParameterValidationError,
} from '../../lib/aws/errors';
import { createDefaultAgentConfig } from '../../lib/aws/ssm/default-config';
import { SSMClient } from '../../lib/aws/ssm/ssm-client';
import { defaultConfig, parseAgentConfig } from '../../lib/domain/config';

const sdk = mockClient(SdkSSMClient);
const client = () => new SSMClient({ client: new SdkSSMClient({}) });

beforeEach(() => sdk.reset());

describe('putParameter', () => {
  test('sends the full name, type, tier, description and returns the version', async () => {
    sdk.on(PutParameterCommand).resolves({ Version: 3, Tier: 'Standard' });
    const version = await client().putParameter({
      name: 'cluster/production/name',
      value: 'prod-eks-cluster',
      description: 'Production EKS cluster name',
      overwrite: false,
      tags: { Environment: 'production' },
    });
    expect(version).toBe(3);
    expect(sdk).toHaveReceivedCommandWith(PutParameterCommand, {
      Name: '/eks-upgrade-agent/cluster/production/name',
      Value: 'prod-eks-cluster',
      Type: 'String',
      Tier: 'Standard',
      Overwrite: false,
      Description: 'Production EKS cluster name',
      Tags: [{ Key: 'Environment', Value: 'production' }],
    });
    expect(sdk).toHaveReceivedCommandTimes(AddTagsToResourceCommand, 0);
  });

  test('with overwrite (the default), tags go through AddTagsToResource', async () => {
    sdk.on(PutParameterCommand).resolves({ Version: 4 });
    sdk.on(AddTagsToResourceCommand).resolves({});
    await client().putParameter({ name: 'x', value: 'v', tags: { Team: 'platform' } });
    const put = sdk.commandCalls(PutParameterCommand)[0]?.args[0].input;
    expect(put?.Overwrite).toBe(true);
    expect(put?.Tags).toBeUndefined();
    expect(sdk).toHaveReceivedCommandWith(AddTagsToResourceCommand, {
      ResourceType: 'Parameter',
      ResourceId: '/eks-upgrade-agent/x',
      Tags: [{ Key: 'Team', Value: 'platform' }],
    });
  });

  test('SecureString passes its KMS key', async () => {
    sdk.on(PutParameterCommand).resolves({ Version: 1 });
    await client().putParameter({
      name: 'api/github/token',
      value: 'ghp_xxxxxxxxxxxx',
      type: 'SecureString',
      keyId: 'alias/eks-upgrade-agent',
    });
    expect(sdk).toHaveReceivedCommandWith(PutParameterCommand, {
      Type: 'SecureString',
      KeyId: 'alias/eks-upgrade-agent',
    });
  });

  test('an invalid parameter fails before any call, without the secret in the message', async () => {
    const secret = 'ghp_verysecret';
    const error = await client()
      .putParameter({ name: 'api token', value: secret.repeat(500), type: 'SecureString' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParameterValidationError);
    expect((error as Error).message).not.toContain(secret);
    expect(sdk.calls()).toHaveLength(0);
  });
});

describe('getParameter', () => {
  test('reads with decryption', async () => {
    sdk
      .on(GetParameterCommand)
      .resolves({ Parameter: { Name: '/eks-upgrade-agent/a', Value: 'v', Type: 'String' } });
    await expect(client().getParameter('a')).resolves.toBe('v');
    expect(sdk).toHaveReceivedCommandWith(GetParameterCommand, {
      Name: '/eks-upgrade-agent/a',
      WithDecryption: true,
    });
  });

  test('a missing parameter is ParameterNotFoundError', async () => {
    sdk.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    await expect(client().getParameter('missing')).rejects.toThrow(ParameterNotFoundError);
  });
});

describe('configurations', () => {
  test('putConfiguration stores one parameter per leaf under the environment', async () => {
    sdk.on(PutParameterCommand).resolves({ Version: 1 });
    const result = await client().putConfiguration(
      { cluster: { name: 'prod', version: '1.29' }, api: { token: 'secret' } },
      'production',
      { secureKeys: ['api/token'], keyId: 'alias/agent' },
    );
    expect(result).toEqual({
      '/eks-upgrade-agent/production/cluster/name': 1,
      '/eks-upgrade-agent/production/cluster/version': 1,
      '/eks-upgrade-agent/production/api/token': 1,
    });
    expect(sdk).toHaveReceivedCommandWith(PutParameterCommand, {
      Name: '/eks-upgrade-agent/production/cluster/version',
      // "1.29" would read back as a number: stored as JSON text.
      Value: '"1.29"',
      Type: 'String',
      Overwrite: true,
    });
    expect(sdk).toHaveReceivedCommandWith(PutParameterCommand, {
      Name: '/eks-upgrade-agent/production/api/token',
      Type: 'SecureString',
      KeyId: 'alias/agent',
    });
  });

  test('putConfiguration checks every leaf before writing any', async () => {
    sdk.on(PutParameterCommand).resolves({ Version: 1 });
    await expect(client().putConfiguration({ ok: 'x', big: 'y'.repeat(5000) }, 'production')).rejects.toThrow(
      ParameterValidationError,
    );
    expect(sdk.calls()).toHaveLength(0);
  });

  test('getConfiguration pages through GetParametersByPath, recursive and decrypted', async () => {
    sdk
      .on(GetParametersByPathCommand)
      .resolvesOnce({
        Parameters: [{ Name: '/eks-upgrade-agent/production/cluster/name', Value: 'prod', Type: 'String' }],
        NextToken: 't2',
      })
      .resolvesOnce({
        Parameters: [
          { Name: '/eks-upgrade-agent/production/cluster/version', Value: '"1.29"', Type: 'String' },
          { Name: '/eks-upgrade-agent/production/limits/maxErrorRate', Value: '0.01', Type: 'String' },
          { Name: '/eks-upgrade-agent/production/zones', Value: 'a,b', Type: 'StringList' },
        ],
      });
    const config = await client().getConfiguration('production');
    expect(config).toEqual({
      cluster: { name: 'prod', version: '1.29' },
      limits: { maxErrorRate: 0.01 },
      zones: ['a', 'b'],
    });
    expect(sdk).toHaveReceivedNthSpecificCommandWith(1, GetParametersByPathCommand, {
      Path: '/eks-upgrade-agent/production',
      Recursive: true,
      WithDecryption: true,
    });
    expect(sdk).toHaveReceivedNthSpecificCommandWith(2, GetParametersByPathCommand, { NextToken: 't2' });
  });

  test('getConfiguration of an unknown environment is ConfigurationNotFoundError', async () => {
    sdk.on(GetParametersByPathCommand).resolves({ Parameters: [] });
    await expect(client().getConfiguration('nowhere')).rejects.toThrow(ConfigurationNotFoundError);
  });

  test('deleteConfiguration lists the tree and deletes it 10 names per call', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `/eks-upgrade-agent/upgrade-prod/k${i}`);
    sdk.on(GetParametersByPathCommand).resolves({ Parameters: names.map((Name) => ({ Name, Value: 'v' })) });
    sdk
      .on(DeleteParametersCommand)
      .callsFake((input: { Names: string[] }) => ({ DeletedParameters: input.Names }));
    const deleted = await client().deleteConfiguration('upgrade-prod');
    expect(deleted).toEqual(names);
    expect(sdk.commandCalls(DeleteParametersCommand).map((c) => c.args[0].input.Names?.length)).toEqual([
      10, 2,
    ]);
  });

  test('the default agent configuration is the domain default and round-trips through Parameter Store', async () => {
    const config = createDefaultAgentConfig();
    expect(parseAgentConfig(config)).toEqual(defaultConfig());
    const stored = new Map<string, string>();
    sdk.on(PutParameterCommand).callsFake((input: { Name: string; Value: string }) => {
      stored.set(input.Name, input.Value);
      return { Version: 1 };
    });
    sdk.on(GetParametersByPathCommand).callsFake(() => ({
      Parameters: [...stored].map(([Name, Value]) => ({ Name, Value, Type: 'String' })),
    }));
    await client().putConfiguration(config, 'production');
    expect(parseAgentConfig(await client().getConfiguration('production'))).toEqual(defaultConfig());
  });
});

describe('getParameterHistory', () => {
  test('pages through history; SecureString values stay hidden unless decrypted', async () => {
    const when = new Date('2024-07-01T00:00:00.000Z');
    sdk
      .on(GetParameterHistoryCommand)
      .resolvesOnce({
        Parameters: [
          { Version: 1, Type: 'SecureString', Value: 'AQICAH-ciphertext', LastModifiedDate: when },
        ],
        NextToken: 'n',
      })
      .resolvesOnce({
        Parameters: [{ Version: 2, Type: 'SecureString', Value: 'AQICAH-other', Labels: ['prod'] }],
      });
    const history = await client().getParameterHistory('api/github/token');
    expect(history).toEqual([
      { version: 1, type: 'SecureString', lastModifiedDate: when.toISOString(), labels: [] },
      { version: 2, type: 'SecureString', labels: ['prod'] },
    ]);
    expect(sdk).toHaveReceivedCommandWith(GetParameterHistoryCommand, {
      Name: '/eks-upgrade-agent/api/github/token',
      WithDecryption: false,
    });
  });

  test('a missing parameter is ParameterNotFoundError', async () => {
    sdk
      .on(GetParameterHistoryCommand)
      .rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    await expect(client().getParameterHistory('missing')).rejects.toThrow(ParameterNotFoundError);
  });
});
