import {
  type EC2Client,
  type LaunchTemplate,
  paginateDescribeLaunchTemplates,
  paginateDescribeSubnets,
  type Subnet,
} from '@aws-sdk/client-ec2';
import type { Nodegroup } from '@aws-sdk/client-eks';
import { naming } from './access-errors';

/**
 * The subnets by id, for free IP addresses. No page size: EC2 rejects MaxResults
 * combined with explicit SubnetIds.
 * @throws AwsAccessDeniedError naming ec2:DescribeSubnets.
 */
export async function readSubnets(client: EC2Client, ids: readonly string[]): Promise<Subnet[]> {
  const subnets: Subnet[] = [];
  await naming('ec2:DescribeSubnets', async () => {
    for await (const page of paginateDescribeSubnets({ client }, { SubnetIds: [...ids] })) {
      subnets.push(...(page.Subnets ?? []));
    }
  });
  return subnets;
}

/** The launch-template ids node groups name, each once, in first-seen order. */
export function launchTemplateIds(nodegroups: readonly Nodegroup[]): string[] {
  const ids = nodegroups.map((ng) => ng.launchTemplate?.id).filter((id): id is string => id !== undefined);
  return [...new Set(ids)];
}

/**
 * The launch templates node groups use, with their default and latest version
 * numbers (the pending-update finding), in one paginated DescribeLaunchTemplates
 * (EC2's default page size; the ids asked for bound the answer anyway).
 * @throws AwsAccessDeniedError naming ec2:DescribeLaunchTemplates.
 */
export async function readLaunchTemplates(
  client: EC2Client,
  ids: readonly string[],
): Promise<LaunchTemplate[]> {
  const templates: LaunchTemplate[] = [];
  await naming('ec2:DescribeLaunchTemplates', async () => {
    for await (const page of paginateDescribeLaunchTemplates({ client }, { LaunchTemplateIds: [...ids] })) {
      templates.push(...(page.LaunchTemplates ?? []));
    }
  });
  return templates;
}
