import {
  AGENT_EVENT_TYPES,
  type AgentEventType,
  EVENT_SOURCE,
  eventDetailSchemas,
  makeEvent,
  SCHEMA_VERSION,
  upgradeRequestedDetail,
} from '../../../lib/domain/events';

/** The event contract: what each detail type accepts, refuses and fills in. */
const context = { upgradeId: 'up-1', clusterName: 'payments', correlationId: 'exec-1' };
const at = '2026-11-28T10:00:00Z';
const envelope = { schemaVersion: '1', ...context, occurredAt: at };
const check = { name: 'control-plane', passed: true, detail: 'ok' };

/** One valid set of fields per detail type, beyond the envelope. */
const valid: { [T in AgentEventType]: Record<string, unknown> } = {
  'upgrade.started': {
    currentVersion: '1.30',
    targetVersion: '1.31',
    strategy: 'in_place',
    stepCount: 0,
    estimatedMinutes: 0,
  },
  'upgrade.completed': { targetVersion: '1.31', durationSeconds: 0 },
  'upgrade.failed': {
    targetVersion: '1.31',
    phase: 'trigger',
    error: { name: 'PlanBlockedError', message: 'blocked' },
    reason: 'blocked',
  },
  'upgrade.waiting': {
    reason: 'maintenance-window',
    waitUntil: '2026-11-30T01:00:00.000Z',
    window: { days: ['MON', 'TUE'], hours: '02:00-06:00', timeZone: 'Europe/Berlin' },
    stepId: 'cp-1.31',
    hop: '1.31',
  },
  'phase.started': { phase: 'perception' },
  'phase.completed': { phase: 'reasoning', summary: '3 steps' },
  'phase.failed': { phase: 'execution', error: { name: 'E', message: 'm' } },
  'validation.success': { success: true, metrics: { error_rate: 0, latency_p99: null }, checks: [check] },
  'validation.failure': {
    success: false,
    metrics: {},
    checks: [{ ...check, passed: false }],
    targetVersion: '1.31',
    gate: { stage: 'canary', hop: '1.31' },
  },
  'rollback.triggered': { reason: 'validation failed', trigger: 'event-rule' },
  'rollback.completed': {
    outcome: 'partially-reverted',
    hop: '1.31',
    actions: [{ action: 'revert', resource: 'vpc-cni', result: 'ok' }],
  },
  'traffic.shifted': { fromCluster: 'blue', toCluster: 'green', percentage: 100 },
  'cluster.provisioned': { newClusterName: 'green', version: '1.31' },
  'cluster.decommissioned': { decommissionedClusterName: 'blue' },
  'approval.requested': {
    currentVersion: '1.30',
    targetVersion: '1.32',
    strategy: 'in_place',
    verdict: 'proceed_with_warnings',
    stepCount: 12,
    estimatedMinutes: 140,
    hops: ['1.31', '1.32'],
    findings: { warning: 2 },
    planKey: 'upgrades/up-1/plan.json',
    expiresAt: '2026-11-28T22:00:00Z',
    howTo: {
      approve: 'eks-upgrade-agent approve up-1',
      reject: 'eks-upgrade-agent reject up-1',
      api: 'POST /upgrades/up-1/approval',
    },
  },
  'approval.granted': { by: 'arn:aws:iam::123456789012:user/ana', decidedAt: at },
  'approval.rejected': { outcome: 'timed-out', by: 'eks-upgrade-agent', decidedAt: at },
};

const parses = (type: AgentEventType, fields: Record<string, unknown>) =>
  eventDetailSchemas()[type].safeParse({ ...envelope, ...fields }).success;

describe('the domain events', () => {
  it('names its source and schema version as the rules and consumers expect', () => {
    expect(EVENT_SOURCE).toBe('eks-upgrade-agent');
    expect(SCHEMA_VERSION).toBe('1');
    expect(AGENT_EVENT_TYPES).toEqual(Object.keys(valid));
  });

  it.each(AGENT_EVENT_TYPES)('makeEvent builds a valid %s with the envelope filled in', (type) => {
    const event = makeEvent(type, context, at, valid[type] as never);
    expect(event).toEqual({ detailType: type, detail: { ...envelope, ...valid[type] } });
  });

  it.each(AGENT_EVENT_TYPES)('%s refuses an empty upgrade id, cluster name or correlation id', (type) => {
    for (const key of ['upgradeId', 'clusterName', 'correlationId']) {
      expect(parses(type, { ...valid[type], [key]: '' })).toBe(false);
    }
    expect(parses(type, { ...valid[type], schemaVersion: '2' })).toBe(false);
    expect(parses(type, valid[type])).toBe(true);
  });

  it('makeEvent throws where a malformed event is made', () => {
    expect(() =>
      makeEvent('traffic.shifted', context, at, { ...valid['traffic.shifted'], percentage: 101 } as never),
    ).toThrow();
  });

  it.each(['perception', 'reasoning', 'execution', 'validation', 'rollback'])('accepts phase %s', (phase) => {
    expect(parses('phase.started', { phase })).toBe(true);
    expect(parses('phase.failed', { phase, error: { name: 'E', message: 'm' } })).toBe(true);
    expect(parses('upgrade.failed', { ...valid['upgrade.failed'], phase })).toBe(true);
  });

  it('refuses an unknown phase, and takes trigger only for upgrade.failed', () => {
    expect(parses('phase.started', { phase: 'planning' })).toBe(false);
    expect(parses('phase.started', { phase: 'trigger' })).toBe(false);
    expect(parses('upgrade.failed', { ...valid['upgrade.failed'], phase: '' })).toBe(false);
  });

  it('refuses negative counts and durations, and a fractional step count', () => {
    const started = valid['upgrade.started'];
    expect(parses('upgrade.started', { ...started, stepCount: -1 })).toBe(false);
    expect(parses('upgrade.started', { ...started, stepCount: 1.5 })).toBe(false);
    expect(parses('upgrade.started', { ...started, estimatedMinutes: -0.1 })).toBe(false);
    expect(parses('upgrade.completed', { targetVersion: '1.31', durationSeconds: -1 })).toBe(false);
  });

  it('keeps validation.success and validation.failure apart by their success flag', () => {
    expect(parses('validation.success', { ...valid['validation.success'], success: false })).toBe(false);
    expect(parses('validation.failure', { ...valid['validation.failure'], success: true })).toBe(false);
  });

  it.each(['control-plane', 'canary', 'nodegroups'])('accepts the gate stage %s', (stage) => {
    expect(
      parses('validation.success', { ...valid['validation.success'], gate: { stage, hop: '1.31' } }),
    ).toBe(true);
  });

  it('refuses an unknown gate stage', () => {
    expect(
      parses('validation.failure', { ...valid['validation.failure'], gate: { stage: 'final', hop: '1' } }),
    ).toBe(false);
  });

  it.each(['reverted', 'partially-reverted', 'stopped'])('accepts the rollback outcome %s', (outcome) => {
    expect(parses('rollback.completed', { ...valid['rollback.completed'], outcome })).toBe(true);
  });

  it('refuses an unknown rollback outcome or trigger', () => {
    expect(parses('rollback.completed', { ...valid['rollback.completed'], outcome: 'done' })).toBe(false);
    expect(parses('rollback.triggered', { reason: 'r', trigger: 'state-machine' })).toBe(true);
    expect(parses('rollback.triggered', { reason: 'r', trigger: 'operator' })).toBe(false);
  });

  it('bounds a traffic shift to 0-100 %', () => {
    const shift = valid['traffic.shifted'];
    expect(parses('traffic.shifted', { ...shift, percentage: 0 })).toBe(true);
    expect(parses('traffic.shifted', { ...shift, percentage: -1 })).toBe(false);
    expect(parses('traffic.shifted', { ...shift, percentage: 100.5 })).toBe(false);
  });
});

describe('the upgrade.requested detail', () => {
  const minimal = { clusterName: 'payments', targetVersion: '1.31', requestId: 'chg-1' };

  it('fills in the schema version, the in-place strategy, no force and no dry run', () => {
    expect(upgradeRequestedDetail().parse(minimal)).toEqual({
      ...minimal,
      schemaVersion: '1',
      strategy: 'in_place',
      force: false,
      dryRun: false,
    });
  });

  it('accepts in_place and blue_green when given, and refuses an unknown strategy', () => {
    expect(upgradeRequestedDetail().safeParse({ ...minimal, strategy: 'in_place' }).success).toBe(true);
    expect(upgradeRequestedDetail().safeParse({ ...minimal, strategy: 'blue_green' }).success).toBe(true);
    expect(upgradeRequestedDetail().safeParse({ ...minimal, strategy: 'canary' }).success).toBe(false);
  });

  it('keeps requestedBy up to 256 characters and refuses a longer one', () => {
    expect(
      upgradeRequestedDetail().parse({ ...minimal, requestedBy: 'a'.repeat(256) }).requestedBy,
    ).toHaveLength(256);
    expect(upgradeRequestedDetail().safeParse({ ...minimal, requestedBy: 'a'.repeat(257) }).success).toBe(
      false,
    );
  });
});
