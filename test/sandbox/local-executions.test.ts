import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactKeys } from '../../lib/phases/records';
import { FileArtifactStore } from '../../lib/sandbox/artifact-store';
import { EXECUTIONS_FILE_NAME, LocalExecutionRegistry } from '../../lib/sandbox/local-sfn/executions';
import { resumePoint } from '../../lib/sandbox/local-sfn/resume';
import { InvalidLocalRunError, runUpgradeStateMachine } from '../../lib/sandbox/local-sfn/runner';

/** The local Step Functions' execution names, and resuming an execution whose process died. */

const tempDir = () => mkdtempSync(join(tmpdir(), 'eua-exec-'));
const AT = new Date('2026-11-28T10:00:00Z');
const request = {
  schemaVersion: '1',
  clusterName: 'payments-prod',
  targetVersion: '1.32',
  strategy: 'in_place',
  force: false,
  dryRun: false,
  requestId: 'chg-1',
};
const input = { upgradeId: 'u-1', request };

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

describe('LocalExecutionRegistry', () => {
  test('a name is registered RUNNING at the start; the same input again is that execution, another input a conflict', () => {
    const registry = new LocalExecutionRegistry(tempDir());
    expect(registry.find('u-1', input)).toBeUndefined();
    expect(registry.register('u-1', input, 'arn:u-1', AT)).toEqual({
      kind: 'started',
      executionArn: 'arn:u-1',
    });
    expect(registry.register('u-1', input, 'arn:u-1', AT)).toEqual({
      kind: 'existing',
      executionArn: 'arn:u-1',
      status: 'RUNNING',
    });
    expect(registry.register('u-1', { ...input, x: 1 }, 'arn:u-1', AT)).toMatchObject({ kind: 'conflict' });
    registry.finish('u-1', 'SUCCEEDED', AT);
    expect(registry.find('u-1', input)).toEqual({
      executionArn: 'arn:u-1',
      status: 'SUCCEEDED',
      sameInput: true,
    });
    expect(registry.find('u-1', { ...input, x: 1 })?.sameInput).toBe(false);
  });

  test('a RUNNING execution of a dead process is adopted once; one of a live process, or of this one, is not', () => {
    const dir = tempDir();
    const entry = (pid: number) => ({
      input: '{}',
      executionArn: `arn:${pid}`,
      status: 'RUNNING',
      owner: { pid, host: hostname() },
    });
    writeFileSync(
      join(dir, EXECUTIONS_FILE_NAME),
      JSON.stringify({
        dead: entry(deadPid()),
        live: entry(process.ppid),
        done: { ...entry(1), status: 'FAILED' },
      }),
    );
    const registry = new LocalExecutionRegistry(dir);
    registry.register('mine', input, 'arn:mine', AT);
    expect(registry.adoptOrphans().map((o) => o.name)).toEqual(['dead']);
    const stored = JSON.parse(readFileSync(join(dir, EXECUTIONS_FILE_NAME), 'utf8'));
    expect(stored.dead.owner.pid).toBe(process.pid);
    // Adopted: a second process (or call) does not resume it again.
    expect(new LocalExecutionRegistry(dir).adoptOrphans()).toEqual([]);
  });
});

describe('resumePoint', () => {
  const plan = (verdict: string) => ({ verdict, steps: [{ id: 's1' }, { id: 's2' }, { id: 's3' }] });
  const record = (done: string[]) => ({
    upgradeId: 'u-1',
    clusterName: 'payments-prod',
    targetVersion: '1.32',
    startedAt: AT.toISOString(),
    phase: 'execution',
    completed: done.map((stepId) => ({ stepId, finishedAt: AT.toISOString() })),
    halted: false,
  });
  const orphan = (i: Record<string, unknown> = input) => ({ name: 'u-1', executionArn: 'arn:u-1', input: i });

  test('with a plan and two steps recorded done, it resumes at ExecutionPhase at the third', async () => {
    const artifacts = new FileArtifactStore({ stateDir: tempDir() });
    await artifacts.putJson(artifactKeys.plan('u-1'), plan('ready'));
    await artifacts.putJson(artifactKeys.record('u-1'), record(['s1', 's2']));
    const point = await resumePoint(artifacts, orphan());
    expect(point.startAt).toBe('ExecutionPhase');
    expect(point.completedSteps).toBe(2);
    expect(point.input).toMatchObject({
      upgradeId: 'u-1',
      request,
      plan: { planKey: artifactKeys.plan('u-1') },
      execution: { progress: { next: 2, inFlight: [], done: 2, polls: 0, busyAnswers: 0 } },
    });
  });

  test.each([
    ['no plan yet (the crash came before reasoning ended)', false, 'ready'],
    ['a blocked plan (never executed)', true, 'blocked'],
  ])('with %s, it starts again from the beginning', async (_case, withPlan, verdict) => {
    const artifacts = new FileArtifactStore({ stateDir: tempDir() });
    if (withPlan) await artifacts.putJson(artifactKeys.plan('u-1'), plan(verdict));
    await artifacts.putJson(artifactKeys.record('u-1'), record([]));
    const point = await resumePoint(artifacts, orphan());
    expect(point.startAt).toBeUndefined();
    expect(point.input).toEqual(input);
  });

  test('an upgrade HandleFailure had already failed resumes at HandleFailure with that error, never from the start or a step', async () => {
    const artifacts = new FileArtifactStore({ stateDir: tempDir() });
    await artifacts.putJson(artifactKeys.plan('u-1'), plan('ready'));
    await artifacts.putJson(artifactKeys.record('u-1'), { ...record(['s1']), halted: true });
    await artifacts.putJson(artifactKeys.failure('u-1'), {
      failedAt: AT.toISOString(),
      phase: 'execution',
      error: { name: 'StepFailedError', message: 'step s2 ended Failed' },
      reason: 'step s2 ended Failed',
    });
    const point = await resumePoint(artifacts, orphan());
    expect(point.startAt).toBe('HandleFailure');
    expect(point.input).toEqual({
      ...input,
      error: { Error: 'StepFailedError', Cause: 'step s2 ended Failed' },
    });
  });

  test('a dry run starts again from the beginning (it changes nothing)', async () => {
    const artifacts = new FileArtifactStore({ stateDir: tempDir() });
    await artifacts.putJson(artifactKeys.plan('u-1'), plan('ready'));
    await artifacts.putJson(artifactKeys.record('u-1'), record([]));
    const point = await resumePoint(artifacts, orphan({ ...input, request: { ...request, dryRun: true } }));
    expect(point.startAt).toBeUndefined();
  });
});

describe('runUpgradeStateMachine startAt', () => {
  test('begins at the state given, with the input given, and never enters the states before it', async () => {
    const called: string[] = [];
    const handler = (name: string, result: unknown) => async () => {
      called.push(name);
      return result;
    };
    const result = await runUpgradeStateMachine({
      executionName: 'u-1',
      startAt: 'ExecutionPhase',
      input: {
        ...input,
        plan: { planKey: 'p' },
        execution: {
          status: 'waiting',
          waitSeconds: 0,
          soakSeconds: 0,
          progress: { next: 1, inFlight: [], done: 1, polls: 0, busyAnswers: 0 },
        },
      },
      handlers: {
        perception: handler('perception', {}),
        reasoning: handler('reasoning', {}),
        execution: handler('execution', {
          status: 'done',
          waitSeconds: 0,
          soakSeconds: 0,
          progress: {},
          gate: null,
          waitUntil: null,
        }),
        validation: handler('validation', { passed: true, failedChecks: [], final: true }),
        rollback: handler('rollback', { outcome: 'stopped' }),
        bluegreen: handler('bluegreen', {}),
        approval: handler('approval', {}),
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(called).toEqual(['execution', 'validation']);
    expect(result.statesVisited[0]).toBe('ExecutionPhase');
  });

  test('a state the machine does not have is refused before anything runs', async () => {
    await expect(
      runUpgradeStateMachine({ executionName: 'u-1', startAt: 'Nowhere', input, handlers: {} }),
    ).rejects.toThrow(
      new InvalidLocalRunError('cannot start at Nowhere: the state machine has no such state'),
    );
  });
});
