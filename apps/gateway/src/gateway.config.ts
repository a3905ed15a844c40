import { readFileSync } from 'node:fs';
import { parseRouteTable, RouteTable } from './proxy/route-table';

/** The gateway's settings, read from the environment once at start. */
export interface GatewayConfig {
  port: number;
  host: string;
  routes: RouteTable;
  /** `false` disables CORS; `true` reflects any origin; a list allows exactly those origins. */
  cors: boolean | string[];
  /**
   * `GATEWAY_BUDGET_MS`: the budget of a request that brought none (`x-timeout-ms`) and whose proxy route
   * sets none; unset: no deadline. Every call made for the request fits in it (504 once it is spent).
   */
  budgetMs: number | undefined;
}

const DEFAULT_ROUTES = '/api/calc=calc';

function port(env: NodeJS.ProcessEnv): number {
  const raw = env.PORT;
  if (raw === undefined || raw === '') return 3000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`PORT must be an integer between 0 and 65535, got "${raw}"`);
  }
  return value;
}

function cors(raw: string | undefined): boolean | string[] {
  if (!raw) return false;
  if (raw === '*') return true;
  return raw.split(',').map((origin) => origin.trim()).filter(Boolean);
}

function routes(env: NodeJS.ProcessEnv): RouteTable {
  if (env.GATEWAY_ROUTES_FILE) {
    let text: string;
    try {
      text = readFileSync(env.GATEWAY_ROUTES_FILE, 'utf8');
    } catch (error) {
      throw new Error(`GATEWAY_ROUTES_FILE cannot be read: ${(error as Error).message}`);
    }
    return parseRouteTable(text, 'GATEWAY_ROUTES_FILE');
  }
  return parseRouteTable(env.GATEWAY_ROUTES ?? DEFAULT_ROUTES, 'GATEWAY_ROUTES');
}

/** Fails fast, naming the variable, on a bad value. */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return { port: port(env), host: env.HOST || '0.0.0.0', routes: routes(env), cors: cors(env.CORS_ORIGINS), budgetMs: budget(env) };
}

function budget(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.GATEWAY_BUDGET_MS;
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 3_600_000) {
    throw new Error(`GATEWAY_BUDGET_MS must be an integer of ms from 1 to 3600000, got "${raw}"`);
  }
  return value;
}
