/** A stream of calls running in the background of a test. */
export interface CallStream {
  /** One line per call that threw (`Name: message`). */
  readonly failures: string[];
  /** Calls finished so far. */
  readonly done: number;
  /** Settles once every worker stopped (after `stop()` or `total` calls). */
  readonly finished: Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Runs `call(n)` (`n` = 1, 2, 3… in start order) from `concurrency` workers until `stop()` or until `total`
 * calls started, recording every failure; `call` throws on a wrong answer as on a failed call.
 */
export function callStream(call: (n: number) => Promise<unknown>, concurrency: number, total = Infinity): CallStream {
  let started = 0;
  let done = 0;
  let stopped = false;
  const failures: string[] = [];
  const worker = async (): Promise<void> => {
    while (!stopped && started < total) {
      const n = ++started;
      try {
        await call(n);
      } catch (error) {
        failures.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      }
      done++;
    }
  };
  const finished = Promise.all(Array.from({ length: concurrency }, worker));
  return {
    failures,
    get done() {
      return done;
    },
    finished,
    stop: async () => {
      stopped = true;
      await finished;
    },
  };
}
