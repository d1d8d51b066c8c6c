import { MAX_PAYLOAD_BYTES } from '../local-sfn/runner';
import type { SimHistory } from './history';
import { MAX_EVENT_BYTES, MAX_PUT_ENTRIES, updateLine, type Violation } from './violation';

/**
 * Invariants 3 to 5, over the same recorded history: how an upgrade ends, what a
 * duplicate request may start, and the services' limits and deliveries.
 */

/** 3: one terminal state and one terminal event (re-sends of the same fact aside), lock released. */
export function terminalStates(h: SimHistory): Violation[] {
  const out: Violation[] = [];
  for (const [name, status] of Object.entries(h.executions)) {
    const terminal = h.events.filter(
      (e) =>
        e.upgradeId === name && (e.detailType === 'upgrade.completed' || e.detailType === 'upgrade.failed'),
    );
    const trail = terminal.map((e) => `event #${e.index} ${e.detailType} ${e.fact}`);
    if (status === 'RUNNING') {
      out.push({
        invariant: '3 one terminal state',
        message: `execution ${name} never ended (still RUNNING)`,
        trail,
      });
    }
    const kinds = new Set(terminal.map((e) => e.detailType));
    const facts = new Set(terminal.map((e) => `${e.detailType} ${e.fact}`));
    // The simulator never asks for a dry run: every execution that ends has a terminal event.
    if (terminal.length === 0 && status !== 'RUNNING') {
      out.push({
        invariant: '3 one terminal event',
        message: `execution ${name} ended ${status} with no upgrade.completed or upgrade.failed`,
        trail: [],
      });
    } else if (kinds.size > 1 || facts.size > 1) {
      out.push({
        invariant: '3 one terminal event',
        message: `execution ${name} has ${terminal.length} different terminal events`,
        trail,
      });
    } else if ((status === 'SUCCEEDED') !== kinds.has('upgrade.completed') && terminal.length > 0) {
      out.push({
        invariant: '3 terminal event matches the state',
        message: `execution ${name} ended ${status} but published ${[...kinds].join(', ')}`,
        trail,
      });
    }
    const holder = h.locks[h.cluster];
    if (holder === name && status !== 'RUNNING') {
      out.push({
        invariant: '3 lock released',
        message: `execution ${name} ended ${status} and still holds the lock on ${h.cluster}`,
        trail: lockTrail(h),
      });
    }
  }
  return out;
}

function lockTrail(h: SimHistory): string[] {
  return h.log
    .filter((e) => e.kind === 'lock')
    .map((e) => `${e.at} lock ${e.kind === 'lock' ? `${e.op} ${e.holder} -> ${e.outcome}` : ''}`);
}

/** 4: duplicate requests start nothing new; no update started twice under different tokens. */
export function duplicatesStartNothing(h: SimHistory): Violation[] {
  const out: Violation[] = [];
  const fresh = new Map<string, number>();
  for (const e of h.log)
    if (e.kind === 'execution' && !e.resumed) fresh.set(e.name, (fresh.get(e.name) ?? 0) + 1);
  for (const [name, count] of fresh) {
    if (count > 1)
      out.push({
        invariant: '4 duplicates start nothing',
        message: `execution ${name} was started ${count} times`,
        trail: [],
      });
  }
  // Tokens are per upgrade: a later upgrade of the same cluster (a new request after
  // the first ended) may start the same change again under its own token. An update
  // belongs to the upgrade that last took the cluster lock before it started.
  const owner = lockHolderAt(h);
  const byFingerprint = new Map<string, Set<string>>();
  for (const u of h.updates) {
    if (u.fingerprint === 'platform-update') continue;
    const key = `${u.type} ${u.fingerprint} (${owner(u.createdAt)})`;
    const tokens = byFingerprint.get(key) ?? new Set();
    tokens.add(u.token ?? '(none)');
    byFingerprint.set(key, tokens);
  }
  for (const [fingerprint, tokens] of byFingerprint) {
    if (tokens.size > 1 || tokens.has('(none)')) {
      out.push({
        invariant: '4 one update per request token',
        message: `${fingerprint} was started ${tokens.size} time(s) under different or missing client request tokens`,
        trail: h.updates
          .filter((u) => `${u.type} ${u.fingerprint} (${owner(u.createdAt)})` === fingerprint)
          .map(updateLine),
      });
    }
  }
  return out;
}

/** Who held the cluster lock at a moment: the last holder to take it at or before then. */
function lockHolderAt(h: SimHistory): (at: string) => string {
  const taken = h.log.flatMap((e) =>
    e.kind === 'lock' && e.op === 'acquire' && e.outcome === 'acquired'
      ? [{ at: e.at, holder: e.holder }]
      : [],
  );
  return (at) => taken.filter((t) => Date.parse(t.at) <= Date.parse(at)).at(-1)?.holder ?? 'no holder';
}

/** 5: no payload over Step Functions' or EventBridge's limits; every delivery delivered or dead-lettered. */
export function limitsAndDelivery(h: SimHistory): Violation[] {
  const out: Violation[] = [];
  for (const e of h.log) {
    if (e.kind === 'state' && e.bytes > MAX_PAYLOAD_BYTES) {
      out.push({
        invariant: '5 state payload limit',
        message: `state ${e.state} of ${e.execution} carried ${e.bytes} bytes (limit ${MAX_PAYLOAD_BYTES})`,
        trail: [],
      });
    }
    if (e.kind === 'put') {
      const total = e.bytes.reduce((a, b) => a + b, 0);
      if (e.entries > MAX_PUT_ENTRIES || total > MAX_EVENT_BYTES) {
        out.push({
          invariant: '5 PutEvents limits',
          message: `a PutEvents call of ${e.entries} entries, ${total} bytes`,
          trail: [],
        });
      }
      if (e.accepted < e.entries && e.fn !== undefined) {
        const inv = h.log.find((x) => x.kind === 'invoke' && x.fn === e.fn && x.nth === e.nth);
        if (inv?.kind === 'invoke' && inv.outcome === 'ok') {
          out.push({
            invariant: '5 no event silently lost',
            message: `${e.entries - e.accepted} event(s) refused by PutEvents in ${e.fn} #${e.nth}, which still succeeded`,
            trail: [
              `${e.at} put ${e.entries} entries, ${e.accepted} accepted`,
              `${inv.at} invoke ${inv.fn} #${inv.nth} ok`,
            ],
          });
        }
      }
    }
  }
  const reports = new Map<string, number>();
  for (const d of h.deliveries)
    reports.set(`${d.rule}#${d.event}`, (reports.get(`${d.rule}#${d.event}`) ?? 0) + 1);
  h.matched.forEach((rules, index) => {
    for (const rule of rules) {
      const n = reports.get(`${rule}#${index}`) ?? 0;
      if (n !== 1) {
        const e = h.events[index];
        out.push({
          invariant: '5 every delivery delivered or dead-lettered',
          message: `event #${index} ${e?.detailType} has ${n} delivery records for rule ${rule}`,
          trail: [],
        });
      }
    }
  });
  const held = h.log.filter((e) => e.kind === 'held');
  for (const e of held) {
    if (e.kind !== 'held') continue;
    if (!h.log.some((r) => r.kind === 'released' && r.rule === e.rule && r.event === e.event)) {
      out.push({
        invariant: '5 no delivery silently lost',
        message: `event #${e.event} held for ${e.rule} was never delivered`,
        trail: [],
      });
    }
  }
  return out;
}
