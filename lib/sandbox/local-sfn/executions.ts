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
  /** RUNNING without a process: it waits for an answer to its task token at `state`. */
  parked: z.object({ state: z.string(), input: z.string() }).optional(),
  /** The answer to its task token (approve: success; reject: failure), once given. */
  answer: z
    .union([
      z.object({ kind: z.literal('success'), output: z.unknown() }),
      z.object({ kind: z.literal('failure'), error: z.string(), cause: z.string().optional() }),
    ])
    .optional(),
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
    this.release(name, { status, stoppedAt: at.toISOString() });
  }

  /** This process lets go of `name` (no owner any more) and records `change` on it. */
  private release(name: string, change: Partial<Entry>): void {
    runningHere.delete(`${this.path}#${name}`);
    this.file.locked(() => {
      const table = this.file.load() ?? {};
      const entry = table[name];
      if (entry === undefined) return;
      const { owner: _owner, ...rest } = entry;
      table[name] = { ...rest, ...change };
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

  /** Every execution, as Step Functions' DescribeExecution would tell it. */
  list(): {
    name: string;
    executionArn: string;
    status: ExecutionStatus;
    startedAt?: string;
    stoppedAt?: string;
    input: Record<string, unknown>;
  }[] {
    return Object.entries(this.file.load() ?? {}).map(([name, entry]) => ({
      name,
      executionArn: entry.executionArn,
      status: entry.status,
      ...(entry.startedAt !== undefined ? { startedAt: entry.startedAt } : {}),
      ...(entry.stoppedAt !== undefined ? { stoppedAt: entry.stoppedAt } : {}),
      input: JSON.parse(entry.input) as Record<string, unknown>,
    }));
  }

  /**
   * Leaves `name` RUNNING without a process, waiting at `state` for the answer to its
   * task token: `answerParked` records it, `adoptAnswered` resumes it.
   */
  park(name: string, state: string, input: unknown): void {
    this.release(name, { parked: { state, input: JSON.stringify(input ?? null) } });
  }

  /** The answer given to the task token of `name`, if any. */
  answerFor(name: string): Entry['answer'] {
    return this.file.load()?.[name]?.answer;
  }

  /**
   * Records the answer to a parked execution's task token, once: false when `name` is
   * not parked or already has its answer (as SendTaskSuccess fails for a token that is
   * not waiting any more).
   */
  answerParked(name: string, answer: NonNullable<Entry['answer']>): boolean {
    return this.file.locked(() => {
      const table = this.file.load() ?? {};
      const entry = table[name];
      if (entry?.status !== 'RUNNING' || entry.parked === undefined || entry.answer !== undefined)
        return false;
      table[name] = { ...entry, answer };
      this.file.save(table);
      return true;
    });
  }

  /**
   * Takes over a parked execution whose token has been answered: this process runs it
   * on from its parked state. Undefined when there is none to take (taken already).
   */
  adoptAnswered(
    name: string,
  ): { executionArn: string; state: string; input: Record<string, unknown> } | undefined {
    return this.file.locked(() => {
      const table = this.file.load() ?? {};
      const entry = table[name];
      if (entry?.status !== 'RUNNING' || entry.parked === undefined || entry.answer === undefined)
        return undefined;
      const { parked, ...rest } = entry;
      table[name] = { ...rest, owner: this.me };
      this.file.save(table);
      runningHere.add(`${this.path}#${name}`);
      return {
        executionArn: entry.executionArn,
        state: parked.state,
        input: JSON.parse(parked.input) as Record<string, unknown>,
      };
    });
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
