import {
  PutEventsCommand,
  type EventBridgeClient as SdkEventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import { InvalidRequestError } from '../../domain/errors';
import { EVENT_SOURCE, type UpgradeRequestedDetail, upgradeRequestedDetail } from '../../domain/events';
import { describeIssues } from '../../domain/snapshot';
import { EventDeliveryError } from '../errors';

/**
 * Puts one upgrade.requested event on the agent's bus, as a client of the
 * deployed stack does (what `eks-upgrade-agent request` runs). The detail is
 * validated first, so a malformed request fails here, not in the trigger.
 * @throws InvalidRequestError naming every bad field.
 * @throws EventDeliveryError when EventBridge does not accept the entry.
 * @returns the EventBridge event id.
 */
export async function requestUpgrade(
  client: SdkEventBridgeClient,
  busName: string,
  detail: unknown,
): Promise<{ eventId: string; detail: UpgradeRequestedDetail }> {
  const parsed = upgradeRequestedDetail().safeParse(detail);
  if (!parsed.success) {
    throw new InvalidRequestError(`upgrade.requested is invalid: ${describeIssues(parsed.error).join('; ')}`);
  }
  const out = await client.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: busName,
          Source: EVENT_SOURCE,
          DetailType: 'upgrade.requested',
          Detail: JSON.stringify(parsed.data),
        },
      ],
    }),
  );
  const entry = out.Entries?.[0];
  if ((out.FailedEntryCount ?? 0) > 0 || entry?.EventId === undefined) {
    throw new EventDeliveryError([
      {
        detailType: 'upgrade.requested',
        ...(entry?.ErrorCode ? { errorCode: entry.ErrorCode } : {}),
        ...(entry?.ErrorMessage ? { errorMessage: entry.ErrorMessage } : {}),
      },
    ]);
  }
  return { eventId: entry.EventId, detail: parsed.data };
}
