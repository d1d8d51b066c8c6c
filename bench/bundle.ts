/**
 * The deployed bundles: per function, the zip, the handler's JavaScript, the cold
 * module-load time (require of the handler in a fresh node, as Lambda does on a
 * cold start) and the packages that make the bundle big. Prints figures; it is a
 * benchmark, not a test (no thresholds).
 *
 * Run: npx tsx bench/bundle.ts [--package-dir DIR] [--samples N]
 *   without --package-dir: `sls package --stage dev` into a temporary directory
 *   (offline, no AWS credentials).
 *
 * Only `require` is timed: the wiring is lazy (the AWS clients and the
 * configuration are built on the first invocation), and invoking a handler would
 * call AWS. The first invocation's wiring adds to a real cold start.
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
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { parse } from 'yaml';
import { readZip } from '../test/support/zip';

const ROOT = join(__dirname, '..');
const STAGE = 'dev';
const FUNCTIONS = ['trigger', 'perception', 'reasoning', 'execution', 'validation', 'rollback'];
const TOP_PACKAGES = 5;

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
  readonly mapBytes: number;
  readonly plain: number[];
  readonly sourceMaps: number[];
  readonly packages: [string, number][];
  readonly metafileJsBytes: number;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const scratch = mkdtempSync(join(tmpdir(), 'eua-bench-bundle-'));
  try {
    const packageDir = args.packageDir ?? packageStage(scratch);
    const esbuildOptions = esbuildOptionsFromServerlessYml(STAGE);
    const builds = await Promise.all(FUNCTIONS.map((fn) => packagesOf(fn, esbuildOptions)));
    const rows: Row[] = [];
    for (const [i, fn] of FUNCTIONS.entries()) {
      const zipPath = join(packageDir, `${fn}.zip`);
      const files = readZip(readFileSync(zipPath));
      const js = files.get(`handlers/${fn}.js`);
      const map = files.get(`handlers/${fn}.js.map`);
      if (!js) throw new Error(`${zipPath} has no handlers/${fn}.js`);
      const handlerDir = join(scratch, 'extracted', fn, 'handlers');
      mkdirSync(handlerDir, { recursive: true });
      const handlerPath = join(handlerDir, `${fn}.js`);
      writeFileSync(handlerPath, js);
      if (map) writeFileSync(`${handlerPath}.map`, map);
      process.stderr.write(`timing ${fn} (${args.samples} fresh processes x 2)...\n`);
      const build = builds[i] ?? { packages: [], jsBytes: 0 };
      rows.push({
        fn,
        zipBytes: statSync(zipPath).size,
        jsBytes: js.length,
        mapBytes: map?.length ?? 0,
        plain: sample(handlerPath, args.samples, ''),
        sourceMaps: sample(handlerPath, args.samples, '--enable-source-maps'),
        packages: build.packages,
        metafileJsBytes: build.jsBytes,
      });
    }
    print(rows, args.samples, packageDir, args.packageDir === undefined);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// --- timing --------------------------------------------------------------------------

/** `samples` cold loads, each in a new node process (nothing cached between them). */
function sample(handlerPath: string, samples: number, nodeOptions: string): number[] {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const r = spawnSync(process.execPath, ['-e', CHILD], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...HANDLER_ENV,
        NODE_OPTIONS: nodeOptions,
        BENCH_HANDLER: handlerPath,
      },
    });
    const ms = Number(r.stdout);
    if (r.status !== 0 || !Number.isFinite(ms)) {
      throw new Error(`require(${handlerPath}) failed (exit ${r.status}):\n${r.stderr}`);
    }
    times.push(ms);
  }
  return times.sort((a, b) => a - b);
}

/** Nearest-rank percentile of sorted samples (with 7 samples, p90 is the slowest). */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

// --- what is in a bundle -------------------------------------------------------------

/**
 * custom.esbuild of serverless.yml as esbuild options: serverless-esbuild's own
 * keys dropped, ${param:...} resolved for the stage (the backend define).
 */
function esbuildOptionsFromServerlessYml(stage: string): BuildOptions {
  const doc = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as {
    params?: Record<string, Record<string, unknown> | undefined>;
    custom?: { esbuild?: Record<string, unknown> };
  };
  const params = { ...doc.params?.default, ...doc.params?.[stage] };
  const resolve = (text: string) =>
    text.replace(/\$\{param:(\w+)\}/g, (_whole, name: string) => {
      if (!(name in params)) throw new Error(`serverless.yml has no param ${name}`);
      return String(params[name]);
    });
  const pluginOnly = new Set([
    'outputWorkFolder',
    'outputBuildFolder',
    'exclude',
    'packager',
    'packagerOptions',
    'installExtraArgs',
    'keepOutputDirectory',
    'nativeZip',
    'concurrency',
    'zipConcurrency',
    'watch',
    'skipBuild',
    'skipRebuild',
    'skipBuildExcludeFns',
    'stripEntryResolveExtensions',
    'disposeContext',
    'outputFileExtension',
    'nodeExternals',
    'packagePath',
  ]);
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc.custom?.esbuild ?? {})) {
    if (pluginOnly.has(key)) continue;
    options[key] =
      key === 'define'
        ? Object.fromEntries(Object.entries(value as Record<string, string>).map(([k, v]) => [k, resolve(v)]))
        : value;
  }
  const exclude = (doc.custom?.esbuild?.exclude as string[] | undefined) ?? ['aws-sdk'];
  return { ...options, external: exclude.filter((e) => e !== '*') } as BuildOptions;
}

/** The bundle's inputs grouped by package (bytes each adds to the minified output), biggest first. */
async function packagesOf(
  fn: string,
  options: BuildOptions,
): Promise<{ packages: [string, number][]; jsBytes: number }> {
  const result = await build({
    ...options,
    absWorkingDir: ROOT,
    entryPoints: [`handlers/${fn}.ts`],
    outdir: join(ROOT, '.esbuild-bench', 'handlers'),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const [, output] =
    Object.entries(result.metafile.outputs).find(([path]) => path.endsWith(`${fn}.js`)) ?? [];
  if (!output) throw new Error(`esbuild produced no ${fn}.js`);
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) {
    const name = packageName(path);
    byPackage.set(name, (byPackage.get(name) ?? 0) + input.bytesInOutput);
  }
  return {
    packages: [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, TOP_PACKAGES),
    jsBytes: result.outputFiles.find((f) => f.path.endsWith(`${fn}.js`))?.contents.length ?? 0,
  };
}

function packageName(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return input.startsWith('lib/') || input.startsWith('handlers/') ? '(project code)' : input;
  const [scope, name] = input.slice(at + 'node_modules/'.length).split('/');
  return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? input);
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
  const ms = (sorted: number[]) =>
    `${percentile(sorted, 50).toFixed(1)} / ${percentile(sorted, 90).toFixed(1)}`;
  const header = [
    'function',
    'zip',
    'handler.js',
    '.js.map',
    'require ms p50 / p90',
    'require ms p50 / p90 (--enable-source-maps)',
  ];
  const table = rows.map((r) => [
    r.fn,
    kb(r.zipBytes),
    kb(r.jsBytes),
    kb(r.mapBytes),
    ms(r.plain),
    ms(r.sourceMaps),
  ]);
  console.log(
    `bundles of stage ${STAGE} (${temporary ? 'packaged into a temporary directory' : packageDir})`,
  );
  console.log(
    `cold module load: require() of the extracted handler in a fresh node ${process.version} per sample, ` +
      `${samples} samples; p90 is nearest-rank (with 7 samples: the slowest).`,
  );
  console.log(
    'The functions run with NODE_OPTIONS=--enable-source-maps (serverless.yml), so the last column is the deployed case.',
  );
  console.log(
    'Only require is timed: the wiring (AWS clients, configuration) is built on the first invocation.\n',
  );
  printTable(header, table, [false, true, true, true, true, true]);
  const total = rows.reduce((sum, r) => sum + r.zipBytes, 0);
  console.log(`\ntotal zip size ${kb(total)}\n`);
  console.log(
    `biggest inputs of each bundle (esbuild metafile, custom.esbuild of serverless.yml; bytes in the minified output):`,
  );
  for (const r of rows) {
    const drift = r.metafileJsBytes === r.jsBytes ? '' : ` (metafile build ${kb(r.metafileJsBytes)})`;
    console.log(`  ${r.fn}: ${kb(r.jsBytes)}${drift}`);
    for (const [name, bytes] of r.packages) {
      const share = ((bytes / Math.max(1, r.metafileJsBytes)) * 100).toFixed(1).padStart(5);
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

function parseArgs(argv: string[]): { packageDir?: string; samples: number } {
  let packageDir: string | undefined;
  let samples = 7;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--package-dir') packageDir = argv[++i];
    else if (arg === '--samples') samples = Number(argv[++i]);
    else
      throw new Error(
        `unknown argument ${arg}; usage: tsx bench/bundle.ts [--package-dir DIR] [--samples N]`,
      );
  }
  if (!Number.isInteger(samples) || samples < 1) throw new Error('--samples must be a positive integer');
  return { ...(packageDir ? { packageDir } : {}), samples };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
