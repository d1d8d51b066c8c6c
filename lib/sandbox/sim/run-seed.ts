import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AddonCatalog } from '../../domain/addon-catalog';
import { type DomainEvent, EVENT_SOURCE } from '../../domain/events';
import { executionName } from '../../domain/execution-name';
import type { BusEvent, DeliveryReport } from '../event-bus';
import { EXECUTIONS_FILE_NAME } from '../local-sfn/executions';
import { createLocalStack, type LocalStack } from '../local-stack';
import { holdStateInMemory, JsonStateFile } from '../state-store';
import { type BoundaryFault, drawFaults, type Fault } from './faults';
import type { PutEvent, SimHistory } from './history';
import { checkInvariants, type Violation } from './invariants';
import { Prng } from './prng';
import { Recorder } from './recorder';
import { type ClusterShape, drawShape, type SnapshotBase } from './shape';

/** One seed's run: what it was, how it ended, what it broke. */
export interface SeedResult {
  readonly seed: number;
  readonly shape: Pick<ClusterShape, 'source' | 'targetVersion' | 'force'> & {
    readonly cluster: string;
    readonly fromVersion: string;
    readonly nodegroups: number;
    readonly addons: number;
  };
  readonly faults: readonly Fault[];
  /** The kinds of the faults that fired (a fault aimed past the run's end does not). */
  readonly fired: readonly string[];
  readonly outcome: string;
  readonly violations: readonly Violation[];
  readonly history: SimHistory;
}

export interface SeedOptions {
  readonly bases: readonly SnapshotBase[];
  /** Where each seed's state directory is made (and removed): a tmpfs is fastest. */
  readonly workDir: string;
}

const BOUNDARY = new Set<string>([
  'lambda-crash',
  'lambda-timeout',
  'bus-duplicate',
  'bus-late',
  'bus-out-of-order',
  'bus-delivery-failure',
  'putevents-partial-failure',
  'process-kill',
  'duplicate-request',
  'second-request',
]);

/** Runs one seed: its cluster, target and faults are decided by `seed` alone. */
export async function runSeed(seed: number, options: SeedOptions): Promise<SeedResult> {
  const shape = drawShape(Prng.fork(seed, 'shape'), options.bases);
  const schedule = drawFaults(Prng.fork(seed, 'faults'), shape);
  const cluster = shape.snapshot.cluster.name;
  const request = (requestId: string): DomainEvent =>
    ({
      detailType: 'upgrade.requested',
      source: EVENT_SOURCE,
      detail: {
        schemaVersion: '1',
        clusterName: cluster,
        targetVersion: shape.targetVersion,
        strategy: 'in_place',
        force: shape.force,
        dryRun: false,
        requestId,
        requestedBy: 'npm run simulate',
      },
    }) as unknown as DomainEvent;
  const requestIds = [`sim-${seed}`, `sim-${seed}-second`];
  const boundary = schedule.faults.filter((f): f is BoundaryFault => BOUNDARY.has(f.kind));
  const recorder = new Recorder(boundary, shape.snapshot.capturedAt ?? '2026-11-30T09:00:00.000Z', {
    duplicate: () => request(requestIds[0] as string),
    second: () => request(requestIds[1] as string),
  });
  const stateDir = mkdtempSync(join(options.workDir, `seed-${seed}-`));
  const release = holdStateInMemory(stateDir);
  const stacks: LocalStack[] = [];
  try {
    const open = (kill: AbortController | undefined) => {
      const stack = createLocalStack({
        stateDir,
        scenario: schedule.scenario,
        snapshot: shape.snapshot,
        onWait: (seconds) => recorder.advance(seconds),
        intercept: recorder.interception(kill),
      });
      recorder.bus = stack.bus;
      stacks.push(stack);
      return stack;
    };
    const kill = new AbortController();
    const first = open(kill);
    await first.put(request(requestIds[0] as string));
    if (kill.signal.aborted) {
      // The next `run --keep-state` process: it resumes the orphan, then what was held arrives.
      const next = open(undefined);
      await next.resumeOrphans();
    }
    await recorder.flush();
    for (const stack of stacks) await stack.bus.drain();
    const history = collect(recorder, stacks, stateDir, shape, requestIds);
    for (const s of stacks)
      for (const e of s.executions) {
        recorder.record({
          kind: 'execution',
          name: e.name,
          status: e.result.status,
          resumed: e.resumedAfter !== undefined,
          killed: e.result.status === 'ABORTED',
        });
      }
    const full = { ...history, log: [...recorder.log] };
    return {
      seed,
      shape: {
        source: shape.source,
        targetVersion: shape.targetVersion,
        force: shape.force,
        cluster,
        fromVersion: shape.snapshot.cluster.version,
        nodegroups: shape.snapshot.nodegroups.length,
        addons: shape.snapshot.addons.length,
      },
      faults: schedule.faults,
      fired: [
        ...recorder.firedKinds,
        ...schedule.faults.filter((f) => !BOUNDARY.has(f.kind)).map((f) => f.kind),
      ],
      outcome: outcomeOf(full, requestIds),
      violations: checkInvariants(full),
      history: full,
    };
  } finally {
    release();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

function collect(
  recorder: Recorder,
  stacks: readonly LocalStack[],
  stateDir: string,
  shape: ClusterShape,
  requestIds: readonly string[],
): Omit<SimHistory, 'log'> {
  const envelopes: { event: BusEvent; matched: string[] }[] = [];
  const deliveries: DeliveryReport[] = [];
  for (const stack of stacks) {
    for (const event of stack.bus.published())
      envelopes.push({ event, matched: stack.bus.matchingRules(event) });
    deliveries.push(...stack.bus.deliveries());
  }
  const index = new Map(envelopes.map((e, i) => [e.event.id, i]));
  for (const h of recorder.heldIds) {
    recorder.log.push({ kind: h.kind, rule: h.rule, event: index.get(h.id) ?? -1, seq: h.seq, at: h.at });
  }
  recorder.log.sort((a, b) => a.seq - b.seq);
  const events: PutEvent[] = envelopes.map(({ event }, i) => {
    const { occurredAt: _at, ...fact } = event.detail;
    return {
      index: i,
      detailType: event['detail-type'],
      ...(typeof event.detail.upgradeId === 'string' ? { upgradeId: event.detail.upgradeId } : {}),
      time: event.time,
      fact: JSON.stringify(fact),
      detail: event.detail,
    };
  });
  const world = stacks[0]?.world.inspect().clusters[shape.snapshot.cluster.name];
  const created = new Map<string, string>();
  for (const e of recorder.log) {
    if (e.kind === 'eks-call' && e.op === 'createNodegroup') {
      const [, name, version] = e.target.split(' ');
      if (name && version) created.set(name, version);
    }
  }
  const compatibility: Record<string, Record<string, string[]>> = {};
  for (const info of shape.snapshot.addonVersions) {
    const catalog = new AddonCatalog(info);
    compatibility[info.addonName] = Object.fromEntries(
      info.addonVersions.map((v) => [
        v.addonVersion,
        v.compatibilities
          .map((c) => c.clusterVersion)
          .filter((cv) => catalog.isCompatible(v.addonVersion, cv)),
      ]),
    );
  }
  return {
    cluster: shape.snapshot.cluster.name,
    initial: {
      version: shape.snapshot.cluster.version,
      nodegroups: Object.fromEntries(shape.snapshot.nodegroups.map((ng) => [ng.nodegroupName, ng.version])),
      addons: Object.fromEntries(shape.snapshot.addons.map((a) => [a.addonName, a.addonVersion])),
    },
    compatibility,
    requests: requestIds.map((requestId) => ({
      requestId,
      upgradeId: executionName({
        clusterName: shape.snapshot.cluster.name,
        targetVersion: shape.targetVersion,
        requestId,
      }),
    })),
    events,
    matched: envelopes.map((e) => e.matched),
    deliveries: deliveries.map((d) => ({
      rule: d.rule,
      event: index.get(d.eventId) ?? -1,
      attempts: d.attempts,
      outcome: d.outcome,
    })),
    updates: (world?.updates ?? []).map((u) => ({
      id: u.id,
      type: u.type,
      target: u.target.kind === 'cluster' ? 'cluster' : `${u.target.kind}:${u.target.name}`,
      fingerprint: u.fingerprint,
      ...(u.clientRequestToken !== undefined ? { token: u.clientRequestToken } : {}),
      createdAt: u.createdAt,
      endsAt: u.endsAt,
      result: u.result,
      effect: {
        ...(u.effect.version !== undefined ? { version: u.effect.version } : {}),
        ...(u.effect.addonVersion !== undefined ? { addonVersion: u.effect.addonVersion } : {}),
      },
    })),
    nodegroupOps: (world?.nodegroupOps ?? []).map((op) => ({
      kind: op.kind,
      name: op.nodegroupName,
      startedAt: op.startedAt,
      endsAt: op.endsAt,
      ...(op.kind === 'create' && created.has(op.nodegroupName)
        ? { version: created.get(op.nodegroupName) as string }
        : {}),
    })),
    executions: Object.fromEntries(
      Object.entries(readJson(join(stateDir, EXECUTIONS_FILE_NAME))).map(([name, e]) => [
        name,
        (e as { status: string }).status,
      ]),
    ),
    locks: Object.fromEntries(
      Object.entries(readJson(join(stateDir, 'locks.json'))).map(([c, l]) => [
        c,
        (l as { holder: string }).holder,
      ]),
    ),
    now: recorder.now(),
  };
}

function readJson(path: string): Record<string, unknown> {
  return (new JsonStateFile(path, (raw) => raw as Record<string, unknown>).load() ?? {}) as Record<
    string,
    unknown
  >;
}

/** How the first request's upgrade ended, in a word or two. */
function outcomeOf(history: SimHistory, requestIds: readonly string[]): string {
  const upgradeId = history.requests.find((r) => r.requestId === requestIds[0])?.upgradeId ?? '';
  const status = history.executions[upgradeId];
  if (status === undefined) return 'not started';
  const terminal = history.events.filter(
    (e) =>
      e.upgradeId === upgradeId &&
      (e.detailType === 'upgrade.completed' || e.detailType === 'upgrade.failed'),
  );
  const last = terminal.at(-1);
  if (last?.detailType === 'upgrade.completed') return 'completed';
  const rolled = history.events.some(
    (e) => e.upgradeId === upgradeId && e.detailType === 'rollback.completed',
  );
  if (rolled) return 'rolled back';
  const error = last?.detail.error as { name?: string } | undefined;
  return `failed (${error?.name ?? status})`;
}
