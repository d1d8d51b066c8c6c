/**
 * The esbuild side of bench/bundle.ts: serverless.yml's esbuild options, what is in
 * a function's bundle (metafile), and the bare baseline each function is compared to.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { parse } from 'yaml';

export const ROOT = join(__dirname, '..');

/** An SDK client by package and class: what a function's baseline constructs. */
export type Client = readonly [pkg: string, className: string];

const SSM: Client = ['@aws-sdk/client-ssm', 'SSMClient'];
const DYNAMODB: Client = ['@aws-sdk/client-dynamodb', 'DynamoDBClient'];
const EVENTBRIDGE: Client = ['@aws-sdk/client-eventbridge', 'EventBridgeClient'];
const SFN: Client = ['@aws-sdk/client-sfn', 'SFNClient'];
const EKS: Client = ['@aws-sdk/client-eks', 'EKSClient'];
const EC2: Client = ['@aws-sdk/client-ec2', 'EC2Client'];
const S3: Client = ['@aws-sdk/client-s3', 'S3Client'];
const CLOUDWATCH: Client = ['@aws-sdk/client-cloudwatch', 'CloudWatchClient'];
const ROUTE53: Client = ['@aws-sdk/client-route-53', 'Route53Client'];
const LOGS: Client = ['@aws-sdk/client-cloudwatch-logs', 'CloudWatchLogsClient'];

/**
 * The SDK clients each function calls, by design (its IAM role says the same). A
 * client found in a bundle but not listed here is reported: it is one the function
 * carries without using.
 */
export const CLIENTS_USED: Record<string, readonly Client[]> = {
  trigger: [SSM, DYNAMODB, EVENTBRIDGE, SFN, S3],
  perception: [EKS, EC2, S3, EVENTBRIDGE],
  // The blue/green plan's weights come from the configuration (SSM).
  reasoning: [S3, SSM, EVENTBRIDGE],
  // The approval gate: the plan and approval.json (S3), the approval.* events.
  approval: [S3, EVENTBRIDGE],
  execution: [EKS, S3, SSM, EVENTBRIDGE],
  validation: [EKS, EC2, CLOUDWATCH, S3, SSM, DYNAMODB, EVENTBRIDGE],
  rollback: [EKS, EC2, S3, SSM, DYNAMODB, EVENTBRIDGE],
  bluegreen: [EKS, EC2, ROUTE53, CLOUDWATCH, S3, SSM, DYNAMODB, EVENTBRIDGE],
  // The HTTP API: executions and task tokens (SFN), the stored documents (S3), requests
  // (EventBridge), an upgrade's events for its page (CloudWatch Logs, the audit log group).
  api: [SFN, S3, EVENTBRIDGE, LOGS],
};

/** serverless-esbuild's own keys of custom.esbuild: not esbuild options. */
const PLUGIN_ONLY = new Set([
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
  'plugins',
]);

/**
 * custom.esbuild of serverless.yml as esbuild options: serverless-esbuild's own
 * keys dropped, its `plugins` file loaded, ${param:...} resolved for the stage.
 */
export function esbuildOptionsFromServerlessYml(stage: string): BuildOptions {
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
  const custom = doc.custom?.esbuild ?? {};
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(custom)) {
    if (PLUGIN_ONLY.has(key)) continue;
    options[key] =
      key === 'define'
        ? Object.fromEntries(Object.entries(value as Record<string, string>).map(([k, v]) => [k, resolve(v)]))
        : value;
  }
  const exclude = (custom.exclude as string[] | undefined) ?? ['aws-sdk'];
  const plugins = typeof custom.plugins === 'string' ? (require(join(ROOT, custom.plugins)) as Plugin[]) : [];
  return { ...options, plugins: [...plugins], external: exclude.filter((e) => e !== '*') } as BuildOptions;
}

export interface BundleContents {
  /** Packages by bytes in the minified output, biggest first. */
  readonly packages: [string, number][];
  readonly jsBytes: number;
  /** The @aws-sdk/client-* packages with code in the output. */
  readonly clients: string[];
}

/** What the function's bundle is made of (a build with the deployed options and a metafile). */
export async function contentsOf(fn: string, options: BuildOptions): Promise<BundleContents> {
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
    packages: [...byPackage].sort((a, b) => b[1] - a[1]),
    jsBytes: result.outputFiles.find((f) => f.path.endsWith(`${fn}.js`))?.contents.length ?? 0,
    clients: [...byPackage]
      .filter(([name, bytes]) => name.startsWith('@aws-sdk/client-') && bytes > 0)
      .map(([name]) => name)
      .sort(),
  };
}

function packageName(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return input.startsWith('lib/') || input.startsWith('handlers/') ? '(project code)' : input;
  const [scope, name] = input.slice(at + 'node_modules/'.length).split('/');
  return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? input);
}

/**
 * The bare baseline: a bundle of nothing but `new XClient({})` for each client, ESM
 * resolution, minified, no source map; esbuild as it comes (the goal's baseline), or
 * with `plugins` (the project's, which trim the SDK's schemas: a stricter baseline
 * that credits the handler with nothing the plugins do). Written to `dir`; returns
 * its path and size.
 */
export async function baselineBundle(
  fn: string,
  clients: readonly Client[],
  dir: string,
  plugins: Plugin[] = [],
): Promise<{ path: string; bytes: number }> {
  const source = [
    ...clients.map(([pkg, cls]) => `import { ${cls} } from '${pkg}';`),
    `export const clients = [${clients.map(([, cls]) => `new ${cls}({})`).join(', ')}];`,
  ].join('\n');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${fn}.js`);
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    mainFields: ['module', 'main'],
    plugins,
    write: false,
    logLevel: 'silent',
  });
  const js = result.outputFiles[0]?.contents;
  if (!js) throw new Error(`esbuild produced no baseline for ${fn}`);
  writeFileSync(path, js);
  return { path, bytes: js.length };
}
