import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import 'aws-sdk-client-mock-jest';
import { EventBridgeClient } from '../../lib/aws/eventbridge/event-bridge-client';
import { createRollbackTriggerRule, createUpgradeMonitoringRule } from '../../lib/aws/eventbridge/rules';
import type { ConfigTree } from '../../lib/aws/ssm/config-tree';
import { createDefaultAgentConfig } from '../../lib/aws/ssm/default-config';
import { SSMClient } from '../../lib/aws/ssm/ssm-client';
import { StepFunctionsClient } from '../../lib/aws/stepfunctions/step-functions-client';
import {
  acceptEvents,
  events,
  fakeParameterStore,
  MACHINE,
  sfn,
  ssm,
  succeedingExecutions,
  upgradeDefinition,
} from './fixtures/seed-mocks';

/**
 * Runs the TypeScript equivalents of the seed's usage examples
 * (docs/seed-equivalents.md) against mocked SDK clients. The code between
 * "snippet" markers is the code of the document: the last test checks that the
 * two never drift apart.
 */

const detailTypes = () =>
  events
    .commandCalls(PutEventsCommand)
    .flatMap((c) => (c.args[0].input.Entries ?? []).map((e) => e.DetailType));

beforeEach(() => {
  sfn.reset();
  events.reset();
  ssm.reset();
});

test('Step Functions usage example', async () => {
  succeedingExecutions();
  // snippet: step-functions
  const sfClient = new StepFunctionsClient();

  const definition = {
    name: 'eks-upgrade-workflow',
    definition: upgradeDefinition,
    roleArn: 'arn:aws:iam::123456789012:role/step-functions-role',
  };

  // Deploy state machine
  const stateMachineArn = await sfClient.createStateMachine(definition);

  // Start execution (a deterministic name: the same request never starts twice)
  const { executionArn } = await sfClient.startExecution(stateMachineArn, {
    clusterName: 'my-cluster',
    targetVersion: '1.29',
    strategy: 'blue_green',
    requestId: 'req-0001',
  });

  // Wait for completion
  const result = await sfClient.waitForExecution(executionArn);
  // end snippet: step-functions

  expect(stateMachineArn).toBe(MACHINE);
  expect(executionArn).toMatch(/:execution:eks-upgrade-workflow:my-cluster-1-29-req-0001-[0-9a-f]{12}$/);
  expect(result).toEqual({ status: 'SUCCEEDED', output: { targetVersion: '1.29' } });
});

test('EventBridge usage example', async () => {
  acceptEvents();
  const executionArn = `${MACHINE.replace(':stateMachine:', ':execution:')}:run-1`;
  // snippet: eventbridge
  const ebClient = new EventBridgeClient({ busName: 'default' });

  // Every event carries the upgrade it belongs to
  const context = { upgradeId: 'upg-0001', clusterName: 'my-cluster', correlationId: executionArn };

  // Publish upgrade started event
  const eventId = await ebClient.publishUpgradeStarted(context, {
    currentVersion: '1.28',
    targetVersion: '1.29',
    strategy: 'blue_green',
    stepCount: 6,
    estimatedMinutes: 120,
  });

  // Publish validation result
  const validationEventId = await ebClient.publishValidationResult(context, {
    success: true,
    metrics: { error_rate: 0.01, latency_p99: 150 },
    checks: [{ name: 'error-rate', passed: true, detail: '1% <= 1%' }],
    targetVersion: '1.29',
  });

  // Create monitoring rule
  const monitoringRule = createUpgradeMonitoringRule('my-cluster');
  const ruleArn = await ebClient.createRule(monitoringRule);
  // end snippet: eventbridge

  expect([eventId, validationEventId]).toEqual(['event-1', 'event-2']);
  expect(detailTypes()).toEqual(['upgrade.started', 'validation.success']);
  expect(ruleArn).toBe('arn:aws:events:us-east-1:123456789012:rule/eks-upgrade-monitor-my-cluster');
});

test('SSM Parameter Store usage example', async () => {
  const store = fakeParameterStore();
  // snippet: ssm
  const ssmClient = new SSMClient({ parameterPrefix: '/eks-upgrade-agent/' });

  // Store configuration
  const config = createDefaultAgentConfig();
  const results = await ssmClient.putConfiguration(config, 'production');

  // Store individual parameter
  const version = await ssmClient.putParameter({
    name: 'cluster/production/name',
    value: 'prod-eks-cluster',
    type: 'String',
    description: 'Production EKS cluster name',
    tags: { Environment: 'production' },
  });

  // Store secure parameter
  const secretVersion = await ssmClient.putParameter({
    name: 'api/github/token',
    value: 'ghp_xxxxxxxxxxxx',
    type: 'SecureString',
    description: 'GitHub API token',
    keyId: 'alias/eks-upgrade-agent',
  });

  // Retrieve configuration
  const retrieved = await ssmClient.getConfiguration('production');
  // end snippet: ssm

  expect(Object.keys(results).every((name) => name.startsWith('/eks-upgrade-agent/production/'))).toBe(true);
  expect(secretVersion).toBeGreaterThan(version);
  expect(store.get('/eks-upgrade-agent/api/github/token')?.type).toBe('SecureString');
  expect(retrieved).toEqual(config);
});

test('workflow orchestration example', async () => {
  fakeParameterStore();
  acceptEvents();
  succeedingExecutions('FAILED');
  const sfClient = new StepFunctionsClient();
  const ebClient = new EventBridgeClient();
  const ssmClient = new SSMClient();
  const stateMachineArn = MACHINE;
  // snippet: workflow
  async function runUpgradeWorkflow(clusterName: string, targetVersion: string, requestId: string) {
    // 1. Store configuration
    const config = { cluster_name: clusterName, target_version: targetVersion, strategy: 'blue_green' };
    await ssmClient.putConfiguration(config, `upgrade-${clusterName}`);

    // One upgrade per cluster: refuse a second concurrent one
    await sfClient.assertNoRunningExecution(stateMachineArn, clusterName);

    // 2. Start the Step Functions execution (idempotent per request id)
    const input = { clusterName, targetVersion, strategy: 'blue_green', requestId };
    const { executionArn, name } = await sfClient.startExecution(stateMachineArn, input);

    // 3. Publish upgrade started event
    const context = { upgradeId: name, clusterName, correlationId: executionArn };
    await ebClient.publishUpgradeStarted(context, {
      currentVersion: '1.28',
      targetVersion,
      strategy: 'blue_green',
      stepCount: 6,
      estimatedMinutes: 120,
    });

    // 4. Monitor execution
    const result = await sfClient.waitForExecution(executionArn);

    // 5. Publish completion event
    if (result.status === 'SUCCEEDED') {
      await ebClient.publishUpgradeCompleted(context, { targetVersion, durationSeconds: 1800 });
    } else {
      await ebClient.publishUpgradeFailed(context, {
        targetVersion,
        phase: 'execution',
        error: { name: result.error?.error ?? result.status, message: result.error?.cause ?? '' },
        reason: `the execution ended ${result.status}`,
      });
    }
    return result;
  }
  // end snippet: workflow

  const result = await runUpgradeWorkflow('my-cluster', '1.29', 'req-0001');
  expect(result.status).toBe('FAILED');
  expect(detailTypes()).toEqual(['upgrade.started', 'upgrade.failed']);
  expect(sfn).toHaveReceivedCommandWith(ListExecutionsCommand, {
    stateMachineArn: MACHINE,
    statusFilter: 'RUNNING',
  });
});

test('event-driven rollback example', async () => {
  acceptEvents();
  const ebClient = new EventBridgeClient();
  // snippet: rollback
  async function setupRollbackAutomation(rollbackFunctionArn: string, deadLetterQueueArn: string) {
    // Create rollback trigger rule: it matches validation.failure events
    const rollbackRule = createRollbackTriggerRule();
    await ebClient.createRule(rollbackRule);

    // The rule invokes the rollback Lambda; undeliverable events go to a queue
    await ebClient.putTargets(rollbackRule.name, [
      { id: 'rollback', arn: rollbackFunctionArn, deadLetterArn: deadLetterQueueArn },
    ]);
  }
  // end snippet: rollback

  await setupRollbackAutomation(
    'arn:aws:lambda:us-east-1:123456789012:function:eks-upgrade-agent-rollback',
    'arn:aws:sqs:us-east-1:123456789012:eks-upgrade-agent-dlq',
  );
  expect(events).toHaveReceivedCommandWith(PutRuleCommand, { Name: 'eks-upgrade-rollback-trigger' });
  expect(events).toHaveReceivedCommandWith(PutTargetsCommand, { Rule: 'eks-upgrade-rollback-trigger' });
});

test('configuration lifecycle example', async () => {
  const store = fakeParameterStore();
  const ssmClient = new SSMClient();
  // snippet: lifecycle
  async function manageUpgradeConfiguration(
    clusterName: string,
    preConfig: ConfigTree,
    upgradeConfig: ConfigTree,
  ) {
    // Store pre-upgrade configuration
    await ssmClient.putConfiguration(preConfig, `pre-upgrade-${clusterName}`);

    // Store upgrade parameters
    await ssmClient.putConfiguration(upgradeConfig, `upgrade-${clusterName}`);

    // Retrieve during upgrade
    const config = await ssmClient.getConfiguration(`upgrade-${clusterName}`);

    // Clean up after upgrade
    await ssmClient.deleteConfiguration(`upgrade-${clusterName}`);
    return config;
  }
  // end snippet: lifecycle

  const upgrade = { target_version: '1.29', strategy: 'in_place', waves: ['dev', 'prod'] };
  const config = await manageUpgradeConfiguration('my-cluster', { version: '1.28', nodegroups: 3 }, upgrade);
  expect(config).toEqual(upgrade);
  expect([...store.keys()].every((name) => name.includes('/pre-upgrade-my-cluster/'))).toBe(true);
});

describe('docs/seed-equivalents.md', () => {
  const doc = readFileSync(join(__dirname, '../../docs/seed-equivalents.md'), 'utf8');
  const self = readFileSync(__filename, 'utf8');
  // Formatting may differ (line breaks, trailing commas); the code may not.
  const normalize = (code: string) => code.replace(/\s+/g, '').replace(/,([)\]}])/g, '$1');
  const ids = ['step-functions', 'eventbridge', 'ssm', 'workflow', 'rollback', 'lifecycle'];

  test.each(ids)('shows exactly the %s code this file runs', (id) => {
    const docMatch = new RegExp(`<!-- snippet: ${id} -->\\s*\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(doc);
    const testMatch = new RegExp(`// snippet: ${id}\\n([\\s\\S]*?)// end snippet: ${id}`).exec(self);
    expect(docMatch?.[1]).toBeDefined();
    expect(testMatch?.[1]).toBeDefined();
    expect(normalize(docMatch?.[1] ?? '')).toBe(normalize(testMatch?.[1] ?? ''));
  });
});
