import { handleApiEvent } from '../../lib/api/app';
import { executionName } from '../../lib/domain/execution-name';
import type { UpgradePlan } from '../../lib/domain/plan-types';
import { artifactKeys } from '../../lib/phases/records';
import type { UpgradeExecution } from '../../lib/ports';
import { fakeApiDeps, httpEvent, USER_ARN } from './fakes';

/**
 * The HTTP API end to end inside the function: real HTTP API v2 event shapes
 * (aws-lambda's types, as API Gateway sends them with the IAM authorizer), the
 * router, the routes, and in-memory ports.
 */
const REQUEST = { clusterName: 'payments-prod', targetVersion: '1.31', requestId: 'chg-42' };
const ID = executionName(REQUEST);

const PLAN: UpgradePlan = {
  cluster: 'payments-prod',
  currentVersion: '1.30',
  targetVersion: '1.31',
  strategy: 'in_place',
  verdict: 'ready',
  findings: [
    { code: 'DEPRECATED_API', severity: 'warn', message: 'policy/v1beta1 in use' },
    { code: 'PDB_TIGHT', severity: 'info', message: 'a PDB allows 0 disruptions', resource: 'web' },
  ],
  steps: [
    { id: 'cp-1.31', kind: 'control-plane', hop: '1.31', from: '1.30', to: '1.31', estimatedMinutes: 12 },
    {
      id: 'gate-cp-1.31',
      kind: 'gate',
      stage: 'control-plane',
      hop: '1.31',
      from: '',
      to: '',
      estimatedMinutes: 10,
    },
    {
      id: 'ng-web-1.31',
      kind: 'nodegroup',
      name: 'web',
      hop: '1.31',
      from: '1.30',
      to: '1.31',
      estimatedMinutes: 20,
    },
  ] as UpgradePlan['steps'],
  estimatedMinutes: 42,
};

function running(world: ReturnType<typeof fakeApiDeps>) {
  world.executions.set(ID, {
    upgradeId: ID,
    executionArn: `arn:aws:states:eu-west-1:123456789012:execution:eks-upgrade-agent-dev-upgrade:${ID}`,
    status: 'RUNNING',
    startedAt: '2026-03-01T09:00:00.000Z',
    input: { upgradeId: ID, request: { ...REQUEST, strategy: 'in_place', force: false, dryRun: false } },
  });
  world.artifacts.set(artifactKeys.plan(ID), PLAN);
  world.artifacts.set(artifactKeys.record(ID), {
    upgradeId: ID,
    clusterName: 'payments-prod',
    targetVersion: '1.31',
    startedAt: '2026-03-01T09:00:00.000Z',
    phase: 'execution',
    completed: [{ stepId: 'cp-1.31', finishedAt: '2026-03-01T09:14:00.000Z' }],
    halted: false,
  });
}

const body = (res: { body?: string }) => JSON.parse(String(res.body));

describe('POST /upgrades', () => {
  test('202 with the upgrade id the trigger will use, a Location, and upgrade.requested put on the bus', async () => {
    const world = fakeApiDeps();
    const res = await handleApiEvent(
      httpEvent('POST', '/upgrades', { body: JSON.stringify(REQUEST) }),
      world.deps,
    );
    expect(res.statusCode).toBe(202);
    expect(res.headers?.location).toBe(`/upgrades/${ID}`);
    expect(body(res)).toEqual({ upgradeId: ID, status: 'requested', links: { self: `/upgrades/${ID}` } });
    // Validated and defaulted by the trigger's contract; the caller's principal is the requester.
    expect(world.requested).toEqual([
      {
        schemaVersion: '1',
        ...REQUEST,
        strategy: 'in_place',
        force: false,
        dryRun: false,
        requestedBy: USER_ARN,
      },
    ]);
  });

  test('the same request again answers the same id (the trigger dedupes)', async () => {
    const world = fakeApiDeps();
    const send = () =>
      handleApiEvent(
        httpEvent('POST', '/upgrades', { body: JSON.stringify(REQUEST), base64: true }),
        world.deps,
      );
    expect(body(await send()).upgradeId).toBe(body(await send()).upgradeId);
  });

  test('invalid JSON: 400 invalid-json problem', async () => {
    const world = fakeApiDeps();
    const res = await handleApiEvent(httpEvent('POST', '/upgrades', { body: '{"clusterName":' }), world.deps);
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(body(res)).toMatchObject({
      type: 'urn:eks-upgrade-agent:problem:invalid-json',
      status: 400,
      instance: '/upgrades',
    });
    expect(world.requested).toEqual([]);
  });

  test('a body the contract refuses: 400 listing every issue', async () => {
    const world = fakeApiDeps();
    const res = await handleApiEvent(
      httpEvent('POST', '/upgrades', {
        body: JSON.stringify({ clusterName: 'x', targetVersion: 'latest', strategy: 'yolo' }),
      }),
      world.deps,
    );
    expect(res.statusCode).toBe(400);
    const problem = body(res);
    expect(problem.type).toBe('urn:eks-upgrade-agent:problem:invalid-request');
    expect(problem.errors.join('\n')).toMatch(/targetVersion/);
    expect(problem.errors.join('\n')).toMatch(/strategy/);
    expect(problem.errors.join('\n')).toMatch(/requestId/);
    expect(world.requested).toEqual([]);
  });

  test('a body that is not JSON by its content type: 415', async () => {
    const world = fakeApiDeps();
    const res = await handleApiEvent(
      httpEvent('POST', '/upgrades', {
        body: 'a=b',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      world.deps,
    );
    expect(res.statusCode).toBe(415);
  });

  test('EventBridge refusing the entry: 503 with Retry-After', async () => {
    const world = fakeApiDeps();
    const failing = {
      ...world.deps,
      requests: {
        request: async () =>
          Promise.reject(Object.assign(new Error('1 event not delivered'), { name: 'EventDeliveryError' })),
      },
    };
    const res = await handleApiEvent(
      httpEvent('POST', '/upgrades', { body: JSON.stringify(REQUEST) }),
      failing,
    );
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('5');
  });
});

describe('GET /upgrades/{id}', () => {
  test('status, current step, findings from the execution and the stored documents', async () => {
    const world = fakeApiDeps();
    running(world);
    const res = await handleApiEvent(httpEvent('GET', `/upgrades/${ID}`), world.deps);
    expect(res.statusCode).toBe(200);
    const status = body(res);
    expect(status).toMatchObject({
      upgradeId: ID,
      state: 'running',
      clusterName: 'payments-prod',
      targetVersion: '1.31',
      execution: { status: 'RUNNING', startedAt: '2026-03-01T09:00:00.000Z' },
      progress: {
        phase: 'execution',
        stepsDone: 1,
        stepsTotal: 3,
        currentStep: { id: 'gate-cp-1.31' },
        halted: false,
      },
      plan: { fromVersion: '1.30', estimatedMinutes: 42 },
      findings: { total: 2, bySeverity: { warn: 1, info: 1 } },
      links: { self: `/upgrades/${ID}`, html: `/upgrades/${ID}?format=html` },
    });
    expect(status.approval).toBeUndefined();
    expect(status.validation).toBeUndefined();
  });

  test('waiting for an approval: the approval record, read leniently', async () => {
    const world = fakeApiDeps();
    running(world);
    world.artifacts.set(artifactKeys.approval(ID), {
      upgradeId: ID,
      status: 'pending',
      requestedAt: '2026-03-01T09:05:00Z',
      expiresAt: '2026-03-02T09:05:00Z',
    });
    const status = body(await handleApiEvent(httpEvent('GET', `/upgrades/${ID}`), world.deps));
    expect(status.state).toBe('awaiting-approval');
    expect(status.approval).toMatchObject({ status: 'pending', expiresAt: '2026-03-02T09:05:00Z' });
    world.artifacts.set(artifactKeys.approval(ID), { status: 'something else' });
    const garbled = body(await handleApiEvent(httpEvent('GET', `/upgrades/${ID}`), world.deps));
    expect(garbled.approval).toBeUndefined();
    expect(garbled.state).toBe('running');
  });

  test('a failed upgrade: the failure, validation and rollback', async () => {
    const world = fakeApiDeps();
    running(world);
    world.executions.set(ID, {
      ...(world.executions.get(ID) as UpgradeExecution),
      status: 'FAILED',
      stoppedAt: '2026-03-01T10:00:00Z',
    });
    world.artifacts.set(artifactKeys.validation(ID), {
      upgradeId: ID,
      clusterName: 'payments-prod',
      targetVersion: '1.31',
      passed: false,
      failedChecks: ['errorRate'],
      judgedAt: '2026-03-01T09:40:00Z',
    });
    world.artifacts.set(artifactKeys.failure(ID), {
      failedAt: '2026-03-01T09:59:00Z',
      phase: 'validation',
      error: { name: 'ValidationFailedError', message: 'errorRate 5%' },
      reason: 'the gate failed',
    });
    world.artifacts.set(`upgrades/${ID}/rollback.json`, {
      upgradeId: ID,
      clusterName: 'payments-prod',
      targetVersion: '1.31',
      reason: 'the gate failed',
      claimedBy: 'state-machine',
      hop: '1.31',
      expected: 'reverted',
      actions: [{ kind: 'rollback-control-plane', resource: 'payments-prod', why: 'x' }],
      cursor: 1,
      results: [
        { action: 'rollback-control-plane', resource: 'payments-prod', result: 'reverted', ok: true },
      ],
      outcome: 'reverted',
    });
    const status = body(await handleApiEvent(httpEvent('GET', `/upgrades/${ID}`), world.deps));
    expect(status).toMatchObject({
      state: 'failed',
      validation: { passed: false, failedChecks: ['errorRate'] },
      failure: { phase: 'validation', reason: 'the gate failed' },
      rollback: { outcome: 'reverted', actionsDone: 1, actionsTotal: 1, hop: '1.31' },
    });
  });

  test('?format=html: one self-contained page from the stored plan and record', async () => {
    const world = fakeApiDeps();
    running(world);
    const res = await handleApiEvent(
      httpEvent('GET', `/upgrades/${ID}`, { query: { format: 'html' } }),
      world.deps,
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toBe('text/html; charset=utf-8');
    const html = String(res.body);
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('payments-prod');
    expect(html).toContain('DEPRECATED_API');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/i);
  });

  test('?format=html: the timeline from the record and the audit log: step bars, phases, the gate and what rollback did', async () => {
    const world = fakeApiDeps();
    running(world);
    world.artifacts.set(artifactKeys.record(ID), {
      upgradeId: ID,
      clusterName: 'payments-prod',
      targetVersion: '1.31',
      startedAt: '2026-03-01T09:00:00.000Z',
      phase: 'rollback',
      completed: [
        { stepId: 'cp-1.31', startedAt: '2026-03-01T09:01:00.000Z', finishedAt: '2026-03-01T09:14:00.000Z' },
      ],
      halted: true,
    });
    const at = (minute: number) =>
      new Date(Date.parse('2026-03-01T09:00:00.000Z') + minute * 60_000).toISOString();
    const event = (type: string, minute: number, detail: Record<string, unknown>) => ({
      'detail-type': type,
      time: at(minute),
      detail: { upgradeId: ID, clusterName: 'payments-prod', ...detail },
    });
    world.events.set(ID, [
      event('phase.started', 0, { phase: 'execution' }),
      event('phase.completed', 14, { phase: 'execution', summary: 'gate next' }),
      event('validation.failure', 24, {
        success: false,
        metrics: {},
        checks: [{ name: 'errorRate', passed: false, detail: '0.09 > 0.01' }],
        targetVersion: '1.31',
        gate: { stage: 'control-plane', hop: '1.31' },
      }),
      event('rollback.triggered', 24, { reason: 'validation failed', trigger: 'state-machine' }),
      event('rollback.completed', 40, {
        outcome: 'reverted',
        hop: '1.31',
        actions: [
          { action: 'rollback-control-plane', resource: 'payments-prod', result: 'rolled back: 1.30' },
        ],
      }),
    ]);
    const res = await handleApiEvent(
      httpEvent('GET', `/upgrades/${ID}`, { query: { format: 'html' } }),
      world.deps,
    );
    expect(res.statusCode).toBe(200);
    const html = String(res.body);
    // The control-plane step ran from minute 1 to 14: a bar, done.
    expect(html).toMatch(/class="bar step kind-control-plane status-done" data-step-id="cp-1\.31"/);
    expect(html).toContain('data-phase="execution"');
    expect(html).toMatch(/data-gate="[^"]*control-plane[^"]*"/);
    expect(html).toContain('0.09 &gt; 0.01');
    expect(html).toContain('What rollback did');
    expect(html).toContain('rolled back: 1.30');
  });

  test('an unknown id: 404 upgrade-not-found', async () => {
    const res = await handleApiEvent(
      httpEvent('GET', '/upgrades/nobody-1-31-x-0123456789ab'),
      fakeApiDeps().deps,
    );
    expect(res.statusCode).toBe(404);
    expect(body(res)).toMatchObject({
      type: 'urn:eks-upgrade-agent:problem:upgrade-not-found',
      title: 'No such upgrade',
      status: 404,
      instance: '/upgrades/nobody-1-31-x-0123456789ab',
    });
  });

  test('an id that is no execution name: 404, and the store is not asked', async () => {
    const world = fakeApiDeps();
    const asked: string[] = [];
    const deps = {
      ...world.deps,
      artifacts: { ...world.deps.artifacts, getJson: async (key: string) => asked.push(key) },
    };
    const res = await handleApiEvent(httpEvent('GET', '/upgrades/..%2F..%2Fetc'), deps);
    expect(res.statusCode).toBe(404);
    expect(asked).toEqual([]);
  });

  test('a request refused for a busy cluster has no execution but a status', async () => {
    const world = fakeApiDeps();
    world.artifacts.set(artifactKeys.refusal(ID), {
      refusedAt: '2026-03-01T09:00:00Z',
      request: REQUEST,
      error: { name: 'ClusterBusyError', message: 'busy' },
      reason: 'cluster busy',
    });
    const status = body(await handleApiEvent(httpEvent('GET', `/upgrades/${ID}`), world.deps));
    expect(status).toMatchObject({
      state: 'refused',
      clusterName: 'payments-prod',
      refusal: { reason: 'cluster busy' },
    });
  });

  test('a bad format: 400', async () => {
    const world = fakeApiDeps();
    running(world);
    expect(
      (await handleApiEvent(httpEvent('GET', `/upgrades/${ID}`, { query: { format: 'pdf' } }), world.deps))
        .statusCode,
    ).toBe(400);
  });
});

describe('GET /upgrades', () => {
  test('recent upgrades of a cluster, newest first, at most limit', async () => {
    const world = fakeApiDeps();
    for (const [i, cluster] of ['a', 'b', 'a', 'a'].entries()) {
      world.executions.set(`u${i}`, {
        upgradeId: `u${i}`,
        executionArn: `arn:${i}`,
        status: 'SUCCEEDED',
        startedAt: `2026-02-0${i + 1}T00:00:00Z`,
        input: { request: { clusterName: cluster, targetVersion: '1.31' } },
      });
    }
    const res = await handleApiEvent(
      httpEvent('GET', '/upgrades', { query: { cluster: 'a', limit: '2' } }),
      world.deps,
    );
    expect(res.statusCode).toBe(200);
    expect(body(res)).toEqual({
      cluster: 'a',
      limit: 2,
      upgrades: [
        {
          upgradeId: 'u3',
          status: 'SUCCEEDED',
          startedAt: '2026-02-04T00:00:00Z',
          clusterName: 'a',
          targetVersion: '1.31',
          links: { self: '/upgrades/u3' },
        },
        {
          upgradeId: 'u2',
          status: 'SUCCEEDED',
          startedAt: '2026-02-03T00:00:00Z',
          clusterName: 'a',
          targetVersion: '1.31',
          links: { self: '/upgrades/u2' },
        },
      ],
    });
    expect(body(await handleApiEvent(httpEvent('GET', '/upgrades'), world.deps)).limit).toBe(20);
  });

  test.each([['0'], ['101'], ['ten'], ['1.5']])('limit=%s: 400', async (limit) => {
    const res = await handleApiEvent(httpEvent('GET', '/upgrades', { query: { limit } }), fakeApiDeps().deps);
    expect(res.statusCode).toBe(400);
    expect(body(res).errors[0]).toMatch(/^limit: an integer from 1 to 100/);
  });
});

describe('POST /upgrades/{id}/approval', () => {
  const approve = (payload: unknown, principal?: string | null) =>
    httpEvent('POST', `/upgrades/${ID}/approval`, {
      body: JSON.stringify(payload),
      ...(principal !== undefined ? { principal } : {}),
    });

  test('approve: the decision, by the IAM principal of the signed request', async () => {
    const world = fakeApiDeps();
    running(world);
    world.waiting.add(ID);
    const res = await handleApiEvent(approve({ approve: true, comment: 'CAB-77 ok' }), world.deps);
    expect(res.statusCode).toBe(200);
    expect(body(res)).toEqual({
      upgradeId: ID,
      decision: 'approved',
      by: USER_ARN,
      comment: 'CAB-77 ok',
      links: { upgrade: `/upgrades/${ID}` },
    });
    expect(world.decisions).toEqual([
      { upgradeId: ID, decision: { approve: true, by: USER_ARN, comment: 'CAB-77 ok' } },
    ]);
  });

  test('reject', async () => {
    const world = fakeApiDeps();
    running(world);
    world.waiting.add(ID);
    const res = await handleApiEvent(approve({ approve: false }), world.deps);
    expect(body(res)).toMatchObject({ decision: 'rejected' });
    expect(world.decisions[0]?.decision).toEqual({ approve: false, by: USER_ARN });
  });

  test('not awaiting approval: 409', async () => {
    const world = fakeApiDeps();
    running(world);
    const res = await handleApiEvent(approve({ approve: true }), world.deps);
    expect(res.statusCode).toBe(409);
    expect(body(res)).toMatchObject({
      type: 'urn:eks-upgrade-agent:problem:not-awaiting-approval',
      status: 409,
    });
  });

  test('an unknown upgrade: 404, nothing decided', async () => {
    const world = fakeApiDeps();
    const res = await handleApiEvent(approve({ approve: true }), world.deps);
    expect(res.statusCode).toBe(404);
    expect(world.decisions).toEqual([]);
  });

  test.each([
    [{ approve: 'yes' }, /approve/],
    [{}, /approve/],
    [{ approve: true, comment: 'x'.repeat(1025) }, /comment/],
    [{ approve: true, by: 'someone-else' }, /by/],
  ])('a bad body %j: 400', async (payload, issue) => {
    const world = fakeApiDeps();
    running(world);
    world.waiting.add(ID);
    const res = await handleApiEvent(approve(payload), world.deps);
    expect(res.statusCode).toBe(400);
    expect(body(res).errors.join('\n')).toMatch(issue);
    expect(world.decisions).toEqual([]);
  });

  test('no IAM principal: 403 in AWS; the local user in the sandbox', async () => {
    const aws = fakeApiDeps();
    running(aws);
    aws.waiting.add(ID);
    expect((await handleApiEvent(approve({ approve: true }, null), aws.deps)).statusCode).toBe(403);
    const local = fakeApiDeps({ anonymousCaller: 'local-user' });
    running(local);
    local.waiting.add(ID);
    const res = await handleApiEvent(approve({ approve: true }, null), local.deps);
    expect(body(res).by).toBe('local-user');
  });
});

describe('errors', () => {
  test('wrong method: 405 with Allow', async () => {
    const res = await handleApiEvent(httpEvent('DELETE', `/upgrades/${ID}`), fakeApiDeps().deps);
    expect(res.statusCode).toBe(405);
    expect(res.headers?.allow).toBe('GET');
  });

  test('unknown route: 404 problem', async () => {
    const res = await handleApiEvent(httpEvent('GET', '/admin'), fakeApiDeps().deps);
    expect(res.statusCode).toBe(404);
    expect(body(res).type).toBe('urn:eks-upgrade-agent:problem:route-not-found');
  });

  test('an unexpected error: 500 without its message or stack, the request id to find it in the log', async () => {
    const world = fakeApiDeps();
    const broken = {
      ...world.deps,
      executions: {
        ...world.deps.executions,
        describe: async () => {
          throw new TypeError('secret internals at /var/task/x.js:1');
        },
      },
    };
    const res = await handleApiEvent(httpEvent('GET', `/upgrades/${ID}`), broken);
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret');
    expect(res.body).not.toContain('.js');
    expect(body(res)).toMatchObject({
      status: 500,
      requestId: 'req-abc',
      type: 'urn:eks-upgrade-agent:problem:internal',
    });
    expect(world.internalErrors).toHaveLength(1);
  });

  test('throttled by AWS: 503 with Retry-After', async () => {
    const world = fakeApiDeps();
    const throttled = {
      ...world.deps,
      executions: {
        ...world.deps.executions,
        list: async () => {
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        },
      },
    };
    const res = await handleApiEvent(httpEvent('GET', '/upgrades'), throttled);
    expect(res.statusCode).toBe(503);
  });
});
