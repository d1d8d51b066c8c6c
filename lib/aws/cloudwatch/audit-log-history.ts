import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import type { EventHistory, RecordedEvent } from '../../ports';
import { type AwsClientOptions, sdkClientConfig } from '../client-config';

/** The most events one upgrade's page reads (a 500-node-group upgrade publishes about 4,000). */
export const MAX_HISTORY_EVENTS = 5000;

/** Upgrade ids are execution names: nothing in them can break out of the filter's quotes. */
const UPGRADE_ID = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * An upgrade's events from the audit log group, where the audit rule writes every
 * agent event as its whole EventBridge envelope (one JSON log event each).
 * FilterLogEvents with a JSON filter on `detail.upgradeId`, page by page, oldest first.
 */
export class AuditLogEventHistory implements EventHistory {
  private readonly client: CloudWatchLogsClient;

  constructor(
    private readonly logGroupName: string,
    options: { readonly client?: CloudWatchLogsClient; readonly clientOptions?: AwsClientOptions } = {},
    private readonly maxEvents = MAX_HISTORY_EVENTS,
  ) {
    this.client = options.client ?? new CloudWatchLogsClient(sdkClientConfig(options.clientOptions));
  }

  /**
   * @returns [] when the log group does not exist (yet): nothing was audited.
   * @throws the SDK's named errors otherwise (AccessDeniedException, ThrottlingException, ...).
   */
  async eventsOf(upgradeId: string): Promise<RecordedEvent[]> {
    if (!UPGRADE_ID.test(upgradeId)) return [];
    const events: RecordedEvent[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new FilterLogEventsCommand({
            logGroupName: this.logGroupName,
            filterPattern: `{ $.detail.upgradeId = "${upgradeId}" }`,
            ...(nextToken !== undefined ? { nextToken } : {}),
          }),
        );
        for (const logged of page.events ?? []) {
          const event = recorded(logged.message);
          if (event !== undefined && event.detail.upgradeId === upgradeId) events.push(event);
        }
        nextToken = page.nextToken;
      } while (nextToken !== undefined && events.length < this.maxEvents);
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return [];
      throw error;
    }
    return events.slice(0, this.maxEvents).sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  }
}

/** A log event's message as an agent event; undefined for anything else. */
function recorded(message: string | undefined): RecordedEvent | undefined {
  if (message === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const e = parsed as Record<string, unknown>;
  const detail = e.detail;
  if (typeof e['detail-type'] !== 'string' || typeof e.time !== 'string') return undefined;
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return undefined;
  return { 'detail-type': e['detail-type'], time: e.time, detail: detail as Record<string, unknown> };
}
