import { extname, resolve } from 'node:path';
import { STRATEGIES, type Strategy } from '../../domain/plan-types';
import { clusterNameProblem, requestIdProblem } from '../../domain/request-fields';
import { parseSnapshot } from '../../domain/snapshot';
import { versionProblem } from '../../domain/version';
import { isScenarioName, SCENARIO_NAMES, type ScenarioName } from '../../sandbox/scenarios';
import { inspectStateDir } from '../../sandbox/state-dir';
import { defaultStateDir } from '../../sandbox/state-store';
import { CliUsageError } from '../errors';
import { readJsonFile } from '../files';
import { checkOutputPath } from '../output-path';

/** `run`'s options as commander gives them. */
export interface RunOptions {
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
  requireApproval?: boolean;
  eventsOut?: string;
  reportOut?: string;
  output: string;
  quiet?: boolean;
}

/** The same options, every one checked. */
export interface ValidRun {
  readonly scenario: ScenarioName;
  readonly snapshotFile: string;
  /** The snapshot file's JSON, validated as a snapshot. */
  readonly snapshot: unknown;
  readonly clusterName?: string;
  readonly targetVersion?: string;
  readonly strategy: Strategy;
  readonly requestId?: string;
  readonly stateDir: string;
  readonly eventsOut?: string;
  readonly reportOut?: string;
  /** By --report-out's extension: `.json` the report, `.html`/`.htm` a page of the upgrade. */
  readonly reportFormat: ReportFormat;
  readonly output: 'text' | 'json';
}

export type ReportFormat = 'json' | 'html';

const REPORT_FORMATS: Readonly<Record<string, ReportFormat>> = {
  '.json': 'json',
  '.html': 'html',
  '.htm': 'html',
};

/**
 * The format of --report-out, from its extension.
 * @throws CliUsageError for any other extension.
 */
export function reportFormatOf(path: string): ReportFormat {
  const ext = extname(path).toLowerCase();
  const format = REPORT_FORMATS[ext];
  if (format === undefined) {
    throw new CliUsageError(
      `--report-out ${path}: the extension says the format; use .json (the report) or .html (a page of the upgrade)${ext === '' ? '' : `, not ${ext}`}`,
    );
  }
  return format;
}

function notEmpty(value: string | undefined, option: string): void {
  if (value !== undefined && value.trim() === '') throw new CliUsageError(`${option} is empty`);
}

/**
 * Checks every option of `run` before anything runs, cheapest first: values, then
 * the snapshot file, then output paths, then the state directory (read only). A
 * bad one exits 2 with nothing created, deleted or moved.
 * @throws CliUsageError, InvalidSnapshotError, StateDirRefusedError or FileAccessError.
 */
export function validateRunOptions(options: RunOptions): ValidRun {
  if (!options.sandbox) {
    throw new CliUsageError(
      'run needs --sandbox: in AWS, an upgrade starts from an upgrade.requested event on the stack\'s bus (see README "Trigger an upgrade")',
    );
  }
  if (!(STRATEGIES as readonly string[]).includes(options.strategy)) {
    throw new CliUsageError(
      `--strategy must be one of ${STRATEGIES.join(', ')} (got ${JSON.stringify(options.strategy)})`,
    );
  }
  if (options.output !== 'text' && options.output !== 'json') {
    throw new CliUsageError(`--output must be text or json (got ${JSON.stringify(options.output)})`);
  }
  if (!isScenarioName(options.scenario)) {
    throw new CliUsageError(
      `unknown sandbox scenario ${JSON.stringify(options.scenario)}; valid scenarios: ${SCENARIO_NAMES.join(', ')}`,
    );
  }
  const targetProblem = options.target === undefined ? undefined : versionProblem(options.target);
  if (targetProblem) throw new CliUsageError(`--target must be a Kubernetes minor version: ${targetProblem}`);
  const idProblem = options.requestId === undefined ? undefined : requestIdProblem(options.requestId);
  if (idProblem) throw new CliUsageError(`--request-id: ${idProblem}`);
  notEmpty(options.cluster, '--cluster');
  notEmpty(options.stateDir, '--state-dir');

  const raw = readJsonFile(options.snapshot, 'snapshot');
  const snapshot = parseSnapshot(raw);
  const nameProblem = clusterNameProblem(options.cluster ?? snapshot.cluster.name);
  if (nameProblem) {
    throw new CliUsageError(
      `${options.cluster !== undefined ? '--cluster' : `the snapshot ${options.snapshot}`}: ${nameProblem}`,
    );
  }
  // A new world holds the snapshot's cluster only; a kept world is checked when it is loaded.
  if (options.cluster !== undefined && !options.keepState && options.cluster !== snapshot.cluster.name) {
    throw new CliUsageError(
      `--cluster ${JSON.stringify(options.cluster)} is not in the snapshot ${options.snapshot} (it holds ${snapshot.cluster.name})`,
    );
  }

  const snapshotOption = { option: '--snapshot', path: options.snapshot };
  if (options.eventsOut !== undefined) {
    checkOutputPath(options.eventsOut, '--events-out', [
      snapshotOption,
      { option: '--report-out', path: options.reportOut },
    ]);
  }
  if (options.reportOut !== undefined) checkOutputPath(options.reportOut, '--report-out', [snapshotOption]);
  const reportFormat = options.reportOut === undefined ? 'json' : reportFormatOf(options.reportOut);

  const stateDir = resolve(options.stateDir ?? defaultStateDir());
  inspectStateDir(stateDir);

  return {
    scenario: options.scenario,
    snapshotFile: options.snapshot,
    snapshot: raw,
    strategy: options.strategy as Strategy,
    stateDir,
    output: options.output,
    reportFormat,
    ...(options.cluster !== undefined ? { clusterName: options.cluster } : {}),
    ...(options.target !== undefined ? { targetVersion: options.target } : {}),
    ...(options.requestId !== undefined ? { requestId: options.requestId } : {}),
    ...(options.eventsOut !== undefined ? { eventsOut: options.eventsOut } : {}),
    ...(options.reportOut !== undefined ? { reportOut: options.reportOut } : {}),
  };
}
