import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import * as z from 'zod';
import { UpgradeNotFoundError } from '../domain/errors';
import { executionName } from '../domain/execution-name';
import { clusterNameProblem } from '../domain/request-fields';
import { describeIssues } from '../domain/snapshot';
import { type UpgradeRequestInput, upgradeRequestSchema } from '../phases/contracts';
import { readUpgrade, type StatusDeps, storedViewInput } from '../phases/status';
import type { ApprovalDecider, EventHistory, UpgradeExecution } from '../ports';
import { problem } from './problem';
import { type ApiRequest, type ApiResponse, type Route, route } from './router';

/** Puts upgrade.requested on the stage's bus (EventBridge in AWS, the local bus in the sandbox). */
export interface UpgradeRequester {
  request(detail: UpgradeRequestInput): Promise<void>;
}

export interface ApiDeps extends StatusDeps {
  readonly approvals: ApprovalDecider;
  readonly requests: UpgradeRequester;
  /** An upgrade's events (the audit log in AWS): the page's phases, gates and rollback. */
  readonly history: EventHistory;
  /**
   * Who a request without an IAM principal comes from. Only the sandbox sets it
   * (serverless-offline has no IAM authorizer); in AWS such a request is refused.
   */
  readonly anonymousCaller?: string;
  /** Told of every error answered with a 500 (the handler logs it). */
  readonly onInternalError?: (error: unknown, request: ApiRequest) => void;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
const MAX_COMMENT = 1024;

const approvalBody = () =>
  z.strictObject({
    approve: z.boolean(),
    comment: z.string().max(MAX_COMMENT).optional(),
  });

/** A problem thrown inside a route, answered as such. */
class ProblemResponse extends Error {
  constructor(readonly response: ApiResponse) {
    super('problem');
  }
}

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

const upgradePath = (id: string) => `/upgrades/${encodeURIComponent(id)}`;

function parseJsonBody(request: ApiRequest): unknown {
  const type = request.headers['content-type'];
  if (type !== undefined && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new ProblemResponse(
      problem('unsupportedMediaType', `content-type ${type} is not JSON`, request.path),
    );
  }
  try {
    return JSON.parse(request.body ?? '');
  } catch (error) {
    throw new ProblemResponse(
      problem('invalidJson', `the body must be a JSON object: ${(error as Error).message}`, request.path),
    );
  }
}

function invalid(request: ApiRequest, what: string, issues: readonly string[]): ProblemResponse {
  return new ProblemResponse(
    problem('invalidRequest', `${what}: ${issues.join('; ')}`, request.path, { errors: issues }),
  );
}

function caller(request: ApiRequest, deps: ApiDeps): string {
  const by = request.principal ?? deps.anonymousCaller;
  if (by === undefined) {
    throw new ProblemResponse(
      problem(
        'forbidden',
        'the request carries no IAM principal: every route of this API takes SigV4-signed requests (IAM authorizer)',
        request.path,
      ),
    );
  }
  return by;
}

function listed(e: UpgradeExecution) {
  const request = e.input?.request as { clusterName?: unknown; targetVersion?: unknown } | undefined;
  return {
    upgradeId: e.upgradeId,
    status: e.status,
    startedAt: e.startedAt,
    ...(e.stoppedAt !== undefined ? { stoppedAt: e.stoppedAt } : {}),
    ...(typeof request?.clusterName === 'string' ? { clusterName: request.clusterName } : {}),
    ...(typeof request?.targetVersion === 'string' ? { targetVersion: request.targetVersion } : {}),
    links: { self: upgradePath(e.upgradeId) },
  };
}

/**
 * The page of one upgrade. Imported on first use: the renderer and its view are
 * evaluated when a page is asked for, not at every cold start (esbuild keeps them in
 * the bundle, wrapped to run on import).
 */
async function upgradePage(...args: Parameters<typeof storedViewInput>): Promise<string> {
  const [{ renderUpgradeHtml }, { buildUpgradeView }] = await Promise.all([
    import('../report/html'),
    import('../report/view'),
  ]);
  return renderUpgradeHtml(buildUpgradeView(storedViewInput(...args)));
}

/** The API's routes over its ports. */
export function apiRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/upgrades',
      handle: async (request) => {
        const body = parseJsonBody(request);
        const withCaller =
          body !== null && typeof body === 'object' && !Array.isArray(body) && !('requestedBy' in body)
            ? { ...body, requestedBy: caller(request, deps) }
            : body;
        // The trigger's own contract: what passes here, the trigger takes.
        const parsed = upgradeRequestSchema().safeParse(withCaller);
        if (!parsed.success)
          throw invalid(request, 'upgrade.requested is invalid', describeIssues(parsed.error));
        const upgradeId = executionName(parsed.data);
        await deps.requests.request(parsed.data);
        const self = upgradePath(upgradeId);
        return json(202, { upgradeId, status: 'requested', links: { self } }, { location: self });
      },
    },
    {
      method: 'GET',
      path: '/upgrades',
      handle: async (request) => {
        const { cluster, limit: limitText } = request.query;
        const issues: string[] = [];
        const nameProblem = cluster === undefined ? undefined : clusterNameProblem(cluster);
        if (nameProblem) issues.push(`cluster: ${nameProblem}`);
        const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
          issues.push(`limit: an integer from 1 to ${MAX_LIMIT}, not ${JSON.stringify(limitText)}`);
        }
        if (issues.length > 0) throw invalid(request, 'the query is invalid', issues);
        const executions = await deps.executions.list({
          ...(cluster !== undefined ? { clusterName: cluster } : {}),
          limit,
        });
        return json(200, { upgrades: executions.map(listed), limit, ...(cluster ? { cluster } : {}) });
      },
    },
    {
      method: 'GET',
      path: '/upgrades/{id}',
      handle: async (request) => {
        const id = request.params.id ?? '';
        const format = request.query.format ?? 'json';
        if (format !== 'json' && format !== 'html') {
          throw invalid(request, 'the query is invalid', [
            `format: json or html, not ${JSON.stringify(format)}`,
          ]);
        }
        const { status, docs } = await readUpgrade(id, deps);
        if (format === 'html') {
          return {
            statusCode: 200,
            headers: {
              'content-type': 'text/html; charset=utf-8',
              'cache-control': 'no-store',
              // The page is self-contained: nothing is loaded from anywhere.
              'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
            },
            body: await upgradePage(status, docs, await deps.history.eventsOf(id)),
          };
        }
        return json(200, {
          ...status,
          links: {
            self: upgradePath(id),
            html: `${upgradePath(id)}?format=html`,
            approval: `${upgradePath(id)}/approval`,
          },
        });
      },
    },
    {
      method: 'POST',
      path: '/upgrades/{id}/approval',
      handle: async (request) => {
        const id = request.params.id ?? '';
        const parsed = approvalBody().safeParse(parseJsonBody(request));
        if (!parsed.success) throw invalid(request, 'the approval is invalid', describeIssues(parsed.error));
        const by = caller(request, deps);
        if ((await deps.executions.describe(id)) === undefined) {
          throw new UpgradeNotFoundError(`there is no upgrade ${id} in this stage`);
        }
        const { approve, comment } = parsed.data;
        await deps.approvals.decide(id, { approve, by, ...(comment !== undefined ? { comment } : {}) });
        return json(200, {
          upgradeId: id,
          decision: approve ? 'approved' : 'rejected',
          by,
          ...(comment !== undefined ? { comment } : {}),
          links: { upgrade: upgradePath(id) },
        });
      },
    },
  ];
}

/** Errors by name: the adapters keep AWS's names, the domain has its own. */
function problemOf(error: unknown, request: ApiRequest, deps: ApiDeps): ApiResponse {
  if (error instanceof ProblemResponse) return error.response;
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  switch (name) {
    case 'UpgradeNotFoundError':
      return problem('upgradeNotFound', message, request.path);
    case 'NotAwaitingApprovalError':
      return problem('notAwaitingApproval', message, request.path);
    case 'InvalidRequestError':
      return problem('invalidRequest', message, request.path);
    case 'EventDeliveryError':
      return problem('notDelivered', message, request.path, {}, { 'retry-after': '5' });
    case 'ThrottlingException':
    case 'TooManyRequestsException':
      return problem(
        'throttled',
        `${name}: try again in a few seconds`,
        request.path,
        {},
        { 'retry-after': '5' },
      );
    default:
      deps.onInternalError?.(error, request);
      return problem(
        'internal',
        `the request failed; the function's log has the error under request id ${request.requestId}`,
        request.path,
        { requestId: request.requestId },
      );
  }
}

/** The request a v2 event carries. */
export function apiRequest(event: APIGatewayProxyEventV2WithIAMAuthorizer): Omit<ApiRequest, 'params'> {
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const body =
    event.body === undefined
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  const principal = event.requestContext?.authorizer?.iam?.userArn;
  return {
    method: event.requestContext?.http?.method?.toUpperCase() ?? 'GET',
    path: event.rawPath ?? event.requestContext?.http?.path ?? '/',
    query: event.queryStringParameters ?? {},
    headers,
    body,
    principal: typeof principal === 'string' && principal !== '' ? principal : undefined,
    requestId: event.requestContext?.requestId ?? '',
  };
}

/** One HTTP API event, answered; never throws, never shows a stack. */
export async function handleApiEvent(
  event: APIGatewayProxyEventV2WithIAMAuthorizer,
  deps: ApiDeps,
): Promise<ApiResponse> {
  const request = apiRequest(event);
  try {
    return await route(apiRoutes(deps), request);
  } catch (error) {
    return problemOf(error, { ...request, params: {} }, deps);
  }
}
