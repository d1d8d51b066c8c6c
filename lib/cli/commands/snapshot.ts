import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { explainAwsEnvironmentError } from '../../aws/eks/access-errors';
import { createPersonClients } from '../../aws/eks/person-clients';
import { EksSnapshotReader } from '../../aws/eks/snapshot-reader';
import { clusterNameProblem } from '../../domain/request-fields';
import type { EnvironmentSnapshot } from '../../domain/snapshot';
import { isKubernetesVersion } from '../../domain/version';
import { CliUsageError, EXIT } from '../errors';
import type { CliIo } from '../io';

export interface LiveClusterOptions {
  readonly cluster: string;
  readonly region?: string;
  readonly profile?: string;
  /** Add-on compatibility is read for each hop up to this version. */
  readonly target?: string;
  /** Without a target: compatibility for the current version and this many minors above it. */
  readonly minorsAhead?: number;
}

const DEFAULT_MINORS_AHEAD = 3;

/** Validates --cluster/--region/--profile before any call. @throws CliUsageError */
export function checkLiveOptions(options: { cluster?: string; region?: string; profile?: string }): void {
  if (options.cluster !== undefined && clusterNameProblem(options.cluster) !== undefined) {
    throw new CliUsageError(
      `--cluster ${JSON.stringify(options.cluster)} is not an EKS cluster name (1-100 letters, digits, - and _, starting with a letter or digit)`,
    );
  }
  if (options.cluster === undefined && (options.region !== undefined || options.profile !== undefined)) {
    throw new CliUsageError(
      '--region and --profile apply to --cluster (a live read); a snapshot file has no region',
    );
  }
}

/**
 * Reads a live cluster with the person's AWS credentials, one progress line per API
 * family on stderr.
 * @throws AwsAccessDeniedError, ClusterNotFoundError, NoCredentialsError, ProfileCredentialsError,
 *   InvalidCredentialsError, RegionError, AwsUnreachableError, RegisteredClusterError.
 */
export async function readLiveCluster(options: LiveClusterOptions, io: CliIo): Promise<EnvironmentSnapshot> {
  const context = { profile: options.profile, region: options.region };
  try {
    const clients = await createPersonClients({ region: options.region, profile: options.profile });
    const via = options.profile ? ` with profile ${options.profile}` : '';
    io.stderr(`reading cluster ${options.cluster} in ${clients.region}${via}\n`);
    const reader = new EksSnapshotReader({
      eks: clients.eks,
      ec2: clients.ec2,
      now: () => io.now(),
      progress: (line) => io.stderr(`  ${line}\n`),
    });
    return await reader.readSnapshot(options.cluster, {
      targetVersion: options.target,
      minorsAhead: options.minorsAhead ?? DEFAULT_MINORS_AHEAD,
    });
  } catch (error) {
    throw explainAwsEnvironmentError(error, { ...context, region: options.region ?? process.env.AWS_REGION });
  }
}

interface SnapshotOptions {
  cluster: string;
  out: string;
  region?: string;
  profile?: string;
  target?: string;
  force?: boolean;
}

/** The --out file is checked before the cluster is read, so a bad path costs no AWS calls. */
function checkOutPath(path: string, force: boolean): void {
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliUsageError(`--out ${path}: the directory ${dir} does not exist`);
  }
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) throw new CliUsageError(`--out ${path} is a directory; name a file`);
    if (!force) throw new CliUsageError(`--out ${path} exists; pass --force to replace it`);
  }
}

/** `snapshot`: reads a live cluster and writes the environment snapshot that `plan --snapshot` reads. */
export function registerSnapshot(program: Command, io: CliIo): void {
  program
    .command('snapshot')
    .description('Read a live EKS cluster with your AWS credentials and save it as an environment snapshot')
    .requiredOption('--cluster <name>', 'EKS cluster name')
    .requiredOption('--out <file>', 'where to write the snapshot JSON')
    .option('--region <region>', "AWS region (default: the SDK's: AWS_REGION, then the profile's)")
    .option(
      '--profile <profile>',
      'a profile of ~/.aws/config (default: AWS_PROFILE, then the default chain)',
    )
    .option(
      '--target <version>',
      `read add-on compatibility up to this version (default: the current version and ${DEFAULT_MINORS_AHEAD} minors above)`,
    )
    .option('--force', 'replace --out if it exists', false)
    .addHelpText(
      'after',
      '\nExit codes: 0 written, 1 AWS unreachable, 2 bad input, credentials, permissions or an unknown cluster.\n' +
        'Example: eks-upgrade-agent snapshot --cluster payments-prod --region eu-west-1 --out payments.json',
    )
    .action(async (options: SnapshotOptions) => {
      checkLiveOptions(options);
      if (options.target !== undefined && !isKubernetesVersion(options.target)) {
        throw new CliUsageError(
          `--target must be a Kubernetes minor version such as 1.32 (got "${options.target}")`,
        );
      }
      checkOutPath(options.out, options.force === true);
      const snapshot = await readLiveCluster(options, io);
      // Written beside the target and renamed: a failed write never leaves half a snapshot.
      const partial = join(dirname(options.out), `.${basename(options.out)}.${process.pid}.partial`);
      writeFileSync(partial, `${JSON.stringify(snapshot, null, 2)}\n`);
      renameSync(partial, options.out);
      io.stdout(
        `snapshot of ${snapshot.cluster.name} (Kubernetes ${snapshot.cluster.version}) written to ${options.out}\n` +
          `plan it with: eks-upgrade-agent plan --snapshot ${options.out} --target <version>\n`,
      );
      io.exitCode = EXIT.ok;
    });
}
