import { Command, CommanderError } from 'commander';
import { AgentError } from '../domain/errors';
import { registerEvents } from './commands/events';
import { registerPlan } from './commands/plan';
import { registerRequest } from './commands/request';
import { registerRun } from './commands/run';
import { registerSnapshot } from './commands/snapshot';
import { EXIT } from './errors';
import { type CliIo, processIo } from './io';

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
      io.stderr(`error: ${error.message}\n`);
      return error.retryable ? EXIT.failed : EXIT.badInput;
    }
    io.stderr(`internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.EKS_UPGRADE_AGENT_DEBUG && error instanceof Error) io.stderr(`${error.stack ?? ''}\n`);
    return EXIT.failed;
  }
}
