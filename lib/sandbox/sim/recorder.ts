import { AgentError } from '../../domain/errors';
import type { DomainEvent } from '../../domain/events';
import type { PhaseDeps } from '../../phases/deps';
import type { BusEvent, LocalEventBus } from '../event-bus';
import type { TaskHandler } from '../local-sfn/runner';
import type { StackInterception } from '../local-stack';
import { type BoundaryFault, describeFault } from './faults';
import type { HistoryEntry, Stamped } from './history';

/** A fault the simulator injects; `name` is what Step Functions and EventBridge see. */
export class InjectedFaultError extends AgentError {
  override readonly name: string;
  readonly retryable = true;
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

type Deliver = (event: BusEvent) => Promise<void>;
interface Held {
  readonly rule: string;
  readonly event: BusEvent;
  readonly deliver: Deliver;
}

/**
 * Records one seed's history from the wiring (ports, functions, rule targets, states)
 * and injects the schedule's boundary faults there. Virtual time is followed from the
 * Wait states, not read from the world, so recording costs no state-file reads.
 */
export class Recorder {
  readonly log: Stamped<HistoryEntry>[] = [];
  /** Held deliveries' envelope ids, resolved to event numbers once every event is known. */
  readonly heldIds: { kind: 'held' | 'released'; rule: string; id: string; seq: number; at: string }[] = [];
  readonly firedKinds: string[] = [];
  private seq = 0;
  private virtualMs: number;
  private readonly invocations = new Map<string, number>();
  private stateMachineCalls = 0;
  private puts = 0;
  private readonly deliveries = new Map<string, number>();
  private readonly attempts = new Map<string, number>();
  private readonly running: { fn: string; nth: number }[] = [];
  private targetDepth = 0;
  private held: Held[] = [];
  private readonly swaps = new Map<string, Held>();
  private readonly spent = new Set<BoundaryFault>();
  /** Set once the stack exists: where mid-run requests are put. */
  bus: LocalEventBus | undefined;

  constructor(
    private readonly faults: readonly BoundaryFault[],
    epoch: string,
    private readonly requests: { duplicate: () => DomainEvent; second: () => DomainEvent },
  ) {
    this.virtualMs = Date.parse(epoch);
  }

  now(): string {
    return new Date(this.virtualMs).toISOString();
  }

  advance(seconds: number): void {
    this.virtualMs += seconds * 1000;
  }

  record(entry: HistoryEntry): void {
    this.seq += 1;
    this.log.push({ ...entry, seq: this.seq, at: this.now() } as Stamped<HistoryEntry>);
  }

  private fire<K extends BoundaryFault['kind']>(
    kind: K,
    match: (f: Extract<BoundaryFault, { kind: K }>) => boolean,
  ): Extract<BoundaryFault, { kind: K }> | undefined {
    const found = this.faults.find(
      (f): f is Extract<BoundaryFault, { kind: K }> =>
        f.kind === kind && !this.spent.has(f) && match(f as Extract<BoundaryFault, { kind: K }>),
    );
    if (found) {
      this.spent.add(found);
      this.firedKinds.push(found.kind);
      this.record({ kind: 'fault', fault: describeFault(found) });
    }
    return found;
  }

  /** The hooks for one process's stack; `kill` aborts that process (only the first one may die). */
  interception(kill: AbortController | undefined): StackInterception {
    return {
      deps: (deps) => this.wrapDeps(deps),
      fn: (name, work) => this.wrapFunction(name, work, kill),
      target: (rule, deliver) => this.wrapTarget(rule, deliver),
      onStateEvent: (execution, event) => {
        if (event.type !== 'StateEntered' && event.type !== 'StateExited') return;
        const value = event.type === 'StateEntered' ? event.input : event.output;
        const bytes = Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
        this.record({ kind: 'state', execution, state: event.state, bytes });
      },
      ...(kill ? { kill: kill.signal } : {}),
    };
  }

  private wrapFunction(name: string, work: TaskHandler, kill: AbortController | undefined): TaskHandler {
    return async (input) => {
      const nth = (this.invocations.get(name) ?? 0) + 1;
      this.invocations.set(name, nth);
      const byMachine = this.targetDepth === 0 && name !== 'trigger';
      const overall = byMachine ? ++this.stateMachineCalls : -1;
      const die = kill && byMachine ? this.fire('process-kill', (f) => f.nth === overall) : undefined;
      const fault = (error: string, reason: string) => {
        this.record({ kind: 'invoke', fn: name, nth, outcome: 'error', error, fault: reason });
        return new InjectedFaultError(error, `simulated ${reason} of ${name} #${nth}`);
      };
      if (die?.when === 'before') {
        kill?.abort();
        throw fault('States.Runtime', 'process killed before');
      }
      const crash = this.fire('lambda-crash', (f) => f.fn === name && f.nth === nth);
      if (crash?.when === 'before') throw fault(crash.error, 'crash before the work');
      const timeout = this.fire('lambda-timeout', (f) => f.fn === name && f.nth === nth);
      this.running.push({ fn: name, nth });
      let result: unknown;
      try {
        result = await work(input);
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        this.record({ kind: 'invoke', fn: name, nth, outcome: 'error', error: e.name });
        throw error;
      } finally {
        this.running.pop();
      }
      if (crash) throw fault(crash.error, 'crash after the work');
      if (timeout) throw fault('States.Timeout', 'timeout after the work');
      if (die) {
        kill?.abort();
        throw fault('States.Runtime', 'process killed after');
      }
      this.record({ kind: 'invoke', fn: name, nth, outcome: 'ok' });
      if (byMachine) this.putRequests(overall);
      return result;
    };
  }

  /** A duplicate or a second request, put on the bus mid-run (delivered when the function's drain runs). */
  private putRequests(overall: number): void {
    if (this.fire('duplicate-request', (f) => f.nth === overall))
      void this.bus?.publish([this.requests.duplicate()]);
    if (this.fire('second-request', (f) => f.nth === overall))
      void this.bus?.publish([this.requests.second()]);
  }

  private wrapTarget(rule: string, deliver: Deliver): Deliver {
    return async (event) => {
      const key = `${rule}#${event.id}`;
      const attempt = (this.attempts.get(key) ?? 0) + 1;
      this.attempts.set(key, attempt);
      let nth = this.deliveries.get(key);
      if (nth === undefined) {
        nth = [...this.deliveries.keys()].filter((k) => k.startsWith(`${rule}#`)).length + 1;
        this.deliveries.set(key, nth);
      }
      const n = nth;
      const failing = this.faults.find(
        (f) => f.kind === 'bus-delivery-failure' && f.rule === rule && f.nth === n,
      );
      if (failing?.kind === 'bus-delivery-failure' && attempt <= failing.attempts) {
        if (attempt === 1) this.fire('bus-delivery-failure', (f) => f === failing);
        throw new InjectedFaultError(
          'Lambda.ServiceException',
          `simulated delivery failure of ${rule} #${n}`,
        );
      }
      if (attempt === 1 && this.fire('bus-late', (f) => f.rule === rule && f.nth === n)) {
        this.hold({ rule, event, deliver });
        return;
      }
      if (attempt === 1 && this.fire('bus-out-of-order', (f) => f.rule === rule && f.nth === n)) {
        this.hold({ rule, event, deliver });
        this.swaps.set(rule, { rule, event, deliver });
        return;
      }
      // The trigger's delivery runs the whole execution (the local start returns at its end):
      // only the other rules' targets are calls the state machine did not make.
      const outside = rule !== 'upgrade-trigger';
      if (outside) this.targetDepth += 1;
      try {
        await deliver(event);
        if (attempt === 1 && this.fire('bus-duplicate', (f) => f.rule === rule && f.nth === n)) {
          await deliver(structuredClone(event));
        }
      } finally {
        if (outside) this.targetDepth -= 1;
      }
      const swapped = this.swaps.get(rule);
      if (swapped && swapped.event.id !== event.id) {
        this.swaps.delete(rule);
        await this.release(swapped);
      }
    };
  }

  private hold(held: Held): void {
    this.held.push(held);
    this.heldIds.push({ kind: 'held', rule: held.rule, id: held.event.id, seq: ++this.seq, at: this.now() });
  }

  private async release(held: Held): Promise<void> {
    if (
      !this.held.includes(held) &&
      !this.held.some((h) => h.event.id === held.event.id && h.rule === held.rule)
    )
      return;
    this.held = this.held.filter((h) => !(h.event.id === held.event.id && h.rule === held.rule));
    this.heldIds.push({
      kind: 'released',
      rule: held.rule,
      id: held.event.id,
      seq: ++this.seq,
      at: this.now(),
    });
    this.targetDepth += 1;
    try {
      // EventBridge retries a late delivery like any other; what still fails is the DLQ's.
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          await held.deliver(structuredClone(held.event));
          return;
        } catch {
          // Retried below; the third failure is dead-lettered by the caller's report.
        }
      }
    } finally {
      this.targetDepth -= 1;
    }
  }

  /** Delivers every held event (late ones, and out-of-order ones no later delivery released). */
  async flush(): Promise<void> {
    this.swaps.clear();
    while (this.held.length > 0) await this.release(this.held[0] as Held);
  }

  private wrapDeps(deps: PhaseDeps): PhaseDeps {
    const call = async <T>(
      op: string,
      target: string,
      token: string | undefined,
      run: () => Promise<T>,
      describe: (r: T) => string,
    ) => {
      try {
        const result = await run();
        this.record({ kind: 'eks-call', op, target, ...(token ? { token } : {}), outcome: describe(result) });
        return result;
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        this.record({ kind: 'eks-call', op, target, ...(token ? { token } : {}), outcome: `error ${name}` });
        throw error;
      }
    };
    const { updates, controlPlaneRollback, nodegroups, events, locks } = deps;
    return {
      ...deps,
      updates: {
        startStep: (cluster, step, options) =>
          call(
            'startStep',
            step.kind === 'control-plane'
              ? `cluster ${step.to}`
              : `${step.kind} ${'name' in step ? step.name : ''} ${step.to ?? ''}`,
            options.clientRequestToken,
            () => updates.startStep(cluster, step, options),
            (r) => (r.kind === 'started' ? `started ${r.update.updateId}` : 'busy'),
          ),
        describeUpdate: (ref) => updates.describeUpdate(ref),
      },
      controlPlaneRollback: {
        startControlPlaneRollback: (cluster, to, options) =>
          call(
            'startControlPlaneRollback',
            `cluster ${to}`,
            options.clientRequestToken,
            () => controlPlaneRollback.startControlPlaneRollback(cluster, to, options),
            (r) => (r.kind === 'started' ? `started ${r.update.updateId}` : 'busy'),
          ),
      },
      nodegroups: {
        createNodegroup: (input) =>
          call(
            'createNodegroup',
            `nodegroup ${input.nodegroupName} ${input.version ?? ''}`,
            input.clientRequestToken,
            () => nodegroups.createNodegroup(input),
            (r) => r.kind,
          ),
        deleteNodegroup: (cluster, name) =>
          call(
            'deleteNodegroup',
            `nodegroup ${name}`,
            undefined,
            () => nodegroups.deleteNodegroup(cluster, name),
            (r) => r.kind,
          ),
        describeNodegroup: (cluster, name) => nodegroups.describeNodegroup(cluster, name),
      },
      events: { publish: (batch) => this.publish(events.publish.bind(events), batch) },
      locks: {
        acquire: async (cluster, holder, ttl) => {
          const outcome = await locks.acquire(cluster, holder, ttl);
          this.record({
            kind: 'lock',
            op: 'acquire',
            cluster,
            holder,
            outcome: outcome.acquired ? 'acquired' : `refused (${outcome.heldBy})`,
          });
          return outcome;
        },
        release: async (cluster, holder) => {
          await locks.release(cluster, holder);
          this.record({ kind: 'lock', op: 'release', cluster, holder, outcome: 'released' });
        },
      },
    };
  }

  private async publish(
    inner: (events: readonly DomainEvent[]) => Promise<void>,
    batch: readonly DomainEvent[],
  ): Promise<void> {
    const nth = ++this.puts;
    const by = this.running.at(-1);
    const bytes = batch.map(
      (e) =>
        Buffer.byteLength(JSON.stringify(e.detail), 'utf8') +
        e.detailType.length +
        'eks-upgrade-agent'.length,
    );
    const partial = this.fire('putevents-partial-failure', (f) => f.nth === nth);
    const accepted = partial ? Math.min(partial.accepted, batch.length) : batch.length;
    if (accepted > 0) await inner(batch.slice(0, accepted));
    this.record({
      kind: 'put',
      entries: batch.length,
      bytes,
      accepted,
      ...(by ? { fn: by.fn, nth: by.nth } : {}),
    });
    if (accepted < batch.length) {
      throw new InjectedFaultError(
        'EventDeliveryError',
        `simulated PutEvents partial failure: ${batch.length - accepted} of ${batch.length} entries refused (InternalException)`,
      );
    }
  }
}
