import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import type { ApiDeps } from '../../lib/api/app';
import { NotAwaitingApprovalError } from '../../lib/domain/errors';
import type { UpgradeRequestInput } from '../../lib/phases/contracts';
import type {
  ApprovalDecision,
  ArtifactStore,
  ExecutionReader,
  RecordedEvent,
  UpgradeExecution,
} from '../../lib/ports';

/** In-memory ports for the API: executions by id, artifacts by key, requests and decisions recorded. */
export function fakeApiDeps(options: { anonymousCaller?: string } = {}) {
  const executions = new Map<string, UpgradeExecution>();
  const artifacts = new Map<string, unknown>();
  const requested: UpgradeRequestInput[] = [];
  const decisions: { upgradeId: string; decision: ApprovalDecision }[] = [];
  const waiting = new Set<string>();
  const internalErrors: unknown[] = [];
  /** The events of each upgrade, as the audit log would give them. */
  const events = new Map<string, RecordedEvent[]>();
  const reader: ExecutionReader = {
    describe: async (id) => executions.get(id),
    list: async ({ clusterName, limit }) =>
      [...executions.values()]
        .filter(
          (e) =>
            clusterName === undefined ||
            (e.input?.request as { clusterName?: string })?.clusterName === clusterName,
        )
        .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
        .slice(0, limit),
  };
  const store: ArtifactStore = {
    putJson: async (key, value) => {
      artifacts.set(key, value);
    },
    getJson: async (key) => artifacts.get(key),
  };
  const deps: ApiDeps = {
    executions: reader,
    artifacts: store,
    requests: {
      request: async (detail) => {
        requested.push(detail);
      },
    },
    approvals: {
      decide: async (upgradeId, decision) => {
        if (!waiting.has(upgradeId))
          throw new NotAwaitingApprovalError(`upgrade ${upgradeId} waits for no approval`);
        waiting.delete(upgradeId);
        decisions.push({ upgradeId, decision });
      },
    },
    history: { eventsOf: async (id) => events.get(id) ?? [] },
    onInternalError: (error) => internalErrors.push(error),
    ...(options.anonymousCaller !== undefined ? { anonymousCaller: options.anonymousCaller } : {}),
  };
  return { deps, executions, artifacts, requested, decisions, waiting, internalErrors, events };
}

export const USER_ARN = 'arn:aws:iam::123456789012:user/ana';

/** An HTTP API (payload 2.0) event as API Gateway sends it with the IAM authorizer. */
export function httpEvent(
  method: string,
  rawPath: string,
  options: {
    body?: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    principal?: string | null;
    base64?: boolean;
  } = {},
): APIGatewayProxyEventV2WithIAMAuthorizer {
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  const principal = options.principal === undefined ? USER_ARN : options.principal;
  return {
    version: '2.0',
    routeKey: `ANY ${rawPath}`,
    rawPath,
    rawQueryString,
    headers: {
      'content-type': 'application/json',
      host: 'abc123.execute-api.eu-west-1.amazonaws.com',
      ...options.headers,
    },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: {
        iam: {
          accessKey: 'AKIA',
          accountId: '123456789012',
          callerId: 'AIDA',
          cognitoIdentity: null as never,
          principalOrgId: null as never,
          userArn: principal as string,
          userId: 'AIDA',
        },
      },
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'curl/8' },
      requestId: 'req-abc',
      routeKey: `ANY ${rawPath}`,
      stage: '$default',
      time: '01/Mar/2026:10:00:00 +0000',
      timeEpoch: 1772359200000,
    },
    ...(options.body !== undefined
      ? {
          body: options.base64 ? Buffer.from(options.body).toString('base64') : options.body,
          isBase64Encoded: options.base64 === true,
        }
      : { isBase64Encoded: false }),
  } as APIGatewayProxyEventV2WithIAMAuthorizer;
}
