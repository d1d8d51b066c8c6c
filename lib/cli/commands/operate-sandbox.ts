import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { EXECUTIONS_FILE_NAME } from '../../sandbox/local-sfn/executions';
import { createLocalStack } from '../../sandbox/local-stack';
import { defaultStateDir } from '../../sandbox/state-store';
import { DEFAULT_SANDBOX_SNAPSHOT } from '../../wiring/sandbox';
import { CliUsageError } from '../errors';

/** Who answers in the sandbox: the local user. */
export function sandboxCaller(): string {
  return `local:${userInfo().username}`;
}

/**
 * `approve|reject <id> --sandbox`: answers an upgrade a `run --sandbox --require-approval`
 * left waiting at AwaitApproval, and runs it on in this process to its end.
 * @returns one line: who answered, and how the upgrade then ended.
 * @throws NotAwaitingApprovalError when that upgrade does not wait for an answer.
 */
export async function decideInSandbox(
  upgradeId: string,
  approve: boolean,
  options: { readonly comment?: string; readonly stateDir?: string },
): Promise<string> {
  const stateDir = resolve(options.stateDir ?? defaultStateDir());
  if (!existsSync(join(stateDir, EXECUTIONS_FILE_NAME))) {
    throw new CliUsageError(
      `no sandbox upgrades in ${stateDir}: start one that waits with eks-upgrade-agent run --sandbox --require-approval`,
    );
  }
  const stack = createLocalStack({ stateDir, snapshotFile: resolve(DEFAULT_SANDBOX_SNAPSHOT) });
  const by = sandboxCaller();
  await stack.approvals.decide(upgradeId, {
    approve,
    by,
    ...(options.comment !== undefined ? { comment: options.comment } : {}),
  });
  const after = await stack.executionReader.describe(upgradeId);
  const failure = stack.bus.published().find((e) => e['detail-type'] === 'upgrade.failed');
  const completed = stack.bus.published().some((e) => e['detail-type'] === 'upgrade.completed');
  const ending = completed
    ? 'it completed'
    : failure
      ? `it failed: ${String((failure.detail as { reason?: unknown }).reason ?? '')}`
      : `its execution is ${after?.status ?? 'unknown'}`;
  return `${approve ? 'approved' : 'rejected'} upgrade ${upgradeId} as ${by}; ${ending}\n`;
}
