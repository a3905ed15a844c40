/** The command line cannot be understood: the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  readonly code = 'CLI_USAGE';
  readonly retryable = false;

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
