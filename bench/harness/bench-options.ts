/** How hard the bench pushes: the full run for numbers, the smoke run only to prove every case works. */
export interface BenchOptions {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Alternating subject/floor rounds that share `durationSeconds`. */
  rounds: number;
  /** Instance counts for the lookup case. */
  lookupSizes: number[];
  propagationTries: number;
  /** Calls per side in the client-overhead case. */
  clientCalls: number;
  /** Kills (and graceful stops) in the crash-detection case. */
  crashTries: number;
}

export const FULL: BenchOptions = {
  connections: 32,
  durationSeconds: 15,
  warmupSeconds: 3,
  rounds: 5,
  lookupSizes: [10, 1_000, 100_000],
  propagationTries: 20,
  clientCalls: 40_000,
  crashTries: 20,
};

export const SMOKE: BenchOptions = {
  connections: 4,
  durationSeconds: 1,
  warmupSeconds: 0,
  rounds: 1,
  lookupSizes: [10, 100],
  propagationTries: 2,
  clientCalls: 200,
  crashTries: 2,
};
