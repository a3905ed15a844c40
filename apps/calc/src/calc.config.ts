/** Calc's settings, read from the environment once at start. */
export interface CalcConfig {
  port: number;
  host: string;
  /** gRPC port (0 = a free one). Default: a free one when `PORT` is 0, else 50051. */
  grpcPort: number;
  /** gRPC bind address. */
  grpcHost: string;
  /** Fast-lane (TCP) port (0 = a free one). Default: a free one when `PORT` is 0, else 4200. */
  tcpPort: number;
  /** Fast-lane bind address. */
  tcpHost: string;
}

function port(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be an integer between 0 and 65535, got "${raw}"`);
  }
  return value;
}

/** Fails fast, naming the variable, on a bad value. */
export function loadCalcConfig(env: NodeJS.ProcessEnv = process.env): CalcConfig {
  const host = env.HOST || '0.0.0.0';
  const httpPort = port('PORT', 3200, env);
  return {
    port: httpPort,
    host,
    // PORT=0 asks for free ports: every listener gets one, so any number of calcs start with one environment.
    grpcPort: port('GRPC_PORT', httpPort === 0 ? 0 : 50051, env),
    grpcHost: env.GRPC_HOST || host,
    tcpPort: port('TCP_PORT', httpPort === 0 ? 0 : 4200, env),
    tcpHost: env.TCP_HOST || host,
  };
}
