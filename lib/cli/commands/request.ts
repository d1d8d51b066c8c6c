import type { Command } from 'commander';
import { createEventBridgeSdkClient } from '../../aws/eventbridge/clients';
import { requestUpgrade } from '../../aws/eventbridge/request-upgrade';
import { AgentError } from '../../domain/errors';
import { executionName } from '../../domain/execution-name';
import { clusterNameProblem, requestIdProblem } from '../../domain/request-fields';
import { versionProblem } from '../../domain/version';
import { CliUsageError, EXIT } from '../errors';
import type { CliIo } from '../io';

/** EventBridge could not be reached or refused the call (exit 1). */
export class RequestNotDeliveredError extends AgentError {
  override readonly name = 'RequestNotDeliveredError';
  readonly retryable = true;
}

interface RequestOptions {
  cluster: string;
  target: string;
  stage?: string;
  bus?: string;
  region?: string;
  requestId?: string;
  strategy: string;
  force?: boolean;
  dryRun?: boolean;
  requestedBy?: string;
}

/**
 * `request`: puts an upgrade.requested event on a deployed stage's bus (AWS
 * credentials from the usual chain). The stack's trigger rule takes it from there.
 */
export function registerRequest(program: Command, io: CliIo): void {
  program
    .command('request')
    .description('Ask a deployed stage to upgrade a cluster: puts upgrade.requested on its EventBridge bus')
    .requiredOption('--cluster <name>', 'EKS cluster name')
    .requiredOption('--target <version>', 'target Kubernetes version, e.g. 1.32')
    .option('--stage <stage>', 'the deployed stage (bus eks-upgrade-agent-<stage>)')
    .option('--bus <name>', 'the event bus name, instead of --stage')
    .option('--region <region>', "AWS region (default: the SDK's, e.g. AWS_REGION)")
    .option(
      '--request-id <id>',
      'your id for this request; repeating it starts nothing new (default: cli-<time>)',
    )
    .option('--strategy <strategy>', 'in_place | blue_green', 'in_place')
    .option('--force', 'pass EKS force past failing readiness insights', false)
    .option('--dry-run', 'stop after the plan', false)
    .option('--requested-by <who>', 'recorded in the event (default: $USER)')
    .addHelpText(
      'after',
      '\nExit codes: 0 accepted by EventBridge, 1 not delivered, 2 bad input.\n' +
        'Example: eks-upgrade-agent request --stage prod --cluster payments-prod --target 1.32 --request-id chg-1234',
    )
    .action(async (options: RequestOptions) => {
      if ((options.stage === undefined) === (options.bus === undefined)) {
        throw new CliUsageError('give exactly one of --stage or --bus');
      }
      if (options.stage !== undefined && !/^[A-Za-z0-9-]{1,64}$/.test(options.stage)) {
        throw new CliUsageError(
          `--stage ${JSON.stringify(options.stage)}: a stage is 1-64 letters, digits and -`,
        );
      }
      if (options.bus !== undefined && !/^[A-Za-z0-9._:\-/]{1,1600}$/.test(options.bus)) {
        throw new CliUsageError(`--bus ${JSON.stringify(options.bus)} is not an EventBridge bus name or ARN`);
      }
      // The shared schema checks these again; here the message can name the option.
      const targetProblem = versionProblem(options.target);
      if (targetProblem)
        throw new CliUsageError(`--target must be a Kubernetes minor version: ${targetProblem}`);
      const nameProblem = clusterNameProblem(options.cluster);
      if (nameProblem) throw new CliUsageError(`--cluster: ${nameProblem}`);
      const idProblem = options.requestId === undefined ? undefined : requestIdProblem(options.requestId);
      if (idProblem) throw new CliUsageError(`--request-id: ${idProblem}`);
      const busName = options.bus ?? `eks-upgrade-agent-${options.stage}`;
      const now = io.now();
      const requestId =
        options.requestId ??
        `cli-${now
          .toISOString()
          .replace(/[-:.TZ]/g, '')
          .slice(0, 14)}`;
      const detail = {
        clusterName: options.cluster,
        targetVersion: options.target,
        strategy: options.strategy,
        force: options.force === true,
        dryRun: options.dryRun === true,
        requestId,
        requestedBy: options.requestedBy ?? process.env.USER ?? 'eks-upgrade-agent request',
      };
      const client = createEventBridgeSdkClient(options.region ? { region: options.region } : {});
      const { eventId } = await requestUpgrade(client, busName, detail).catch((error: unknown) => {
        if (error instanceof AgentError) throw error;
        // Credentials, network, an unknown bus: AWS's own words, on one line.
        const e = error instanceof Error ? error : new Error(String(error));
        throw new RequestNotDeliveredError(`${busName} did not accept the request: ${e.name}: ${e.message}`);
      });
      const upgradeId = executionName({
        clusterName: options.cluster,
        targetVersion: options.target,
        requestId,
      });
      io.stdout(
        `upgrade.requested accepted by ${busName} (event ${eventId})\n` +
          `upgrade id / execution name: ${upgradeId}\n` +
          'follow it in Step Functions, the audit log group or the notifications topic (README "Where to look")\n',
      );
      io.exitCode = EXIT.ok;
    });
}
