import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { canonicalJson } from '../../domain/hash';
import type { ExecutionStatus, ExistingExecution, StartOutcome } from '../../ports';
import { isAlive } from '../file-lock';
import { JsonStateFile } from '../state-store';

/** The local Step Functions' executions inside the state directory, by name. */
export const EXECUTIONS_FILE_NAME = 'executions.json';

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;

const entrySchema = z.object({
  /** The input as canonical JSON: what a later start of the same name is compared with. */
  input: z.string(),
  executionArn: z.string(),
  status: z.enum(STATUSES),
  startedAt: z.string().optional(),
  stoppedAt: z.string().optional(),
  /** The process running it (RUNNING only): when it has died, the execution is orphaned. */
  owner: z.object({ pid: z.number().int(), host: z.string() }).optional(),
});

const registrySchema = z.record(z.string(), entrySchema);

type Entry = z.infer<typeof entrySchema>;

/** Executions this process runs, by `<registry path>#<name>`: its own pid may be a dead process's too. */
const runningHere = new Set<string>();

/** A RUNNING execution whose process died (kill -9, a crash): this process now owns it. */
export interface OrphanedExecution {
  readonly name: string;
  readonly executionArn: string;
  readonly input: Record<string, unknown>;
}

/**
 * Execution names as Step Functions keeps them: registered when the execution
 * starts (RUNNING, with the owning process), so a concurrent start of the same name
 * finds it, and closed with its final status. Every change is a load-change-save
 * holding the file's lock, so two processes never both register one name.
 */
export class LocalExecutionRegistry {
  readonly path: string;
  private readonly file: JsonStateFile<Record<string, Entry>>;
  private readonly me = { pid: process.pid, host: hostname() };

  constructor(stateDir: string) {
    this.path = join(stateDir, EXECUTIONS_FILE_NAME);
    this.file = new JsonStateFile(this.path, (raw) => registrySchema.parse(raw));
  }

  /** @throws SandboxStateError when executions.json cannot be read back. */
  find(name: string, input: Record<string, unknown>): ExistingExecution | undefined {
    const entry = this.file.load()?.[name];
    return entry === undefined ? undefined : existing(entry, input);
  }

  /**
   * Registers `name` as RUNNING for this process, unless the name is taken: then the
   * execution that has it, as `existing` (same input) or `conflict`.
   */
  register(name: string, input: Record<string, unknown>, executionArn: string, at: Date): StartOutcome {
    return this.file.locked(() => {
      const table = this.file.load() ?? {};
      const known = table[name];
      if (known !== undefined) {
        const found = existing(known, input);
        return found.sameInput
          ? { kind: 'existing', executionArn: found.executionArn, status: found.status }
          : { kind: 'conflict', executionArn: found.executionArn, status: found.status };
      }
      table[name] = {
        input: canonicalJson(input),
        executionArn,
        status: 'RUNNING',
        startedAt: at.toISOString(),
        owner: this.me,
      };
      this.file.save(table);
      runningHere.add(`${this.path}#${name}`);
      return { kind: 'started', executionArn };
    });
  }

  /** Closes an execution with its final status. */
  finish(name: string, status: ExecutionStatus, at: Date): void {
    runningHere.delete(`${this.path}#${name}`);
    this.file.locked(() => {
      const table = this.file.load() ?? {};
      const entry = table[name];
      if (entry === undefined) return;
      const { owner: _owner, ...rest } = entry;
      table[name] = { ...rest, status, stoppedAt: at.toISOString() };
      this.file.save(table);
    });
  }

  /**
   * Forgets that this process runs `name`, leaving it RUNNING as a killed process
   * would: the simulator's in-process kill (lib/sandbox/sim), so that a later
   * `adoptOrphans` resumes it.
   */
  abandon(name: string): void {
    runningHere.delete(`${this.path}#${name}`);
  }

  /**
   * Takes over every RUNNING execution whose owning process (of this host) has died,
   * so that exactly one later process resumes each.
   */
  adoptOrphans(): OrphanedExecution[] {
    return this.file.locked(() => {
      const table = this.file.load();
      if (table === undefined) return [];
      const adopted: OrphanedExecution[] = [];
      for (const [name, entry] of Object.entries(table)) {
        const owner = entry.owner;
        if (entry.status !== 'RUNNING' || owner === undefined) continue;
        if (owner.host !== this.me.host) continue;
        const key = `${this.path}#${name}`;
        if (owner.pid === this.me.pid ? runningHere.has(key) : isAlive(owner.pid)) continue;
        table[name] = { ...entry, owner: this.me };
        runningHere.add(key);
        adopted.push({ name, executionArn: entry.executionArn, input: JSON.parse(entry.input) });
      }
      if (adopted.length > 0) this.file.save(table);
      return adopted;
    });
  }
}

function existing(entry: Entry, input: Record<string, unknown>): ExistingExecution {
  return {
    executionArn: entry.executionArn,
    status: entry.status,
    sameInput: entry.input === canonicalJson(input),
  };
}
