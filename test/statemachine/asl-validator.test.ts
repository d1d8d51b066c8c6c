import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  type AslDefinition,
  type AslState,
  functionArn,
  functionNameFromArn,
  loadStateMachineDefinition,
  REPO_ROOT,
  StateMachineDefinitionError,
} from '../../lib/sandbox/local-sfn/definition';
import { DESIGN_STATES } from '../support/design';

// asl-validator 4 ships no type declarations.
const aslValidator: (
  definition: unknown,
  options?: { checkArn?: boolean; checkPaths?: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string } = require('asl-validator');

/** The errors a Lambda Task can get from the Lambda service or from throttled AWS APIs. */
const THROTTLING_OR_LAMBDA = /^Lambda\.|Throttl|TooManyRequests/;

interface Retrier {
  readonly ErrorEquals: string[];
  readonly JitterStrategy?: string;
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
}

function load(): AslDefinition {
  return loadStateMachineDefinition().definition;
}

function tasks(definition: AslDefinition): [string, AslState][] {
  return Object.entries(definition.States).filter(([, state]) => state.Type === 'Task');
}

/** Every object in the definition, with its path, for whole-document checks. */
function walk(value: unknown, path: string, visit: (path: string, value: unknown) => void): void {
  visit(path, value);
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walk(item, `${path}[${i}]`, visit);
  } else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`, visit);
}

const dirs: string[] = [];
function tempFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'eks-asl-'));
  dirs.push(dir);
  const file = join(dir, 'machine.asl.yml');
  writeFileSync(file, text);
  return file;
}
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('statemachines/upgrade.asl.yml', () => {
  it('passes asl-validator with ARN and path checks on', () => {
    const result = aslValidator(load(), { checkArn: true, checkPaths: true });
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('given a copy with a Next that names no state, then asl-validator rejects it (the check can fail)', () => {
    const broken = load();
    (broken.States.ReasoningPhase as Record<string, unknown>).Next = 'NoSuchState';
    expect(aslValidator(broken, { checkArn: true, checkPaths: true }).isValid).toBe(false);
  });

  it('keeps the nine state names of the design', () => {
    const names = Object.keys(load().States);
    for (const name of DESIGN_STATES) expect(names).toContain(name);
    expect(load().StartAt).toBe('PerceptionPhase');
  });

  it('gives every Task Retry, Catch (States.ALL), TimeoutSeconds, ResultSelector and ResultPath', () => {
    const taskStates = tasks(load());
    expect(taskStates.map(([name]) => name).sort()).toEqual([
      'AbandonGreen',
      'AwaitApproval',
      'DecommissionBlue',
      'ExecutionPhase',
      'HandleFailure',
      'JudgeGreen',
      'PerceptionPhase',
      'ProvisionGreen',
      'ReasoningPhase',
      'RecordApproval',
      'RecordRejection',
      'ShiftBackToBlue',
      'ShiftTraffic',
      'TriggerRollback',
      'ValidationPhase',
      'WaitForWorkloads',
    ]);
    for (const [name, state] of taskStates) {
      const where = `Task ${name}`;
      expect([where, Array.isArray(state.Retry) && state.Retry.length > 0]).toEqual([where, true]);
      const catchers = state.Catch as { ErrorEquals: string[]; ResultPath?: string }[] | undefined;
      expect([where, catchers?.some((c) => c.ErrorEquals.includes('States.ALL'))]).toEqual([where, true]);
      // A caught error must not overwrite the state: it goes beside it.
      for (const catcher of catchers ?? [])
        expect([where, catcher.ResultPath]).toEqual([where, expect.stringMatching(/^\$\.\w+$/)]);
      expect([where, Number.isInteger(state.TimeoutSeconds) && Number(state.TimeoutSeconds) > 0]).toEqual([
        where,
        true,
      ]);
      expect([where, typeof state.ResultSelector]).toEqual([where, 'object']);
      expect([where, state.ResultPath]).toEqual([where, expect.stringMatching(/^\$\.\w+$/)]);
    }
  });

  it('retries Lambda service and throttling errors with full jitter', () => {
    let checked = 0;
    for (const [name, state] of tasks(load())) {
      const lambdaRetriers = (state.Retry as Retrier[]).filter((r) =>
        r.ErrorEquals.some((e) => THROTTLING_OR_LAMBDA.test(e)),
      );
      expect([name, lambdaRetriers.length > 0]).toEqual([name, true]);
      for (const retrier of lambdaRetriers) {
        checked += 1;
        expect([name, retrier.ErrorEquals, retrier.JitterStrategy]).toEqual([
          name,
          retrier.ErrorEquals,
          'FULL',
        ]);
        expect([name, Number(retrier.MaxAttempts) >= 2]).toEqual([name, true]);
      }
      // Every Task covers Lambda's throttling answer, the one that happens under load.
      expect([
        name,
        lambdaRetriers.some((r) => r.ErrorEquals.includes('Lambda.TooManyRequestsException')),
      ]).toEqual([name, true]);
    }
    expect(checked).toBeGreaterThanOrEqual(12);
  });

  it('uses JSONPath only: no JSONata, no Assign, no JSONata-only fields', () => {
    const definition = load();
    const offending: string[] = [];
    walk(definition, '$', (path, value) => {
      if (typeof value === 'string' && value.includes('{%')) offending.push(path);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
      for (const key of ['Assign', 'Arguments', 'Output', 'Condition', 'Items']) {
        if (key in value) offending.push(`${path}.${key}`);
      }
      if ('QueryLanguage' in value && value.QueryLanguage !== 'JSONPath')
        offending.push(`${path}.QueryLanguage`);
    });
    expect(offending).toEqual([]);
  });

  it('waits on the seconds the ExecutionPhase result carries', () => {
    const { States } = load();
    const selector = States.ExecutionPhase?.ResultSelector as Record<string, string>;
    expect(States.ExecutionPhase?.ResultPath).toBe('$.execution');
    expect(States.WaitForStep?.SecondsPath).toBe('$.execution.waitSeconds');
    expect(States.SoakBeforeValidation?.SecondsPath).toBe('$.execution.soakSeconds');
    expect(selector['waitSeconds.$']).toBe('$.waitSeconds');
    expect(selector['soakSeconds.$']).toBe('$.soakSeconds');
  });
});

describe('loadStateMachineDefinition', () => {
  it('turns every Fn::GetAtt [<function>, Arn] into the local function ARN and lists the functions', () => {
    const { definition, functionNames } = loadStateMachineDefinition();
    expect(functionNames).toEqual([
      'approval',
      'bluegreen',
      'execution',
      'perception',
      'reasoning',
      'rollback',
      'validation',
    ]);
    const resources = Object.fromEntries(tasks(definition).map(([name, state]) => [name, state.Resource]));
    expect(resources).toEqual({
      PerceptionPhase: 'arn:aws:lambda:us-east-1:000000000000:function:eks-upgrade-agent-local-perception',
      ReasoningPhase: 'arn:aws:lambda:us-east-1:000000000000:function:eks-upgrade-agent-local-reasoning',
      ExecutionPhase: 'arn:aws:lambda:us-east-1:000000000000:function:eks-upgrade-agent-local-execution',
      ValidationPhase: 'arn:aws:lambda:us-east-1:000000000000:function:eks-upgrade-agent-local-validation',
      TriggerRollback: 'arn:aws:lambda:us-east-1:000000000000:function:eks-upgrade-agent-local-rollback',
      HandleFailure: 'arn:aws:lambda:us-east-1:000000000000:function:eks-upgrade-agent-local-rollback',
      // The Lambda integration that waits for a task token names its function in Parameters.
      AwaitApproval: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      RecordApproval: 'arn:aws:lambda:us-east-1:000000000000:function:eks-upgrade-agent-local-approval',
      RecordRejection: 'arn:aws:lambda:us-east-1:000000000000:function:eks-upgrade-agent-local-approval',
      ...Object.fromEntries(
        [
          'ProvisionGreen',
          'WaitForWorkloads',
          'ShiftTraffic',
          'JudgeGreen',
          'ShiftBackToBlue',
          'DecommissionBlue',
          'AbandonGreen',
        ].map((name) => [
          name,
          'arn:aws:lambda:us-east-1:000000000000:function:eks-upgrade-agent-local-bluegreen',
        ]),
      ),
    });
    let intrinsics = 0;
    walk(definition, '$', (_path, value) => {
      if (typeof value === 'object' && value !== null && 'Fn::GetAtt' in value) intrinsics += 1;
    });
    expect(intrinsics).toBe(0);
    expect(definition.States.AwaitApproval?.Parameters).toMatchObject({
      FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:eks-upgrade-agent-local-approval',
      Payload: { 'taskToken.$': '$$.Task.Token', 'timeoutSeconds.$': '$.plan.approval.timeoutSeconds' },
    });
  });

  it('bounds the wait for an approval by the configured timeout in the deployed file, and by a fixed hour locally (virtual time decides there)', () => {
    const file = parse(
      readFileSync(join(__dirname, '..', '..', 'statemachines', 'upgrade.asl.yml'), 'utf8'),
      {
        merge: true,
      },
    ) as AslDefinition;
    const deployed = file.States.AwaitApproval;
    expect(deployed?.TimeoutSecondsPath).toBe('$.plan.approval.timeoutSeconds');
    expect(deployed?.TimeoutSeconds).toBeUndefined();
    const local = load().States.AwaitApproval;
    expect(local?.TimeoutSecondsPath).toBeUndefined();
    expect(local?.TimeoutSeconds).toBe(3600);
  });

  it('resolves the YAML aliases into separate objects (no state shares another one Retry)', () => {
    const { States } = load();
    const perception = States.PerceptionPhase?.Retry as Retrier[];
    const reasoning = States.ReasoningPhase?.Retry as Retrier[];
    expect(reasoning).toEqual(perception);
    expect(reasoning).not.toBe(perception);
    expect(States.ReasoningPhase?.Catch).toEqual(States.PerceptionPhase?.Catch);
    expect(States.ReasoningPhase?.Catch).not.toBe(States.PerceptionPhase?.Catch);
  });

  it('reads the file from the repository root whatever the working directory', () => {
    const cwd = process.cwd();
    try {
      process.chdir(tmpdir());
      expect(loadStateMachineDefinition().definition).toEqual(load());
    } finally {
      process.chdir(cwd);
    }
    expect(
      loadStateMachineDefinition(join(REPO_ROOT, 'statemachines', 'upgrade.asl.yml')).definition,
    ).toEqual(load());
  });

  it('given a missing file, then StateMachineDefinitionError naming it', () => {
    expect(() => loadStateMachineDefinition('statemachines/nope.asl.yml')).toThrow(
      StateMachineDefinitionError,
    );
    expect(() => loadStateMachineDefinition('statemachines/nope.asl.yml')).toThrow(/nope\.asl\.yml/);
  });

  it.each([
    ['a Ref resource', 'Resource:\n      Ref: perception', /States\.A\.Resource cannot be run locally/],
    [
      'a GetAtt of another attribute',
      'Resource:\n      Fn::GetAtt: [perception, Name]',
      /States\.A\.Resource cannot be run locally/,
    ],
    [
      'a service integration',
      'Resource: arn:aws:states:::events:putEvents',
      /States\.A\.Resource cannot be run locally/,
    ],
    [
      'an intrinsic elsewhere',
      'Resource:\n      Fn::GetAtt: [perception, Arn]\n    Parameters:\n      bus:\n        Fn::Sub: x',
      /\$\.States\.A\.Parameters\.bus\.Fn::Sub is a CloudFormation intrinsic/,
    ],
    [
      'a serverless variable',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a serverless variable, not a template
      'Resource:\n      Fn::GetAtt: [perception, Arn]\n    Parameters:\n      stage: ${sls:stage}',
      /serverless variable/,
    ],
  ])('given %s, then StateMachineDefinitionError', (_what, resource, message) => {
    const file = tempFile(`StartAt: A\nStates:\n  A:\n    Type: Task\n    ${resource}\n    End: true\n`);
    expect(() => loadStateMachineDefinition(file)).toThrow(StateMachineDefinitionError);
    expect(() => loadStateMachineDefinition(file)).toThrow(message);
  });

  it('resolves Tasks inside Parallel branches too, and applies YAML merge keys', () => {
    const file = tempFile(
      [
        'StartAt: P',
        'States:',
        '  P:',
        '    Type: Parallel',
        '    End: true',
        '    Branches:',
        '      - StartAt: B',
        '        States:',
        '          B: &task',
        '            Type: Task',
        '            Resource:',
        '              Fn::GetAtt: [validation, Arn]',
        '            End: true',
        '      - StartAt: C',
        '        States:',
        '          C:',
        '            <<: *task',
        '            TimeoutSeconds: 5',
      ].join('\n'),
    );
    const { definition, functionNames } = loadStateMachineDefinition(file);
    expect(functionNames).toEqual(['validation']);
    const branches = definition.States.P?.Branches as AslDefinition[];
    expect(branches[1]?.States.C).toEqual({
      Type: 'Task',
      Resource: functionArn('validation'),
      End: true,
      TimeoutSeconds: 5,
    });
  });
});

describe('functionArn and functionNameFromArn', () => {
  it('round-trip a serverless function name', () => {
    expect(functionArn('rollback')).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:eks-upgrade-agent-local-rollback',
    );
    expect(functionNameFromArn(functionArn('rollback'))).toBe('rollback');
  });

  it.each([
    'arn:aws:lambda:us-east-1:123456789012:function:eks-upgrade-agent-local-rollback',
    'arn:aws:lambda:us-east-1:000000000000:function:eks-upgrade-agent-prod-rollback',
    'arn:aws:lambda:us-east-1:000000000000:function:eks-upgrade-agent-local-',
    'arn:aws:lambda:us-east-1:000000000000:function:eks-upgrade-agent-local-rollback:live',
  ])('given %s, then StateMachineDefinitionError', (arn) => {
    expect(() => functionNameFromArn(arn)).toThrow(StateMachineDefinitionError);
  });

  it('given a name Lambda would refuse, then StateMachineDefinitionError', () => {
    expect(() => functionArn('roll back')).toThrow(StateMachineDefinitionError);
    expect(() => functionArn('x'.repeat(60))).toThrow(StateMachineDefinitionError);
  });
});
