/** What a command may touch of the process: injected so commands stay testable in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  now(): Date;
  exitCode: number;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    now: () => new Date(),
    exitCode: 0,
  };
}
