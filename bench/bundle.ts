/**
 * The deployed bundles against their goals (issue 11): per function, the zip, the
 * handler's JavaScript, INIT (the cold require of the handler in a fresh node, as
 * Lambda's INIT does) and its ratio to a bare baseline: an esbuild bundle of nothing
 * but `new XClient({})` for each SDK client the function uses (ESM resolution,
 * minified, no source map; bench/bundle-build.ts). Goals: every zip under 600 KB,
 * every INIT at most 1.2x its baseline. Prints figures; it is a benchmark, not a
 * test (no thresholds in jest).
 *
 * Run: npm run bench:bundle -- [--package-dir DIR] [--samples N] [--functions trigger,reasoning]
 *   without --package-dir: `sls package --stage dev` into a temporary directory
 *   (offline, no AWS credentials).
 *
 * Handler and baseline are sampled in turn (one process each per round), so load
 * from other work on the machine falls on both. Only `require` is timed: the wiring
 * is lazy (the AWS clients and the configuration are built on the first invocation),
 * and invoking a handler would call AWS.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readZip } from '../test/support/zip';
import {
  type BundleContents,
  baselineBundle,
  CLIENTS_USED,
  contentsOf,
  esbuildOptionsFromServerlessYml,
  ROOT,
} from './bundle-build';

const STAGE = 'dev';
const FUNCTIONS = [
  'trigger',
  'perception',
  'reasoning',
  'approval',
  'execution',
  'validation',
  'rollback',
  'bluegreen',
  'api',
];
const TOP_PACKAGES = 5;
/** Powertools Tracer and the X-Ray SDK, beside every handler, loaded on the first traced invocation. */
const TRACER_FILE = 'handlers/tracer.js';
/** The goals of issue 11. */
const ZIP_GOAL_BYTES = 600 * 1024;
const INIT_RATIO_GOAL = 1.2;

/** The environment serverless.yml gives the functions, with dummy values for the stack's resources. */
const HANDLER_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  EKS_UPGRADE_AGENT_BACKEND: 'aws',
  EKS_UPGRADE_AGENT_STAGE: STAGE,
  EVENT_BUS_NAME: `eks-upgrade-agent-${STAGE}`,
  ARTIFACT_BUCKET: 'bench-artifacts',
  AGENT_TABLE: 'bench-table',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:bench',
  POWERTOOLS_SERVICE_NAME: 'eks-upgrade-agent',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Runs in the child: one require of the handler, timed; prints milliseconds. */
const CHILD = [
  'const start = process.hrtime.bigint();',
  'require(process.env.BENCH_HANDLER);',
  'const end = process.hrtime.bigint();',
  'process.stdout.write(String(Number(end - start) / 1e6));',
].join('\n');

interface Row {
  readonly fn: string;
  readonly zipBytes: number;
  readonly jsBytes: number;
  readonly zipEntries: string[];
  /** handlers/tracer.js, 0 when the zip has none. */
  readonly tracerBytes: number;
  readonly init: number[];
  readonly baseline: number[];
  readonly baselineBytes: number;
  /** The same clients bundled with the project's esbuild plugins. */
  readonly leanBaseline: number[];
  readonly leanBaselineBytes: number;
  readonly contents: BundleContents;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const scratch = mkdtempSync(join(tmpdir(), 'eua-bench-bundle-'));
  try {
    const packageDir = args.packageDir ?? packageStage(scratch);
    const esbuildOptions = esbuildOptionsFromServerlessYml(STAGE);
    const contents = await Promise.all(args.functions.map((fn) => contentsOf(fn, esbuildOptions)));
    const rows: Row[] = [];
    for (const [i, fn] of args.functions.entries()) {
      const zipPath = join(packageDir, `${fn}.zip`);
      const files = readZip(readFileSync(zipPath));
      const js = files.get(`handlers/${fn}.js`);
      if (!js) throw new Error(`${zipPath} has no handlers/${fn}.js`);
      // The whole zip, as Lambda unpacks it (tracer.js beside the handler, loaded only when traced).
      const taskRoot = join(scratch, 'extracted', fn);
      for (const [name, content] of files) {
        mkdirSync(dirname(join(taskRoot, name)), { recursive: true });
        writeFileSync(join(taskRoot, name), content);
      }
      const handlerPath = join(taskRoot, 'handlers', `${fn}.js`);
      const clients = CLIENTS_USED[fn] ?? [];
      const baseline = await baselineBundle(fn, clients, join(scratch, 'baseline'));
      const lean = await baselineBundle(fn, clients, join(scratch, 'lean'), esbuildOptions.plugins);
      process.stderr.write(`timing ${fn} and its baselines (${args.samples} fresh processes each)...\n`);
      const [init, baselineTimes, leanTimes] = sampleInTurn(
        [handlerPath, baseline.path, lean.path],
        args.samples,
      );
      rows.push({
        fn,
        zipBytes: statSync(zipPath).size,
        jsBytes: js.length,
        zipEntries: [...files.keys()].sort(),
        tracerBytes: files.get(TRACER_FILE)?.length ?? 0,
        init: init ?? [],
        baseline: baselineTimes ?? [],
        baselineBytes: baseline.bytes,
        leanBaseline: leanTimes ?? [],
        leanBaselineBytes: lean.bytes,
        contents: contents[i] ?? { packages: [], jsBytes: 0, clients: [] },
      });
    }
    print(rows, args.samples, packageDir, args.packageDir === undefined);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// --- timing --------------------------------------------------------------------------

/**
 * `samples` cold loads of each file, each in a new node process (nothing cached
 * between them but the OS's file cache, warmed by one untimed load of each), the
 * files taking turns. Sorted times per file.
 */
function sampleInTurn(paths: readonly string[], samples: number): number[][] {
  for (const path of paths) coldRequire(path);
  const times = paths.map(() => [] as number[]);
  for (let i = 0; i < samples; i++) {
    for (const [j, path] of paths.entries()) times[j]?.push(coldRequire(path));
  }
  return times.map((t) => t.sort((a, b) => a - b));
}

function coldRequire(path: string): number {
  const r = spawnSync(process.execPath, ['-e', CHILD], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...HANDLER_ENV,
      BENCH_HANDLER: path,
    },
  });
  const ms = Number(r.stdout);
  if (r.status !== 0 || !Number.isFinite(ms)) {
    throw new Error(`require(${path}) failed (exit ${r.status}):\n${r.stderr}`);
  }
  return ms;
}

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

// --- packaging -----------------------------------------------------------------------

/**
 * `sls package` from a linked copy of the project: osls clears and moves
 * <service>/.serverless, so packaging in the project would delete the
 * developer's .serverless and race any other package run.
 */
function packageStage(scratch: string): string {
  const service = join(scratch, 'service');
  mkdirSync(service);
  for (const entry of readdirSync(ROOT)) {
    if (entry === 'serverless.yml') copyFileSync(join(ROOT, entry), join(service, entry));
    else if (!/^(\.serverless|\.esbuild.*|\.eks-upgrade-agent|\.git)$/.test(entry)) {
      symlinkSync(join(ROOT, entry), join(service, entry));
    }
  }
  const packageDir = join(scratch, 'package');
  const sls = join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js');
  process.stderr.write(`sls package --stage ${STAGE} --package ${packageDir} ...\n`);
  const started = Date.now();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  const r = spawnSync(process.execPath, [sls, 'package', '--stage', STAGE, '--package', packageDir], {
    cwd: service,
    encoding: 'utf8',
    env: {
      ...env,
      AWS_PROFILE: 'eks-upgrade-agent-no-such-profile',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  if (r.status !== 0) throw new Error(`sls package failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  process.stderr.write(`packaged in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return packageDir;
}

// --- output --------------------------------------------------------------------------

function print(rows: Row[], samples: number, packageDir: string, temporary: boolean): void {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  const median = (sorted: number[]) => percentile(sorted, 50);
  const header = [
    'function',
    'zip',
    'handler.js',
    'INIT ms p50',
    'baseline ms p50',
    'ratio',
    'baseline.js',
    `zip < ${kb(ZIP_GOAL_BYTES)}`,
    `ratio <= ${INIT_RATIO_GOAL}`,
    'lean baseline ms (js)',
    'ratio to it',
  ];
  const table = rows.map((r) => {
    const ratio = median(r.init) / median(r.baseline);
    return [
      r.fn,
      kb(r.zipBytes),
      kb(r.jsBytes),
      median(r.init).toFixed(1),
      median(r.baseline).toFixed(1),
      `${ratio.toFixed(2)}x`,
      kb(r.baselineBytes),
      r.zipBytes < ZIP_GOAL_BYTES ? 'yes' : 'NO',
      ratio <= INIT_RATIO_GOAL ? 'yes' : 'NO',
      `${median(r.leanBaseline).toFixed(1)} (${kb(r.leanBaselineBytes)})`,
      `${(median(r.init) / median(r.leanBaseline)).toFixed(2)}x`,
    ];
  });
  console.log(
    `bundles of stage ${STAGE} (${temporary ? 'packaged into a temporary directory' : packageDir})`,
  );
  console.log(
    `INIT: require() of the extracted handler in a fresh node ${process.version}, median of ${samples}; ` +
      'baseline: a bundle of `new XClient({})` for each SDK client the function uses (plain esbuild, the goal); ' +
      "lean baseline: the same with the project's esbuild plugins (stricter); all three timed in turn.\n",
  );
  printTable(header, table, [false, true, true, true, true, true, true, false, false, true, true]);
  const total = rows.reduce((sum, r) => sum + r.zipBytes, 0);
  console.log(`\ntotal zip size ${kb(total)}`);
  const tracer = Math.max(...rows.map((r) => r.tracerBytes));
  if (tracer > 0)
    console.log(`  each zip holds ${TRACER_FILE} (${kb(tracer)}), loaded only by a traced invocation`);
  for (const r of rows) {
    // tracer.js is in every zip by design (plugins/esbuild-plugins.js).
    const extra = r.zipEntries.filter((name) => name !== `handlers/${r.fn}.js` && name !== TRACER_FILE);
    if (extra.length > 0) console.log(`  ${r.fn}.zip also holds ${extra.join(', ')}`);
    const used = new Set((CLIENTS_USED[r.fn] ?? []).map(([pkg]) => pkg));
    const unused = r.contents.clients.filter((c) => !used.has(c));
    if (unused.length > 0) console.log(`  ${r.fn} carries SDK clients it does not use: ${unused.join(', ')}`);
  }
  console.log(
    `\nbiggest inputs of each bundle (esbuild metafile, custom.esbuild of serverless.yml; bytes in the minified output):`,
  );
  for (const r of rows) {
    const drift = r.contents.jsBytes === r.jsBytes ? '' : ` (metafile build ${kb(r.contents.jsBytes)})`;
    console.log(`  ${r.fn}: ${kb(r.jsBytes)}${drift}; SDK clients: ${r.contents.clients.join(' ')}`);
    for (const [name, bytes] of r.contents.packages.slice(0, TOP_PACKAGES)) {
      const share = ((bytes / Math.max(1, r.contents.jsBytes)) * 100).toFixed(1).padStart(5);
      console.log(`    ${kb(bytes).padStart(8)}  ${share}%  ${name}`);
    }
  }
}

function printTable(header: string[], rows: string[][], rightAlign: boolean[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAlign[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

function parseArgs(argv: string[]): { packageDir?: string; samples: number; functions: string[] } {
  let packageDir: string | undefined;
  let samples = 11;
  let functions = FUNCTIONS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--package-dir') packageDir = argv[++i];
    else if (arg === '--samples') samples = Number(argv[++i]);
    else if (arg === '--functions') functions = (argv[++i] ?? '').split(',');
    else
      throw new Error(
        `unknown argument ${arg}; usage: tsx bench/bundle.ts [--package-dir DIR] [--samples N] [--functions a,b]`,
      );
  }
  if (!Number.isInteger(samples) || samples < 1) throw new Error('--samples must be a positive integer');
  const unknown = functions.filter((fn) => !FUNCTIONS.includes(fn));
  if (unknown.length > 0)
    throw new Error(`--functions: no function ${unknown.join(', ')} (${FUNCTIONS.join(', ')})`);
  return { ...(packageDir ? { packageDir } : {}), samples, functions };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
