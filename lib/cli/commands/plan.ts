import type { Command } from 'commander';
import { STRATEGIES, type Strategy } from '../../domain/plan-types';
import { reason } from '../../domain/reason';
import { CliUsageError, EXIT } from '../errors';
import { readSnapshotFile } from '../files';
import type { CliIo } from '../io';
import { OUTPUT_FORMATS, type OutputFormat, renderPlan } from '../render/plan';

interface PlanOptions {
  snapshot: string;
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
    .description('Check a cluster snapshot and print the upgrade plan (no changes are made)')
    .requiredOption('--snapshot <file>', 'environment snapshot JSON (see demo/snapshots/)')
    .requiredOption('--target <version>', 'target Kubernetes version, e.g. 1.31')
    .option('--strategy <strategy>', `upgrade strategy: ${STRATEGIES.join(' | ')}`, 'in_place')
    .option('--force', 'turn failing readiness insights into warnings, as EKS force does', false)
    .option('--output <format>', `output format: ${OUTPUT_FORMATS.join(' | ')}`, 'text')
    .addHelpText(
      'after',
      '\nExit codes: 0 ready, 3 blocked, 2 bad input.\nExample: eks-upgrade-agent plan --snapshot demo/snapshots/payments-prod-1.30.json --target 1.32',
    )
    .action((options: PlanOptions) => {
      const strategy = oneOf<Strategy>(options.strategy, STRATEGIES, '--strategy');
      const format = oneOf<OutputFormat>(options.output, OUTPUT_FORMATS, '--output');
      const snapshot = readSnapshotFile(options.snapshot);
      const plan = reason(snapshot, {
        targetVersion: options.target,
        strategy,
        force: options.force === true,
        now: io.now().toISOString(),
      });
      io.stdout(renderPlan(plan, format));
      io.exitCode = plan.verdict === 'ready' ? EXIT.ok : EXIT.blocked;
    });
}
