import type { EC2Client, LaunchTemplate, Subnet } from '@aws-sdk/client-ec2';
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
  type Nodegroup,
  paginateDescribeClusterVersions,
  paginateListAddons,
  paginateListFargateProfiles,
  paginateListInsights,
  paginateListNodegroups,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import { type EnvironmentSnapshot, parseSnapshot } from '../../domain/snapshot';
import { RegisteredClusterError } from '../../domain/snapshot-guards';
import { formatVersion, isKubernetesVersion, parseVersion } from '../../domain/version';
import type { SnapshotReader } from '../../ports';
import { createLimiter, type Limiter } from '../concurrency';
import { ClusterNotFoundError, UnexpectedResponseError } from '../errors';
import { toPlainJson } from '../plain-json';
import { naming } from './access-errors';
import { readAddonVersions, versionsBetween } from './addon-versions';
import { createEc2Client, createEksClient } from './clients';
import { describeEach, required } from './describe-each';
import { launchTemplateIds, readLaunchTemplates, readSubnets } from './ec2-reads';

/** Kubernetes versions whose add-on compatibility one snapshot reads: the current one and the hops after it. */
const MAX_VERSIONS_READ = 10;

export interface EksSnapshotReaderOptions {
  readonly eks?: EKSClient;
  readonly ec2?: EC2Client;
  /** Describe calls in flight at once for one snapshot (all kinds together). Default 5. */
  readonly concurrency?: number;
  /** Read support dates with DescribeClusterVersions (the cost finding). Default true. */
  readonly includeClusterVersions?: boolean;
  /** The clock for `capturedAt`. */
  readonly now?: () => Date;
  /** Told once per API family when it has been read (the CLI prints these on stderr). */
  readonly progress?: (line: string) => void;
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
  private readonly progress: (line: string) => void;

  constructor(options: EksSnapshotReaderOptions = {}) {
    this.eks = options.eks ?? createEksClient();
    // Made on first use: a cluster with no subnets listed and no launch templates needs none.
    this.ec2 = options.ec2;
    this.concurrency = options.concurrency ?? 5;
    this.includeClusterVersions = options.includeClusterVersions ?? true;
    this.now = options.now ?? (() => new Date());
    this.progress = options.progress ?? (() => {});
  }

  /**
   * @throws ClusterNotFoundError when DescribeCluster does not know the cluster.
   * @throws RegisteredClusterError for an EKS Connector cluster (EKS cannot upgrade it).
   * @throws AwsAccessDeniedError naming the IAM action the identity lacks.
   * @throws InvalidSnapshotError when EKS's answers do not form a valid snapshot.
   * @throws UnexpectedResponseError when a describe call answers without its object.
   */
  async readSnapshot(
    clusterName: string,
    options?: {
      targetVersion?: string;
      /** Without a target: read add-on compatibility this many minors above the current version too. */
      minorsAhead?: number;
    },
  ): Promise<EnvironmentSnapshot> {
    const capturedAt = this.now().toISOString();
    const cluster = await this.describeCluster(clusterName);
    if (cluster.connectorConfig) {
      throw new RegisteredClusterError(cluster.name ?? clusterName, cluster.connectorConfig.provider);
    }
    this.progress(
      `cluster ${clusterName}: Kubernetes ${cluster.version ?? '(none)'}, ${cluster.status ?? 'no status'}`,
    );
    const limit = createLimiter(this.concurrency);
    // Bounded: a mistyped target (1.300) must not become hundreds of DescribeAddonVersions calls.
    const versions = versionsBetween(
      cluster.version ?? '',
      options?.targetVersion ?? ahead(cluster, options?.minorsAhead),
    ).slice(0, MAX_VERSIONS_READ);
    const addonsRead = this.readAddons(clusterName, limit);
    const nodegroupsRead = this.readNodegroups(clusterName, limit);
    const [
      nodegroups,
      launchTemplates,
      addons,
      addonVersions,
      insights,
      fargateProfiles,
      subnets,
      clusterVersions,
    ] = await Promise.all([
      nodegroupsRead,
      nodegroupsRead.then((found) => this.readLaunchTemplates(found)),
      addonsRead,
      addonsRead.then((found) => this.readAddonVersions(found, versions, limit)),
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
        launchTemplates,
        clusterVersions,
      }),
    );
  }

  private async describeCluster(name: string): Promise<Cluster> {
    try {
      const { cluster } = await naming('eks:DescribeCluster', () =>
        this.eks.send(new DescribeClusterCommand({ name })),
      );
      if (!cluster) throw new UnexpectedResponseError('DescribeCluster', `no cluster for ${name}`);
      return cluster;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) {
        const region = await this.eks.config.region().catch(() => undefined);
        throw new ClusterNotFoundError(name, { cause: error, region });
      }
      throw error;
    }
  }

  private async readNodegroups(clusterName: string, limit: Limiter) {
    const names = await naming('eks:ListNodegroups', async () => {
      const found: string[] = [];
      for await (const page of paginateListNodegroups({ client: this.eks }, { clusterName })) {
        found.push(...(page.nodegroups ?? []));
      }
      return found;
    });
    const nodegroups = await describeEach(names, limit, async (nodegroupName) => {
      const out = await naming('eks:DescribeNodegroup', () =>
        this.eks.send(new DescribeNodegroupCommand({ clusterName, nodegroupName })),
      );
      return required(out.nodegroup, 'DescribeNodegroup', nodegroupName);
    });
    this.progress(`node groups: ${nodegroups.length}`);
    return nodegroups;
  }

  private async readAddons(clusterName: string, limit: Limiter) {
    const names = await naming('eks:ListAddons', async () => {
      const found: string[] = [];
      for await (const page of paginateListAddons({ client: this.eks }, { clusterName })) {
        found.push(...(page.addons ?? []));
      }
      return found;
    });
    const addons = await describeEach(names, limit, async (addonName) => {
      const out = await naming('eks:DescribeAddon', () =>
        this.eks.send(new DescribeAddonCommand({ clusterName, addonName })),
      );
      return required(out.addon, 'DescribeAddon', addonName);
    });
    this.progress(`add-ons: ${addons.length}`);
    return addons;
  }

  private async readAddonVersions(
    addons: readonly { addonName?: string | undefined }[],
    versions: readonly string[],
    limit: Limiter,
  ) {
    const names = addons.map((a) => a.addonName).filter((name): name is string => name !== undefined);
    const infos = await naming('eks:DescribeAddonVersions', () =>
      readAddonVersions(this.eks, names, versions, limit),
    );
    this.progress(
      `add-on versions: ${names.length} add-on(s) for Kubernetes ${versions.join(', ') || '(none)'}`,
    );
    return infos;
  }

  private async readInsights(clusterName: string, limit: Limiter) {
    // Every category: configuration and rollback-readiness insights are findings too;
    // the planner tells them apart by their category.
    const ids = await naming('eks:ListInsights', async () => {
      const found: string[] = [];
      for await (const page of paginateListInsights({ client: this.eks }, { clusterName })) {
        for (const summary of page.insights ?? []) if (summary.id !== undefined) found.push(summary.id);
      }
      return found;
    });
    const insights = await describeEach(ids, limit, async (id) => {
      const out = await naming('eks:DescribeInsight', () =>
        this.eks.send(new DescribeInsightCommand({ clusterName, id })),
      );
      return required(out.insight, 'DescribeInsight', id);
    });
    this.progress(`insights: ${insights.length}`);
    return insights;
  }

  private async readFargateProfiles(clusterName: string, limit: Limiter) {
    const names = await naming('eks:ListFargateProfiles', async () => {
      const found: string[] = [];
      for await (const page of paginateListFargateProfiles({ client: this.eks }, { clusterName })) {
        found.push(...(page.fargateProfileNames ?? []));
      }
      return found;
    });
    const profiles = await describeEach(names, limit, async (fargateProfileName) => {
      const out = await naming('eks:DescribeFargateProfile', () =>
        this.eks.send(new DescribeFargateProfileCommand({ clusterName, fargateProfileName })),
      );
      return required(out.fargateProfile, 'DescribeFargateProfile', fargateProfileName);
    });
    this.progress(`Fargate profiles: ${profiles.length}`);
    return profiles;
  }

  private async readSubnets(subnetIds: readonly string[]): Promise<Subnet[]> {
    if (subnetIds.length === 0) {
      this.progress('subnets: none listed by the cluster');
      return [];
    }
    const subnets = await readSubnets(this.ec2Client(), subnetIds);
    this.progress(`subnets: ${subnets.length}`);
    return subnets;
  }

  /** Undefined (the part absent) when no node group has a launch template: nothing was read. */
  private async readLaunchTemplates(nodegroups: readonly Nodegroup[]): Promise<LaunchTemplate[] | undefined> {
    const ids = launchTemplateIds(nodegroups);
    if (ids.length === 0) return undefined;
    const templates = await readLaunchTemplates(this.ec2Client(), ids);
    this.progress(`launch templates: ${templates.length}`);
    return templates;
  }

  /** One client for both EC2 reads. */
  private ec2Client(): EC2Client {
    this.ec2 ??= createEc2Client();
    return this.ec2;
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
      if (error instanceof AccessDeniedException) {
        this.progress('support dates: skipped (eks:DescribeClusterVersions not allowed)');
        return undefined;
      }
      throw error;
    }
    this.progress(`support dates: ${found.length} version(s)`);
    return found;
  }
}

function ahead(cluster: Cluster, minors: number | undefined): string | undefined {
  if (minors === undefined || cluster.version === undefined || !isKubernetesVersion(cluster.version))
    return undefined;
  const { major, minor } = parseVersion(cluster.version);
  return formatVersion({ major, minor: minor + minors });
}
