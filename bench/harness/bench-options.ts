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
  /** Long polls parked at once in the fan-out case, and its rounds. */
  fanOutWatchers: number;
  fanOutRounds: number;
  /** New registrations in the churn case, and the clients sending them at once. */
  churnRegistrations: number;
  churnClients: number;
  /** Services of 100 instances each in the fat-services lookup case. */
  fatServices: number;
  /** Subscription watchers (2 services each) and change rounds in the subscription case. */
  subscriptionWatchers: number;
  subscriptionRounds: number;
  /** Request rate both sides of the profiled hop are held at (one each can sustain). */
  profileRate: number;
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
  fanOutWatchers: 1_000,
  fanOutRounds: 3,
  churnRegistrations: 10_000,
  churnClients: 64,
  fatServices: 1_000,
  subscriptionWatchers: 200,
  subscriptionRounds: 100,
  profileRate: 5_000,
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
  fanOutWatchers: 50,
  fanOutRounds: 1,
  churnRegistrations: 300,
  churnClients: 8,
  fatServices: 20,
  subscriptionWatchers: 10,
  subscriptionRounds: 3,
  profileRate: 300,
};
