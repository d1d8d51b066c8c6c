import type { Command } from 'commander';
import { compilePatternJson } from '../../sandbox/event-pattern';
import { EXIT } from '../errors';
import { readJsonFile, readJsonText } from '../files';
import type { CliIo } from '../io';

interface TestPatternOptions {
  pattern: string;
  event: string;
}

/**
 * `events test-pattern`: like `aws events test-event-pattern`, with the matcher
 * the local bus routes by. Prints true or false; an invalid pattern exits 2 with
 * EventBridge's reason.
 */
export function registerEvents(program: Command, io: CliIo): void {
  const events = program.command('events').description('Event tools: the catalogue is events/README.md');
  events
    .command('test-pattern')
    .description('Does an EventBridge event pattern match an event? Prints true or false')
    .requiredOption('--pattern <file>', 'event pattern JSON (e.g. events/rules/notifications.json)')
    .requiredOption(
      '--event <file>',
      'event JSON, as EventBridge delivers it (e.g. events/samples/upgrade.requested.json)',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 match or no match (see stdout), 2 invalid pattern or unreadable file.',
    )
    .action((options: TestPatternOptions) => {
      // From the text: a literal such as 1E-325 is refused by EventBridge but is a plain 0 once parsed.
      const pattern = compilePatternJson(readJsonText(options.pattern, 'pattern'));
      const event = readJsonFile(options.event, 'event');
      io.stdout(`${pattern.matches(event) ? 'true' : 'false'}\n`);
      io.exitCode = EXIT.ok;
    });
}
