import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * RFC 9457 problem details: `application/problem+json` with `type` (a URN per
 * problem, not meant to be fetched), `title` (the same for every occurrence of the
 * type), `status`, `detail` (this occurrence) and `instance` (the request's path).
 * Extension members carry what a client can act on (`errors`, `allow`, `requestId`).
 * Never a stack trace: a 500 says where to look (the request id in the function's log).
 */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly [extension: string]: unknown;
}

export const PROBLEM_TYPES = {
  invalidJson: { status: 400, title: 'The request body is not JSON' },
  invalidRequest: { status: 400, title: 'The request is invalid' },
  forbidden: { status: 403, title: 'No caller identity' },
  upgradeNotFound: { status: 404, title: 'No such upgrade' },
  routeNotFound: { status: 404, title: 'No such resource' },
  methodNotAllowed: { status: 405, title: 'Method not allowed' },
  notAwaitingApproval: { status: 409, title: 'The upgrade does not wait for an approval' },
  unsupportedMediaType: { status: 415, title: 'The request body must be application/json' },
  notDelivered: { status: 503, title: 'The request could not be passed on; try again' },
  throttled: { status: 503, title: 'AWS throttled the request; try again' },
  internal: { status: 500, title: 'Internal error' },
} as const;
export type ProblemType = keyof typeof PROBLEM_TYPES;

/** `urn:eks-upgrade-agent:problem:upgrade-not-found` for `upgradeNotFound`. */
export function problemTypeUri(type: ProblemType): string {
  return `urn:eks-upgrade-agent:problem:${type.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

export function problem(
  type: ProblemType,
  detail: string,
  instance: string,
  extensions: Readonly<Record<string, unknown>> = {},
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyStructuredResultV2 {
  const { status, title } = PROBLEM_TYPES[type];
  const body: Problem = { type: problemTypeUri(type), title, status, detail, instance, ...extensions };
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}
