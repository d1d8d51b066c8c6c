import { S3Client } from '@aws-sdk/client-s3';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Command } from 'commander';
import { explainAwsEnvironmentError, naming } from '../../aws/eks/access-errors';
import { createPersonClient } from '../../aws/eks/person-clients';
import { UnexpectedResponseError } from '../../aws/errors';
import { S3ArtifactStore } from '../../aws/s3/artifact-store';
import { StepFunctionsApprovalDecider } from '../../aws/stepfunctions/approval-decider';
import { StepFunctionsExecutionReader } from '../../aws/stepfunctions/execution-reader';
import { UpgradeNotFoundError } from '../../domain/errors';
import { clusterNameProblem } from '../../domain/request-fields';
import { summaryOf, type UpgradeStatus, upgradeStatus } from '../../phases/status';
import type { ApprovalDecider, ArtifactStore, ExecutionReader, UpgradeExecution } from '../../ports';
import { CliUsageError, EXIT } from '../errors';
import type { CliIo } from '../io';
import { safeText } from '../render/safe-text';
import { StageNotDeployedError } from './config';

/**
 * `status`, `approve`, `reject`: a deployed stage's upgrades from a terminal, with
 * the person's credentials (the SDK chain, as `config` and `snapshot`). The read model
 * is the HTTP API's (lib/phases/status.ts) and the approval the same adapter's.
 * Who answers is the caller's ARN (STS GetCallerIdentity), which also gives the
 * account of the stage's state machine, eks-upgrade-agent-<stage>-upgrade.
 */

interface AwsOptions {
  stage?: string;
  region?: string;
  profile?: string;
  bucket?: string;
}

/** The stage's upgrades, as this person sees them. */
interface Stage {
  readonly name: string;
  readonly region: string;
  readonly stateMachineArn: string;
  /** The caller's ARN: who approves or rejects. */
  readonly caller: string;
  readonly executions: ExecutionReader;
  readonly approvals: ApprovalDecider;
  /** Undefined without --bucket: the documents are not read. */
  readonly artifacts: ArtifactStore | undefined;
  readonly sfn: SFNClient;
}

const STAGE_NAME = /^[A-Za-z0-9-]{1,64}$/;

function checkStage(stage: string | undefined): string {
  if (stage === undefined)
    throw new CliUsageError('--stage is required: the deployed stage, e.g. --stage prod');
  if (!STAGE_NAME.test(stage)) {
    throw new CliUsageError(`--stage ${JSON.stringify(stage)}: a stage is 1-64 letters, digits and -`);
  }
  return stage;
}

async function openStage(options: AwsOptions): Promise<Stage> {
  const name = checkStage(options.stage);
  const { client: sfn, region, config } = await createPersonClient(SFNClient, options);
  const identity = await naming('sts:GetCallerIdentity', () =>
    new STSClient(config).send(new GetCallerIdentityCommand({})),
  );
  if (identity.Arn === undefined || identity.Account === undefined) {
    throw new UnexpectedResponseError('GetCallerIdentity', 'no Arn or Account');
  }
  const partition = identity.Arn.split(':')[1] || 'aws';
  const stateMachineArn = `arn:${partition}:states:${region}:${identity.Account}:stateMachine:eks-upgrade-agent-${name}-upgrade`;
  const clock = { now: () => new Date() };
  return {
    name,
    region,
    stateMachineArn,
    caller: identity.Arn,
    executions: new StepFunctionsExecutionReader(sfn, stateMachineArn),
    approvals: new StepFunctionsApprovalDecider(sfn, stateMachineArn, clock),
    artifacts:
      options.bucket === undefined
        ? undefined
        : new S3ArtifactStore({ client: new S3Client(config), bucket: options.bucket }),
    sfn,
  };
}

/** An id that names no execution: the upgrade is unknown, or the stage is not deployed here. */
async function notFound(stage: Stage, upgradeId: string): Promise<never> {
  try {
    await stage.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: stage.stateMachineArn, maxResults: 1 }),
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'StateMachineDoesNotExist') {
      throw new StageNotDeployedError(
        stage.name,
        stage.region,
        `no state machine eks-upgrade-agent-${stage.name}-upgrade`,
        {
          cause: error,
        },
      );
    }
  }
  throw new UpgradeNotFoundError(
    `stage ${stage.name} (${stage.region}) has no upgrade ${upgradeId}: check the id (\`eks-upgrade-agent status --stage ${stage.name}\` lists recent ones)`,
  );
}

/** Runs a command that calls AWS; the person's environment failures come out named. */
async function withStage<T>(options: AwsOptions, work: (stage: Stage) => Promise<T>): Promise<T> {
  try {
    return await work(await openStage(options));
  } catch (error) {
    const explained = explainAwsEnvironmentError(error, {
      profile: options.profile,
      region: options.region ?? process.env.AWS_REGION,
      service: 'Step Functions',
    });
    if (explained instanceof Error && explained.name === 'StateMachineDoesNotExist') {
      throw new StageNotDeployedError(
        checkStage(options.stage),
        options.region ?? process.env.AWS_REGION ?? 'this region',
        `no state machine eks-upgrade-agent-${options.stage}-upgrade`,
        { cause: error },
      );
    }
    throw explained;
  }
}

const NO_DOCUMENTS = {
  putJson: async () => {},
  getJson: async () => undefined,
};

function statusText(status: UpgradeStatus, documents: boolean): string {
  const lines = [`upgrade ${status.upgradeId}`, `  ${summaryOf(status)}`];
  if (status.execution) {
    const stopped = status.execution.stoppedAt ? `, stopped ${status.execution.stoppedAt}` : '';
    lines.push(`  execution: ${status.execution.status} since ${status.execution.startedAt}${stopped}`);
  }
  if (status.progress) {
    const total = status.progress.stepsTotal === undefined ? '' : `/${status.progress.stepsTotal}`;
    lines.push(`  progress: ${status.progress.phase} phase, ${status.progress.stepsDone}${total} steps done`);
    if (status.progress.currentStep) lines.push(`  next step: ${status.progress.currentStep.description}`);
  }
  if (status.findings) {
    const counts = Object.entries(status.findings.bySeverity)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
    lines.push(`  findings: ${status.findings.total}${counts ? ` (${counts})` : ''}`);
  }
  if (status.approval) {
    const a = status.approval;
    lines.push(
      a.status === 'pending'
        ? `  approval: pending until ${a.expiresAt} (eks-upgrade-agent approve|reject ${status.upgradeId} --stage ...)`
        : `  approval: ${a.status}${a.by ? ` by ${a.by}` : ''}${a.decidedAt ? ` at ${a.decidedAt}` : ''}${a.comment ? `: ${a.comment}` : ''}`,
    );
  }
  if (status.validation) {
    lines.push(
      `  validation: ${status.validation.passed ? 'passed' : `failed (${status.validation.failedChecks.join(', ')})`} at ${status.validation.judgedAt}`,
    );
  }
  if (status.rollback) {
    const r = status.rollback;
    lines.push(
      `  rollback: ${r.outcome ?? 'running'}, ${r.actionsDone}/${r.actionsTotal} actions (${r.reason})`,
    );
  }
  if (status.failure) lines.push(`  failure: ${status.failure.error.name}: ${status.failure.error.message}`);
  if (!documents) {
    lines.push(
      '  (progress, findings, approval and validation not read: pass --bucket with the stack output ArtifactBucketName)',
    );
  }
  return `${lines.join('\n')}\n`;
}

function listText(executions: readonly UpgradeExecution[]): string {
  if (executions.length === 0) return 'no upgrades\n';
  return executions
    .map((e) => `${e.startedAt}  ${e.status.padEnd(9)}  ${e.upgradeId}`)
    .join('\n')
    .concat('\n');
}

function awsOptions(command: Command): Command {
  return command
    .option('--stage <stage>', 'the deployed stage (state machine eks-upgrade-agent-<stage>-upgrade)')
    .option('--region <region>', "AWS region (default: the SDK's: AWS_REGION, then the profile's)")
    .option(
      '--profile <profile>',
      'a profile of ~/.aws/config (default: AWS_PROFILE, then the default chain)',
    );
}

const HELP =
  '\nCredentials and region come from the SDK chain (AWS_PROFILE, AWS_REGION, ~/.aws), or --profile/--region.' +
  '\nExit codes: 0 done, 1 AWS unreachable or throttled, 2 bad input, unknown upgrade, not waiting for an approval,' +
  ' credentials, permissions, or a stage not deployed.';

export function registerOperate(program: Command, io: CliIo): void {
  awsOptions(
    program
      .command('status')
      .description(
        "A deployed stage's upgrade: state, current step, findings, approval; or its recent upgrades",
      )
      .argument('[upgradeId]', 'the upgrade id (execution name); without it, the recent upgrades')
      .option('--cluster <name>', 'only this cluster (the list)')
      .option('--limit <n>', 'at most this many (the list, 1-100)', '20')
      .option(
        '--bucket <name>',
        'the artifact bucket (stack output ArtifactBucketName), to read progress and findings',
      )
      .option('--json', 'print JSON', false),
  )
    .addHelpText('after', `${HELP}\nExample: eks-upgrade-agent status --stage prod --cluster payments-prod`)
    .action(
      async (
        upgradeId: string | undefined,
        options: AwsOptions & { cluster?: string; limit: string; json: boolean },
      ) => {
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
          throw new CliUsageError(`--limit ${JSON.stringify(options.limit)}: an integer from 1 to 100`);
        }
        const nameProblem = options.cluster === undefined ? undefined : clusterNameProblem(options.cluster);
        if (nameProblem) throw new CliUsageError(`--cluster: ${nameProblem}`);
        checkStage(options.stage);
        await withStage(options, async (stage) => {
          if (upgradeId === undefined) {
            const list = await naming('states:ListExecutions', () =>
              stage.executions.list({ ...(options.cluster ? { clusterName: options.cluster } : {}), limit }),
            );
            io.stdout(safeText(options.json ? `${JSON.stringify(list, null, 2)}\n` : listText(list)));
            return;
          }
          const status = await naming('states:DescribeExecution', () =>
            upgradeStatus(upgradeId, {
              executions: stage.executions,
              artifacts: stage.artifacts ?? NO_DOCUMENTS,
            }),
          ).catch((error: unknown) =>
            error instanceof UpgradeNotFoundError ? notFound(stage, upgradeId) : Promise.reject(error),
          );
          io.stdout(
            safeText(
              options.json
                ? `${JSON.stringify(status, null, 2)}\n`
                : statusText(status, stage.artifacts !== undefined),
            ),
          );
        });
        io.exitCode = EXIT.ok;
      },
    );

  for (const approve of [true, false]) {
    const verb = approve ? 'approve' : 'reject';
    awsOptions(
      program
        .command(verb)
        .description(
          approve
            ? 'Let an upgrade that waits at AwaitApproval go on'
            : 'End an upgrade that waits at AwaitApproval (UpgradeRejected)',
        )
        .argument('<upgradeId>', 'the upgrade id (execution name)')
        .option('--comment <text>', 'recorded with the decision (at most 1024 characters)'),
    )
      .addHelpText(
        'after',
        `${HELP}\nExample: eks-upgrade-agent ${verb} <upgrade id> --stage prod --comment "CAB-1234"`,
      )
      .action(async (upgradeId: string, options: AwsOptions & { comment?: string }) => {
        checkStage(options.stage);
        if (options.comment !== undefined && options.comment.length > 1024) {
          throw new CliUsageError('--comment: at most 1024 characters');
        }
        await withStage(options, async (stage) => {
          const execution = await naming('states:DescribeExecution', () =>
            stage.executions.describe(upgradeId),
          );
          if (execution === undefined) await notFound(stage, upgradeId);
          // AWS's message names which of the two was denied.
          await naming(
            `states:GetExecutionHistory and states:${approve ? 'SendTaskSuccess' : 'SendTaskFailure'}`,
            () =>
              stage.approvals.decide(upgradeId, {
                approve,
                by: stage.caller,
                ...(options.comment !== undefined ? { comment: options.comment } : {}),
              }),
          );
          io.stdout(
            safeText(`${approve ? 'approved' : 'rejected'} upgrade ${upgradeId} as ${stage.caller}\n`),
          );
        });
        io.exitCode = EXIT.ok;
      });
  }
}
