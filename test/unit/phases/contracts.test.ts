import {
  executionInput,
  parseInput,
  perceptionInput,
  reasoningInput,
  rollbackInput,
  validationInput,
} from '../../../lib/phases/contracts';

/** The Task inputs each phase accepts: every required field is checked at the edge, by name. */

const base = {
  upgradeId: 'u-1',
  correlationId: 'exec-1',
  request: { clusterName: 'test-cluster', targetVersion: '1.30', requestId: 'r-1' },
};
const progress = {
  next: 1,
  done: 0,
  polls: 0,
  busyAnswers: 0,
  inFlight: [{ stepId: 's', updateId: 'u', startedAt: 't', polls: 0 }],
};
const rollback = {
  mode: 'rollback',
  trigger: 'state-machine',
  upgradeId: 'u-1',
  correlationId: 'exec-1',
  clusterName: 'test-cluster',
  targetVersion: '1.30',
  reason: 'gate failed',
};
const failure = { ...rollback, mode: 'failure', reason: undefined, error: { Error: 'X' } };

type Case = [string, Parameters<typeof parseInput>[0], unknown, string];

const invalid = (schema: Parameters<typeof parseInput>[0], input: unknown, path: string) => () =>
  expect(() => parseInput(schema, input, 'phase')).toThrow(
    expect.objectContaining({
      name: 'InvalidRequestError',
      message: expect.stringMatching(new RegExp(`^phase input is invalid: (.*; )?${path}`)),
    }),
  );

describe('phase inputs', () => {
  test('valid inputs parse, with the request defaults and no gate for a final validation', () => {
    expect(parseInput(perceptionInput, base, 'perception').request).toMatchObject({
      force: false,
      dryRun: false,
      strategy: 'in_place',
    });
    expect(parseInput(reasoningInput, { ...base, snapshotKey: 'k' }, 'reasoning').snapshotKey).toBe('k');
    expect(parseInput(executionInput, { ...base, planKey: 'p', progress }, 'execution').progress).toEqual(
      progress,
    );
    expect(
      parseInput(validationInput, { ...base, planKey: 'p', soakSeconds: 0 }, 'validation').gate,
    ).toBeNull();
    const gate = { stepId: 'gate:1.30:canary', stage: 'canary', hop: '1.30' };
    expect(
      parseInput(validationInput, { ...base, planKey: 'p', soakSeconds: 0, gate: null }, 'v').gate,
    ).toBeNull();
    expect(parseInput(validationInput, { ...base, planKey: 'p', soakSeconds: 0, gate }, 'v').gate).toEqual(
      gate,
    );
    expect(parseInput(rollbackInput, rollback, 'rollback')).toEqual(rollback);
    expect(parseInput(rollbackInput, failure, 'rollback')).toMatchObject({ mode: 'failure' });
  });

  test.each<Case>([
    ['an empty upgrade id', perceptionInput, { ...base, upgradeId: '' }, 'upgradeId'],
    ['an empty correlation id', perceptionInput, { ...base, correlationId: '' }, 'correlationId'],
    ['an empty snapshot key', reasoningInput, { ...base, snapshotKey: '' }, 'snapshotKey'],
    ['an empty plan key', executionInput, { ...base, planKey: '', progress }, 'planKey'],
    [
      'a fractional step index',
      executionInput,
      { ...base, planKey: 'p', progress: { ...progress, next: 0.5 } },
      'progress.next',
    ],
    [
      'a negative step index',
      executionInput,
      { ...base, planKey: 'p', progress: { ...progress, next: -1 } },
      'progress.next',
    ],
    [
      'negative polls',
      executionInput,
      { ...base, planKey: 'p', progress: { ...progress, polls: -1 } },
      'progress.polls',
    ],
    [
      'negative busy answers',
      executionInput,
      { ...base, planKey: 'p', progress: { ...progress, busyAnswers: -1 } },
      'progress.busyAnswers',
    ],
    [
      'a fractional count',
      executionInput,
      { ...base, planKey: 'p', progress: { ...progress, busyAnswers: 1.5 } },
      'progress.busyAnswers',
    ],
    [
      'negative polls in flight',
      executionInput,
      {
        ...base,
        planKey: 'p',
        progress: { ...progress, inFlight: [{ ...progress.inFlight[0], polls: -1 }] },
      },
      'progress.inFlight.0.polls',
    ],
    ['a negative soak', validationInput, { ...base, planKey: 'p', soakSeconds: -1 }, 'soakSeconds'],
    ['a fractional soak', validationInput, { ...base, planKey: 'p', soakSeconds: 1.5 }, 'soakSeconds'],
    ['an empty plan key to validate', validationInput, { ...base, planKey: '', soakSeconds: 0 }, 'planKey'],
    [
      'a gate of an unknown stage',
      validationInput,
      { ...base, planKey: 'p', soakSeconds: 0, gate: { stepId: 's', stage: 'final', hop: '1.30' } },
      'gate.stage',
    ],
    [
      'a gate with no step id',
      validationInput,
      { ...base, planKey: 'p', soakSeconds: 0, gate: { stepId: '', stage: 'canary', hop: '1.30' } },
      'gate.stepId',
    ],
    [
      'a gate with no hop',
      validationInput,
      { ...base, planKey: 'p', soakSeconds: 0, gate: { stepId: 's', stage: 'canary', hop: '' } },
      'gate.hop',
    ],
    ['a rollback from an unknown trigger', rollbackInput, { ...rollback, trigger: 'cli' }, 'trigger'],
    ['a failure from the rule', rollbackInput, { ...failure, trigger: 'event-rule' }, 'trigger'],
    ...(['upgradeId', 'correlationId', 'clusterName', 'targetVersion', 'reason'] as const).map(
      (field) =>
        [`a rollback with an empty ${field}`, rollbackInput, { ...rollback, [field]: '' }, field] as Case,
    ),
    ...(['upgradeId', 'correlationId', 'clusterName', 'targetVersion'] as const).map(
      (field) =>
        [`a failure with an empty ${field}`, rollbackInput, { ...failure, [field]: '' }, field] as Case,
    ),
    ['a failure with no error name', rollbackInput, { ...failure, error: { Cause: 'c' } }, 'error.Error'],
    [
      'a failure with a cause that is not text',
      rollbackInput,
      { ...failure, error: { Error: 'X', Cause: 1 } },
      'error.Cause',
    ],
  ])('given %s, then InvalidRequestError names the field', (_, schema, input, path) =>
    invalid(schema, input, path)(),
  );

  test('given several bad fields, then each is named, separated by semicolons', () => {
    expect(() =>
      parseInput(perceptionInput, { ...base, upgradeId: '', correlationId: '' }, 'perception'),
    ).toThrow(/^perception input is invalid: upgradeId: [^;]+; correlationId: /);
  });
});
