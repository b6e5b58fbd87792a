export interface Command {
  name: string
  summary: string
  /** Returns the process exit code. */
  run (args: string[]): Promise<number>
}

/** Thrown for bad command-line usage: printed with the command's help, exit code 2. */
export class UsageError extends Error {}
