import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { AgentError } from '../../domain/errors';
import {
  type AslDefinition,
  type AslState,
  DEFAULT_DEFINITION_PATH,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  loadStateMachineDefinition,
  taskFunction,
} from './definition';
import {
  DEFAULT_EXECUTION_TIMEOUT_SECONDS,
  HISTORY_EVENTS,
  MAX_HISTORY_EVENTS,
  MAX_PAYLOAD_BYTES,
} from './limits';

/**
 * Runs statemachines/upgrade.asl.yml in aws-local-stepfunctions, with the Lambda
 * functions called in-process. Nothing sleeps: a Wait state is reported to `onWait`
 * (the sandbox moves virtual time on) and then passes at once; retry intervals are 0.
 *
 * Waits: the library lets a Wait state's duration be overridden, but tells nobody what
 * the state would have waited. So every Wait state's override is a getter that, when
 * the library reads it (the Wait state is executing), opens a barrier; the event-log
 * consumer reads the seconds from that Wait's StateEntered input (InputPath, then
 * Seconds or SecondsPath, as Step Functions does), awaits onWait, and closes the
 * barrier (a Timestamp or TimestampPath wait: the seconds from the `now` option's clock
 * to that time, never less than 0). Every Task awaits the open barriers before it calls its function, so a
 * function never runs before the wait before it has been reported - whatever the
 * timing of the library's event queue - and the seconds come from the state machine's
 * own data, not from guessing which Task's result the Wait reads.
 */

installPromiseWithResolvers();

export const LOCAL_STATE_MACHINE_NAME = 'eks-upgrade-agent-local-upgrade';
export const LOCAL_STATE_MACHINE_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${LOCAL_STATE_MACHINE_NAME}`;

export {
  DEFAULT_EXECUTION_TIMEOUT_SECONDS,
  HISTORY_EVENTS,
  MAX_EVENT_ENTRY_BYTES,
  MAX_HISTORY_EVENTS,
  MAX_PAYLOAD_BYTES,
} from './limits';

/** The execution ARN a local run of `executionName` has (its `$$.Execution.Id`). */
export function localExecutionArn(executionName: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${LOCAL_STATE_MACHINE_NAME}:${executionName}`;
}

/** A Lambda function called in-process: its event in, its result out (thrown errors fail the Task). */
export type TaskHandler = (input: unknown) => Promise<unknown>;

/** The task token a local execution's `.waitForTaskToken` Task gets (its `$$.Task.Token`). */
export function localTaskToken(executionName: string): string {
  return `local-task-token:${executionName}`;
}

/** An answer to a task token: SendTaskSuccess's output, or SendTaskFailure's error and cause. */
export type TaskTokenAnswer =
  | { readonly kind: 'success'; readonly output: unknown }
  | { readonly kind: 'failure'; readonly error: string; readonly cause?: string };

/**
 * Where the answers to task tokens come from (the sandbox's ApprovalDecider writes
 * them). Without it, a `.waitForTaskToken` Task's output is its function's result.
 */
export interface TaskTokenAnswers {
  /** The answer given for `token` so far; undefined while there is none. */
  answer(token: string): Promise<TaskTokenAnswer | undefined>;
}

/** An execution stopped at a `.waitForTaskToken` Task nobody has answered yet: still RUNNING. */
export interface ParkedExecution {
  /** The Task state it waits in, and that state's input: where and how it resumes (`startAt`). */
  readonly state: string;
  readonly input: unknown;
  readonly token: string;
}

export interface LocalStateEvent {
  readonly type: 'StateEntered' | 'StateExited' | 'StateFailed' | 'StateRetried' | 'StateCaught';
  /** The state's name. */
  readonly state: string;
  readonly stateType: string;
  readonly input: unknown;
  /** StateExited only. */
  readonly output?: unknown;
  /** StateFailed only: the Step Functions error name and cause. */
  readonly error?: string;
  readonly cause?: string;
  /** StateRetried only: the retry's number (1 for the first retry). */
  readonly attempt?: number;
}

export interface RunUpgradeOptions {
  /** The execution input (the trigger's `{ upgradeId, request }`). */
  readonly input: unknown;
  /** The execution name: 1-80 characters, none of Step Functions' forbidden ones. */
  readonly executionName: string;
  /** The functions by their serverless.yml names; every Task's function must be here. */
  readonly handlers: Readonly<Record<string, TaskHandler>>;
  /** Called, and awaited, before a Wait state passes, with the seconds it would have waited. */
  readonly onWait?: (seconds: number, stateName: string) => void | Promise<void>;
  /**
   * Real sleeping before a retry, as a fraction of the retrier's IntervalSeconds
   * (backoff and jitter are not applied). Default 0: retries happen at once.
   */
  readonly retryIntervalScale?: number;
  /** Every state event, in order (entered, exited, failed, retried, caught). */
  readonly onStateEvent?: (event: LocalStateEvent) => void;
  /** Another definition file (relative to the repository root, or absolute). */
  readonly definitionPath?: string;
  /**
   * Answers to task tokens. An unanswered `.waitForTaskToken` Task parks the execution:
   * it ends this run with status RUNNING and `parked`, and a later run with
   * `startAt: parked.state` and `input: parked.input` goes on once the answer is there
   * (the function is not called again).
   */
  readonly taskTokens?: TaskTokenAnswers;
  /** Aborting it stops the execution (status ABORTED), as StopExecution would. */
  readonly signal?: AbortSignal;
  /**
   * The state to begin at instead of the definition's StartAt, with `input` as that
   * state's input: how the local Step Functions resumes an execution whose process died.
   */
  readonly startAt?: string;
  /**
   * The execution's clock (the sandbox's virtual time), read when a Wait state with a
   * Timestamp or TimestampPath is entered: it waits until then from this now. Default
   * the real clock.
   */
  readonly now?: () => Date;
}

/** RUNNING: parked at a task token nobody has answered yet (`parked`). */
export type LocalExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT' | 'RUNNING';

export interface LocalExecutionResult {
  readonly executionArn: string;
  readonly status: LocalExecutionStatus;
  /** SUCCEEDED only. */
  readonly output?: unknown;
  /** FAILED only: the execution's error and cause (a Fail state's Error and Cause). */
  readonly error?: string;
  readonly cause?: string;
  /** Every state entered, in order (a state entered twice is listed twice). */
  readonly statesVisited: string[];
  /** Calls per function (serverless.yml name), retries included. */
  readonly taskInvocations: Record<string, number>;
  /** Every Wait state passed, with the seconds it would have waited. */
  readonly waits: { state: string; seconds: number }[];
  /** Every retry, with the error that caused it and the retry's number. */
  readonly retries: { state: string; error: string; attempt: number }[];
  /** The largest state input or output of the run, in bytes of JSON (the quota is MAX_PAYLOAD_BYTES). */
  readonly largestState: { state: string; bytes: number };
  /** Events of the execution's history, counted as Step Functions writes them (limits.ts HISTORY_EVENTS). */
  readonly historyEvents: number;
  /** Seconds the execution spent waiting (virtual time: every Wait state's seconds). */
  readonly waitedSeconds: number;
  /** RUNNING only: the task token it waits for, and how to resume it. */
  readonly parked?: ParkedExecution;
}

/** The local run cannot start: a bad execution name or input, a missing function, a bad option. */
export class InvalidLocalRunError extends AgentError {
  override readonly name = 'InvalidLocalRunError';
  readonly retryable = false;
}

/**
 * An error Step Functions raises itself and that no Retry or Catch handles, not even
 * States.ALL (States.Runtime, States.DataLimitExceeded).
 */
export class TerminalStatesError extends AgentError {
  override readonly name: string;
  readonly retryable = false;
  /** Read by aws-local-stepfunctions: false keeps every Retry and Catch away. */
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(name: 'States.Runtime' | 'States.DataLimitExceeded' | 'States.Timeout', message: string) {
    super(message);
    this.name = name;
  }
}

type Overrides = NonNullable<RunOptions['overrides']>;
type LocalHandlers = NonNullable<Overrides['taskResourceLocalHandlers']>;
type JsonValue = Parameters<LocalHandlers[string]>[0];
type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve: () => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A barrier nobody awaits any more (the run has ended) must not be an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/**
 * Runs one execution of the upgrade state machine to its end.
 * @throws InvalidLocalRunError before anything runs, for a bad name, input, option or missing function.
 * @throws whatever onWait or onStateEvent throws (the execution is stopped first).
 */
export async function runUpgradeStateMachine(options: RunUpgradeOptions): Promise<LocalExecutionResult> {
  const { definition } = loadStateMachineDefinition(options.definitionPath ?? DEFAULT_DEFINITION_PATH);
  checkExecutionName(options.executionName);
  const input = jsonInput(options.input);
  const scale = options.retryIntervalScale ?? 0;
  if (!Number.isFinite(scale) || scale < 0) {
    throw new InvalidLocalRunError(`retryIntervalScale must be a number >= 0, got ${scale}`);
  }
  const states = allStates(definition);
  if (options.startAt !== undefined && !Object.hasOwn(definition.States, options.startAt)) {
    throw new InvalidLocalRunError(`cannot start at ${options.startAt}: the state machine has no such state`);
  }

  const statesVisited: string[] = [];
  const taskInvocations: Record<string, number> = {};
  const waits: { state: string; seconds: number }[] = [];
  const retries: { state: string; error: string; attempt: number }[] = [];
  let largestState = { state: '', bytes: 0 };
  let harnessError: { error: unknown } | undefined;
  // Once the run is stopped (aborted, or a callback failed) no function is called any more.
  let stopped = false;
  const interrupted = new TerminalStatesError('States.Runtime', 'the local run was stopped');
  let terminalError: TerminalStatesError | undefined;
  let historyEvents: number = HISTORY_EVENTS.executionStarted;
  let waitedSeconds = 0;
  const timeoutSeconds =
    typeof definition.TimeoutSeconds === 'number'
      ? definition.TimeoutSeconds
      : DEFAULT_EXECUTION_TIMEOUT_SECONDS;
  // Set when the execution ran out of time or history: it ends so, whatever runs after.
  let limitReached: { status: 'TIMED_OUT' | 'FAILED'; error: string; cause: string } | undefined;

  // Wait barriers: opened when the library executes a Wait, closed once onWait has returned.
  const openWaits: { state: string; barrier: Deferred }[] = [];
  let allWaitsReported: Promise<void> = Promise.resolve();
  const waitTimeOverrides: Record<string, number> = {};
  for (const [name, state] of states) {
    if (state.Type !== 'Wait') continue;
    Object.defineProperty(waitTimeOverrides, name, {
      enumerable: true,
      get: () => {
        const barrier = deferred();
        if (harnessError) barrier.reject(interrupted);
        openWaits.push({ state: name, barrier });
        const previous = allWaitsReported;
        allWaitsReported = previous.then(() => barrier.promise);
        allWaitsReported.catch(() => {});
        return 0;
      },
    });
  }

  const taskResourceLocalHandlers: LocalHandlers = {};
  const missing = new Set<string>();
  const token = localTaskToken(options.executionName);
  let parkedAt: string | undefined;
  for (const [name, state] of states) {
    const task = taskFunction(state);
    if (task === undefined) continue;
    const fn = task.name;
    const handler = options.handlers[fn];
    if (handler === undefined) {
      missing.add(fn);
      continue;
    }
    const answers = task.waitsForToken ? options.taskTokens : undefined;
    taskResourceLocalHandlers[name] = async (taskInput: JsonValue): Promise<JsonValue> => {
      await allWaitsReported;
      if (stopped) throw interrupted;
      // Resumed after its answer came: the function ran before the execution was parked.
      const given = await answers?.answer(token);
      if (given !== undefined) return answered(given, name, fn);
      if (historyEvents + HISTORY_EVENTS.lambdaCall + HISTORY_EVENTS.executionEnded > MAX_HISTORY_EVENTS) {
        limitReached ??= {
          status: 'FAILED',
          error: 'States.Runtime',
          cause: `the execution history reached ${MAX_HISTORY_EVENTS} events, Step Functions' quota, in state ${name}`,
        };
        stopped = true;
        run.abort();
        throw interrupted;
      }
      historyEvents += HISTORY_EVENTS.lambdaCall;
      taskInvocations[fn] = (taskInvocations[fn] ?? 0) + 1;
      // The Lambda integration's Parameters carry the function's event as Payload.
      const event = task.waitsForToken ? (taskInput as { Payload?: JsonValue }).Payload : taskInput;
      let result: unknown;
      try {
        result = await handler(structuredClone(event));
      } catch (error) {
        throw asLambdaError(error);
      }
      if (answers === undefined) return taskResult(result, name, fn);
      const now = await answers.answer(token);
      if (now !== undefined) return answered(now, name, fn);
      // Nobody has answered: the execution waits (RUNNING) without this process.
      parkedAt = name;
      stopped = true;
      run.abort();
      throw interrupted;
    };
  }
  if (missing.size > 0) {
    throw new InvalidLocalRunError(
      `no handler for the function(s) ${[...missing].sort().join(', ')} (handlers given: ${Object.keys(options.handlers).sort().join(', ') || 'none'})`,
    );
  }

  const retryIntervalOverrides: Record<string, number | number[]> = {};
  for (const [name, state] of states) {
    if (!Array.isArray(state.Retry)) continue;
    retryIntervalOverrides[name] =
      scale === 0
        ? 0
        : state.Retry.map((retrier: unknown) => Math.round(intervalSeconds(retrier) * 1000 * scale));
  }

  const machine = stateMachineFor(
    options.startAt === undefined ? definition : startingAt(definition, options.startAt),
  );
  const run = machine.run(input, {
    overrides: { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides },
    context: {
      Execution: {
        Id: localExecutionArn(options.executionName),
        Name: options.executionName,
        RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${LOCAL_STATE_MACHINE_NAME}`,
      },
      StateMachine: { Id: LOCAL_STATE_MACHINE_ARN, Name: LOCAL_STATE_MACHINE_NAME },
      // One token per execution: the state machine has one Task that waits for one.
      Task: { Token: token },
    },
  });

  // The caller's callback failed: no function may run any more, and the execution stops.
  const stop = (error: unknown, current?: Deferred) => {
    harnessError ??= { error };
    stopped = true;
    current?.reject(interrupted);
    for (const open of openWaits.splice(0)) open.barrier.reject(interrupted);
    run.abort();
  };
  const onAbort = () => {
    stopped = true;
    run.abort();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const measure = (state: string, value: unknown) => {
    const bytes = Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
    if (bytes > largestState.bytes) largestState = { state, bytes };
  };
  const failedWith = new Map<string, string>();
  const enteredWith = new Map<string, unknown>();

  const consume = async (events: AsyncGenerator<EventLog>) => {
    for await (const event of events) {
      if (harnessError) continue;
      const stateEvent = toStateEvent(event);
      if (stateEvent === undefined) continue;
      const { state } = stateEvent;
      switch (stateEvent.type) {
        case 'StateEntered':
          historyEvents += HISTORY_EVENTS.stateEntered;
          statesVisited.push(state);
          enteredWith.set(state, stateEvent.input);
          measure(state, stateEvent.input);
          break;
        case 'StateExited':
          historyEvents += HISTORY_EVENTS.stateExited;
          measure(state, stateEvent.output);
          break;
        case 'StateFailed':
          failedWith.set(state, stateEvent.error ?? 'unknown');
          break;
        case 'StateRetried':
          retries.push({
            state,
            error: failedWith.get(state) ?? 'unknown',
            attempt: stateEvent.attempt ?? 0,
          });
          break;
        default:
          break;
      }
      // The barrier of a Wait state being entered: closed below, or rejected if anything goes wrong.
      const open =
        stateEvent.type === 'StateEntered' && stateEvent.stateType === 'Wait' ? openWaits.shift() : undefined;
      try {
        options.onStateEvent?.(stateEvent);
        if (stateEvent.type === 'StateEntered' && stateEvent.stateType === 'Wait') {
          if (open === undefined || open.state !== state) {
            throw new Error(`the local runner lost track of Wait state ${state}`);
          }
          let seconds: number;
          try {
            seconds = waitSeconds(states.get(state), stateEvent.input, state, options.now?.() ?? new Date());
          } catch (error) {
            // Step Functions fails the execution; here the next Task fails with it.
            const terminal =
              error instanceof TerminalStatesError
                ? error
                : new TerminalStatesError('States.Runtime', String(error));
            terminalError ??= terminal;
            open.barrier.reject(terminal);
            continue;
          }
          if (waitedSeconds + seconds > timeoutSeconds) {
            // Step Functions times the execution out in the middle of this wait: no Catch runs.
            const left = timeoutSeconds - waitedSeconds;
            waitedSeconds = timeoutSeconds;
            waits.push({ state, seconds: left });
            await options.onWait?.(left, state);
            limitReached ??= {
              status: 'TIMED_OUT',
              error: 'States.Timeout',
              cause: `the execution reached its TimeoutSeconds (${timeoutSeconds}) in Wait state ${state}`,
            };
            stopped = true;
            open.barrier.reject(interrupted);
            run.abort();
            continue;
          }
          waitedSeconds += seconds;
          waits.push({ state, seconds });
          await options.onWait?.(seconds, state);
          open.barrier.resolve();
        }
      } catch (error) {
        stop(error, open?.barrier);
      }
    }
  };
  const consumed = consume(run.eventLogs);

  let outcome: Pick<LocalExecutionResult, 'status' | 'output' | 'error' | 'cause'>;
  try {
    outcome = { status: 'SUCCEEDED', output: await run.result };
  } catch (error) {
    outcome = failure(error);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  await consumed;
  const leftover = new TerminalStatesError('States.Runtime', 'the execution ended');
  for (const open of openWaits.splice(0)) open.barrier.reject(leftover);
  if (harnessError) throw harnessError.error;
  // A Wait that could not be evaluated fails the execution even if no Task came after it.
  if (outcome.status === 'SUCCEEDED' && terminalError) {
    outcome = { status: 'FAILED', error: terminalError.name, cause: terminalError.message };
  }
  if (limitReached) outcome = limitReached;
  const parked =
    parkedAt !== undefined && !limitReached && !options.signal?.aborted
      ? { state: parkedAt, input: enteredWith.get(parkedAt), token }
      : undefined;
  if (parked) outcome = { status: 'RUNNING' };
  else historyEvents += HISTORY_EVENTS.executionEnded;
  // The library reports some events after the check: a history at its quota is as long as the quota.
  if (limitReached?.status === 'FAILED') historyEvents = Math.min(historyEvents, MAX_HISTORY_EVENTS);

  return {
    executionArn: localExecutionArn(options.executionName),
    ...outcome,
    statesVisited,
    taskInvocations,
    waits,
    retries,
    largestState,
    historyEvents,
    waitedSeconds,
    ...(parked ? { parked } : {}),
  };
}

/** A task token's answer as the Task's result: the output, or the error SendTaskFailure named. */
function answered(answer: TaskTokenAnswer, state: string, fn: string): JsonValue {
  if (answer.kind === 'success') return taskResult(answer.output, state, fn);
  const error = new Error(answer.cause ?? '');
  error.name = answer.error;
  throw error;
}

/** One machine per definition text: the library's validation (asl-validator) costs 100-300 ms a run. */
const machines = new Map<string, StateMachine>();

function stateMachineFor(definition: AslDefinition): StateMachine {
  const key = JSON.stringify(definition);
  let machine = machines.get(key);
  if (machine === undefined) {
    // The library validates the definition (ARNs and paths included) and annotates it: it gets its own copy.
    machine = new StateMachine(JSON.parse(key) as StateMachineDefinition);
    machines.set(key, machine);
  }
  return machine;
}

function failure(error: unknown): Pick<LocalExecutionResult, 'status' | 'error' | 'cause'> {
  if (error instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout' };
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  if (error instanceof ExecutionError) {
    const caught = error.cause;
    if (caught instanceof Error) return { status: 'FAILED', error: caught.name, cause: caught.message };
    return { status: 'FAILED', error: 'States.Runtime', cause: error.message };
  }
  throw error;
}

function toStateEvent(event: EventLog): LocalStateEvent | undefined {
  switch (event.type) {
    case 'StateEntered':
    case 'StateExited':
    case 'StateRetried':
    case 'StateCaught':
    case 'StateFailed': {
      const base = {
        type: event.type,
        state: event.state.name,
        stateType: event.state.type,
        input: event.state.input,
      };
      if (event.type === 'StateExited') return { ...base, output: event.state.output };
      if (event.type === 'StateFailed') return { ...base, error: event.Error, cause: String(event.Cause) };
      if (event.type === 'StateRetried') return { ...base, attempt: event.retry.attempt };
      return base;
    }
    default:
      return undefined;
  }
}

/** Every state by name, those of Parallel branches and Map processors included. */
/**
 * The definition begun at `startAt`, without the states that cannot be reached from
 * there (the library, like Step Functions, refuses a definition with unreachable states).
 */
function startingAt(definition: AslDefinition, startAt: string): AslDefinition {
  const reachable = new Set<string>();
  const visit = (name: unknown) => {
    if (typeof name !== 'string' || reachable.has(name)) return;
    const state = definition.States[name];
    if (state === undefined) return;
    reachable.add(name);
    visit(state.Next);
    visit(state.Default);
    for (const list of [state.Choices, state.Catch]) {
      if (Array.isArray(list)) for (const item of list) visit((item as { Next?: unknown }).Next);
    }
  };
  visit(startAt);
  const states = Object.fromEntries(
    Object.entries(definition.States).filter(([name]) => reachable.has(name)),
  );
  return { ...definition, StartAt: startAt, States: states };
}

function allStates(definition: AslDefinition): Map<string, AslState> {
  const found = new Map<string, AslState>();
  const walk = (machine: unknown) => {
    if (typeof machine !== 'object' || machine === null || !('States' in machine)) return;
    const states = machine.States;
    if (typeof states !== 'object' || states === null) return;
    for (const [name, state] of Object.entries(states as Record<string, AslState>)) {
      found.set(name, state);
      if (Array.isArray(state.Branches)) for (const branch of state.Branches) walk(branch);
      walk(state.ItemProcessor);
      walk(state.Iterator);
    }
  };
  walk(definition);
  return found;
}

function intervalSeconds(retrier: unknown): number {
  if (typeof retrier === 'object' && retrier !== null && 'IntervalSeconds' in retrier) {
    const value = retrier.IntervalSeconds;
    if (typeof value === 'number') return value;
  }
  return 1;
}

/** Step Functions' rule for execution names. */
function checkExecutionName(name: string): void {
  const forbidden = [...name].find((c) => {
    const code = c.codePointAt(0) ?? 0;
    return (
      /\s/.test(c) || '<>{}[]?*"#%\\^|~`$&,;:/'.includes(c) || code < 0x20 || (code >= 0x7f && code <= 0x9f)
    );
  });
  if (name.length === 0 || name.length > 80 || forbidden !== undefined) {
    throw new InvalidLocalRunError(
      `"${name}" is not an execution name: 1-80 characters, no whitespace, control characters or any of <>{}[]?*"#%\\^|~\`$&,;:/`,
    );
  }
}

function jsonInput(input: unknown): JsonValue {
  const json = JSON.stringify(input ?? {});
  if (json === undefined) throw new InvalidLocalRunError('the execution input is not JSON');
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new InvalidLocalRunError(
      `the execution input is ${bytes} bytes; Step Functions takes at most ${MAX_PAYLOAD_BYTES}`,
    );
  }
  return JSON.parse(json);
}

/** A function's result as Lambda returns it: JSON (undefined becomes null), within the state quota. */
function taskResult(result: unknown, state: string, fn: string): JsonValue {
  const json = JSON.stringify(result) ?? 'null';
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new TerminalStatesError(
      'States.DataLimitExceeded',
      `the result of ${fn} in state ${state} is ${bytes} bytes; the quota is ${MAX_PAYLOAD_BYTES}`,
    );
  }
  return JSON.parse(json);
}

/**
 * A thrown error as the Lambda integration reports it: the error's name is the
 * Step Functions Error; the Cause is the Node.js runtime's JSON (errorType,
 * errorMessage, trace) for the function's own errors, and the plain message for
 * the Lambda service's (Lambda.*, States.*).
 */
function asLambdaError(error: unknown): Error {
  const name = error instanceof Error && error.name !== '' ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const service = name.startsWith('Lambda.') || name.startsWith('States.');
  const trace = error instanceof Error && error.stack ? error.stack.split('\n') : [];
  const converted = new Error(
    service ? message : JSON.stringify({ errorType: name, errorMessage: message, trace }),
  );
  converted.name = name;
  return converted;
}

/** The seconds a Wait state would wait for this input at `now`, as Step Functions computes them. */
function waitSeconds(state: AslState | undefined, rawInput: unknown, name: string, now: Date): number {
  if (state === undefined) throw new Error(`unknown Wait state ${name}`);
  const input = typeof state.InputPath === 'string' ? readPath(rawInput, state.InputPath, name) : rawInput;
  if (typeof state.Seconds === 'number') return state.Seconds;
  if (typeof state.SecondsPath === 'string') {
    const value = readPath(input, state.SecondsPath, name);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new TerminalStatesError(
        'States.Runtime',
        `Wait state ${name}: SecondsPath ${state.SecondsPath} is ${JSON.stringify(value)}, not a whole number of seconds >= 0`,
      );
    }
    return value;
  }
  const timestamp =
    typeof state.Timestamp === 'string'
      ? state.Timestamp
      : typeof state.TimestampPath === 'string'
        ? readPath(input, state.TimestampPath, name)
        : undefined;
  const at = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new TerminalStatesError('States.Runtime', `Wait state ${name} has no valid duration or timestamp`);
  }
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

const PATH_SEGMENT = /^(?:\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\])/;

/** A Reference Path ($, $.a.b, $.a[0], $['a']) on a value. @throws TerminalStatesError when it does not resolve. */
function readPath(value: unknown, path: string, state: string): unknown {
  if (!path.startsWith('$') || path.startsWith('$$')) {
    throw new TerminalStatesError('States.Runtime', `Wait state ${state}: unsupported path ${path}`);
  }
  let rest = path.slice(1);
  let current: unknown = value;
  while (rest !== '') {
    const match = PATH_SEGMENT.exec(rest);
    if (match === null) {
      throw new TerminalStatesError('States.Runtime', `Wait state ${state}: unsupported path ${path}`);
    }
    const key = match[1] ?? match[3];
    const index = match[2];
    if (
      key !== undefined &&
      typeof current === 'object' &&
      current !== null &&
      !Array.isArray(current) &&
      key in current
    ) {
      current = (current as Record<string, unknown>)[key];
    } else if (index !== undefined && Array.isArray(current) && Number(index) < current.length) {
      current = current[Number(index)];
    } else {
      throw new TerminalStatesError(
        'States.Runtime',
        `Wait state ${state}: path ${path} does not point to a value in the state's input`,
      );
    }
    rest = rest.slice(match[0].length);
  }
  return current;
}

/** aws-local-stepfunctions calls Promise.withResolvers (Node 22+); Node 20 lacks it. */
function installPromiseWithResolvers(): void {
  if (typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers === 'function') return;
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: <T>() => {
      let resolve: (value: T | PromiseLike<T>) => void = () => {};
      let reject: (reason?: unknown) => void = () => {};
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
