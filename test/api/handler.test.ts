import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { executionName } from '../../lib/domain/execution-name';
import { httpEvent } from './fakes';

/**
 * handlers/api.ts as Lambda runs it with the AWS backend: the deployed environment,
 * the wiring's factories, the SDK clients (mocked at the SDK), HTTP API v2 events.
 */
const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:eks-upgrade-agent-dev-upgrade';
const REQUEST = { clusterName: 'payments', targetVersion: '1.31', requestId: 'chg-5' };
const ID = executionName(REQUEST);

const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
const events = mockClient(EventBridgeClient);

const context = {
  functionName: 'api',
  awsRequestId: 'r1',
  getRemainingTimeInMillis: () => 29_000,
} as Context;
type Handler = (event: unknown, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
let handler: Handler;

beforeAll(async () => {
  Object.assign(process.env, {
    EKS_UPGRADE_AGENT_BACKEND: 'aws',
    EKS_UPGRADE_AGENT_STAGE: 'dev',
    EVENT_BUS_NAME: 'eks-upgrade-agent-dev',
    ARTIFACT_BUCKET: 'artifacts',
    AGENT_TABLE: 'table',
    STATE_MACHINE_ARN: MACHINE,
    AUDIT_LOG_GROUP: '/aws/events/eks-upgrade-agent-dev/audit',
    AWS_REGION: 'eu-west-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  handler = (await import('../../handlers/api')).handler as Handler;
});

beforeEach(() => {
  sfn.reset();
  s3.reset();
  events.reset();
  s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'none', $metadata: {} }));
});

const body = (res: APIGatewayProxyStructuredResultV2) => JSON.parse(String(res.body));

test('POST /upgrades puts upgrade.requested on the stage bus, as the caller', async () => {
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
  const res = await handler(httpEvent('POST', '/upgrades', { body: JSON.stringify(REQUEST) }), context);
  expect(res.statusCode).toBe(202);
  expect(body(res).upgradeId).toBe(ID);
  const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
  expect(entry).toMatchObject({
    EventBusName: 'eks-upgrade-agent-dev',
    Source: 'eks-upgrade-agent',
    DetailType: 'upgrade.requested',
  });
  expect(JSON.parse(String(entry?.Detail))).toMatchObject({
    ...REQUEST,
    requestedBy: 'arn:aws:iam::123456789012:user/ana',
  });
});

test('GET /upgrades/{id}: the execution from this stage machine, documents absent', async () => {
  sfn.on(DescribeExecutionCommand).resolves({
    executionArn: 'arn:e',
    name: ID,
    status: 'RUNNING',
    startDate: new Date('2026-03-01T09:00:00Z'),
    input: JSON.stringify({ upgradeId: ID, request: REQUEST }),
  });
  const res = await handler(httpEvent('GET', `/upgrades/${ID}`), context);
  expect(res.statusCode).toBe(200);
  expect(body(res)).toMatchObject({ upgradeId: ID, state: 'running', clusterName: 'payments' });
  expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, {
    executionArn: `arn:aws:states:eu-west-1:123456789012:execution:eks-upgrade-agent-dev-upgrade:${ID}`,
  });
  expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
    Bucket: 'artifacts',
    Key: `upgrades/${ID}/approval.json`,
  });
});

test('POST /upgrades/{id}/approval on an upgrade that asked for none: 409 problem', async () => {
  sfn
    .on(DescribeExecutionCommand)
    .resolves({ executionArn: 'arn:e', name: ID, status: 'RUNNING', startDate: new Date() });
  sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
  const res = await handler(
    httpEvent('POST', `/upgrades/${ID}/approval`, { body: JSON.stringify({ approve: true }) }),
    context,
  );
  expect(res.statusCode).toBe(409);
  expect(res.headers?.['content-type']).toBe('application/problem+json');
});

test('an AWS error the API does not expect: 500 without its message', async () => {
  sfn
    .on(DescribeExecutionCommand)
    .rejects(Object.assign(new Error('AccessDenied for arn:secret'), { name: 'AccessDeniedException' }));
  const res = await handler(httpEvent('GET', `/upgrades/${ID}`), context);
  expect(res.statusCode).toBe(500);
  expect(res.body).not.toContain('secret');
});
