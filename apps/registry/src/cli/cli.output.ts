/** Where a command writes: a line at a time, to stdout (`out`) or stderr (`err`). @internal */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** The process's own streams. @internal */
export const processOutput: CliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
