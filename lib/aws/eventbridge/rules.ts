import {
  DeleteRuleCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
  type EventBridgeClient as SdkEventBridgeClient,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { AGENT_EVENT_TYPES, EVENT_SOURCE } from '../../domain/events';
import { shortHash } from '../../domain/hash';
import { EventRuleError, UnexpectedResponseError } from '../errors';

/** An EventBridge rule as the seed's helpers describe it. */
export interface RuleDefinition {
  /** 1-64 characters of [.-_A-Za-z0-9]. */
  readonly name: string;
  readonly description?: string;
  readonly eventPattern: Record<string, unknown>;
  readonly state?: 'ENABLED' | 'DISABLED';
  /** Defaults to the client's bus. */
  readonly eventBusName?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface RuleTarget {
  /** Unique within the rule: 1-64 characters of [.-_A-Za-z0-9]. */
  readonly id: string;
  readonly arn: string;
  /** Needed for Step Functions, Kinesis and other role-based targets. */
  readonly roleArn?: string;
  /** An SQS queue for events EventBridge cannot deliver after its retries. */
  readonly deadLetterArn?: string;
  readonly maximumRetryAttempts?: number;
  readonly maximumEventAgeInSeconds?: number;
  readonly input?: string;
  readonly inputPath?: string;
}

/** PutTargets takes at most 10 targets per call (and a rule holds at most 5). */
const TARGETS_PER_CALL = 10;
const MAX_RULE_NAME = 64;

/**
 * A valid rule name from `base`: characters outside [.-_A-Za-z0-9] become "-"; a
 * name that had to change or is over 64 characters is cut and suffixed with a hash
 * of `base`, so two clusters never share a rule.
 */
export function ruleName(base: string): string {
  const cleaned = base.replace(/[^.\-_A-Za-z0-9]/g, '-');
  if (cleaned === base && cleaned.length <= MAX_RULE_NAME) return cleaned;
  return `${cleaned.slice(0, MAX_RULE_NAME - 9)}-${shortHash(base, 8)}`;
}

/** The seed's monitoring rule: every agent event about one cluster (for the audit log group or a dashboard). */
export function createUpgradeMonitoringRule(clusterName: string): RuleDefinition {
  return {
    name: ruleName(`eks-upgrade-monitor-${clusterName}`),
    description: `All EKS Upgrade Agent events for cluster ${clusterName}`,
    eventPattern: {
      source: [EVENT_SOURCE],
      'detail-type': [...AGENT_EVENT_TYPES],
      detail: { clusterName: [clusterName] },
    },
    state: 'ENABLED',
  };
}

/** The seed's rollback trigger: validation.failure events, for the rollback handler. */
export function createRollbackTriggerRule(): RuleDefinition {
  return {
    name: 'eks-upgrade-rollback-trigger',
    description: 'Starts rollback when an upgrade fails validation',
    eventPattern: { source: [EVENT_SOURCE], 'detail-type': ['validation.failure'] },
    state: 'ENABLED',
  };
}

/** Creates or updates a rule (PutRule is an upsert); returns its ARN. */
export async function putRule(
  client: SdkEventBridgeClient,
  rule: RuleDefinition,
  busName: string,
): Promise<string> {
  const out = await client.send(
    new PutRuleCommand({
      Name: rule.name,
      Description: rule.description,
      EventPattern: JSON.stringify(rule.eventPattern),
      State: rule.state ?? 'ENABLED',
      EventBusName: rule.eventBusName ?? busName,
      Tags: rule.tags ? Object.entries(rule.tags).map(([Key, Value]) => ({ Key, Value })) : undefined,
    }),
  );
  if (out.RuleArn === undefined) throw new UnexpectedResponseError('PutRule', `no RuleArn for ${rule.name}`);
  return out.RuleArn;
}

/**
 * Adds or updates targets of a rule, 10 per call.
 * @throws EventRuleError naming the targets EventBridge refused.
 */
export async function putTargets(
  client: SdkEventBridgeClient,
  rule: string,
  targets: readonly RuleTarget[],
  busName: string,
): Promise<void> {
  for (let i = 0; i < targets.length; i += TARGETS_PER_CALL) {
    const chunk = targets.slice(i, i + TARGETS_PER_CALL).map(toSdkTarget);
    const out = await client.send(
      new PutTargetsCommand({ Rule: rule, EventBusName: busName, Targets: chunk }),
    );
    const failed = out.FailedEntries ?? [];
    if ((out.FailedEntryCount ?? 0) > 0 || failed.length > 0) {
      const detail = failed.map((f) => `${f.TargetId}: ${f.ErrorCode} ${f.ErrorMessage}`).join('; ');
      throw new EventRuleError(
        rule,
        failed.map((f) => f.TargetId ?? '?'),
        `PutTargets failed: ${detail}`,
      );
    }
  }
}

/**
 * Deletes a rule: removes its targets first (DeleteRule refuses a rule that has
 * any). A rule that does not exist is already deleted.
 * @throws EventRuleError when targets cannot be removed.
 */
export async function deleteRule(client: SdkEventBridgeClient, rule: string, busName: string): Promise<void> {
  try {
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new ListTargetsByRuleCommand({ Rule: rule, EventBusName: busName, NextToken: nextToken }),
      );
      for (const target of page.Targets ?? []) if (target.Id !== undefined) ids.push(target.Id);
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    for (let i = 0; i < ids.length; i += TARGETS_PER_CALL) {
      const chunk = ids.slice(i, i + TARGETS_PER_CALL);
      const out = await client.send(
        new RemoveTargetsCommand({ Rule: rule, EventBusName: busName, Ids: chunk }),
      );
      const failed = out.FailedEntries ?? [];
      if ((out.FailedEntryCount ?? 0) > 0 || failed.length > 0) {
        throw new EventRuleError(
          rule,
          failed.map((f) => f.TargetId ?? '?'),
          'RemoveTargets failed',
        );
      }
    }
    await client.send(new DeleteRuleCommand({ Name: rule, EventBusName: busName }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return;
    throw error;
  }
}

function toSdkTarget(t: RuleTarget): Target {
  return {
    Id: t.id,
    Arn: t.arn,
    RoleArn: t.roleArn,
    Input: t.input,
    InputPath: t.inputPath,
    DeadLetterConfig: t.deadLetterArn ? { Arn: t.deadLetterArn } : undefined,
    RetryPolicy:
      t.maximumRetryAttempts !== undefined || t.maximumEventAgeInSeconds !== undefined
        ? {
            MaximumRetryAttempts: t.maximumRetryAttempts,
            MaximumEventAgeInSeconds: t.maximumEventAgeInSeconds,
          }
        : undefined,
  };
}
