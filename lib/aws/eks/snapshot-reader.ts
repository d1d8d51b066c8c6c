import type { EC2Client, Subnet } from '@aws-sdk/client-ec2';
import {
  AccessDeniedException,
  type Cluster,
  type ClusterVersionInformation,
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  DescribeInsightCommand,
  DescribeNodegroupCommand,
  type EKSClient,
  paginateDescribeClusterVersions,
  paginateListAddons,
  paginateListFargateProfiles,
  paginateListInsights,
  paginateListNodegroups,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import { type EnvironmentSnapshot, parseSnapshot } from '../../domain/snapshot';
import type { SnapshotReader } from '../../ports';
import { createLimiter, type Limiter } from '../concurrency';
import { ClusterNotFoundError, UnexpectedResponseError } from '../errors';
import { toPlainJson } from '../plain-json';
import { readAddonVersions, versionsBetween } from './addon-versions';
import { createEc2Client, createEksClient } from './clients';

export interface EksSnapshotReaderOptions {
  readonly eks?: EKSClient;
  readonly ec2?: EC2Client;
  /** Describe calls in flight at once for one snapshot (all kinds together). Default 5. */
  readonly concurrency?: number;
  /** Read support dates with DescribeClusterVersions (the cost finding). Default true. */
  readonly includeClusterVersions?: boolean;
  /** The clock for `capturedAt`. */
  readonly now?: () => Date;
}

/**
 * Reads a live cluster into the environment snapshot the planner reasons over.
 * Every list is paginated and every describe call goes through one limiter.
 */
export class EksSnapshotReader implements SnapshotReader {
  private readonly eks: EKSClient;
  private ec2: EC2Client | undefined;
  private readonly concurrency: number;
  private readonly includeClusterVersions: boolean;
  private readonly now: () => Date;

  constructor(options: EksSnapshotReaderOptions = {}) {
    this.eks = options.eks ?? createEksClient();
    // The EC2 client is loaded on first use: it is the largest module of the bundle
    // (about 40%), and a Lambda pays for evaluating it at cold start otherwise.
    this.ec2 = options.ec2;
    this.concurrency = options.concurrency ?? 5;
    this.includeClusterVersions = options.includeClusterVersions ?? true;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * @throws ClusterNotFoundError when DescribeCluster does not know the cluster.
   * @throws InvalidSnapshotError when EKS's answers do not form a valid snapshot.
   * @throws UnexpectedResponseError when a describe call answers without its object.
   */
  async readSnapshot(
    clusterName: string,
    options?: { targetVersion?: string },
  ): Promise<EnvironmentSnapshot> {
    const capturedAt = this.now().toISOString();
    const cluster = await this.describeCluster(clusterName);
    const limit = createLimiter(this.concurrency);
    const versions = versionsBetween(cluster.version ?? '', options?.targetVersion);
    const addonsRead = this.readAddons(clusterName, limit);
    const [nodegroups, addons, addonVersions, insights, fargateProfiles, subnets, clusterVersions] =
      await Promise.all([
        this.readNodegroups(clusterName, limit),
        addonsRead,
        addonsRead.then((found) =>
          readAddonVersions(
            this.eks,
            found.map((a) => a.addonName).filter((name): name is string => name !== undefined),
            versions,
            limit,
          ),
        ),
        this.readInsights(clusterName, limit),
        this.readFargateProfiles(clusterName, limit),
        this.readSubnets(cluster.resourcesVpcConfig?.subnetIds ?? []),
        this.includeClusterVersions ? this.readClusterVersions(versions) : Promise.resolve(undefined),
      ]);
    return parseSnapshot(
      toPlainJson({
        capturedAt,
        cluster,
        nodegroups,
        addons,
        addonVersions,
        insights,
        fargateProfiles,
        subnets,
        clusterVersions,
      }),
    );
  }

  private async describeCluster(name: string): Promise<Cluster> {
    try {
      const { cluster } = await this.eks.send(new DescribeClusterCommand({ name }));
      if (!cluster) throw new UnexpectedResponseError('DescribeCluster', `no cluster for ${name}`);
      return cluster;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) throw new ClusterNotFoundError(name, { cause: error });
      throw error;
    }
  }

  private async readNodegroups(clusterName: string, limit: Limiter) {
    const names: string[] = [];
    for await (const page of paginateListNodegroups({ client: this.eks }, { clusterName })) {
      names.push(...(page.nodegroups ?? []));
    }
    return describeEach(names, limit, async (nodegroupName) => {
      const out = await this.eks.send(new DescribeNodegroupCommand({ clusterName, nodegroupName }));
      return required(out.nodegroup, 'DescribeNodegroup', nodegroupName);
    });
  }

  private async readAddons(clusterName: string, limit: Limiter) {
    const names: string[] = [];
    for await (const page of paginateListAddons({ client: this.eks }, { clusterName })) {
      names.push(...(page.addons ?? []));
    }
    return describeEach(names, limit, async (addonName) => {
      const out = await this.eks.send(new DescribeAddonCommand({ clusterName, addonName }));
      return required(out.addon, 'DescribeAddon', addonName);
    });
  }

  private async readInsights(clusterName: string, limit: Limiter) {
    const ids: string[] = [];
    // Every category: configuration and rollback-readiness insights are findings too;
    // the planner tells them apart by their category.
    for await (const page of paginateListInsights({ client: this.eks }, { clusterName })) {
      for (const summary of page.insights ?? []) if (summary.id !== undefined) ids.push(summary.id);
    }
    return describeEach(ids, limit, async (id) => {
      const out = await this.eks.send(new DescribeInsightCommand({ clusterName, id }));
      return required(out.insight, 'DescribeInsight', id);
    });
  }

  private async readFargateProfiles(clusterName: string, limit: Limiter) {
    const names: string[] = [];
    for await (const page of paginateListFargateProfiles({ client: this.eks }, { clusterName })) {
      names.push(...(page.fargateProfileNames ?? []));
    }
    return describeEach(names, limit, async (fargateProfileName) => {
      const out = await this.eks.send(new DescribeFargateProfileCommand({ clusterName, fargateProfileName }));
      return required(out.fargateProfile, 'DescribeFargateProfile', fargateProfileName);
    });
  }

  private async readSubnets(subnetIds: readonly string[]): Promise<Subnet[]> {
    if (subnetIds.length === 0) return [];
    const subnets: Subnet[] = [];
    // No page size: EC2 rejects MaxResults combined with explicit SubnetIds.
    const { paginateDescribeSubnets } = await import('@aws-sdk/client-ec2');
    this.ec2 ??= await createEc2Client();
    const client = this.ec2;
    for await (const page of paginateDescribeSubnets({ client }, { SubnetIds: [...subnetIds] })) {
      subnets.push(...(page.Subnets ?? []));
    }
    return subnets;
  }

  private async readClusterVersions(
    versions: readonly string[],
  ): Promise<ClusterVersionInformation[] | undefined> {
    if (versions.length === 0) return undefined;
    const wanted = new Set(versions);
    const found: ClusterVersionInformation[] = [];
    try {
      // includeAll so versions already in extended support are listed with their dates.
      const input = { clusterVersions: [...versions], includeAll: true };
      for await (const page of paginateDescribeClusterVersions({ client: this.eks }, input)) {
        for (const info of page.clusterVersions ?? []) {
          if (info.clusterVersion !== undefined && wanted.has(info.clusterVersion)) found.push(info);
        }
      }
    } catch (error) {
      // The part is optional (support dates only); a role without the newer
      // eks:DescribeClusterVersions permission still gets a usable snapshot.
      if (error instanceof AccessDeniedException) return undefined;
      throw error;
    }
    return found;
  }
}

/**
 * Describes every listed name through the limiter. A resource deleted between
 * List and Describe (ResourceNotFoundException) is skipped: it no longer exists.
 */
async function describeEach<T>(
  names: readonly string[],
  limit: Limiter,
  describe: (name: string) => Promise<T>,
) {
  const results = await Promise.all(
    names.map((name) =>
      limit(async () => {
        try {
          return await describe(name);
        } catch (error) {
          if (error instanceof ResourceNotFoundException) return undefined;
          throw error;
        }
      }),
    ),
  );
  return results.filter((r): r is Awaited<T> => r !== undefined);
}

function required<T>(value: T | undefined, operation: string, name: string): T {
  if (value === undefined) throw new UnexpectedResponseError(operation, `no object for ${name}`);
  return value;
}
