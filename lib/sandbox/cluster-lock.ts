import { join } from 'node:path';
import { z } from 'zod';
import type { Clock, ClusterLock, LockOutcome } from '../ports';
import { defaultStateDir, JsonStateFile } from './state-store';

/** The locks' file inside the state directory (the sandbox's DynamoDB lock table). */
export const LOCKS_FILE_NAME = 'locks.json';

const lockEntrySchema = z.object({
  holder: z.string().min(1),
  acquiredAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});

const locksSchema = z.record(z.string(), lockEntrySchema);

export type LockEntry = z.infer<typeof lockEntrySchema>;
export type LockTable = z.infer<typeof locksSchema>;

export interface FileClusterLockOptions {
  /** Default `.eks-upgrade-agent/sandbox` under the current directory. */
  readonly stateDir?: string;
  /** Decides expiry: give it the sandbox's virtual clock so locks expire in virtual time. */
  readonly clock: Clock;
}

/**
 * The sandbox's cluster lock: one JSON file, `{ [cluster]: { holder, acquiredAt, expiresAt } }`,
 * with the semantics of the DynamoDB conditional put the AWS lock uses. Acquiring
 * succeeds when the cluster is free, when `holder` already holds it (a duplicate
 * request; the expiry is renewed), or when the lock has expired (taken over); a lock
 * is expired from its `expiresAt` on. Each operation loads, decides and saves with no
 * `await` in between and holding the file's lock, so no two operations interleave,
 * in one process or across processes (see state-store.ts).
 */
export class FileClusterLock implements ClusterLock {
  readonly path: string;
  private readonly file: JsonStateFile<LockTable>;
  private readonly clock: Clock;

  constructor(options: FileClusterLockOptions) {
    this.path = join(options.stateDir ?? defaultStateDir(), LOCKS_FILE_NAME);
    this.file = new JsonStateFile(this.path, (raw) => locksSchema.parse(raw));
    this.clock = options.clock;
  }

  /** @throws SandboxStateError when locks.json cannot be read back. */
  async acquire(clusterName: string, holder: string, ttlSeconds: number): Promise<LockOutcome> {
    const now = this.clock.now();
    return this.file.locked(() => this.acquireLocked(clusterName, holder, ttlSeconds, now));
  }

  private acquireLocked(clusterName: string, holder: string, ttlSeconds: number, now: Date): LockOutcome {
    const locks = this.file.load() ?? {};
    const current = locks[clusterName];
    if (current !== undefined && current.holder !== holder && Date.parse(current.expiresAt) > now.getTime()) {
      return { acquired: false, heldBy: `${current.holder} (until ${current.expiresAt})` };
    }
    locks[clusterName] = {
      holder,
      acquiredAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
    };
    this.file.save(locks);
    return { acquired: true };
  }

  /** Releases the lock when `holder` holds it (expired or not); otherwise does nothing. */
  async release(clusterName: string, holder: string): Promise<void> {
    this.file.locked(() => {
      const locks = this.file.load();
      if (locks?.[clusterName]?.holder !== holder) return;
      delete locks[clusterName];
      this.file.save(locks);
    });
  }

  /** The stored lock of a cluster, expired or not: for the CLI and tests. */
  inspect(clusterName: string): LockEntry | undefined {
    return this.file.load()?.[clusterName];
  }
}
