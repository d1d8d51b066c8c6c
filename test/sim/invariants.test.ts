import type { SimHistory, UpdateRecord } from '../../lib/sandbox/sim/history';
import { checkInvariants, MAX_EVENT_BYTES } from '../../lib/sandbox/sim/invariants';

/** A good history: one upgrade 1.30 -> 1.31 of a cluster with one node group and kube-proxy. */
function good(): SimHistory {
  const upgradeId = 'demo-1.31-r1-abc';
  const at = (minutes: number) => new Date(Date.UTC(2026, 10, 30, 9, minutes)).toISOString();
  return {
    cluster: 'demo',
    initial: {
      version: '1.30',
      nodegroups: { ng: '1.30' },
      addons: { 'kube-proxy': 'v1.30', 'vpc-cni': 'v1.18' },
    },
    compatibility: {
      'kube-proxy': { 'v1.30': ['1.30'], 'v1.31': ['1.31'] },
      'vpc-cni': { 'v1.18': ['1.30', '1.31'], 'v1.17': ['1.30'] },
    },
    requests: [{ requestId: 'r1', upgradeId }],
    log: [
      {
        kind: 'lock',
        op: 'acquire',
        cluster: 'demo',
        holder: upgradeId,
        outcome: 'acquired',
        seq: 1,
        at: at(0),
      },
      {
        kind: 'execution',
        name: upgradeId,
        status: 'SUCCEEDED',
        resumed: false,
        killed: false,
        seq: 2,
        at: at(59),
      },
      {
        kind: 'lock',
        op: 'release',
        cluster: 'demo',
        holder: upgradeId,
        outcome: 'released',
        seq: 3,
        at: at(59),
      },
    ],
    events: [
      { index: 0, detailType: 'upgrade.requested', time: at(0), fact: '{}', detail: {} },
      {
        index: 1,
        detailType: 'upgrade.completed',
        upgradeId,
        time: at(59),
        fact: '{"targetVersion":"1.31"}',
        detail: {},
      },
    ],
    matched: [
      ['upgrade-trigger', 'audit'],
      ['audit', 'notifications'],
    ],
    deliveries: [
      { rule: 'upgrade-trigger', event: 0, attempts: 1, outcome: 'delivered' },
      { rule: 'audit', event: 0, attempts: 1, outcome: 'delivered' },
      { rule: 'audit', event: 1, attempts: 1, outcome: 'delivered' },
      { rule: 'notifications', event: 1, attempts: 3, outcome: 'dead-lettered' },
    ],
    updates: [
      update('u1', 'cluster', 'UpdateClusterVersion:1.31', at(1), at(26), { version: '1.31' }),
      update('u2', 'addon:kube-proxy', 'UpdateAddon:kube-proxy:v1.31', at(27), at(30), {
        addonVersion: 'v1.31',
      }),
      update('u3', 'nodegroup:ng', 'UpdateNodegroupVersion:ng:1.31', at(31), at(41), { version: '1.31' }),
    ],
    nodegroupOps: [],
    executions: { [upgradeId]: 'SUCCEEDED' },
    locks: {},
    now: at(60),
  };
}

function update(
  id: string,
  target: string,
  fingerprint: string,
  createdAt: string,
  endsAt: string,
  effect: UpdateRecord['effect'],
  type = 'VersionUpdate',
): UpdateRecord {
  return {
    id,
    type,
    target,
    fingerprint,
    token: `token-${fingerprint}`,
    createdAt,
    endsAt,
    result: 'Successful',
    effect,
  };
}

const invariantsOf = (h: SimHistory) => checkInvariants(h).map((v) => v.invariant);

describe('checkInvariants on hand-made histories', () => {
  it('finds nothing wrong in a clean upgrade (a dead-lettered notification is in the DLQ, not lost)', () => {
    expect(checkInvariants(good())).toEqual([]);
  });

  it('1: two updates in flight on one cluster', () => {
    const h = good();
    const [cp, addon, ng] = h.updates as [UpdateRecord, UpdateRecord, UpdateRecord];
    const v = checkInvariants({
      ...h,
      updates: [cp, { ...addon, createdAt: '2026-11-30T09:20:00.000Z' }, ng],
    });
    expect(v.map((x) => x.invariant)).toContain('1 one update at a time');
    expect(v.find((x) => x.invariant === '1 one update at a time')?.trail).toHaveLength(2);
  });

  it('1: updates of two different node groups may overlap; two on one node group or beside the control plane may not', () => {
    const h = good();
    const [cp, addon, ng] = h.updates as [UpdateRecord, UpdateRecord, UpdateRecord];
    const other = {
      ...ng,
      id: 'u4',
      target: 'nodegroup:ng-2',
      fingerprint: 'UpdateNodegroupVersion:ng-2:1.31',
    };
    const withNodegroups = (...extra: UpdateRecord[]) =>
      checkInvariants({
        ...h,
        initial: { ...h.initial, nodegroups: { ng: '1.30', 'ng-2': '1.30' } },
        updates: [cp, addon, ng, ...extra],
      }).filter((v) => v.invariant === '1 one update at a time');
    expect(withNodegroups(other)).toEqual([]);
    expect(withNodegroups({ ...other, target: 'nodegroup:ng' })).toHaveLength(1);
    expect(
      withNodegroups({ ...other, createdAt: cp.createdAt, endsAt: cp.endsAt }).map((v) => v.message),
    ).toEqual([`update u4 started at ${cp.createdAt} while u1 was in flight until ${cp.endsAt}`]);
  });

  it('1: a kubelet newer than the API server (a control-plane rollback under a moved node group)', () => {
    const h = good();
    const rollback = update(
      'u4',
      'cluster',
      'UpdateClusterVersion:1.30',
      '2026-11-30T09:45:00.000Z',
      '2026-11-30T09:55:00.000Z',
      { version: '1.30' },
      'VersionRollback',
    );
    expect(invariantsOf({ ...h, updates: [...h.updates, rollback] })).toContain(
      '1 kubelet not newer than the API server',
    );
  });

  it('1: a node group left more minors behind than the skew rule allows', () => {
    const h = good();
    const far = {
      ...h,
      initial: { ...h.initial, version: '1.30', nodegroups: { ng: '1.27' } },
      updates: [h.updates[0] as UpdateRecord],
    };
    expect(invariantsOf(far)).toContain('1 version skew');
  });

  it('1: an add-on left on a version that does not run on the control plane although one runs on both', () => {
    const h = good();
    const stale = { ...h, initial: { ...h.initial, addons: { ...h.initial.addons, 'vpc-cni': 'v1.17' } } };
    expect(invariantsOf(stale)).toEqual(['1 add-on compatible with the control plane']);
  });

  it('1: kube-proxy, which has no version for two minors, may follow the hop', () => {
    const h = good();
    const [cp, , ng] = h.updates as [UpdateRecord, UpdateRecord, UpdateRecord];
    expect(checkInvariants({ ...h, updates: [cp, ng] })).toEqual([]);
  });

  it('2: two control-plane rollbacks', () => {
    const h = good();
    const rb = (id: string, m: number) =>
      update(
        id,
        'cluster',
        `UpdateClusterVersion:1.30#${id}`,
        `2026-11-30T10:${m}:00.000Z`,
        `2026-11-30T10:${m + 5}:00.000Z`,
        {},
        'VersionRollback',
      );
    expect(invariantsOf({ ...h, updates: [...h.updates, rb('r1', 10), rb('r2', 20)] })).toContain(
      '2 one rollback per upgrade',
    );
  });

  it('2: two different rollback reports for one upgrade', () => {
    const h = good();
    const id = h.requests[0]?.upgradeId;
    const report = (index: number, outcome: string) => ({
      index,
      detailType: 'rollback.completed',
      upgradeId: id,
      time: h.now,
      fact: `{"outcome":"${outcome}"}`,
      detail: {},
    });
    const v = checkInvariants({
      ...h,
      events: [...h.events, report(2, 'reverted'), report(3, 'stopped')],
      matched: [...h.matched, [], []],
    });
    expect(v.map((x) => x.invariant)).toEqual(['2 one rollback per upgrade']);
  });

  it('2: a rollback action while an update is in flight', () => {
    const h = good();
    const op = {
      kind: 'create' as const,
      name: 'ng-rb',
      startedAt: '2026-11-30T09:35:00.000Z',
      endsAt: '2026-11-30T09:50:00.000Z',
      version: '1.30',
    };
    expect(invariantsOf({ ...h, nodegroupOps: [op] })).toContain(
      '2 no rollback while its update is in flight',
    );
  });

  it('3: an execution that never ends, and one that ends without a terminal event', () => {
    const h = good();
    expect(invariantsOf({ ...h, executions: { [h.requests[0]?.upgradeId as string]: 'RUNNING' } })).toContain(
      '3 one terminal state',
    );
    expect(
      invariantsOf({
        ...h,
        events: [h.events[0] as SimHistory['events'][number]],
        matched: [h.matched[0] as string[]],
      }),
    ).toEqual(['3 one terminal event']);
  });

  it('3: both upgrade.completed and upgrade.failed, or a failure event for a succeeded execution', () => {
    const h = good();
    const id = h.requests[0]?.upgradeId;
    const failed = {
      index: 2,
      detailType: 'upgrade.failed',
      upgradeId: id,
      time: h.now,
      fact: '{"reason":"x"}',
      detail: {},
    };
    expect(invariantsOf({ ...h, events: [...h.events, failed], matched: [...h.matched, []] })).toEqual([
      '3 one terminal event',
    ]);
    const only = { ...h, events: [h.events[0] as SimHistory['events'][number], { ...failed, index: 1 }] };
    expect(invariantsOf(only)).toEqual(['3 terminal event matches the state']);
  });

  it('3: the same terminal fact re-sent (at-least-once) is not a second terminal event', () => {
    const h = good();
    const again = { ...(h.events[1] as SimHistory['events'][number]), index: 2, time: h.now };
    expect(checkInvariants({ ...h, events: [...h.events, again], matched: [...h.matched, []] })).toEqual([]);
  });

  it('3: the cluster lock still held after the execution ended', () => {
    const h = good();
    const v = checkInvariants({ ...h, locks: { demo: h.requests[0]?.upgradeId as string } });
    expect(v.map((x) => x.invariant)).toEqual(['3 lock released']);
    expect(v[0]?.trail.length).toBeGreaterThan(0);
  });

  it('4: an execution started twice, and one step started under two tokens', () => {
    const h = good();
    const id = h.requests[0]?.upgradeId as string;
    const again = {
      kind: 'execution' as const,
      name: id,
      status: 'SUCCEEDED',
      resumed: false,
      killed: false,
      seq: 9,
      at: h.now,
    };
    expect(invariantsOf({ ...h, log: [...h.log, again] })).toEqual(['4 duplicates start nothing']);
    const resumed = { ...again, resumed: true };
    expect(checkInvariants({ ...h, log: [...h.log, resumed] })).toEqual([]);
    const twice = {
      ...(h.updates[2] as UpdateRecord),
      id: 'u9',
      token: 'other',
      createdAt: '2026-11-30T09:42:00.000Z',
      endsAt: '2026-11-30T09:43:00.000Z',
    };
    expect(invariantsOf({ ...h, updates: [...h.updates, twice] })).toEqual([
      '4 one update per request token',
    ]);
  });

  it('4: a later upgrade of the cluster may start the same change again under its own token', () => {
    const h = good();
    const next = 'demo-1.31-r2-def';
    const later = {
      ...(h.updates[2] as UpdateRecord),
      id: 'u9',
      token: 'token-of-the-second-upgrade',
      createdAt: '2026-11-30T10:05:00.000Z',
      endsAt: '2026-11-30T10:15:00.000Z',
    };
    const taken = {
      kind: 'lock' as const,
      op: 'acquire' as const,
      cluster: 'demo',
      holder: next,
      outcome: 'acquired',
      seq: 4,
      at: '2026-11-30T10:00:00.000Z',
    };
    const tokens = (log: SimHistory['log']) =>
      checkInvariants({ ...h, log, updates: [...h.updates, later] }).filter(
        (v) => v.invariant === '4 one update per request token',
      );
    expect(tokens([...h.log, taken])).toEqual([]);
    // Without the second lock the change belongs to the first upgrade: a second token is a violation.
    expect(tokens(h.log)).toHaveLength(1);
  });

  it('5: a state over 256 KB, an oversized PutEvents call, an event refused by PutEvents in a function that succeeded', () => {
    const h = good();
    const log = [
      ...h.log,
      { kind: 'state' as const, execution: 'x', state: 'ExecutionPhase', bytes: 262_145, seq: 10, at: h.now },
      { kind: 'put' as const, entries: 11, bytes: [MAX_EVENT_BYTES], accepted: 11, seq: 11, at: h.now },
      {
        kind: 'put' as const,
        entries: 2,
        bytes: [10, 10],
        accepted: 1,
        fn: 'execution',
        nth: 3,
        seq: 12,
        at: h.now,
      },
      { kind: 'invoke' as const, fn: 'execution', nth: 3, outcome: 'ok' as const, seq: 13, at: h.now },
    ];
    expect(invariantsOf({ ...h, log })).toEqual([
      '5 state payload limit',
      '5 PutEvents limits',
      '5 no event silently lost',
    ]);
  });

  it('5: a matched delivery with no record (lost), and a held delivery never released', () => {
    const h = good();
    expect(invariantsOf({ ...h, deliveries: h.deliveries.slice(1) })).toEqual([
      '5 every delivery delivered or dead-lettered',
    ]);
    const held = { kind: 'held' as const, rule: 'audit', event: 1, seq: 20, at: h.now };
    expect(invariantsOf({ ...h, log: [...h.log, held] })).toEqual(['5 no delivery silently lost']);
    const released = { kind: 'released' as const, rule: 'audit', event: 1, seq: 21, at: h.now };
    expect(checkInvariants({ ...h, log: [...h.log, held, released] })).toEqual([]);
  });
});
