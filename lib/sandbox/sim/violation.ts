import type { SimHistory } from './history';

/** EventBridge: an entry (and a PutEvents call) is at most 256 KB, a call at most 10 entries. */
export const MAX_EVENT_BYTES = 256 * 1024;
export const MAX_PUT_ENTRIES = 10;

export interface Violation {
  readonly invariant: string;
  readonly message: string;
  /** History lines that show it, oldest first. */
  readonly trail: readonly string[];
}

/** One recorded EKS update as a history line. */
export const updateLine = (u: SimHistory['updates'][number]): string =>
  `${u.createdAt}..${u.endsAt} update ${u.type} ${u.target} ${u.fingerprint} ${u.result}${u.token ? '' : ' (no token)'}`;
