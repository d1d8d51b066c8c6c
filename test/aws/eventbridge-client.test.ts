import {
  AccessDeniedException,
  PutEventsCommand,
  type PutEventsCommandInput,
  EventBridgeClient as SdkEventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { EventDeliveryError } from '../../lib/aws/errors';
import { EventBridgeClient } from '../../lib/aws/eventbridge/event-bridge-client';
import type { EdgeLogger } from '../../lib/aws/logger';
import { type DomainEvent, EVENT_SOURCE, makeEvent } from '../../lib/domain/events';

const sdk = mockClient(SdkEventBridgeClient);
const context = {
  upgradeId: 'upg-1',
  clusterName: 'prod',
  correlationId: 'arn:aws:states:us-east-1:1:execution:m:e',
};
const NOW = new Date('2024-07-01T12:00:00.000Z');

function setup(options: { busName?: string; maxSendAttempts?: number } = {}) {
  const logger = { error: jest.fn(), warn: jest.fn(), info: jest.fn() };
  const sleep = jest.fn(async (_ms: number) => {});
  const client = new EventBridgeClient({
    client: new SdkEventBridgeClient({}),
    logger: logger as unknown as EdgeLogger,
    now: () => NOW,
    sleep,
    random: () => 0.5,
    ...options,
  });
  return { client, logger, sleep };
}

/** Answers every PutEvents with one id per entry. */
function acceptAll(): void {
  let n = 0;
  sdk.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ({
    FailedEntryCount: 0,
    Entries: (input.Entries ?? []).map(() => ({ EventId: `id-${++n}` })),
  }));
}

function phaseEvents(count: number): DomainEvent[] {
  return Array.from({ length: count }, (_, i) =>
    makeEvent('phase.completed', context, NOW.toISOString(), { phase: 'execution', summary: `step ${i}` }),
  );
}

const sentEntries = (call: number) => sdk.commandCalls(PutEventsCommand)[call]?.args[0].input.Entries ?? [];

beforeEach(() => sdk.reset());

describe('typed publishers', () => {
  test('publishUpgradeStarted sends one entry on the default bus and returns the event id', async () => {
    acceptAll();
    const { client } = setup();
    const id = await client.publishUpgradeStarted(context, {
      currentVersion: '1.29',
      targetVersion: '1.30',
      strategy: 'in_place',
      stepCount: 4,
      estimatedMinutes: 40,
    });
    expect(id).toBe('id-1');
    expect(client.busName).toBe('default');
    const [entry] = sentEntries(0);
    expect(entry).toMatchObject({
      Source: EVENT_SOURCE,
      DetailType: 'upgrade.started',
      EventBusName: 'default',
    });
    expect(JSON.parse(entry?.Detail ?? '{}')).toEqual({
      schemaVersion: '1',
      ...context,
      occurredAt: NOW.toISOString(),
      currentVersion: '1.29',
      targetVersion: '1.30',
      strategy: 'in_place',
      stepCount: 4,
      estimatedMinutes: 40,
    });
  });

  test('the bus name is configurable', async () => {
    acceptAll();
    const { client } = setup({ busName: 'eks-upgrade-agent-dev' });
    await client.publishPhaseStarted(context, { phase: 'perception' });
    expect(sentEntries(0)[0]?.EventBusName).toBe('eks-upgrade-agent-dev');
  });

  test('publishValidationResult picks validation.success or validation.failure', async () => {
    acceptAll();
    const { client } = setup();
    const checks = [{ name: 'error-rate', passed: true, detail: '0.1% <= 1%' }];
    await client.publishValidationResult(context, {
      success: true,
      metrics: { errorRate: 0.001, latencyP99: 150 },
      checks,
      targetVersion: '1.30',
    });
    await client.publishValidationResult(context, {
      success: false,
      metrics: { errorRate: null, latencyP99: 150 },
      checks,
      targetVersion: '1.30',
    });
    expect(sentEntries(0)[0]?.DetailType).toBe('validation.success');
    expect(sentEntries(1)[0]?.DetailType).toBe('validation.failure');
    expect(JSON.parse(sentEntries(1)[0]?.Detail ?? '{}')).toMatchObject({
      success: false,
      targetVersion: '1.30',
    });
  });

  test.each([
    ['publishUpgradeCompleted', 'upgrade.completed', { targetVersion: '1.30', durationSeconds: 1800 }],
    [
      'publishUpgradeFailed',
      'upgrade.failed',
      { targetVersion: '1.30', phase: 'execution', error: { name: 'X', message: 'm' }, reason: 'r' },
    ],
    ['publishPhaseCompleted', 'phase.completed', { phase: 'validation' }],
    ['publishPhaseFailed', 'phase.failed', { phase: 'execution', error: { name: 'X', message: 'm' } }],
    [
      'publishRollbackTriggered',
      'rollback.triggered',
      { reason: 'validation failed', trigger: 'event-rule' },
    ],
    ['publishRollbackCompleted', 'rollback.completed', { outcome: 'stopped', actions: [] }],
    ['publishTrafficShifted', 'traffic.shifted', { fromCluster: 'blue', toCluster: 'green', percentage: 50 }],
    ['publishClusterProvisioned', 'cluster.provisioned', { newClusterName: 'green', version: '1.30' }],
    ['publishClusterDecommissioned', 'cluster.decommissioned', { decommissionedClusterName: 'blue' }],
  ] as const)('%s publishes %s', async (method, detailType, fields) => {
    acceptAll();
    const { client } = setup();
    const publish = client[method].bind(client) as (c: typeof context, f: unknown) => Promise<string>;
    await publish(context, fields);
    expect(sentEntries(0)[0]?.DetailType).toBe(detailType);
    expect(JSON.parse(sentEntries(0)[0]?.Detail ?? '{}')).toMatchObject(fields);
  });

  test('a malformed event fails before any call', async () => {
    acceptAll();
    const { client } = setup();
    await expect(
      client.publishTrafficShifted(context, { fromCluster: 'blue', toCluster: 'green', percentage: 150 }),
    ).rejects.toThrow();
    expect(sdk.calls()).toHaveLength(0);
  });
});

describe('batching', () => {
  test('23 events go out in calls of 10, 10 and 3, ids in order', async () => {
    acceptAll();
    const { client } = setup();
    const ids = await client.publishAll(phaseEvents(23));
    expect(sdk.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([
      10, 10, 3,
    ]);
    expect(ids).toEqual(Array.from({ length: 23 }, (_, i) => `id-${i + 1}`));
  });

  test('large events are split so that no call reaches 256 KB', async () => {
    acceptAll();
    const { client } = setup();
    const big = (i: number) =>
      makeEvent('upgrade.failed', context, NOW.toISOString(), {
        targetVersion: '1.30',
        phase: 'execution',
        error: { name: 'E', message: 'm' },
        reason: `${i}`.padEnd(100 * 1024, 'x'),
      });
    await client.publish([big(1), big(2), big(3)]);
    expect(sdk.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([2, 1]);
  });

  test('no events, no call', async () => {
    const { client } = setup();
    await client.publish([]);
    expect(sdk.calls()).toHaveLength(0);
  });
});

describe('re-sending failed entries', () => {
  test('only the entries reported failed are re-sent, after a backoff', async () => {
    sdk
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [
          { EventId: 'id-1' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
          { EventId: 'id-3' },
        ],
      })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: 'id-2' }] });
    const { client, sleep } = setup();
    const events = phaseEvents(3);
    const ids = await client.publishAll(events);
    expect(ids).toEqual(['id-1', 'id-2', 'id-3']);
    expect(sdk).toHaveReceivedCommandTimes(PutEventsCommand, 2);
    expect(sentEntries(1)).toHaveLength(1);
    expect(sentEntries(1)[0]?.Detail).toBe(JSON.stringify(events[1]?.detail));
    // Full jitter with random() = 0.5 on a 200 ms base.
    expect(sleep).toHaveBeenCalledWith(100);
  });

  test('still failing after the last attempt: EventDeliveryError, logged in full', async () => {
    sdk.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ({
      FailedEntryCount: 1,
      Entries: (input.Entries ?? []).map((e) =>
        e.Detail?.includes('step 1')
          ? { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal failure' }
          : { EventId: 'ok' },
      ),
    }));
    const { client, logger, sleep } = setup({ maxSendAttempts: 3 });
    const events = phaseEvents(2);
    const error = await client.publish(events).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EventDeliveryError);
    expect(error).toMatchObject({
      name: 'EventDeliveryError',
      retryable: true,
      undelivered: [
        { detailType: 'phase.completed', errorCode: 'InternalFailure', errorMessage: 'Internal failure' },
      ],
    });
    expect(sdk).toHaveReceivedCommandTimes(PutEventsCommand, 3);
    expect(sleep).toHaveBeenCalledTimes(2);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error.mock.calls[0]?.[1]).toEqual({
      busName: 'default',
      undelivered: [
        {
          errorCode: 'InternalFailure',
          errorMessage: 'Internal failure',
          retryable: true,
          detailType: 'phase.completed',
          detail: events[1]?.detail,
        },
      ],
    });
  });

  test.each([
    'AccessDeniedException',
    'InvalidAccountIdException',
    'InvalidArgument',
    'MalformedDetail',
    'RedactionFailure',
    'NotAuthorizedForSourceException',
    'NotAuthorizedForDetailTypeException',
  ])('an entry refused with %s is not re-sent; a throttled one in the same call is', async (code) => {
    sdk
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 2,
        Entries: [
          { EventId: 'id-1' },
          { ErrorCode: code, ErrorMessage: 'refused' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
        ],
      })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: 'id-3' }] });
    const { client, logger } = setup({ maxSendAttempts: 4 });
    const events = phaseEvents(3);
    const error = await client.publish(events).catch((e: unknown) => e);

    expect(sdk).toHaveReceivedCommandTimes(PutEventsCommand, 2);
    expect(sentEntries(1).map((e) => e.Detail)).toEqual([JSON.stringify(events[2]?.detail)]);
    expect(error).toBeInstanceOf(EventDeliveryError);
    expect(error).toMatchObject({
      retryable: false,
      undelivered: [{ detailType: 'phase.completed', errorCode: code, retryable: false }],
    });
    expect((error as Error).message).toContain(`phase.completed (${code}: refused; not re-sent`);
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  test('an undocumented entry error code is re-sent until the attempts run out', async () => {
    sdk.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'SomethingNew', ErrorMessage: 'new' }],
    });
    const { client } = setup({ maxSendAttempts: 3 });
    const error = await client.publish(phaseEvents(1)).catch((e: unknown) => e);
    expect(sdk).toHaveReceivedCommandTimes(PutEventsCommand, 3);
    expect(error).toMatchObject({ name: 'EventDeliveryError', retryable: true });
  });

  test('a refused PutEvents call raises EventDeliveryError naming every undelivered event', async () => {
    sdk.on(PutEventsCommand).rejects(new AccessDeniedException({ message: 'not authorized', $metadata: {} }));
    const { client, logger } = setup();
    const error = await client.publish(phaseEvents(12)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventDeliveryError);
    expect((error as EventDeliveryError).undelivered).toHaveLength(12);
    expect((error as EventDeliveryError).undelivered[0]).toMatchObject({
      errorCode: 'AccessDeniedException',
    });
    expect((error as Error).cause).toBeInstanceOf(AccessDeniedException);
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  test('an event too large to send is reported, the others still delivered', async () => {
    acceptAll();
    const { client, logger } = setup();
    const huge = makeEvent('upgrade.failed', context, NOW.toISOString(), {
      targetVersion: '1.30',
      phase: 'execution',
      error: { name: 'E', message: 'm' },
      reason: 'x'.repeat(300 * 1024),
    });
    const error = await client.publish([...phaseEvents(2), huge]).catch((e: unknown) => e);
    expect(sentEntries(0)).toHaveLength(2);
    expect(error).toBeInstanceOf(EventDeliveryError);
    expect((error as EventDeliveryError).undelivered).toEqual([
      expect.objectContaining({ detailType: 'upgrade.failed', errorCode: 'EntryTooLarge' }),
    ]);
    expect(logger.error).toHaveBeenCalled();
  });
});
