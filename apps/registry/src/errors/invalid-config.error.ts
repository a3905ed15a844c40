/** A configuration value is unusable; thrown at start so the process fails fast. */
export class InvalidConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  readonly retryable = false;

  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable} ${detail}`);
    this.name = 'InvalidConfigError';
  }
}
