import {
  ChangeResourceRecordSetsCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  NoSuchHostedZone,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { UnexpectedResponseError } from '../../lib/aws/errors';
import { Route53TrafficShifter } from '../../lib/aws/route53/traffic-shifter';
import { weightedTargets } from '../../lib/domain/blue-green';

const route53 = mockClient(Route53Client);
const shifter = () => new Route53TrafficShifter({ route53: new Route53Client({}) });
const record = { hostedZoneId: 'Z0123456789ABC', recordName: 'api.example.com' };

beforeEach(() => route53.reset());

describe('Route53TrafficShifter.setWeights', () => {
  test('both weighted records change in one batch of UPSERTs', async () => {
    route53
      .on(ChangeResourceRecordSetsCommand)
      .resolves({ ChangeInfo: { Id: 'c1', Status: 'PENDING', SubmittedAt: new Date() } });
    await shifter().setWeights(record, weightedTargets('prod', 'prod-1-33', 25, '{cluster}.lb.example.com'), {
      ttlSeconds: 60,
    });
    expect(route53).toHaveReceivedCommandTimes(ChangeResourceRecordSetsCommand, 1);
    expect(route53).toHaveReceivedCommandWith(ChangeResourceRecordSetsCommand, {
      HostedZoneId: 'Z0123456789ABC',
      ChangeBatch: {
        Comment: 'eks-upgrade-agent: prod=75, prod-1-33=25',
        Changes: [
          {
            Action: 'UPSERT',
            ResourceRecordSet: {
              Name: 'api.example.com.',
              Type: 'CNAME',
              SetIdentifier: 'prod',
              Weight: 75,
              TTL: 60,
              ResourceRecords: [{ Value: 'prod.lb.example.com' }],
            },
          },
          {
            Action: 'UPSERT',
            ResourceRecordSet: {
              Name: 'api.example.com.',
              Type: 'CNAME',
              SetIdentifier: 'prod-1-33',
              Weight: 25,
              TTL: 60,
              ResourceRecords: [{ Value: 'prod-1-33.lb.example.com' }],
            },
          },
        ],
      },
    });
  });

  test("Route 53's refusals propagate under their names", async () => {
    route53
      .on(ChangeResourceRecordSetsCommand)
      .rejects(new NoSuchHostedZone({ message: 'No hosted zone', $metadata: {} }));
    await expect(shifter().setWeights(record, [], { ttlSeconds: 60 })).rejects.toMatchObject({
      name: 'NoSuchHostedZone',
    });
    route53
      .on(ChangeResourceRecordSetsCommand)
      .rejects(new InvalidChangeBatch({ message: 'CNAME conflicts', messages: ['conflict'], $metadata: {} }));
    await expect(shifter().setWeights(record, [], { ttlSeconds: 60 })).rejects.toMatchObject({
      name: 'InvalidChangeBatch',
    });
  });
});

describe('Route53TrafficShifter.readWeights', () => {
  test('reads the weighted CNAMEs of the name only', async () => {
    route53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        {
          Name: 'api.example.com.',
          Type: 'CNAME',
          SetIdentifier: 'prod',
          Weight: 90,
          ResourceRecords: [{ Value: 'prod.lb' }],
        },
        {
          Name: 'api.example.com.',
          Type: 'CNAME',
          SetIdentifier: 'prod-1-33',
          Weight: 10,
          ResourceRecords: [{ Value: 'g.lb' }],
        },
        {
          Name: 'zzz.example.com.',
          Type: 'CNAME',
          SetIdentifier: 'x',
          Weight: 1,
          ResourceRecords: [{ Value: 'x' }],
        },
      ],
      IsTruncated: false,
      MaxItems: 100,
    });
    await expect(shifter().readWeights(record)).resolves.toEqual([
      { setIdentifier: 'prod', value: 'prod.lb', weight: 90 },
      { setIdentifier: 'prod-1-33', value: 'g.lb', weight: 10 },
    ]);
    expect(route53).toHaveReceivedCommandWith(ListResourceRecordSetsCommand, {
      HostedZoneId: 'Z0123456789ABC',
      StartRecordName: 'api.example.com.',
      StartRecordType: 'CNAME',
    });
  });

  test('a weighted record without a value is UnexpectedResponseError', async () => {
    route53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [{ Name: 'api.example.com.', Type: 'CNAME', SetIdentifier: 'prod', Weight: 1 }],
      IsTruncated: false,
      MaxItems: 100,
    });
    await expect(shifter().readWeights(record)).rejects.toBeInstanceOf(UnexpectedResponseError);
  });
});
