import { PROBLEM_TYPES, problem, problemTypeUri } from '../../lib/api/problem';
import { type ApiRequest, matchPath, type Route, route } from '../../lib/api/router';

const request = (method: string, path: string): Omit<ApiRequest, 'params'> => ({
  method,
  path,
  query: {},
  headers: {},
  body: undefined,
  principal: undefined,
  requestId: 'r1',
});

const echo =
  (name: string): Route['handle'] =>
  async (r) => ({ statusCode: 200, body: JSON.stringify({ name, params: r.params }) });

const routes: Route[] = [
  { method: 'GET', path: '/upgrades', handle: echo('list') },
  { method: 'POST', path: '/upgrades', handle: echo('create') },
  { method: 'GET', path: '/upgrades/{id}', handle: echo('get') },
  { method: 'POST', path: '/upgrades/{id}/approval', handle: echo('approve') },
];

describe('matchPath', () => {
  test('literal segments and {name} parameters, URI-decoded', () => {
    expect(matchPath('/upgrades/{id}', '/upgrades/a-b')).toEqual({ id: 'a-b' });
    expect(matchPath('/upgrades/{id}', '/upgrades/a%20b/')).toEqual({ id: 'a b' });
    expect(matchPath('/upgrades/{id}', '/upgrades')).toBeUndefined();
    expect(matchPath('/upgrades/{id}', '/upgrades/a/approval')).toBeUndefined();
    expect(matchPath('/upgrades', '/other')).toBeUndefined();
    expect(matchPath('/upgrades/{id}', '/upgrades/%E0%A4%A')).toBeUndefined();
  });
});

describe('route', () => {
  test('the route of the path and method, with its parameters', async () => {
    const res = await route(routes, request('POST', '/upgrades/u1/approval'));
    expect(JSON.parse(String(res.body))).toEqual({ name: 'approve', params: { id: 'u1' } });
    expect(JSON.parse(String((await route(routes, request('GET', '/upgrades'))).body)).name).toBe('list');
  });

  test('an unknown path: 404 problem', async () => {
    const res = await route(routes, request('GET', '/nope'));
    expect(res.statusCode).toBe(404);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(String(res.body))).toMatchObject({
      type: 'urn:eks-upgrade-agent:problem:route-not-found',
      status: 404,
      instance: '/nope',
    });
  });

  test("a known path with another method: 405 naming the resource's methods (Allow)", async () => {
    const res = await route(routes, request('DELETE', '/upgrades'));
    expect(res.statusCode).toBe(405);
    expect(res.headers?.allow).toBe('GET, POST');
    expect(JSON.parse(String(res.body))).toMatchObject({ status: 405, allow: ['GET', 'POST'] });
    expect((await route(routes, request('PUT', '/upgrades/x/approval'))).headers?.allow).toBe('POST');
  });
});

describe('problem details (RFC 9457)', () => {
  test('type, title, status, detail, instance; extensions beside them', () => {
    const res = problem('notAwaitingApproval', 'upgrade u1 is SUCCEEDED', '/upgrades/u1/approval', {
      requestId: 'r',
    });
    expect(res.statusCode).toBe(409);
    expect(res.headers).toMatchObject({ 'content-type': 'application/problem+json' });
    expect(JSON.parse(String(res.body))).toEqual({
      type: 'urn:eks-upgrade-agent:problem:not-awaiting-approval',
      title: PROBLEM_TYPES.notAwaitingApproval.title,
      status: 409,
      detail: 'upgrade u1 is SUCCEEDED',
      instance: '/upgrades/u1/approval',
      requestId: 'r',
    });
  });

  test('each problem type has its own URN and a status that is an error', () => {
    const uris = Object.keys(PROBLEM_TYPES).map((t) => problemTypeUri(t as keyof typeof PROBLEM_TYPES));
    expect(new Set(uris).size).toBe(uris.length);
    for (const { status } of Object.values(PROBLEM_TYPES)) expect(status).toBeGreaterThanOrEqual(400);
  });
});
