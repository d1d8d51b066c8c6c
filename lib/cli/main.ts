import { Command, CommanderError } from 'commander';
import { AgentError } from '../domain/errors';
import { errnoCode, FileAccessError } from '../sandbox/fs-error';
import { registerConfig } from './commands/config';
import { registerEvents } from './commands/events';
import { registerOperate } from './commands/operate';
import { registerPlan } from './commands/plan';
import { registerRequest } from './commands/request';
import { registerRun } from './commands/run';
import { registerSnapshot } from './commands/snapshot';
import { EXIT } from './errors';
import { type CliIo, processIo } from './io';
import { safeText } from './render/safe-text';

/** The path of a Node fs error (they carry `code`, `syscall` and `path`). */
function fsErrorPath(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { path, syscall } = error as { path?: unknown; syscall?: unknown };
  return errnoCode(error) !== undefined && typeof syscall === 'string' && typeof path === 'string'
    ? path
    : undefined;
}

/** Errors are one line on stderr: a newline in a message (from data) must not forge another. */
function oneLine(text: string): string {
  return text.replace(/\r?\n/g, ' ');
}

/** Builds the command tree; each command module registers itself. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('eks-upgrade-agent')
    .description('Upgrades Amazon EKS clusters safely and explains every decision.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(add --help for usage)');
  registerPlan(program, io);
  registerRun(program, io);
  registerEvents(program, io);
  registerRequest(program, io);
  registerSnapshot(program, io);
  registerConfig(program, io);
  registerOperate(program, io);
  return program;
}

/**
 * Runs the CLI and returns its exit code. Known errors become one line on stderr
 * and exit 2; nothing surfaces as a stack trace unless EKS_UPGRADE_AGENT_DEBUG is set.
 */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return io.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its own message (or help/version, which exit 0).
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    if (error instanceof AgentError) {
      io.stderr(safeText(`error: ${oneLine(error.message)}\n`));
      return error.retryable ? EXIT.failed : EXIT.badInput;
    }
    const path = fsErrorPath(error);
    if (path !== undefined) {
      // A file the agent itself writes (state, artifacts) failed under it: name it.
      const named = new FileAccessError('use', path, error);
      io.stderr(safeText(`error: ${named.name}: ${named.message}\n`));
      return named.retryable ? EXIT.failed : EXIT.badInput;
    }
    io.stderr(safeText(`internal error: ${error instanceof Error ? error.message : String(error)}\n`));
    if (process.env.EKS_UPGRADE_AGENT_DEBUG && error instanceof Error) io.stderr(`${error.stack ?? ''}\n`);
    return EXIT.failed;
  }
}
