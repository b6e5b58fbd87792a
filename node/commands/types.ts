export interface Command {
  name: string
  summary: string
  /** Returns the process exit code. */
  run (args: string[]): Promise<number>
}
