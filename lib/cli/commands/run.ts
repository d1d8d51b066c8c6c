import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { STRATEGIES, type Strategy } from '../../domain/plan-types';
import { runSandboxUpgrade, type SandboxRunReport } from '../../sandbox/local-run';
import { DEFAULT_SANDBOX_SNAPSHOT } from '../../wiring/sandbox';
import { CliUsageError, EXIT } from '../errors';
import type { CliIo } from '../io';
import { renderProgress, renderRunReport } from '../render/run-report';

interface RunOptions {
  sandbox?: boolean;
  scenario: string;
  snapshot: string;
  cluster?: string;
  target?: string;
  strategy: string;
  force?: boolean;
  dryRun?: boolean;
  requestId?: string;
  stateDir?: string;
  keepState?: boolean;
  eventsOut?: string;
  reportOut?: string;
  output: string;
  quiet?: boolean;
}

const EXIT_FOR: Record<SandboxRunReport['outcome'], number> = {
  completed: EXIT.ok,
  planned: EXIT.ok,
  blocked: EXIT.blocked,
  'rolled-back': EXIT.failed,
  failed: EXIT.failed,
  rejected: EXIT.failed,
  duplicate: EXIT.duplicate,
};

function writeOut(path: string, text: string, what: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new CliUsageError(`cannot write ${what} to ${path}: ${(error as Error).message}`);
  }
}

/** `run --sandbox`: a whole upgrade through the real state machine, on the simulated EKS. */
export function registerRun(program: Command, io: CliIo): void {
  program
    .command('run')
    .description(
      'Run a whole upgrade: the state machine, the handlers and the rules, against the sandbox EKS',
    )
    .option('--sandbox', 'run against the local simulated EKS (the only backend of `run`)')
    .option(
      '--scenario <name>',
      'happy | validation-failure | eviction-failure | busy | throttled | addon-conflict | insight-error | insight-later-hop | no-data',
      'happy',
    )
    .option(
      '--snapshot <file>',
      'environment snapshot the simulated cluster starts from',
      DEFAULT_SANDBOX_SNAPSHOT,
    )
    .option('--cluster <name>', "cluster to upgrade (default: the snapshot's)")
    .option('--target <version>', 'target Kubernetes version (default: one minor up)')
    .option('--strategy <strategy>', `upgrade strategy: ${STRATEGIES.join(' | ')}`, 'in_place')
    .option('--force', 'pass EKS force past failing readiness insights', false)
    .option('--dry-run', 'stop after the plan; touch nothing', false)
    .option('--request-id <id>', 'the request id (duplicates of one request start one upgrade)')
    .option('--state-dir <dir>', 'where the sandbox keeps its world (default .eks-upgrade-agent/sandbox)')
    .option('--keep-state', 'continue with the world already in the state directory', false)
    .option('--events-out <file>', 'write every published event, one JSON per line')
    .option('--report-out <file>', 'write the report as JSON')
    .option('--output <format>', 'report format on stdout: text | json', 'text')
    .option('--quiet', 'no progress on stderr', false)
    .addHelpText(
      'after',
      '\nProgress goes to stderr, the report to stdout.\nExit codes: 0 completed (or planned), 1 failed or rolled back, 2 bad input, 3 blocked,\n4 duplicate (the request id had started an upgrade: reported, nothing started).\n' +
        'Example: eks-upgrade-agent run --sandbox --target 1.32 --scenario validation-failure',
    )
    .action(async (options: RunOptions) => {
      if (!options.sandbox) {
        throw new CliUsageError(
          'run needs --sandbox: in AWS, an upgrade starts from an upgrade.requested event on the stack\'s bus (see README "Trigger an upgrade")',
        );
      }
      if (!(STRATEGIES as readonly string[]).includes(options.strategy)) {
        throw new CliUsageError(
          `--strategy must be one of ${STRATEGIES.join(', ')} (got "${options.strategy}")`,
        );
      }
      if (options.target !== undefined && !/^\d+\.\d+$/.test(options.target)) {
        throw new CliUsageError(
          `--target must be a Kubernetes minor version such as 1.32 (got "${options.target}")`,
        );
      }
      if (options.output !== 'text' && options.output !== 'json') {
        throw new CliUsageError(`--output must be text or json (got "${options.output}")`);
      }
      const report = await runSandboxUpgrade({
        snapshotFile: options.snapshot,
        scenario: options.scenario,
        strategy: options.strategy as Strategy,
        force: options.force === true,
        dryRun: options.dryRun === true,
        keepState: options.keepState === true,
        ...(options.cluster ? { clusterName: options.cluster } : {}),
        ...(options.target ? { targetVersion: options.target } : {}),
        ...(options.requestId ? { requestId: options.requestId } : {}),
        ...(options.stateDir ? { stateDir: options.stateDir } : {}),
        onProgress: (p) => {
          if (options.quiet) return;
          const line = renderProgress(p);
          if (line) io.stderr(line);
        },
      });
      const { events, deliveries, ...summary } = report;
      if (options.eventsOut)
        writeOut(options.eventsOut, events.map((e) => `${JSON.stringify(e)}\n`).join(''), 'events');
      const json = `${JSON.stringify({ ...summary, deliveries }, null, 2)}\n`;
      if (options.reportOut) writeOut(options.reportOut, json, 'the report');
      io.stdout(options.output === 'json' ? json : renderRunReport(report));
      io.exitCode = EXIT_FOR[report.outcome];
    });
}
