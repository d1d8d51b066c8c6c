import { extname } from 'node:path';
import { SSMClient as SdkSSMClient } from '@aws-sdk/client-ssm';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { explainAwsEnvironmentError, naming } from '../../aws/eks/access-errors';
import { createPersonClient } from '../../aws/eks/person-clients';
import { ConfigurationNotFoundError } from '../../aws/errors';
import type { ConfigTree } from '../../aws/ssm/config-tree';
import { SEGMENT_PATTERN } from '../../aws/ssm/parameter-rules';
import { SSMClient } from '../../aws/ssm/ssm-client';
import { AgentError } from '../../domain/errors';
import { mergeTrees, planConfigEdit, treeFromPairs, validateConfigTree } from '../config-edit';
import { CliUsageError, EXIT } from '../errors';
import { readJsonText } from '../files';
import type { CliIo } from '../io';

/** The stage has no configuration in this account and region: it is not deployed there. */
export class StageNotDeployedError extends AgentError {
  override readonly name = 'StageNotDeployedError';
  readonly retryable = false;
  /** @param missing what was looked for and not found, e.g. `no parameter under /eks-upgrade-agent/prod/config`. */
  constructor(stage: string, region: string, missing: string, options?: { cause?: unknown }) {
    super(
      `stage ${stage} is not deployed in ${region}: ${missing}. ` +
        `Deploy it with \`npx sls deploy --stage ${stage}\`, or check --region and --profile`,
      options,
    );
  }
}

interface AwsOptions {
  stage?: string;
  region?: string;
  profile?: string;
}

function checkStage(stage: string | undefined): string {
  if (stage === undefined)
    throw new CliUsageError('--stage is required: the deployed stage, e.g. --stage prod');
  if (!SEGMENT_PATTERN.test(stage)) {
    throw new CliUsageError(
      `--stage ${JSON.stringify(stage)} is not a stage name (letters, digits, "_", "." and "-")`,
    );
  }
  return stage;
}

/** A stage's configuration in Parameter Store, read and written with the person's credentials. */
class StageConfig {
  private constructor(
    readonly stage: string,
    readonly region: string,
    private readonly ssm: SSMClient,
  ) {}

  static async open(options: AwsOptions): Promise<StageConfig> {
    const stage = checkStage(options.stage);
    const { client, region } = await createPersonClient(SdkSSMClient, options);
    return new StageConfig(stage, region, new SSMClient({ client }));
  }

  get environment(): string {
    return `${this.stage}/config`;
  }

  get path(): string {
    return this.ssm.configurationPath(this.environment);
  }

  /** @throws StageNotDeployedError when nothing is stored under the stage. */
  async read(): Promise<ConfigTree> {
    try {
      return await naming('ssm:GetParametersByPath', () => this.ssm.getConfiguration(this.environment));
    } catch (error) {
      if (error instanceof ConfigurationNotFoundError) {
        throw new StageNotDeployedError(this.stage, this.region, `no parameter under ${this.path}`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  async write(tree: ConfigTree): Promise<number> {
    const versions = await naming('ssm:PutParameter', () =>
      this.ssm.putConfiguration(tree, this.environment),
    );
    return Object.keys(versions).length;
  }
}

/** Runs a command that calls AWS; the person's environment failures come out named. */
async function withAws<T>(options: AwsOptions, work: (config: StageConfig) => Promise<T>): Promise<T> {
  try {
    return await work(await StageConfig.open(options));
  } catch (error) {
    throw explainAwsEnvironmentError(error, {
      profile: options.profile,
      region: options.region ?? process.env.AWS_REGION,
      service: 'SSM',
    });
  }
}

/** A configuration file: JSON, or YAML by its extension (.yml, .yaml). */
export function readConfigFile(path: string): ConfigTree {
  const text = readJsonText(path, 'configuration file');
  const yaml = ['.yml', '.yaml'].includes(extname(path).toLowerCase());
  let value: unknown;
  try {
    value = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(
      `configuration file ${path} is not valid ${yaml ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliUsageError(
      `configuration file ${path} must hold an object of keys, such as {"execution": {...}}`,
    );
  }
  return value as ConfigTree;
}

const AWS_HELP =
  '\nCredentials and region come from the SDK chain (AWS_PROFILE, AWS_REGION, ~/.aws), or --profile/--region.' +
  '\nExit codes: 0 done, 1 AWS unreachable, 2 bad input, invalid configuration, credentials, permissions, or a stage not deployed.';

function awsOptions(command: Command): Command {
  return command
    .option('--region <region>', "AWS region (default: the SDK's: AWS_REGION, then the profile's)")
    .option(
      '--profile <profile>',
      'a profile of ~/.aws/config (default: AWS_PROFILE, then the default chain)',
    );
}

/**
 * `config get|set|validate`: a deployed stage's configuration, the SSM tree under
 * /eks-upgrade-agent/<stage>/config. `set` validates the whole result against the
 * schema the Lambdas read it with before it writes anything.
 */
export function registerConfig(program: Command, io: CliIo): void {
  const config = program
    .command('config')
    .description("A deployed stage's configuration in SSM Parameter Store (README: Configuration)");

  awsOptions(
    config
      .command('get')
      .description("Print a stage's stored configuration as JSON")
      .requiredOption('--stage <stage>', 'the deployed stage')
      .option('--key <path>', 'print one key, e.g. execution/maxParallelNodegroups'),
  )
    .addHelpText('after', AWS_HELP)
    .action(async (options: AwsOptions & { key?: string }) => {
      const tree = await withAws(options, (stage) => stage.read());
      let value: unknown = tree;
      for (const level of options.key?.split('/') ?? []) {
        value = (value as Record<string, unknown> | undefined)?.[level];
        if (value === undefined) {
          throw new CliUsageError(
            `stage ${options.stage} has no key ${options.key} stored (unset keys take their defaults)`,
          );
        }
      }
      io.stdout(`${JSON.stringify(value, null, 2)}\n`);
      io.exitCode = EXIT.ok;
    });

  awsOptions(
    config
      .command('validate')
      .description("Check a configuration file, or a stage's stored configuration, against the schema")
      .option('--file <file>', 'a configuration file (JSON, or YAML by extension) to check offline')
      .option('--stage <stage>', 'check what this deployed stage has stored'),
  )
    .addHelpText('after', AWS_HELP)
    .action(async (options: AwsOptions & { file?: string }) => {
      if ((options.file === undefined) === (options.stage === undefined)) {
        throw new CliUsageError(
          'give exactly one of --file (a file to check) and --stage (a deployed stage)',
        );
      }
      const what = options.file ?? `stage ${options.stage}`;
      const tree =
        options.file !== undefined
          ? readConfigFile(options.file)
          : await withAws(options, (stage) => stage.read());
      validateConfigTree(tree);
      io.stdout(`${what}: valid (keys not set take their defaults)\n`);
      io.exitCode = EXIT.ok;
    });

  awsOptions(
    config
      .command('set')
      .description("Change a stage's configuration: validated as a whole before anything is written")
      .argument('[pairs...]', 'KEY=VALUE, the key by its path, e.g. execution/maxParallelNodegroups=8')
      .requiredOption('--stage <stage>', 'the deployed stage')
      .option('--file <file>', 'keys to set from a file (JSON, or YAML by extension); pairs apply after it')
      .option('--dry-run', 'print what would change and write nothing', false),
  )
    .addHelpText(
      'after',
      `${AWS_HELP}\nKeys not named keep their stored values; a key is never deleted (unset keys take their defaults).` +
        '\nExample: eks-upgrade-agent config set --stage prod execution/maxParallelNodegroups=8 --dry-run',
    )
    .action(async (pairs: string[], options: AwsOptions & { file?: string; dryRun: boolean }) => {
      const fromFile = options.file === undefined ? {} : readConfigFile(options.file);
      const input = mergeTrees(fromFile, treeFromPairs(pairs));
      if (Object.keys(input).length === 0) {
        throw new CliUsageError('nothing to set: give KEY=VALUE pairs or --file');
      }
      await withAws(options, async (stage) => {
        const { changes } = planConfigEdit(await stage.read(), input);
        for (const change of changes) {
          io.stdout(`${change.key}: ${change.before ?? '(not set)'} -> ${change.after}\n`);
        }
        if (changes.length === 0) io.stdout(`stage ${stage.stage}: nothing to change\n`);
        else if (options.dryRun) io.stdout(`dry run: nothing written to ${stage.path}\n`);
        else {
          // The stored texts round-trip exactly (config-tree.ts), so the changed leaves rebuild as written.
          const changed = treeFromPairs(changes.map((c) => `${c.key}=${c.after}`));
          const written = await stage.write(changed);
          io.stdout(`wrote ${written} parameter${written === 1 ? '' : 's'} under ${stage.path}\n`);
        }
      });
      io.exitCode = EXIT.ok;
    });
}
