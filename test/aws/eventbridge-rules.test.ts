import {
  DeleteRuleCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
  EventBridgeClient as SdkEventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { EventRuleError } from '../../lib/aws/errors';
import { EventBridgeClient } from '../../lib/aws/eventbridge/event-bridge-client';
import {
  createRollbackTriggerRule,
  createUpgradeMonitoringRule,
  ruleName,
} from '../../lib/aws/eventbridge/rules';
import { AGENT_EVENT_TYPES, EVENT_SOURCE } from '../../lib/domain/events';

const sdk = mockClient(SdkEventBridgeClient);
const client = (busName?: string) =>
  new EventBridgeClient({ client: new SdkEventBridgeClient({}), ...(busName ? { busName } : {}) });

beforeEach(() => sdk.reset());

describe('rule definitions', () => {
  test('the monitoring rule matches every agent event about one cluster', () => {
    const rule = createUpgradeMonitoringRule('my-cluster');
    expect(rule.name).toBe('eks-upgrade-monitor-my-cluster');
    expect(rule.eventPattern).toEqual({
      source: [EVENT_SOURCE],
      'detail-type': AGENT_EVENT_TYPES,
      detail: { clusterName: ['my-cluster'] },
    });
  });

  test('the rollback trigger matches validation.failure', () => {
    expect(createRollbackTriggerRule().eventPattern).toEqual({
      source: [EVENT_SOURCE],
      'detail-type': ['validation.failure'],
    });
  });

  test('rule names stay within 64 valid characters and distinct', () => {
    const long = createUpgradeMonitoringRule('c'.repeat(100)).name;
    const other = createUpgradeMonitoringRule(`${'c'.repeat(99)}d`).name;
    expect(long).toMatch(/^[.\-_A-Za-z0-9]{1,64}$/);
    expect(long).not.toBe(other);
    expect(ruleName('ok.name_1')).toBe('ok.name_1');
    expect(ruleName('bad name')).toMatch(/^bad-name-[0-9a-f]{8}$/);
  });
});

describe('createRule / putTargets / deleteRule', () => {
  test('createRule puts the pattern as JSON on the client bus and returns the ARN', async () => {
    sdk
      .on(PutRuleCommand)
      .resolves({ RuleArn: 'arn:aws:events:us-east-1:1:rule/eks-upgrade-rollback-trigger' });
    const arn = await client('agent-bus').createRule(createRollbackTriggerRule());
    expect(arn).toBe('arn:aws:events:us-east-1:1:rule/eks-upgrade-rollback-trigger');
    expect(sdk).toHaveReceivedCommandWith(PutRuleCommand, {
      Name: 'eks-upgrade-rollback-trigger',
      EventPattern: JSON.stringify(createRollbackTriggerRule().eventPattern),
      State: 'ENABLED',
      EventBusName: 'agent-bus',
    });
  });

  test('putTargets sends targets with dead-letter queue and retry policy', async () => {
    sdk.on(PutTargetsCommand).resolves({ FailedEntryCount: 0, FailedEntries: [] });
    await client().putTargets('r', [
      {
        id: 'rollback',
        arn: 'arn:aws:lambda:us-east-1:1:function:rollback',
        deadLetterArn: 'arn:aws:sqs:us-east-1:1:dlq',
        maximumRetryAttempts: 5,
      },
    ]);
    expect(sdk).toHaveReceivedCommandWith(PutTargetsCommand, {
      Rule: 'r',
      EventBusName: 'default',
      Targets: [
        {
          Id: 'rollback',
          Arn: 'arn:aws:lambda:us-east-1:1:function:rollback',
          DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:1:dlq' },
          RetryPolicy: { MaximumRetryAttempts: 5 },
        },
      ],
    });
  });

  test('putTargets raises EventRuleError when a target is refused', async () => {
    sdk.on(PutTargetsCommand).resolves({
      FailedEntryCount: 1,
      FailedEntries: [
        { TargetId: 't1', ErrorCode: 'ConcurrentModificationException', ErrorMessage: 'retry' },
      ],
    });
    await expect(client().putTargets('r', [{ id: 't1', arn: 'arn:x' }])).rejects.toThrow(EventRuleError);
  });

  test('deleteRule removes every target (all pages) before deleting the rule', async () => {
    sdk
      .on(ListTargetsByRuleCommand)
      .resolvesOnce({ Targets: [{ Id: 'a', Arn: 'arn:a' }], NextToken: 'n' })
      .resolvesOnce({ Targets: [{ Id: 'b', Arn: 'arn:b' }] });
    sdk.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0 });
    sdk.on(DeleteRuleCommand).resolves({});
    await client().deleteRule('r');
    expect(sdk).toHaveReceivedCommandWith(RemoveTargetsCommand, {
      Rule: 'r',
      Ids: ['a', 'b'],
      EventBusName: 'default',
    });
    const order = sdk.calls().map((c) => c.args[0].constructor.name);
    expect(order).toEqual([
      'ListTargetsByRuleCommand',
      'ListTargetsByRuleCommand',
      'RemoveTargetsCommand',
      'DeleteRuleCommand',
    ]);
  });

  test('deleteRule of a rule that does not exist succeeds', async () => {
    sdk
      .on(ListTargetsByRuleCommand)
      .rejects(new ResourceNotFoundException({ message: 'Rule r does not exist', $metadata: {} }));
    await expect(client().deleteRule('r')).resolves.toBeUndefined();
    expect(sdk).toHaveReceivedCommandTimes(DeleteRuleCommand, 0);
  });

  test('deleteRule stops when a target cannot be removed', async () => {
    sdk.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: 'a', Arn: 'arn:a' }] });
    sdk.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 1, FailedEntries: [{ TargetId: 'a' }] });
    await expect(client().deleteRule('r')).rejects.toThrow(EventRuleError);
    expect(sdk).toHaveReceivedCommandTimes(DeleteRuleCommand, 0);
  });
});
