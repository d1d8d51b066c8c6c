import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AgentError, InvalidRequestError } from '../domain/errors';
import type { OncePerUpgrade } from '../phases/rollback';
import type { Clock } from '../ports';
import { isAlive } from './file-lock';
import { defaultStateDir, JsonStateFile } from './state-store';

/** The stored results inside the state directory (the sandbox's Powertools idempotency table). */
export const ONCE_FILE_NAME = 'once.json';

/**
 * How long an in-progress record keeps other callers away when its holder cannot be
 * checked: Lambda's longest timeout, the bound Powertools puts on INPROGRESS too.
 */
export const IN_PROGRESS_EXPIRY_MS = 15 * 60 * 1000;

const completedSchema = z.object({
  /** Absent in files written before in-progress records existed. */
  status: z.literal('COMPLETED').default('COMPLETED'),
  purpose: z.string(),
  upgradeId: z.string(),
  completedAt: z.string(),
  /** Absent when the function returned undefined. */
  result: z.unknown().optional(),
});

const inProgressSchema = z.object({
  status: z.literal('INPROGRESS'),
  purpose: z.string(),
  upgradeId: z.string(),
  startedAt: z.string(),
  /** Wall-clock time (ms since the epoch) after which another caller may take over. */
  expiresAtMs: z.number(),
  pid: z.number().int(),
  host: z.string(),
});

const onceRecordSchema = z.union([inProgressSchema, completedSchema]);
const onceTableSchema = z.record(z.string(), onceRecordSchema);

export type OnceRecord = z.infer<typeof onceRecordSchema>;

/** Another caller (of any process) is running the function for this key: retry later. */
export class IdempotencyAlreadyInProgressError extends AgentError {
  override readonly name = 'IdempotencyAlreadyInProgressError';
  readonly retryable = true;
  constructor(key: string, holder: string) {
    super(`${key} is already in progress in ${holder}; retry once it has finished`);
  }
}

export interface FileOnceOptions {
  /** Default `.eks-upgrade-agent/sandbox` under the current directory. */
  readonly stateDir?: string;
  /** Stamps `completedAt`; default the system clock. */
  readonly clock?: Clock;
  /**
   * What the wrapped functions do, the first half of the key (Powertools' key prefix).
   * Default: the wrapped function's name, `anonymous` when it has none (an inline arrow).
   */
  readonly purpose?: string;
  /** Wall-clock milliseconds, for in-progress expiry; default Date.now. */
  readonly wallNow?: () => number;
}

/**
 * The sandbox's Powertools idempotency: the first call for an upgrade id writes an
 * INPROGRESS record to `once.json` under `<purpose>#<upgradeId>`, runs the function
 * and replaces the record with its result; later calls, in any process, return the
 * stored result without running it. A call while another of the same process is in
 * flight awaits the same promise; a call while another process holds the INPROGRESS
 * record gets IdempotencyAlreadyInProgressError (the state machine retries it by
 * name), unless that record has expired or its process has died. A failed call
 * removes its record, so it may be retried. Records are read and written holding the
 * file's lock, so two processes never both start the function.
 */
export function fileOncePerUpgrade(options: FileOnceOptions = {}): OncePerUpgrade {
  const file = new JsonStateFile(join(options.stateDir ?? defaultStateDir(), ONCE_FILE_NAME), (raw) =>
    onceTableSchema.parse(raw),
  );
  const clock = options.clock ?? { now: () => new Date() };
  const wallNow = options.wallNow ?? Date.now;
  const inFlight = new Map<string, Promise<unknown>>();
  const me = { pid: process.pid, host: hostname() };

  /** The stored result, or undefined once this process holds the INPROGRESS record. */
  const claim = (key: string, purpose: string, upgradeId: string): { result: unknown } | undefined =>
    file.locked(() => {
      const table = file.load() ?? {};
      const stored = table[key];
      if (stored?.status === 'COMPLETED') return { result: stored.result };
      if (stored?.status === 'INPROGRESS' && !expired(stored, wallNow())) {
        throw new IdempotencyAlreadyInProgressError(key, `process ${stored.pid} on ${stored.host}`);
      }
      const now = wallNow();
      table[key] = {
        status: 'INPROGRESS',
        purpose,
        upgradeId,
        startedAt: clock.now().toISOString(),
        expiresAtMs: now + IN_PROGRESS_EXPIRY_MS,
        ...me,
      };
      file.save(table);
      return undefined;
    });

  const settle = (key: string, record: OnceRecord | undefined) =>
    file.locked(() => {
      const table = file.load() ?? {};
      const current = table[key];
      // Only this process's own claim is replaced: one that expired meanwhile may be another's now.
      if (current?.status !== 'INPROGRESS' || current.pid !== me.pid || current.host !== me.host) return;
      if (record === undefined) delete table[key];
      else table[key] = record;
      file.save(table);
    });

  return <A extends { upgradeId: string }, R>(fn: (input: A) => Promise<R>) => {
    const purpose = options.purpose ?? (fn.name || 'anonymous');
    return (input: A): Promise<R> => {
      const upgradeId: unknown = input?.upgradeId;
      if (typeof upgradeId !== 'string' || upgradeId.length === 0) {
        return Promise.reject(new InvalidRequestError(`${purpose}: the input has no upgradeId to key on`));
      }
      const key = `${purpose}#${upgradeId}`;
      // Checked synchronously, in this order, so no await separates the look-ups from the start.
      const running = inFlight.get(key);
      if (running !== undefined) return running as Promise<R>;
      let stored: { result: unknown } | undefined;
      try {
        stored = claim(key, purpose, upgradeId);
      } catch (error) {
        return Promise.reject(error);
      }
      if (stored !== undefined) return Promise.resolve(stored.result as R);

      const run = (async () => {
        try {
          const result = await fn(input);
          settle(key, {
            status: 'COMPLETED',
            purpose,
            upgradeId,
            completedAt: clock.now().toISOString(),
            result,
          });
          return result;
        } catch (error) {
          settle(key, undefined);
          throw error;
        }
      })();
      inFlight.set(key, run);
      const forget = () => inFlight.delete(key);
      run.then(forget, forget);
      return run;
    };
  };
}

/** Past its expiry, or held by a process of this host that no longer runs. */
function expired(record: z.infer<typeof inProgressSchema>, nowMs: number): boolean {
  if (nowMs >= record.expiresAtMs) return true;
  return record.host === hostname() && !isAlive(record.pid);
}
