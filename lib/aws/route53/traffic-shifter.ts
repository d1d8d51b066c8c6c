import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import type { WeightedTarget } from '../../domain/blue-green';
import type { TrafficShifter, WeightedRecord } from '../../ports';
import { UnexpectedResponseError } from '../errors';
import { createRoute53Client } from './clients';

/** Route 53 names end with a dot; the configuration may leave it out. */
function fqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

/**
 * Route 53 weighted CNAME records, one per cluster (set identifier = the cluster's
 * name). Both weights change in one ChangeResourceRecordSets batch of UPSERTs, which
 * Route 53 applies atomically, so the pair never sends traffic nowhere.
 */
export class Route53TrafficShifter implements TrafficShifter {
  private readonly route53: Route53Client;

  constructor(options: { readonly route53?: Route53Client } = {}) {
    this.route53 = options.route53 ?? createRoute53Client();
  }

  /** @throws NoSuchHostedZone, InvalidChangeBatch, PriorRequestNotComplete from Route 53. */
  async setWeights(
    record: WeightedRecord,
    targets: readonly WeightedTarget[],
    options: { readonly ttlSeconds: number },
  ): Promise<void> {
    await this.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: record.hostedZoneId,
        ChangeBatch: {
          Comment: `eks-upgrade-agent: ${targets.map((t) => `${t.setIdentifier}=${t.weight}`).join(', ')}`,
          Changes: targets.map((t) => ({
            Action: 'UPSERT',
            ResourceRecordSet: {
              Name: fqdn(record.recordName),
              Type: 'CNAME',
              SetIdentifier: t.setIdentifier,
              Weight: t.weight,
              TTL: options.ttlSeconds,
              ResourceRecords: [{ Value: t.value }],
            },
          })),
        },
      }),
    );
  }

  /**
   * The weighted CNAME records of the name (ListResourceRecordSets from the name, until
   * another name starts; a weighted pair fits the first page).
   * @throws UnexpectedResponseError for a weighted record without a value.
   */
  async readWeights(record: WeightedRecord): Promise<WeightedTarget[]> {
    const name = fqdn(record.recordName);
    const out = await this.route53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: record.hostedZoneId,
        StartRecordName: name,
        StartRecordType: 'CNAME',
      }),
    );
    const sets = (out.ResourceRecordSets ?? []).filter(
      (s) => s.Name === name && s.Type === 'CNAME' && s.SetIdentifier !== undefined,
    );
    return sets.map((s) => {
      const value = s.ResourceRecords?.[0]?.Value;
      if (value === undefined || s.SetIdentifier === undefined)
        throw new UnexpectedResponseError('ListResourceRecordSets', `record ${name} has no value`);
      return { setIdentifier: s.SetIdentifier, value, weight: s.Weight ?? 0 };
    });
  }
}
