/**
 * What a simulated run leaves behind, recorded from the world and the wiring (never
 * from the report): the invariants are checked against this alone. Times are virtual
 * (ISO 8601); `seq` orders entries that share a time.
 */

export type HistoryEntry =
  | {
      readonly kind: 'invoke';
      readonly fn: string;
      readonly nth: number;
      readonly outcome: 'ok' | 'error';
      readonly error?: string;
      readonly fault?: string;
    }
  | {
      readonly kind: 'eks-call';
      readonly op: string;
      readonly target: string;
      readonly token?: string;
      readonly outcome: string;
    }
  | {
      readonly kind: 'put';
      readonly entries: number;
      readonly bytes: readonly number[];
      readonly accepted: number;
      readonly fn?: string;
      readonly nth?: number;
    }
  | {
      readonly kind: 'lock';
      readonly op: 'acquire' | 'release';
      readonly cluster: string;
      readonly holder: string;
      readonly outcome: string;
    }
  | { readonly kind: 'state'; readonly execution: string; readonly state: string; readonly bytes: number }
  | {
      readonly kind: 'execution';
      readonly name: string;
      readonly status: string;
      readonly resumed: boolean;
      readonly killed: boolean;
    }
  | { readonly kind: 'fault'; readonly fault: string }
  | { readonly kind: 'held'; readonly rule: string; readonly event: number }
  | { readonly kind: 'released'; readonly rule: string; readonly event: number };

export type Stamped<T> = T & { readonly seq: number; readonly at: string };

/** An event as it was put on the bus (envelopes of every process, in order). */
export interface PutEvent {
  readonly index: number;
  readonly detailType: string;
  readonly upgradeId?: string;
  readonly time: string;
  /** The detail without occurredAt: equal for a re-send of the same fact. */
  readonly fact: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface Delivery {
  readonly rule: string;
  readonly event: number;
  readonly attempts: number;
  readonly outcome: 'delivered' | 'dead-lettered';
}

/** An EKS update as the simulated EKS recorded it. */
export interface UpdateRecord {
  readonly id: string;
  readonly type: string;
  readonly target: string;
  readonly fingerprint: string;
  readonly token?: string;
  readonly createdAt: string;
  readonly endsAt: string;
  readonly result: string;
  readonly effect: { readonly version?: string; readonly addonVersion?: string };
}

export interface NodegroupOpRecord {
  readonly kind: 'create' | 'delete';
  readonly name: string;
  readonly startedAt: string;
  readonly endsAt: string;
  /** Create only: the version the group runs. */
  readonly version?: string;
}

export interface SimHistory {
  readonly cluster: string;
  readonly initial: {
    readonly version: string;
    readonly nodegroups: Readonly<Record<string, string>>;
    readonly addons: Readonly<Record<string, string>>;
  };
  /** DescribeAddonVersions as the world knows it: which add-on version runs on which minor. */
  readonly compatibility: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** Every request put (request id and the execution name it gets). */
  readonly requests: readonly { readonly requestId: string; readonly upgradeId: string }[];
  readonly log: readonly Stamped<HistoryEntry>[];
  readonly events: readonly PutEvent[];
  /** Which rules each event matched when it was put (the deployed patterns). */
  readonly matched: readonly (readonly string[])[];
  readonly deliveries: readonly Delivery[];
  readonly updates: readonly UpdateRecord[];
  readonly nodegroupOps: readonly NodegroupOpRecord[];
  /** executions.json at the end: name -> final status. */
  readonly executions: Readonly<Record<string, string>>;
  /** locks.json at the end: cluster -> holder. */
  readonly locks: Readonly<Record<string, string>>;
  readonly now: string;
}
