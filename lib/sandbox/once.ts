import { join } from 'node:path';
import { z } from 'zod';
import { InvalidRequestError } from '../domain/errors';
import type { OncePerUpgrade } from '../phases/rollback';
import type { Clock } from '../ports';
import { defaultStateDir, JsonStateFile } from './state-store';

/** The stored results inside the state directory (the sandbox's Powertools idempotency table). */
export const ONCE_FILE_NAME = 'once.json';

const onceRecordSchema = z.object({
  purpose: z.string(),
  upgradeId: z.string(),
  completedAt: z.string(),
  /** Absent when the function returned undefined. */
  result: z.unknown().optional(),
});

const onceTableSchema = z.record(z.string(), onceRecordSchema);

export type OnceRecord = z.infer<typeof onceRecordSchema>;

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
}

/**
 * The sandbox's Powertools idempotency: the first call for an upgrade id runs the
 * function and stores its result in `once.json` under `<purpose>#<upgradeId>`; later
 * calls, in any process, return the stored result (as JSON read it back) without
 * running it. A call while another of the same process is in flight awaits the same
 * promise. A failed call stores nothing, so it may be retried.
 *
 * Simpler than Powertools, on purpose: records never expire, and there is no
 * in-progress record, so two processes calling at the same instant both run the
 * function (the sandbox runs one step at a time).
 */
export function fileOncePerUpgrade(options: FileOnceOptions = {}): OncePerUpgrade {
  const file = new JsonStateFile(join(options.stateDir ?? defaultStateDir(), ONCE_FILE_NAME), (raw) =>
    onceTableSchema.parse(raw),
  );
  const clock = options.clock ?? { now: () => new Date() };
  const inFlight = new Map<string, Promise<unknown>>();

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
      let stored: OnceRecord | undefined;
      try {
        stored = file.load()?.[key];
      } catch (error) {
        return Promise.reject(error);
      }
      if (stored !== undefined) return Promise.resolve(stored.result as R);

      const run = (async () => {
        const result = await fn(input);
        const table = file.load() ?? {};
        table[key] = { purpose, upgradeId, completedAt: clock.now().toISOString(), result };
        file.save(table);
        return result;
      })();
      inFlight.set(key, run);
      const forget = () => inFlight.delete(key);
      run.then(forget, forget);
      return run;
    };
  };
}
