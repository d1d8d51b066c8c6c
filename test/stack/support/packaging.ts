import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readZip } from '../../support/zip';
import { array, obj, readJson, type Template } from './template';

/** `sls package` of one stage in a service directory of its own, offline and with no credentials. */
export const ROOT = join(__dirname, '..', '..', '..');
const SLS_PACKAGE = join(ROOT, 'node_modules', 'serverless');
const SLS = join(
  SLS_PACKAGE,
  readJson<{ bin: { serverless: string } }>(SLS_PACKAGE, 'package.json').bin.serverless,
);

/** The functions, the timeouts the design gives them, and the phase tag. */
export const FUNCTIONS = {
  trigger: { timeout: 30 },
  perception: { timeout: 300 },
  reasoning: { timeout: 300 },
  approval: { timeout: 30 },
  execution: { timeout: 900 },
  validation: { timeout: 300 },
  rollback: { timeout: 300 },
  bluegreen: { timeout: 300 },
  /** The HTTP API: within API Gateway's 30 s integration timeout. */
  api: { timeout: 29 },
} as const;
export type FunctionName = keyof typeof FUNCTIONS;
export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

export type StageName = 'dev' | 'prod' | 'local';

export interface Bundle {
  /** The names in the zip, sorted. */
  readonly entries: string[];
  /** The handler's bundled JavaScript. */
  readonly js: string;
  /** The bundle's inputs, from its source map (kept beside the zips, in sourcemaps/). */
  readonly sources: string[];
  /** Every file of the zip, by name. */
  readonly files: ReadonlyMap<string, Buffer>;
}

export interface Packaged {
  readonly stage: string;
  readonly template: Template;
  readonly bundles: Record<string, Bundle>;
}

const workDirs: string[] = [];

/** Removes every service directory made so far. */
export function removeWorkDirs(): void {
  for (const dir of workDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * What `sls package` printed when it failed: for the checks that a stage must be
 * refused. Resolves with the output; rejects when packaging succeeded.
 */
export async function packagingFailure(stage: StageName, extra: string[] = []): Promise<string> {
  const service = serviceCopy(stage);
  const result = await run(
    [SLS, 'package', '--stage', stage, '--package', join(service, 'package'), ...extra],
    service,
    packagingEnv(),
  ).then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  if (result === undefined) throw new Error(`sls package --stage ${stage} ${extra.join(' ')} succeeded`);
  return result;
}

export async function packageStage(stage: StageName, extra: string[] = []): Promise<Packaged> {
  const service = serviceCopy(stage);
  const dir = join(service, 'package');
  await run([SLS, 'package', '--stage', stage, '--package', dir, ...extra], service, packagingEnv());
  const template = readJson<Template>(dir, 'cloudformation-template-update-stack.json');
  const bundles: Record<string, Bundle> = {};
  for (const fn of FUNCTION_NAMES) {
    const files = readZip(readFileSync(join(dir, `${fn}.zip`)));
    const js = files.get(`handlers/${fn}.js`)?.toString('utf8') ?? '';
    const map = readFileSync(join(dir, 'sourcemaps', `${fn}.js.map`), 'utf8');
    const sources = array(obj(JSON.parse(map), 'source map').sources).map(String);
    bundles[fn] = { entries: [...files.keys()].sort(), js, sources, files };
  }
  return { stage, template, bundles };
}

/**
 * The project as a service directory of its own: `sls package` clears and moves
 * <service>/.serverless (whatever --package says), and the zips are named after
 * the functions, so packages built side by side in one directory take each
 * other's zips, and a package run would delete the developer's .serverless.
 * serverless.yml is copied (osls wants a regular file), the rest is linked.
 */
function serviceCopy(stage: string): string {
  const service = mkdtempSync(join(tmpdir(), `eua-package-${stage}-`));
  workDirs.push(service);
  for (const entry of readdirSync(ROOT)) {
    if (entry === 'serverless.yml') copyFileSync(join(ROOT, entry), join(service, entry));
    else if (!/^(\.serverless|\.esbuild.*|\.eks-upgrade-agent|\.git)$/.test(entry)) {
      symlinkSync(join(ROOT, entry), join(service, entry));
    }
  }
  return service;
}

/** No AWS credentials of any kind, and a profile that does not exist: packaging needs none. */
function packagingEnv(): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  return {
    ...inherited,
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: 'eks-upgrade-agent-no-such-profile',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`sls ${args.slice(1).join(' ')} exited with ${code}:\n${output}`));
    });
  });
}
