import type { Command } from 'commander';
import { gatePlan } from '../../domain/gated-plan';
import { DEFAULT_POLICY, STRATEGIES, type Strategy } from '../../domain/plan-types';
import { reason } from '../../domain/reason';
import { isKubernetesVersion } from '../../domain/version';
import { CliUsageError, EXIT } from '../errors';
import { readSnapshotFile } from '../files';
import type { CliIo } from '../io';
import { OUTPUT_FORMATS, type OutputFormat, renderPlan } from '../render/plan';
import { checkLiveOptions, readLiveCluster } from './snapshot';

interface PlanOptions {
  snapshot?: string;
  cluster?: string;
  region?: string;
  profile?: string;
  target: string;
  strategy: string;
  force?: boolean;
  output: string;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CliUsageError(`${option} must be one of ${allowed.join(', ')} (got "${value}")`);
}

/** `plan`: preflight findings and steps for a snapshot. Exit 0 ready, 3 blocked. */
export function registerPlan(program: Command, io: CliIo): void {
  program
    .command('plan')
    .description(
      'Check a cluster (a snapshot file or a live read) and print the upgrade plan (no changes are made)',
    )
    .option('--snapshot <file>', 'environment snapshot JSON (see demo/snapshots/)')
    .option('--cluster <name>', 'read this EKS cluster live with your AWS credentials, instead of --snapshot')
    .option(
      '--region <region>',
      "with --cluster: AWS region (default: the SDK's: AWS_REGION, then the profile's)",
    )
    .option('--profile <profile>', 'with --cluster: a profile of ~/.aws/config (default: AWS_PROFILE)')
    .requiredOption('--target <version>', 'target Kubernetes version, e.g. 1.31')
    .option('--strategy <strategy>', `upgrade strategy: ${STRATEGIES.join(' | ')}`, 'in_place')
    .option('--force', 'turn failing readiness insights into warnings, as EKS force does', false)
    .option('--output <format>', `output format: ${OUTPUT_FORMATS.join(' | ')}`, 'text')
    .addHelpText(
      'after',
      '\nExit codes: 0 ready, 3 blocked, 2 bad input (also credentials, permissions, an unknown cluster), 1 AWS unreachable.\n' +
        'Example: eks-upgrade-agent plan --snapshot demo/snapshots/payments-prod-1.30.json --target 1.32\n' +
        'Example: eks-upgrade-agent plan --cluster payments-prod --region eu-west-1 --target 1.32',
    )
    .action(async (options: PlanOptions) => {
      const strategy = oneOf<Strategy>(options.strategy, STRATEGIES, '--strategy');
      const format = oneOf<OutputFormat>(options.output, OUTPUT_FORMATS, '--output');
      if ((options.snapshot === undefined) === (options.cluster === undefined)) {
        throw new CliUsageError('give exactly one of --snapshot <file> or --cluster <name>');
      }
      checkLiveOptions(options);
      if (options.cluster !== undefined && !isKubernetesVersion(options.target)) {
        // Before the live read: a bad target must cost no AWS calls.
        throw new CliUsageError(
          `--target must be a Kubernetes minor version such as 1.32 (got "${options.target}")`,
        );
      }
      const snapshot =
        options.cluster !== undefined
          ? await readLiveCluster({ ...options, cluster: options.cluster }, io)
          : readSnapshotFile(options.snapshot as string);
      const plan = gatePlan(
        reason(snapshot, {
          targetVersion: options.target,
          strategy,
          force: options.force === true,
          now: io.now().toISOString(),
        }),
        snapshot,
        DEFAULT_POLICY,
      );
      io.stdout(renderPlan(plan, format));
      io.exitCode = plan.verdict === 'ready' ? EXIT.ok : EXIT.blocked;
    });
}
