import type { Command } from 'commander';
import { STRATEGIES } from '../../domain/plan-types';
import { renderUpgradeHtml } from '../../report/html';
import { buildUpgradeView } from '../../report/view';
import { runSandboxUpgrade, type SandboxRunReport } from '../../sandbox/local-run';
import { SCENARIO_NAMES } from '../../sandbox/scenarios';
import { DEFAULT_SANDBOX_SNAPSHOT } from '../../wiring/sandbox';
import { EXIT } from '../errors';
import type { CliIo } from '../io';
import { OutputWriteError, writeOutputFile } from '../output-path';
import { renderProgress, renderRunReport } from '../render/run-report';
import { safeText } from '../render/safe-text';
import { type RunOptions, validateRunOptions } from './run-options';

const EXIT_FOR: Record<SandboxRunReport['outcome'], number> = {
  completed: EXIT.ok,
  planned: EXIT.ok,
  blocked: EXIT.blocked,
  'rolled-back': EXIT.failed,
  failed: EXIT.failed,
  rejected: EXIT.failed,
  duplicate: EXIT.duplicate,
  'awaiting-approval': EXIT.awaitingApproval,
};

/** `run --sandbox`: a whole upgrade through the real state machine, on the simulated EKS. */
export function registerRun(program: Command, io: CliIo): void {
  program
    .command('run')
    .description(
      'Run a whole upgrade: the state machine, the handlers and the rules, against the sandbox EKS',
    )
    .option('--sandbox', 'run against the local simulated EKS (the only backend of `run`)')
    .option('--scenario <name>', SCENARIO_NAMES.join(' | '), 'happy')
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
    .option(
      '--state-dir <dir>',
      'where the sandbox keeps its world: a new, empty or sandbox-made directory (default .eks-upgrade-agent/sandbox)',
    )
    .option('--keep-state', 'continue with the world already in the state directory', false)
    .option('--events-out <file>', 'write every published event, one JSON per line')
    .option('--report-out <file>', 'write the report: .json (the report) or .html (a page of the upgrade)')
    .option('--output <format>', 'report format on stdout: text | json', 'text')
    .option('--quiet', 'no progress on stderr', false)
    .addHelpText(
      'after',
      '\nProgress goes to stderr, the report to stdout.\nExit codes: 0 completed (or planned), 1 failed or rolled back, 2 bad input, 3 blocked,\n4 duplicate (the request id had started an upgrade: reported, nothing started).\n' +
        'Example: eks-upgrade-agent run --sandbox --target 1.32 --scenario validation-failure',
    )
    .action(async (options: RunOptions) => {
      const valid = validateRunOptions(options);
      const report = await runSandboxUpgrade({
        snapshotFile: valid.snapshotFile,
        snapshot: valid.snapshot,
        scenario: valid.scenario,
        strategy: valid.strategy,
        force: options.force === true,
        dryRun: options.dryRun === true,
        keepState: options.keepState === true,
        stateDir: valid.stateDir,
        ...(valid.clusterName !== undefined ? { clusterName: valid.clusterName } : {}),
        ...(valid.targetVersion !== undefined ? { targetVersion: valid.targetVersion } : {}),
        ...(valid.requestId !== undefined ? { requestId: valid.requestId } : {}),
        onProgress: (p) => {
          if (options.quiet) return;
          const line = renderProgress(p);
          if (line) io.stderr(line);
        },
      });
      const { events, deliveries, ...summary } = report;
      const json = `${JSON.stringify({ ...summary, deliveries }, null, 2)}\n`;
      // The report reaches stdout first: a file that cannot be written must not lose it.
      io.stdout(valid.output === 'json' ? safeText(json) : renderRunReport(report));
      io.exitCode = EXIT_FOR[report.outcome];
      const files = [
        ...(valid.eventsOut
          ? [
              {
                path: valid.eventsOut,
                what: 'events',
                text: events.map((e) => `${JSON.stringify(e)}\n`).join(''),
              },
            ]
          : []),
        ...(valid.reportOut
          ? [
              {
                path: valid.reportOut,
                what: 'the report',
                text: valid.reportFormat === 'html' ? renderUpgradeHtml(buildUpgradeView(report)) : json,
              },
            ]
          : []),
      ];
      for (const file of files) {
        try {
          writeOutputFile(file.path, file.text, file.what);
        } catch (error) {
          if (!(error instanceof OutputWriteError)) throw error;
          io.stderr(safeText(`error: ${error.name}: ${error.message} (the report is on stdout)\n`));
          if (io.exitCode === EXIT.ok) io.exitCode = EXIT.failed;
        }
      }
    });
}
