/**
 * What the fast-lane server does with each call's request id: the same two hooks as calc's gRPC call log,
 * so the app's log lines carry `reqId` and its calls send the id and deadline on.
 */
export interface TcpCallLog {
  /** Runs the handler with `requestId` (and the call's deadline) as the current request. */
  scope<T>(requestId: string, deadline: number | undefined, handler: () => T): T;
  /** Reports a finished call: `status` 200 on success, else the failure's status. */
  finished(requestId: string, pattern: string, status: number, durationMs: number): void;
}
