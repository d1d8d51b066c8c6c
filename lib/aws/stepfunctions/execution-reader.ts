import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  type ExecutionListItem,
  ListExecutionsCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { executionArnFor, executionNamePrefix } from '../../domain/execution-name';
import type { ExecutionReader, UpgradeExecution } from '../../ports';
import { mapBounded } from '../concurrency';
import { parseDescription } from './execution-description';

/** Step Functions' names: what DescribeExecution accepts in an ARN (anything else is no upgrade). */
const NAME = /^[A-Za-z0-9_-]{1,80}$/;
/** ListExecutions pages of this size; at most MAX_SCANNED executions are looked at per list. */
const PAGE = 100;
const MAX_SCANNED = 1000;

/**
 * The upgrade executions of one state machine: DescribeExecution by the ARN built
 * from the machine's and the name (the upgrade id), ListExecutions newest first.
 * A cluster's list pre-filters on the name's prefix (the execution name starts with
 * the cluster's) and confirms each candidate by the cluster in its input, since one
 * cluster's name may be another's prefix. Bounded: at most `limit` (≤ 100) results
 * and MAX_SCANNED executions looked at.
 */
export class StepFunctionsExecutionReader implements ExecutionReader {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async describe(upgradeId: string): Promise<UpgradeExecution | undefined> {
    if (!NAME.test(upgradeId)) return undefined;
    const executionArn = executionArnFor(this.stateMachineArn, upgradeId);
    try {
      const out = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      const d = parseDescription(out, executionArn);
      const input = isObject(d.input) ? d.input : undefined;
      return {
        upgradeId: d.name ?? upgradeId,
        executionArn: d.executionArn,
        status: d.status,
        startedAt: d.startDate ?? '',
        ...(d.stopDate !== undefined ? { stoppedAt: d.stopDate } : {}),
        ...(input !== undefined ? { input } : {}),
      };
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return undefined;
      throw error;
    }
  }

  async list(options: {
    readonly clusterName?: string;
    readonly limit: number;
  }): Promise<UpgradeExecution[]> {
    const limit = Math.max(1, Math.min(100, Math.floor(options.limit)));
    const { clusterName } = options;
    const prefix = clusterName === undefined ? undefined : executionNamePrefix(clusterName);
    const found: UpgradeExecution[] = [];
    let nextToken: string | undefined;
    let scanned = 0;
    do {
      const out = await this.client.send(
        new ListExecutionsCommand({
          stateMachineArn: this.stateMachineArn,
          maxResults: clusterName === undefined ? limit : PAGE,
          ...(nextToken !== undefined ? { nextToken } : {}),
        }),
      );
      nextToken = out.nextToken;
      const items = out.executions ?? [];
      scanned += items.length;
      if (clusterName === undefined) {
        found.push(...items.flatMap(summary));
      } else {
        const candidates = items.filter((e) => e.name?.startsWith(prefix ?? '') === true);
        const described = await mapBounded(candidates, 5, (e) => this.describe(e.name ?? ''));
        for (const d of described) {
          if (d !== undefined && clusterOfInput(d.input) === clusterName) found.push(d);
        }
      }
    } while (found.length < limit && nextToken !== undefined && scanned < MAX_SCANNED);
    return found.sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, limit);
  }
}

function summary(e: ExecutionListItem): UpgradeExecution[] {
  if (e.executionArn === undefined || e.name === undefined || e.status === undefined) return [];
  return [
    {
      upgradeId: e.name,
      executionArn: e.executionArn,
      status: e.status as UpgradeExecution['status'],
      startedAt: e.startDate?.toISOString() ?? '',
      ...(e.stopDate ? { stoppedAt: e.stopDate.toISOString() } : {}),
    },
  ];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The cluster an execution's input names: `{ upgradeId, request: { clusterName } }`. */
export function clusterOfInput(input: Record<string, unknown> | undefined): string | undefined {
  const request = input?.request;
  if (!isObject(request)) return undefined;
  return typeof request.clusterName === 'string' ? request.clusterName : undefined;
}
