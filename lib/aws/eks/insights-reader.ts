import {
  Category,
  DescribeInsightCommand,
  type EKSClient,
  InvalidRequestException,
  paginateListInsights,
  ResourceNotFoundException,
  StartInsightsRefreshCommand,
} from '@aws-sdk/client-eks';
import { type Insight, insightSchema } from '../../domain/snapshot';
import type { InsightsReader } from '../../ports';
import { UnexpectedResponseError } from '../errors';
import { toPlainJson } from '../plain-json';
import { createEksClient } from './clients';

/**
 * The InsightsReader port over EKS: ListInsights (UPGRADE_READINESS) and
 * DescribeInsight for each, and StartInsightsRefresh. The execution phase calls it
 * between control-plane hops, so it reads only what that decision needs.
 */
export class EksInsightsReader implements InsightsReader {
  private readonly eks: EKSClient;

  constructor(options: { readonly eks?: EKSClient } = {}) {
    this.eks = options.eks ?? createEksClient();
  }

  /**
   * @throws UnexpectedResponseError when DescribeInsight answers without an insight
   *   or with one that is not an insight's shape.
   * @throws ResourceNotFoundException (EKS's) for an unknown cluster.
   */
  async readInsights(clusterName: string): Promise<Insight[]> {
    const ids: string[] = [];
    const filter = { categories: [Category.UPGRADE_READINESS] };
    for await (const page of paginateListInsights({ client: this.eks }, { clusterName, filter })) {
      for (const summary of page.insights ?? []) if (summary.id !== undefined) ids.push(summary.id);
    }
    const insights: Insight[] = [];
    for (const id of ids) {
      const insight = await this.describe(clusterName, id);
      if (insight !== undefined) insights.push(insight);
    }
    return insights;
  }

  /**
   * Starts a refresh. When EKS refuses one for the cluster's state
   * (InvalidRequestException: "The request is invalid given the state of the
   * cluster", for example while a refresh already runs), the hop that just succeeded
   * is not failed for it: the re-read before the next hop still sees what EKS reports.
   * @throws ResourceNotFoundException (EKS's) for an unknown cluster.
   */
  async refreshInsights(clusterName: string): Promise<void> {
    try {
      await this.eks.send(new StartInsightsRefreshCommand({ clusterName }));
    } catch (error) {
      if (error instanceof InvalidRequestException) return;
      throw error;
    }
  }

  /** Undefined when the insight went away between List and Describe. */
  private async describe(clusterName: string, id: string): Promise<Insight | undefined> {
    let found: unknown;
    try {
      found = (await this.eks.send(new DescribeInsightCommand({ clusterName, id }))).insight;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
    if (found === undefined) throw new UnexpectedResponseError('DescribeInsight', `no insight for ${id}`);
    const parsed = insightSchema().safeParse(toPlainJson(found));
    if (!parsed.success) {
      throw new UnexpectedResponseError(
        'DescribeInsight',
        `insight ${id} is malformed: ${parsed.error.message}`,
      );
    }
    return parsed.data;
  }
}
