import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { AgentError } from '../../domain/errors';
import { DEFAULT_EXECUTION_TIMEOUT_SECONDS } from './limits';

/**
 * Loads statemachines/upgrade.asl.yml - the file serverless.yml deploys - for
 * aws-local-stepfunctions: CloudFormation's `Fn::GetAtt: [<function>, Arn]`
 * Resources become local Lambda ARNs, so the definition that runs locally is the
 * deployed one, state for state.
 */

/** The repository root, from this file's place in it (lib/sandbox/local-sfn), not from the cwd. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

export const DEFAULT_DEFINITION_PATH = 'statemachines/upgrade.asl.yml';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';
/** Prefix of the local functions' names (serverless' `<service>-<stage>-` with the stage `local`). */
export const LOCAL_FUNCTION_PREFIX = 'eks-upgrade-agent-local-';

const FUNCTION_ARN_PREFIX = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${LOCAL_FUNCTION_PREFIX}`;
/** Lambda's rule for function names, less the prefix this module adds. */
const FUNCTION_NAME = /^[A-Za-z0-9_-]+$/;
const MAX_FUNCTION_NAME_LENGTH = 64 - LOCAL_FUNCTION_PREFIX.length;

/** A local run's real-time bound on a task-token Task (a parked execution is not waiting in it). */
const LOCAL_TOKEN_TIMEOUT_SECONDS = 3600;

/** The Lambda integration that waits for a task token (SendTaskSuccess / SendTaskFailure). */
export const WAIT_FOR_TASK_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/**
 * The function a resolved Task state calls, and whether it then waits for its task
 * token; undefined for a state that is not a Task of this definition.
 */
export function taskFunction(state: AslState): { name: string; waitsForToken: boolean } | undefined {
  if (state.Type !== 'Task') return undefined;
  if (state.Resource === WAIT_FOR_TASK_TOKEN) {
    const parameters = state.Parameters as Record<string, unknown> | undefined;
    return { name: functionNameFromArn(String(parameters?.FunctionName)), waitsForToken: true };
  }
  return typeof state.Resource === 'string'
    ? { name: functionNameFromArn(state.Resource), waitsForToken: false }
    : undefined;
}

/** A state of the definition: its Type and whatever else the ASL gives it. */
export interface AslState {
  readonly Type: string;
  readonly [field: string]: unknown;
}

/** The loaded definition (plain JSON: no shared objects, no CloudFormation left). */
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
  readonly [field: string]: unknown;
}

export interface LoadedDefinition {
  readonly definition: AslDefinition;
  /** The functions the Task states call, by their serverless.yml names, sorted, once each. */
  readonly functionNames: string[];
}

/** The state machine file cannot be read, parsed, or turned into a runnable definition. */
export class StateMachineDefinitionError extends AgentError {
  override readonly name = 'StateMachineDefinitionError';
  readonly retryable = false;
}

/** The local Lambda ARN of a serverless.yml function name. */
export function functionArn(name: string): string {
  if (!FUNCTION_NAME.test(name) || name.length > MAX_FUNCTION_NAME_LENGTH) {
    throw new StateMachineDefinitionError(
      `"${name}" is not a Lambda function name (letters, digits, - and _, at most ${MAX_FUNCTION_NAME_LENGTH} characters)`,
    );
  }
  return `${FUNCTION_ARN_PREFIX}${name}`;
}

/**
 * The serverless.yml function name inside a local Lambda ARN (the inverse of functionArn).
 * @throws StateMachineDefinitionError for any other ARN.
 */
export function functionNameFromArn(arn: string): string {
  const name = arn.startsWith(FUNCTION_ARN_PREFIX) ? arn.slice(FUNCTION_ARN_PREFIX.length) : '';
  if (name === '' || !FUNCTION_NAME.test(name) || name.length > MAX_FUNCTION_NAME_LENGTH) {
    throw new StateMachineDefinitionError(
      `"${arn}" is not a local function ARN (${FUNCTION_ARN_PREFIX}<name>)`,
    );
  }
  return name;
}

/**
 * Reads and resolves the state machine definition.
 * @param path relative to the repository root, or absolute.
 * @throws StateMachineDefinitionError when the file cannot be read or parsed, or when
 *   anything in it needs CloudFormation or serverless to resolve other than a Task's
 *   `Fn::GetAtt: [<function>, Arn]`.
 */
export function loadStateMachineDefinition(path: string = DEFAULT_DEFINITION_PATH): LoadedDefinition {
  const file = isAbsolute(path) ? path : resolve(REPO_ROOT, path);
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(file, 'utf8'), { merge: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StateMachineDefinitionError(`cannot load the state machine definition ${file}: ${reason}`, {
      cause: error,
    });
  }
  // A JSON round trip, not structuredClone: YAML aliases (*lambdaRetry) parse to one
  // shared object, and structuredClone would keep them shared.
  const definition: unknown = JSON.parse(JSON.stringify(parsed ?? null));
  const functionNames = new Set<string>();
  resolveMachine(definition, '$', functionNames);
  rejectUnresolved(definition, '$');
  return { definition: definition as AslDefinition, functionNames: [...functionNames].sort() };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Resolves the Task Resources of a (sub-)state machine: the top level, a Parallel branch, a Map processor. */
function resolveMachine(machine: unknown, at: string, functionNames: Set<string>): void {
  if (!isRecord(machine) || typeof machine.StartAt !== 'string' || !isRecord(machine.States)) {
    throw new StateMachineDefinitionError(`${at} is not a state machine (StartAt and States are required)`);
  }
  for (const [name, state] of Object.entries(machine.States)) {
    const where = `${at}.States.${name}`;
    if (!isRecord(state) || typeof state.Type !== 'string') {
      throw new StateMachineDefinitionError(`${where} is not a state (Type is required)`);
    }
    if (state.Type === 'Task' && state.Resource === WAIT_FOR_TASK_TOKEN && isRecord(state.Parameters)) {
      // The Lambda integration that waits for a task token: the function is a parameter.
      const fn = taskFunctionName(state.Parameters.FunctionName, `${where}.Parameters.FunctionName`);
      state.Parameters.FunctionName = functionArn(fn);
      functionNames.add(fn);
      // Locally nobody waits in real time: the answers (lib/sandbox) time the token out in
      // virtual time. aws-local-stepfunctions would also read TimeoutSecondsPath from the
      // input after Parameters, where Step Functions reads it from the state's input.
      if (state.TimeoutSecondsPath !== undefined) {
        delete state.TimeoutSecondsPath;
        state.TimeoutSeconds = LOCAL_TOKEN_TIMEOUT_SECONDS;
      }
    } else if (state.Type === 'Task') {
      const fn = taskFunctionName(state.Resource, where);
      state.Resource = functionArn(fn);
      functionNames.add(fn);
    }
    if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
      state.Branches.forEach((branch, i) => {
        resolveMachine(branch, `${where}.Branches[${i}]`, functionNames);
      });
    }
    if (state.Type === 'Map') {
      for (const key of ['ItemProcessor', 'Iterator'] as const) {
        if (state[key] !== undefined) resolveMachine(state[key], `${where}.${key}`, functionNames);
      }
    }
  }
}

function taskFunctionName(resource: unknown, where: string): string {
  if (isRecord(resource) && Object.keys(resource).length === 1 && Array.isArray(resource['Fn::GetAtt'])) {
    const [name, attribute, ...rest] = resource['Fn::GetAtt'];
    if (typeof name === 'string' && attribute === 'Arn' && rest.length === 0) return name;
  }
  if (typeof resource === 'string') {
    try {
      return functionNameFromArn(resource);
    } catch {
      // Reported below with the state's path.
    }
  }
  throw new StateMachineDefinitionError(
    `${where}.Resource cannot be run locally: ${JSON.stringify(resource)}; expected { Fn::GetAtt: [<function>, Arn] }`,
  );
}

const CFN_INTRINSIC = /^(Fn::|Ref$)/;
/** serverless variables (${self:...}, ${sls:stage}, ${env:X}): nothing resolves them locally. */
const SERVERLESS_VARIABLE = /\$\{[^}]*\}/;

/** Anything CloudFormation or serverless would still have had to resolve. */
function rejectUnresolved(value: unknown, at: string): void {
  if (typeof value === 'string') {
    if (SERVERLESS_VARIABLE.test(value)) {
      throw new StateMachineDefinitionError(
        `${at} holds a serverless variable that cannot be resolved locally: ${value}`,
      );
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      rejectUnresolved(item, `${at}[${i}]`);
    });
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, item] of Object.entries(value)) {
    if (CFN_INTRINSIC.test(key)) {
      throw new StateMachineDefinitionError(
        `${at}.${key} is a CloudFormation intrinsic that cannot be resolved locally: ${JSON.stringify(item)}`,
      );
    }
    rejectUnresolved(item, `${at}.${key}`);
  }
}

/**
 * The definition's own TimeoutSeconds (Step Functions' one year when it sets none):
 * the time an execution has, as the schedule guard of the execution phase needs it.
 */
export function executionTimeoutSeconds(path: string = DEFAULT_DEFINITION_PATH): number {
  const timeout = loadStateMachineDefinition(path).definition.TimeoutSeconds;
  return typeof timeout === 'number' ? timeout : DEFAULT_EXECUTION_TIMEOUT_SECONDS;
}
