import {
  DescribeInsightCommand,
  EKSClient,
  InvalidRequestException,
  ListInsightsCommand,
  ResourceNotFoundException,
  ServerException,
  StartInsightsRefreshCommand,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { EksInsightsReader } from '../../lib/aws/eks/insights-reader';
import { readinessInsight } from './fixtures/eks';

const eks = mockClient(EKSClient);
const reader = () => new EksInsightsReader({ eks: new EKSClient({}) });

beforeEach(() => eks.reset());

describe('EksInsightsReader.readInsights', () => {
  test('lists upgrade-readiness insights over every page and describes each, dates as ISO strings', async () => {
    eks
      .on(ListInsightsCommand)
      .resolvesOnce({ insights: [{ id: 'ins-1' }], nextToken: 'p2' })
      .resolvesOnce({ insights: [{ id: 'ins-2' }] });
    eks.on(DescribeInsightCommand, { id: 'ins-1' }).resolves({ insight: readinessInsight });
    eks.on(DescribeInsightCommand, { id: 'ins-2' }).resolves({
      insight: {
        ...readinessInsight,
        id: 'ins-2',
        insightStatus: { status: 'ERROR', reason: 'Now failing.' },
      },
    });
    const insights = await reader().readInsights('prod');
    expect(eks).toHaveReceivedNthSpecificCommandWith(1, ListInsightsCommand, {
      clusterName: 'prod',
      filter: { categories: ['UPGRADE_READINESS'] },
    });
    expect(eks).toHaveReceivedNthSpecificCommandWith(2, ListInsightsCommand, { nextToken: 'p2' });
    expect(insights.map((i) => [i.id, i.insightStatus.status, i.lastRefreshTime])).toEqual([
      ['ins-1', 'PASSING', '2024-06-01T00:00:00.000Z'],
      ['ins-2', 'ERROR', '2024-06-01T00:00:00.000Z'],
    ]);
  });

  test('an insight gone between List and Describe is skipped', async () => {
    eks.on(ListInsightsCommand).resolves({ insights: [{ id: 'gone' }, { id: 'ins-1' }] });
    eks
      .on(DescribeInsightCommand, { id: 'gone' })
      .rejects(new ResourceNotFoundException({ message: 'No insight found', $metadata: {} }));
    eks.on(DescribeInsightCommand, { id: 'ins-1' }).resolves({ insight: readinessInsight });
    expect((await reader().readInsights('prod')).map((i) => i.id)).toEqual(['ins-1']);
  });

  test('a describe answer without an insight, or of the wrong shape, is UnexpectedResponseError', async () => {
    eks.on(ListInsightsCommand).resolves({ insights: [{ id: 'ins-1' }] });
    eks.on(DescribeInsightCommand).resolves({});
    await expect(reader().readInsights('prod')).rejects.toMatchObject({
      name: 'UnexpectedResponseError',
      message: 'DescribeInsight returned an unexpected response: no insight for ins-1',
    });
    eks.on(DescribeInsightCommand).resolves({ insight: { id: 'ins-1' } });
    await expect(reader().readInsights('prod')).rejects.toMatchObject({ name: 'UnexpectedResponseError' });
  });

  test('a server error propagates under its EKS name (the state machine retries it)', async () => {
    eks.on(ListInsightsCommand).rejects(new ServerException({ message: 'boom', $metadata: {} }));
    await expect(reader().readInsights('prod')).rejects.toMatchObject({ name: 'ServerException' });
  });
});

describe('EksInsightsReader.refreshInsights', () => {
  test('starts a refresh of the cluster', async () => {
    eks.on(StartInsightsRefreshCommand).resolves({ status: 'IN_PROGRESS' });
    await reader().refreshInsights('prod');
    expect(eks).toHaveReceivedCommandWith(StartInsightsRefreshCommand, { clusterName: 'prod' });
  });

  test("EKS refusing a refresh for the cluster's state does not fail the hop; other errors do", async () => {
    eks
      .on(StartInsightsRefreshCommand)
      .rejectsOnce(new InvalidRequestException({ message: 'refresh in progress', $metadata: {} }))
      .rejectsOnce(new ResourceNotFoundException({ message: 'No cluster found', $metadata: {} }));
    await expect(reader().refreshInsights('prod')).resolves.toBeUndefined();
    await expect(reader().refreshInsights('prod')).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});
