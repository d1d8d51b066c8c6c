import {
  GetParameterCommand,
  GetParametersByPathCommand,
  ParameterNotFound,
  SSMClient as SdkSSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ParameterNotFoundError } from '../../lib/aws/errors';
import type { EdgeLogger } from '../../lib/aws/logger';
import { CachedParameterReader } from '../../lib/aws/ssm/cached-reader';
import { SsmConfigSource } from '../../lib/aws/ssm/config-source';
import { defaultConfig, InvalidConfigError } from '../../lib/domain/config';

const sdk = mockClient(SdkSSMClient);
const reader = (maxAgeSeconds = 60) =>
  new CachedParameterReader({ client: new SdkSSMClient({}), maxAgeSeconds });

beforeEach(() => {
  sdk.reset();
  jest.useFakeTimers({ now: new Date('2024-07-01T12:00:00.000Z') });
});
afterEach(() => jest.useRealTimers());

describe('CachedParameterReader', () => {
  test('reuses a value until it is older than maxAge, decrypting it', async () => {
    sdk.on(GetParameterCommand).resolves({ Parameter: { Name: '/eks-upgrade-agent/a', Value: 'v1' } });
    const r = reader(60);
    await expect(r.getParameter('a')).resolves.toBe('v1');
    await expect(r.getParameter('a')).resolves.toBe('v1');
    expect(sdk).toHaveReceivedCommandTimes(GetParameterCommand, 1);
    expect(sdk).toHaveReceivedCommandWith(GetParameterCommand, {
      Name: '/eks-upgrade-agent/a',
      WithDecryption: true,
    });

    jest.setSystemTime(new Date('2024-07-01T12:01:01.000Z'));
    sdk.on(GetParameterCommand).resolves({ Parameter: { Name: '/eks-upgrade-agent/a', Value: 'v2' } });
    await expect(r.getParameter('a')).resolves.toBe('v2');
    expect(sdk).toHaveReceivedCommandTimes(GetParameterCommand, 2);
  });

  test('a missing parameter is ParameterNotFoundError', async () => {
    sdk.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    await expect(reader().getParameter('missing')).rejects.toThrow(ParameterNotFoundError);
  });

  test('reads a configuration tree recursively, once per max age', async () => {
    sdk
      .on(GetParametersByPathCommand)
      .resolvesOnce({
        Parameters: [{ Name: '/eks-upgrade-agent/dev/config/validation/maxErrorRate', Value: '0.05' }],
        NextToken: 'n',
      })
      .resolvesOnce({
        Parameters: [
          { Name: '/eks-upgrade-agent/dev/config/execution/addonResolveConflicts', Value: 'OVERWRITE' },
        ],
      });
    const r = reader();
    const expected = {
      validation: { maxErrorRate: 0.05 },
      execution: { addonResolveConflicts: 'OVERWRITE' },
    };
    await expect(r.getConfiguration('dev/config')).resolves.toEqual(expected);
    await expect(r.getConfiguration('dev/config')).resolves.toEqual(expected);
    expect(sdk).toHaveReceivedCommandTimes(GetParametersByPathCommand, 2);
    expect(sdk).toHaveReceivedCommandWith(GetParametersByPathCommand, {
      Path: '/eks-upgrade-agent/dev/config',
      Recursive: true,
      WithDecryption: true,
    });
  });
});

describe('SsmConfigSource', () => {
  const logger = () => ({ error: jest.fn(), warn: jest.fn(), info: jest.fn() });

  test('loads and validates the stage configuration, defaults filled', async () => {
    sdk.on(GetParametersByPathCommand).resolves({
      Parameters: [
        { Name: '/eks-upgrade-agent/prod/config/validation/maxErrorRate', Value: '0.02' },
        { Name: '/eks-upgrade-agent/prod/config/validation/metrics/type', Value: 'alb' },
        { Name: '/eks-upgrade-agent/prod/config/validation/metrics/loadBalancer', Value: 'app/web/1' },
        { Name: '/eks-upgrade-agent/prod/config/validation/metrics/targetGroup', Value: 'targetgroup/web/2' },
      ],
    });
    const source = new SsmConfigSource({ stage: 'prod', reader: reader() });
    const config = await source.load();
    expect(config.validation.maxErrorRate).toBe(0.02);
    expect(config.validation.metrics).toEqual({
      type: 'alb',
      loadBalancer: 'app/web/1',
      targetGroup: 'targetgroup/web/2',
    });
    expect(config.execution).toEqual(defaultConfig().execution);
  });

  test('falls back to the defaults, with a warning, when nothing is stored', async () => {
    sdk.on(GetParametersByPathCommand).resolves({ Parameters: [] });
    const log = logger();
    const source = new SsmConfigSource({
      stage: 'dev',
      reader: reader(),
      logger: log as unknown as EdgeLogger,
    });
    await expect(source.load()).resolves.toEqual(defaultConfig());
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('defaults'), {
      path: '/eks-upgrade-agent/dev/config',
    });
  });

  test('a bad value is InvalidConfigError naming the key', async () => {
    sdk.on(GetParametersByPathCommand).resolves({
      Parameters: [{ Name: '/eks-upgrade-agent/dev/config/validation/maxErrorRate', Value: '7' }],
    });
    const error = await new SsmConfigSource({ stage: 'dev', reader: reader() })
      .load()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as Error).message).toContain('validation.maxErrorRate');
  });
});
