import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { problem } from './problem';

/** A request as the routes see it: the HTTP API v2 event, reduced. */
export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body as text (base64 decoded), or undefined. */
  readonly body: string | undefined;
  /** The caller's IAM principal ARN from the IAM authorizer; undefined when there is none. */
  readonly principal: string | undefined;
  readonly requestId: string;
}

export type ApiResponse = APIGatewayProxyStructuredResultV2;

export interface Route {
  readonly method: 'GET' | 'POST';
  /** A template such as `/upgrades/{id}/approval`: `{name}` matches one non-empty segment. */
  readonly path: string;
  readonly handle: (request: ApiRequest) => Promise<ApiResponse>;
}

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** The parameters when `path` matches `template`; undefined when it does not. */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const want = segments(template);
  const have = segments(path);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const value = have[i] ?? '';
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name !== undefined) {
      try {
        params[name] = decodeURIComponent(value);
      } catch {
        return undefined;
      }
    } else if (part !== value) return undefined;
  }
  return params;
}

/**
 * Picks the route for a request: the path decides the resource (unknown: 404), the
 * method the route (not one of the resource's: 405 with Allow). No framework: three
 * resources do not need one.
 */
export function route(routes: readonly Route[], request: Omit<ApiRequest, 'params'>): Promise<ApiResponse> {
  const matching = routes.flatMap((r) => {
    const params = matchPath(r.path, request.path);
    return params === undefined ? [] : [{ route: r, params }];
  });
  if (matching.length === 0) {
    return Promise.resolve(
      problem('routeNotFound', `${request.path} is not a resource of this API`, request.path),
    );
  }
  const found = matching.find((m) => m.route.method === request.method);
  if (!found) {
    const allow = [...new Set(matching.map((m) => m.route.method))].join(', ');
    return Promise.resolve(
      problem(
        'methodNotAllowed',
        `${request.method} is not allowed on ${request.path}; use ${allow}`,
        request.path,
        { allow: allow.split(', ') },
        { allow },
      ),
    );
  }
  return found.route.handle({ ...request, params: found.params });
}
