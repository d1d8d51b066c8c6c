import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { NotAwaitingApprovalError } from '../../domain/errors';
import { executionArnFor } from '../../domain/execution-name';
import type { ApprovalDecider, ApprovalDecision, Clock } from '../../ports';

/** The error a rejection ends the AwaitApproval task with (the state machine's Catch matches it). */
export const REJECTED_ERROR = 'UpgradeRejected';
/** Step Functions' limits: SendTaskFailure's error ≤ 256 and cause ≤ 32,768 characters. */
const MAX_CAUSE = 32_768;
/** History pages of this size; a history has at most 25,000 events, so at most 25 pages. */
const PAGE = 1000;
const MAX_PAGES = 25;
/** Task events that end a task: one of these after the approval's TaskScheduled means it was answered. */
const TASK_ENDS = new Set([
  'TaskSucceeded',
  'TaskFailed',
  'TaskTimedOut',
  'TaskStartFailed',
  'TaskSubmitFailed',
]);
/** The task-token errors of SendTaskSuccess/Failure: the token is not (any longer) waited for. */
const TOKEN_GONE = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);

/**
 * Answers the approval an upgrade waits for. The state machine's AwaitApproval is a
 * `lambda:invoke.waitForTaskToken` Task whose Payload carries `$$.Task.Token`, so the
 * token is in the execution's history: the last TaskScheduled of that resource. The
 * token is the secret; reading it takes states:GetExecutionHistory on this machine's
 * executions, answering with it takes SendTaskSuccess/SendTaskFailure.
 */
export class StepFunctionsApprovalDecider implements ApprovalDecider {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
    private readonly clock: Clock,
  ) {}

  async decide(upgradeId: string, decision: ApprovalDecision): Promise<void> {
    const token = await this.waitingToken(upgradeId);
    const at = this.clock.now().toISOString();
    try {
      if (decision.approve) {
        const output = JSON.stringify({
          approved: true,
          by: decision.by,
          ...(decision.comment !== undefined ? { comment: decision.comment } : {}),
          at,
        });
        await this.client.send(new SendTaskSuccessCommand({ taskToken: token, output }));
      } else {
        await this.client.send(
          new SendTaskFailureCommand({
            taskToken: token,
            error: REJECTED_ERROR,
            cause: rejectionCause(decision, at),
          }),
        );
      }
    } catch (error) {
      if (error instanceof Error && TOKEN_GONE.has(error.name)) {
        throw new NotAwaitingApprovalError(
          `upgrade ${upgradeId} no longer waits for an approval: Step Functions answered ${error.name} (answered meanwhile, or timed out)`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** The token of the approval task the execution waits on now. */
  private async waitingToken(upgradeId: string): Promise<string> {
    const executionArn = this.executionArn(upgradeId);
    let status: string | undefined;
    try {
      status = (await this.client.send(new DescribeExecutionCommand({ executionArn }))).status;
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) {
        throw new NotAwaitingApprovalError(`there is no upgrade ${upgradeId} in this stage`, {
          cause: error,
        });
      }
      throw error;
    }
    if (status !== 'RUNNING') {
      throw new NotAwaitingApprovalError(
        `upgrade ${upgradeId} is ${status ?? 'in no known state'}: it waits for no approval`,
      );
    }
    // Newest first: the events seen before the approval's TaskScheduled came after it.
    let ended: HistoryEvent | undefined;
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await this.client.send(
        new GetExecutionHistoryCommand({
          executionArn,
          reverseOrder: true,
          maxResults: PAGE,
          ...(nextToken !== undefined ? { nextToken } : {}),
        }),
      );
      for (const event of out.events ?? []) {
        if (event.type !== undefined && TASK_ENDS.has(event.type)) {
          ended ??= event;
          continue;
        }
        const token = approvalToken(event);
        if (token === undefined) continue;
        if (ended !== undefined) {
          throw new NotAwaitingApprovalError(
            `upgrade ${upgradeId} does not wait for an approval now: its approval task ended (${ended.type}${
              ended.timestamp ? ` at ${ended.timestamp.toISOString()}` : ''
            }): it was answered or timed out`,
          );
        }
        return token;
      }
      nextToken = out.nextToken;
      if (nextToken === undefined) break;
    }
    throw new NotAwaitingApprovalError(
      `upgrade ${upgradeId} has not asked for an approval: no AwaitApproval task in its history (approval/mode none, or not there yet)`,
    );
  }

  private executionArn(upgradeId: string): string {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(upgradeId)) {
      throw new NotAwaitingApprovalError(`there is no upgrade ${JSON.stringify(upgradeId)} in this stage`);
    }
    return executionArnFor(this.stateMachineArn, upgradeId);
  }
}

/** The task token of an approval's TaskScheduled (a `lambda:invoke.waitForTaskToken` Task); undefined for any other event. */
export function approvalToken(event: HistoryEvent): string | undefined {
  const details = event.taskScheduledEventDetails;
  if (event.type !== 'TaskScheduled' || details === undefined) return undefined;
  if (details.resourceType !== 'lambda' || details.resource !== 'invoke.waitForTaskToken') return undefined;
  try {
    const parameters = JSON.parse(details.parameters ?? '') as { Payload?: { taskToken?: unknown } };
    const token = parameters.Payload?.taskToken;
    return typeof token === 'string' && token !== '' ? token : undefined;
  } catch {
    return undefined;
  }
}

/** `{"by","comment","at"}`, the comment cut so the whole stays within Step Functions' 32,768 characters. */
export function rejectionCause(decision: ApprovalDecision, at: string): string {
  const make = (comment: string | undefined) =>
    JSON.stringify({ by: decision.by, ...(comment !== undefined ? { comment } : {}), at });
  let comment = decision.comment;
  let cause = make(comment);
  while (cause.length > MAX_CAUSE && comment !== undefined && comment.length > 0) {
    comment = `${comment.slice(0, Math.max(0, comment.length - (cause.length - MAX_CAUSE) - 1))}…`;
    if (comment === '…') comment = '';
    cause = make(comment);
  }
  return cause;
}
