import {
  CloudWatchLogsClient,
  CloudWatchLogsServiceException,
  FilterLogEventsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AuditLogEventHistory } from '../../lib/aws/cloudwatch/audit-log-history';

const sdk = mockClient(CloudWatchLogsClient);
const GROUP = '/aws/events/eks-upgrade-agent-dev/audit';
const ID = 'payments-prod-1-31-chg-1-0123456789ab';

/** What the audit rule writes: the whole EventBridge envelope, one log event each. */
const logged = (type: string, time: string, upgradeId = ID) => ({
  message: JSON.stringify({
    version: '0',
    id: `e-${time}`,
    'detail-type': type,
    source: 'eks-upgrade-agent',
    time,
    detail: { upgradeId, clusterName: 'payments-prod' },
  }),
});

beforeEach(() => sdk.reset());

describe('AuditLogEventHistory', () => {
  test('reads every page with a JSON filter on the upgrade id, and answers the events oldest first', async () => {
    sdk
      .on(FilterLogEventsCommand)
      .resolvesOnce({
        events: [
          logged('phase.completed', '2026-03-01T09:05:00Z'),
          logged('phase.started', '2026-03-01T09:00:00Z'),
        ],
        nextToken: 'page-2',
      })
      .resolvesOnce({ events: [logged('upgrade.completed', '2026-03-01T10:00:00Z')] });
    const history = new AuditLogEventHistory(GROUP, { client: new CloudWatchLogsClient({}) });
    const events = await history.eventsOf(ID);
    expect(events.map((e) => e['detail-type'])).toEqual([
      'phase.started',
      'phase.completed',
      'upgrade.completed',
    ]);
    expect(sdk).toHaveReceivedCommandTimes(FilterLogEventsCommand, 2);
    expect(sdk).toHaveReceivedNthCommandWith(1, FilterLogEventsCommand, {
      logGroupName: GROUP,
      filterPattern: `{ $.detail.upgradeId = "${ID}" }`,
    });
    expect(sdk).toHaveReceivedNthCommandWith(2, FilterLogEventsCommand, { nextToken: 'page-2' });
  });

  test('skips what is not an agent event of this upgrade (not JSON, no detail, another upgrade)', async () => {
    sdk.on(FilterLogEventsCommand).resolves({
      events: [
        { message: 'not json' },
        { message: JSON.stringify({ 'detail-type': 'x', time: '2026-03-01T09:00:00Z' }) },
        {},
        logged('phase.started', '2026-03-01T09:00:00Z', 'another-upgrade'),
        logged('phase.started', '2026-03-01T09:01:00Z'),
      ],
    });
    const events = await new AuditLogEventHistory(GROUP, { client: new CloudWatchLogsClient({}) }).eventsOf(
      ID,
    );
    expect(events).toEqual([
      {
        'detail-type': 'phase.started',
        time: '2026-03-01T09:01:00Z',
        detail: { upgradeId: ID, clusterName: 'payments-prod' },
      },
    ]);
  });

  test('stops paging at its bound', async () => {
    sdk.on(FilterLogEventsCommand).resolves({
      events: [
        logged('phase.started', '2026-03-01T09:00:00Z'),
        logged('phase.completed', '2026-03-01T09:01:00Z'),
      ],
      nextToken: 'more',
    });
    const events = await new AuditLogEventHistory(
      GROUP,
      { client: new CloudWatchLogsClient({}) },
      3,
    ).eventsOf(ID);
    expect(events).toHaveLength(3);
    expect(sdk).toHaveReceivedCommandTimes(FilterLogEventsCommand, 2);
  });

  test('a log group that does not exist yet: no events; an id that is not an execution name: no call', async () => {
    sdk
      .on(FilterLogEventsCommand)
      .rejects(
        new ResourceNotFoundException({ message: 'The specified log group does not exist.', $metadata: {} }),
      );
    const history = new AuditLogEventHistory(GROUP, { client: new CloudWatchLogsClient({}) });
    await expect(history.eventsOf(ID)).resolves.toEqual([]);
    await expect(history.eventsOf('x" || $.detail.upgradeId = *')).resolves.toEqual([]);
    expect(sdk).toHaveReceivedCommandTimes(FilterLogEventsCommand, 1);
  });

  test('access denied and throttling keep their names', async () => {
    const history = new AuditLogEventHistory(GROUP, { client: new CloudWatchLogsClient({}) });
    for (const name of ['AccessDeniedException', 'ThrottlingException']) {
      sdk.reset();
      sdk
        .on(FilterLogEventsCommand)
        .rejects(
          new CloudWatchLogsServiceException({ name, $fault: 'client', message: name, $metadata: {} }),
        );
      await expect(history.eventsOf(ID)).rejects.toMatchObject({ name });
    }
  });
});
