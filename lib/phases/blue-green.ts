import * as z from 'zod';
import {
  GreenProvisioningFailedError,
  type GreenSpec,
  GreenSpecError,
  greenSpec,
  requireTrafficConfig,
  WorkloadsNotReadyError,
  weightedTargets,
} from '../domain/blue-green';
import { activeWindow } from '../domain/config';
import { InvalidRequestError } from '../domain/errors';
import { lazy } from '../domain/lazy';
import { windowWait } from '../domain/maintenance-window';
import type { UpgradePlan } from '../domain/plan-types';
import { DEFAULT_POLICY } from '../domain/plan-types';
import type { EnvironmentSnapshot } from '../domain/snapshot';
import { judge } from '../domain/validation';
import type { ArtifactStore, ResourceState } from '../ports';
import { blueGreenInput, parseInput } from './contracts';
import type { BlueGreenDeps } from './deps';
import { secondsBetween, UpgradeEvents } from './emit';
import { artifactKeys, enterPhase, loadPlan, loadRecord, loadSnapshot, saveRecord } from './records';

/**
 * Blue/green, one function for the state machine's blue/green branch; each Task
 * passes its `action`, and each call does the next piece of work and says what to
 * wait for (the state machine waits, never the Lambda). What was done is kept in
 * `upgrades/<id>/blue-green.json`, so a retried call neither creates twice nor
 * shifts twice:
 * - provision: green from blue's live description (the perception snapshot), the
 *   cluster first, then node groups, add-ons and Fargate profiles once it is ACTIVE;
 *   `ready` with cluster.provisioned once everything is ACTIVE;
 * - readiness: green's health check until it answers 2xx, or WorkloadsNotReadyError;
 * - shift: the next weight (Route 53), traffic.shifted; then the soak;
 * - gate: green's metrics and health judged as the validation phase judges them;
 * - revert (after a breach): all traffic back to blue, traffic.shifted 0 %, green
 *   deleted unless kept, rollback.completed `reverted`, upgrade.failed;
 * - decommission (after the final bake): blue's node groups, add-ons, Fargate
 *   profiles and cluster deleted unless kept, cluster.decommissioned, upgrade.completed;
 * - abandon (any error on the way): traffic back to blue if any was shifted, green
 *   deleted unless kept; HandleFailure then publishes upgrade.failed.
 */

/** Built on first use, like every schema a Lambda parses (lib/domain/lazy.ts). */
export const blueGreenRecordSchema = lazy(() =>
  z.object({
    blue: z.string(),
    green: z.string(),
    target: z.string(),
    /** When the first provisioning call ran: the deadline `blueGreen/provisionTimeoutSeconds` counts from it. */
    provisionStartedAt: z.string().optional(),
    provisionedAt: z.string().optional(),
    readyAt: z.string().optional(),
    /** Percentages sent to green so far, in order. */
    shifted: z.array(z.number()),
    /** Gates passed: the index of the next weight. */
    passed: z.number().int().nonnegative(),
    breach: z
      .object({ percentage: z.number(), failedChecks: z.array(z.string()), at: z.string() })
      .optional(),
    /** Traffic was sent back to blue (breach or failure). */
    revertedAt: z.string().optional(),
  }),
);
export type BlueGreenRecord = z.infer<ReturnType<typeof blueGreenRecordSchema>>;

const recordKey = (upgradeId: string) => `upgrades/${upgradeId}/blue-green.json`;

async function loadBlueGreen(store: ArtifactStore, upgradeId: string): Promise<BlueGreenRecord | undefined> {
  const raw = await store.getJson(recordKey(upgradeId));
  return raw === undefined ? undefined : blueGreenRecordSchema().parse(raw);
}

export interface BlueGreenResult {
  /**
   * waiting: poll again after waitSeconds; window: provisioning waits for the maintenance
   * window until waitUntil; ready/baking/passed/breached/done: the next state's cue.
   */
  readonly status: 'waiting' | 'window' | 'ready' | 'baking' | 'passed' | 'breached' | 'done';
  readonly waitSeconds: number;
  readonly soakSeconds: number;
  readonly finalBakeSeconds: number;
  readonly green: string;
  readonly percentage: number;
  /** When the next maintenance window opens (ISO 8601 UTC); always present, null unless status is window. */
  readonly waitUntil: string | null;
}

const ACTIVE = 'ACTIVE';
const FAILED = /FAILED$/;

/**
 * @throws GreenSpecError, GreenProvisioningFailedError, WorkloadsNotReadyError (named for the state machine).
 * @throws InvalidConfigError when blueGreen/hostedZoneId, recordName, recordTargetPattern or healthCheckUrl is missing.
 * @throws InvalidRequestError when the plan is not a blue/green plan.
 */
export async function blueGreenPhase(raw: unknown, deps: BlueGreenDeps): Promise<BlueGreenResult> {
  const input = parseInput(blueGreenInput, raw, 'blue/green');
  const { upgradeId, request } = input;
  const events = UpgradeEvents.forInput('bluegreen', deps, input);
  const [config, plan] = await Promise.all([deps.config.load(), loadPlan(deps.artifacts, input.planKey)]);
  const bg = config.blueGreen;
  const { green, weights } = planShape(plan);
  const blue = request.clusterName;
  const existing = await loadBlueGreen(deps.artifacts, upgradeId);
  const record: BlueGreenRecord = existing ?? {
    blue,
    green,
    target: request.targetVersion,
    provisionStartedAt: deps.clock.now().toISOString(),
    shifted: [],
    passed: 0,
  };
  const save = (next: BlueGreenRecord) => deps.artifacts.putJson(recordKey(upgradeId), next);
  const answer = (
    status: BlueGreenResult['status'],
    fields: Partial<BlueGreenResult> = {},
  ): BlueGreenResult => ({
    status,
    waitSeconds: 0,
    soakSeconds: 0,
    finalBakeSeconds: bg.finalBakeSeconds,
    green,
    percentage: record.shifted.at(-1) ?? 0,
    waitUntil: null,
    ...fields,
  });
  const weighted = (percentage: number) => {
    const traffic = requireTrafficConfig(bg);
    return deps.traffic.setWeights(
      { hostedZoneId: traffic.hostedZoneId, recordName: traffic.recordName },
      weightedTargets(blue, green, percentage, traffic.recordTargetPattern),
      { ttlSeconds: bg.recordTtlSeconds },
    );
  };
  const spec = async (): Promise<GreenSpec> => {
    const snapshot = await loadSnapshot(deps.artifacts, artifactKeys.snapshot(upgradeId));
    const built = greenSpec(snapshot, request.targetVersion, { upgradeId, greenName: green });
    if (built.kind === 'impossible')
      throw new GreenSpecError(`green ${green} cannot be built: ${built.reasons.join('; ')}`);
    return built.spec;
  };

  /** The plan step now done, in the upgrade record (what the report and HandleFailure read). */
  const stepDone = async (stepId: string) => {
    const upgrade = await loadRecord(deps.artifacts, upgradeId);
    if (!upgrade || upgrade.completed.some((c) => c.stepId === stepId)) return;
    await saveRecord(deps.artifacts, {
      ...upgrade,
      completed: [...upgrade.completed, { stepId, finishedAt: deps.clock.now().toISOString() }],
    });
  };

  return events.phase(
    'execution',
    async () => {
      switch (input.action) {
        case 'provision': {
          requireTrafficConfig(bg);
          if (!existing) {
            // Green is created only inside the maintenance window (its clock starts then).
            const window = activeWindow(config);
            const waitUntil = windowWait(deps.clock.now(), window);
            if (
              waitUntil !== undefined &&
              // Stryker disable next-line ConditionalExpression: windowWait is undefined whenever the window is (this check only narrows the window's type)
              window !== undefined
            ) {
              await events.emit('upgrade.waiting', {
                reason: 'maintenance-window',
                waitUntil,
                window: { days: [...window.days], hours: window.hours, timeZone: window.timeZone },
                stepId: `provision-cluster:${green}`,
                hop: request.targetVersion,
              });
              return answer('window', { waitUntil });
            }
            await enterPhase(deps.artifacts, upgradeId, 'execution');
            await save(record);
          }
          if (record.provisionedAt) return answer('ready');
          const created = await provision(await spec(), deps);
          if (created.pending.length > 0) {
            const startedAt = Date.parse(record.provisionStartedAt ?? deps.clock.now().toISOString());
            if (deps.clock.now().getTime() - startedAt >= bg.provisionTimeoutSeconds * 1000) {
              throw new GreenProvisioningFailedError(
                `green ${green} was not ACTIVE ${bg.provisionTimeoutSeconds} s after its creation started (blueGreen/provisionTimeoutSeconds); still not ACTIVE: ${created.pending.join(', ')}. Nothing was shifted`,
              );
            }
            return answer('waiting', { waitSeconds: created.waitSeconds ?? bg.pollSeconds });
          }
          await save({ ...record, provisionedAt: deps.clock.now().toISOString() });
          await stepDone(`provision-cluster:${green}`);
          await events.emit('cluster.provisioned', { newClusterName: green, version: request.targetVersion });
          return answer('ready');
        }
        case 'readiness': {
          if (record.readyAt) return answer('ready');
          const { healthCheckUrl } = requireTrafficConfig(bg);
          const url = healthCheckUrl.replaceAll('{cluster}', green);
          const check = await deps.readiness.check({ clusterName: green, url });
          const now = deps.clock.now();
          if (check.ready) {
            await save({ ...record, readyAt: now.toISOString() });
            return answer('ready');
          }
          const since = Date.parse(record.provisionedAt ?? now.toISOString());
          if (now.getTime() - since >= bg.readinessTimeoutSeconds * 1000) {
            throw new WorkloadsNotReadyError(
              `green ${green}'s workloads were not ready ${bg.readinessTimeoutSeconds} s after it was provisioned (last check: ${check.detail}); nothing was shifted`,
            );
          }
          return answer('waiting', { waitSeconds: bg.pollSeconds });
        }
        case 'shift': {
          const percentage = weights[record.passed];
          if (percentage === undefined)
            throw new InvalidRequestError(`no traffic step after ${record.passed} passed gates`);
          if (record.shifted.length <= record.passed) {
            await weighted(percentage);
            record.shifted.push(percentage);
            await save(record);
            await events.emit('traffic.shifted', { fromCluster: blue, toCluster: green, percentage });
          }
          return answer('baking', { soakSeconds: bg.soakSeconds, percentage });
        }
        case 'gate': {
          const percentage = record.shifted.at(-1) ?? 0;
          const end = deps.clock.now();
          const start = new Date(end.getTime() - Math.max(bg.soakSeconds, 60) * 1000);
          const reader = deps.metricsFor(config.validation.metrics);
          const metrics = reader
            ? await reader.readValidationMetrics({ clusterName: green, start, end })
            : undefined;
          const snapshot = await deps.snapshots.readSnapshot(green);
          const verdict = judge(
            { snapshot, targetVersion: request.targetVersion, metrics, nodegroupsMayLag: false },
            config.validation,
          );
          if (!verdict.passed) {
            const failedChecks = verdict.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`);
            await save({ ...record, breach: { percentage, failedChecks, at: end.toISOString() } });
            // Stryker disable next-line ObjectLiteral: answer's default percentage is this same last shift
            return answer('breached', { percentage });
          }
          const passed = Math.max(record.passed, record.shifted.length);
          await save({ ...record, passed });
          await stepDone(`shift-traffic:${green}:${percentage}`);
          // Stryker disable next-line ObjectLiteral: answer's default percentage is this same last shift
          return answer(passed >= weights.length ? 'done' : 'passed', { percentage });
        }
        case 'revert':
          return revert(record, input.correlationId);
        case 'decommission':
          return decommission();
        case 'abandon':
          return abandon();
      }
    },
    {
      announceStart: input.action === 'provision' && !existing,
      summarize: (r) =>
        r.status === 'waiting'
          ? undefined
          : `blue/green ${input.action}: ${r.status} (${r.percentage} % on ${r.green})`,
    },
  );

  async function revert(current: BlueGreenRecord, correlationId: string): Promise<BlueGreenResult> {
    const breach = current.breach;
    const reason = breach
      ? `green ${green} breached at ${breach.percentage} %: ${breach.failedChecks.join('; ')}`
      : `green ${green} is being withdrawn`;
    let state = current;
    if (!state.revertedAt) {
      await events.emit('rollback.triggered', { reason, trigger: 'state-machine' });
      await weighted(0);
      state = { ...state, revertedAt: deps.clock.now().toISOString() };
      await save(state);
      await events.emit('traffic.shifted', { fromCluster: green, toCluster: blue, percentage: 0 });
    }
    const actions = [{ action: 'shift-traffic', resource: blue, result: `100 % of traffic back on ${blue}` }];
    if (!bg.keepGreenOnFailure) {
      const gone = await teardown(green, await spec().catch(() => undefined), deps);
      if (typeof gone === 'number') return answer('waiting', { waitSeconds: gone, percentage: 0 });
      actions.push({ action: 'delete-cluster', resource: green, result: 'deleted' });
    } else {
      actions.push({
        action: 'keep-cluster',
        resource: green,
        result: 'kept for inspection (blueGreen/keepGreenOnFailure)',
      });
    }
    await events.emit('rollback.completed', { outcome: 'reverted', hop: request.targetVersion, actions });
    const upgrade = await loadRecord(deps.artifacts, upgradeId);
    await events.emit('upgrade.failed', {
      targetVersion: request.targetVersion,
      phase: 'rollback',
      error: { name: 'GreenBreachedError', message: reason },
      reason: `${reason}; all traffic is back on ${blue}, which was not changed (${correlationId})`,
      // Until traffic was back on blue: the same on every re-send.
      ...(upgrade && state.revertedAt
        ? { durationSeconds: secondsBetween(upgrade.startedAt, state.revertedAt) }
        : {}),
    });
    await deps.locks.release(blue, upgradeId);
    return answer('done', { percentage: 0 });
  }

  async function decommission(): Promise<BlueGreenResult> {
    const upgrade = await loadRecord(deps.artifacts, upgradeId);
    if (!bg.keepBlue && upgrade?.completedAt === undefined) {
      const blueSnapshot = await loadSnapshot(deps.artifacts, artifactKeys.snapshot(upgradeId));
      const gone = await teardown(blue, blueParts(blueSnapshot), deps);
      if (typeof gone === 'number') return answer('waiting', { waitSeconds: gone });
    }
    await stepDone(`decommission-cluster:${blue}`);
    const now = deps.clock.now().toISOString();
    const done = await loadRecord(deps.artifacts, upgradeId);
    // Saved before upgrade.completed: a HandleFailure after a lost response sees a finished upgrade.
    if (done && done.completedAt === undefined)
      await saveRecord(deps.artifacts, { ...done, completedAt: now });
    if (!bg.keepBlue) await events.emit('cluster.decommissioned', { decommissionedClusterName: blue });
    await events.emit('upgrade.completed', {
      targetVersion: request.targetVersion,
      durationSeconds: upgrade
        ? Math.max(
            0,
            Math.round((Date.parse(upgrade.completedAt ?? now) - Date.parse(upgrade.startedAt)) / 1000),
          )
        : 0,
    });
    await deps.locks.release(blue, upgradeId);
    return answer('done');
  }

  async function abandon(): Promise<BlueGreenResult> {
    let state = record;
    if (state.shifted.length > 0 && !state.revertedAt) {
      await weighted(0);
      state = { ...state, revertedAt: deps.clock.now().toISOString() };
      await save(state);
      await events.emit('traffic.shifted', { fromCluster: green, toCluster: blue, percentage: 0 });
    }
    if (!existing || bg.keepGreenOnFailure) return answer('done', { percentage: 0 });
    const parts = await spec().catch(() => undefined);
    const gone = await teardown(green, parts, deps);
    if (typeof gone === 'number') return answer('waiting', { waitSeconds: gone, percentage: 0 });
    return answer('done', { percentage: 0 });
  }
}

/** The green cluster's name and the weights, as the plan has them. */
function planShape(plan: UpgradePlan): { green: string; weights: number[] } {
  const provision = plan.steps.find((s) => s.kind === 'provision-cluster');
  if (plan.strategy !== 'blue_green' || provision?.kind !== 'provision-cluster') {
    throw new InvalidRequestError(
      `plan for ${plan.cluster} is not a blue/green plan (strategy ${plan.strategy})`,
    );
  }
  const weights = plan.steps.filter((s) => s.kind === 'shift-traffic').map((s) => Number(s.to));
  return { green: provision.name, weights };
}

type Parts = Pick<GreenSpec, 'nodegroups' | 'addons' | 'fargateProfiles'>;

function blueParts(snapshot: EnvironmentSnapshot): Parts {
  return {
    nodegroups: snapshot.nodegroups.map(
      (ng) => ({ nodegroupName: ng.nodegroupName }) as Parts['nodegroups'][number],
    ),
    addons: snapshot.addons.map((a) => ({ addonName: a.addonName }) as Parts['addons'][number]),
    fargateProfiles: snapshot.fargateProfiles.map(
      (p) => ({ fargateProfileName: p.fargateProfileName }) as Parts['fargateProfiles'][number],
    ),
  };
}

/** Minutes EKS takes, for the first look after a create (then every pollSeconds). */
const CLUSTER_SECONDS = DEFAULT_POLICY.durations.provisionClusterMinutes * 60;

function failed(what: string, state: ResourceState | undefined): void {
  if (state && FAILED.test(state.status)) {
    throw new GreenProvisioningFailedError(
      `${what} is ${state.status}${state.issues.length > 0 ? `: ${state.issues.join('; ')}` : ''}`,
    );
  }
}

/**
 * Creates what green lacks and reads what it has: 'done' when everything is ACTIVE,
 * else 'waiting' (or the seconds to the first look after creating the cluster).
 * @throws GreenProvisioningFailedError for any part that failed.
 */
/** What is not ACTIVE yet (none: green is provisioned), and how long to wait when a create was just sent. */
interface Provisioning {
  readonly pending: readonly string[];
  readonly waitSeconds?: number;
}

async function provision(spec: GreenSpec, deps: BlueGreenDeps): Promise<Provisioning> {
  const name = spec.cluster.name;
  const cluster = await deps.provisioner.describeCluster(name);
  if (!cluster) {
    await deps.provisioner.createCluster(spec.cluster);
    return { pending: [`cluster ${name}`], waitSeconds: CLUSTER_SECONDS };
  }
  failed(`green cluster ${name}`, cluster);
  if (cluster.status !== ACTIVE) return { pending: [`cluster ${name} (${cluster.status})`] };
  const [nodegroups, addons, profiles] = await Promise.all([
    Promise.all(spec.nodegroups.map((ng) => deps.nodegroups.describeNodegroup(name, ng.nodegroupName))),
    Promise.all(spec.addons.map((a) => deps.provisioner.describeAddon(name, a.addonName))),
    Promise.all(
      spec.fargateProfiles.map((p) => deps.provisioner.describeFargateProfile(name, p.fargateProfileName)),
    ),
  ]);
  const pending: string[] = [];
  const waitFor = (what: string, status: string | undefined) => {
    if (status !== ACTIVE) pending.push(`${what} (${status ?? 'creating'})`);
  };
  for (const [i, ng] of spec.nodegroups.entries()) {
    const now = nodegroups[i];
    if (now) {
      failed(`green node group ${ng.nodegroupName}`, {
        // Stryker disable next-line StringLiteral: any name that does not end in FAILED is not a failure (a status EKS left out is not one)
        status: now.status ?? 'UNKNOWN',
        issues: (
          (now.health as { issues?: { code?: string; message?: string }[] } | undefined)?.issues ?? []
        ).map((x) => `${x.code ?? 'Unknown'}: ${x.message ?? ''}`),
      });
    } else await deps.nodegroups.createNodegroup(ng);
    waitFor(`node group ${ng.nodegroupName}`, now?.status);
  }
  for (const [i, addon] of spec.addons.entries()) {
    const now = addons[i];
    failed(`green add-on ${addon.addonName}`, now);
    if (!now) await deps.provisioner.createAddon(addon);
    waitFor(`add-on ${addon.addonName}`, now?.status);
  }
  // EKS creates one Fargate profile at a time per cluster.
  const creating = profiles.some((p) => p?.status === 'CREATING');
  for (const [i, profile] of spec.fargateProfiles.entries()) {
    const now = profiles[i];
    failed(`green Fargate profile ${profile.fargateProfileName}`, now);
    if (!now && !creating && pending.length === 0) {
      await deps.provisioner.createFargateProfile(profile);
      waitFor(`Fargate profile ${profile.fargateProfileName}`, undefined);
      break;
    }
    waitFor(`Fargate profile ${profile.fargateProfileName}`, now?.status);
  }
  return { pending };
}

/**
 * Deletes a cluster the agent is done with: Fargate profiles (one at a time), node
 * groups and add-ons, then the cluster once nothing is attached.
 * @returns 'gone' once DescribeCluster no longer knows it, else the seconds to wait.
 */
async function teardown(
  name: string,
  parts: Parts | undefined,
  deps: BlueGreenDeps,
): Promise<'gone' | number> {
  const poll = (await deps.config.load()).blueGreen.pollSeconds;
  const cluster = await deps.provisioner.describeCluster(name);
  // Stryker disable next-line StringLiteral: callers tell 'gone' from a wait only by typeof number
  if (!cluster) return 'gone';
  if (cluster.status === 'DELETING') return poll;
  const p: Parts = parts ?? { nodegroups: [], addons: [], fargateProfiles: [] };
  const [nodegroups, addons, profiles] = await Promise.all([
    Promise.all(p.nodegroups.map((ng) => deps.nodegroups.describeNodegroup(name, ng.nodegroupName))),
    Promise.all(p.addons.map((a) => deps.provisioner.describeAddon(name, a.addonName))),
    Promise.all(
      p.fargateProfiles.map((f) => deps.provisioner.describeFargateProfile(name, f.fargateProfileName)),
    ),
  ]);
  let attached = false;
  for (const [i, ng] of p.nodegroups.entries()) {
    const now = nodegroups[i];
    if (!now) continue;
    attached = true;
    if (now.status !== 'DELETING' && now.status !== 'CREATING' && now.status !== 'UPDATING')
      await deps.nodegroups.deleteNodegroup(name, ng.nodegroupName);
  }
  for (const [i, addon] of p.addons.entries()) {
    const now = addons[i];
    if (now && now.status !== 'DELETING' && now.status !== 'CREATING')
      await deps.provisioner.deleteAddon(name, addon.addonName);
  }
  const deleting = profiles.some((f) => f?.status === 'DELETING' || f?.status === 'CREATING');
  for (const [i, profile] of p.fargateProfiles.entries()) {
    if (!profiles[i]) continue;
    attached = true;
    if (!deleting) {
      await deps.provisioner.deleteFargateProfile(name, profile.fargateProfileName);
      break;
    }
  }
  if (attached) return poll;
  const outcome = await deps.provisioner.deleteCluster(name);
  if (outcome.kind !== 'gone') return poll;
  // Stryker disable next-line StringLiteral: callers tell 'gone' from a wait only by typeof number
  return 'gone';
}
