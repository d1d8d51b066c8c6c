import { parseInput, perceptionInput } from './contracts';
import type { PerceptionDeps } from './deps';
import { UpgradeEvents } from './emit';
import { artifactKeys, saveRecord } from './records';

export interface PerceptionResult {
  readonly snapshotKey: string;
  readonly currentVersion: string;
  readonly nodegroupCount: number;
  readonly addonCount: number;
}

/**
 * Perception: read the cluster into an environment snapshot and store it with
 * the upgrade's record. Only a small summary goes back into the state machine.
 * @throws InvalidRequestError for a malformed input; adapter errors by name.
 */
export async function perceive(raw: unknown, deps: PerceptionDeps): Promise<PerceptionResult> {
  const input = parseInput(perceptionInput, raw, 'perception');
  const { request, upgradeId } = input;
  const events = UpgradeEvents.forInput('perception', deps, input);
  return events.phase(
    'perception',
    async () => {
      const snapshot = await deps.snapshots.readSnapshot(request.clusterName, {
        targetVersion: request.targetVersion,
      });
      const snapshotKey = artifactKeys.snapshot(upgradeId);
      await deps.artifacts.putJson(snapshotKey, snapshot);
      await saveRecord(deps.artifacts, {
        upgradeId,
        clusterName: request.clusterName,
        targetVersion: request.targetVersion,
        startedAt: deps.clock.now().toISOString(),
        phase: 'perception',
        completed: [],
        halted: false,
      });
      return {
        snapshotKey,
        currentVersion: snapshot.cluster.version,
        nodegroupCount: snapshot.nodegroups.length,
        addonCount: snapshot.addons.length,
      };
    },
    {
      summarize: (r) =>
        `read ${request.clusterName} at ${r.currentVersion}: ${r.nodegroupCount} node group(s), ${r.addonCount} add-on(s)`,
    },
  );
}
