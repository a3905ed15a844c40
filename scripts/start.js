#!/usr/bin/env node
// `npm start`: the whole topology on one machine — registry, two calc instances and the gateway —
// started in order, each waited on until healthy; Ctrl-C stops them all cleanly (calc deregisters).
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { buildIfStale, ROOT } = require('./build-if-stale');

const env = process.env;
const REGISTRY_PORT = env.REGISTRY_PORT ?? '3100';
const GATEWAY_PORT = env.GATEWAY_PORT ?? '3000';
const CALC_PORTS = (env.CALC_PORTS ?? '3201,3202').split(',').map((p) => p.trim());
// One gRPC port per calc (0 = a free one), registered as its instance's `grpc` endpoint. Unset: 50051, 50052…
// for calcs on fixed ports; a calc on PORT=0 gets a free gRPC port too.
const CALC_GRPC_PORTS = env.CALC_GRPC_PORTS
  ? env.CALC_GRPC_PORTS.split(',').map((p) => p.trim())
  : CALC_PORTS.map((port, i) => (port === '0' ? '0' : String(50051 + i)));
// One fast-lane (TCP) port per calc, its `tcp` endpoint. Unset: 4201, 4202… for calcs on fixed ports, else free ones.
const CALC_TCP_PORTS = env.CALC_TCP_PORTS
  ? env.CALC_TCP_PORTS.split(',').map((p) => p.trim())
  : CALC_PORTS.map((port, i) => (port === '0' ? '0' : String(4201 + i)));
const HEALTH_TIMEOUT_MS = Number(env.START_TIMEOUT_MS ?? 30_000);
// Matches a JSON log line's msg (the URL stops at the closing quote) and a pretty one (at a colour code).
const LISTENING = /listening on (https?:\/\/[^\s/\x1b"]+)/;

const children = [];
let stopping = false;

function say(line) {
  process.stdout.write(`[start] ${line}\n`);
}

function prefixLines(name, stream, target) {
  let pending = '';
  stream.on('data', (chunk) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) target.write(`[${name}] ${line}\n`);
  });
}

/** Starts one app and resolves with its URL once it logs that it listens. */
function startChild(name, app, childEnv) {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', app, 'main.js')], {
    cwd: ROOT,
    // A child's stdout is this script's pipe, so it would log JSON: pretty when a person is watching.
    env: { ...env, LOG_FORMAT: env.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json'), ...childEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: Ctrl-C reaches only this script, which stops the children in order
    // (services before the registry, so they can deregister).
    detached: true,
  });
  children.push({ name, child });
  prefixLines(name, child.stdout, process.stdout);
  prefixLines(name, child.stderr, process.stderr);
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk) => {
      seen += chunk.toString();
      const match = LISTENING.exec(seen);
      if (match) {
        child.stdout.off('data', onData);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code, signal) => {
      if (!stopping) {
        say(`${name} exited (${signal ?? code}); stopping everything`);
        reject(new Error(`${name} exited`));
        void stopAll(1);
      }
    });
  });
}

async function waitHealthy(name, url) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${name} not healthy at ${url}/health after ${HEALTH_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  // Services first so they can deregister while the registry still runs; the registry last.
  const order = [...children].reverse();
  for (const { name, child } of order) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    await new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        say(`${name} stopped`);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
  process.exit(exitCode);
}

async function main() {
  buildIfStale((line) => say(line));
  const registryUrl = await startChild('registry', 'registry', { REGISTRY_PORT });
  await waitHealthy('registry', registryUrl);
  const common = { REGISTRY_URL: registryUrl, ADVERTISE_HOST: env.ADVERTISE_HOST ?? '127.0.0.1' };
  const calcUrls = await Promise.all(
    CALC_PORTS.map((port, i) =>
      startChild(`calc-${i + 1}`, 'calc', { ...common, PORT: port, GRPC_PORT: CALC_GRPC_PORTS[i] ?? '0', TCP_PORT: CALC_TCP_PORTS[i] ?? '0' }),
    ),
  );
  await Promise.all(calcUrls.map((url, i) => waitHealthy(`calc-${i + 1}`, url)));
  const gatewayUrl = await startChild('gateway', 'gateway', { ...common, PORT: GATEWAY_PORT });
  await waitHealthy('gateway', gatewayUrl);

  say('all services are healthy:');
  say(`  registry  ${registryUrl}   (GET /services)`);
  calcUrls.forEach((url, i) => say(`  calc-${i + 1}    ${url}`));
  say(`  gateway   ${gatewayUrl}`);
  say(`try:  curl ${gatewayUrl.replace('127.0.0.1', 'localhost')}/calc/add/1/2`);
  say(`try:  curl ${gatewayUrl.replace('127.0.0.1', 'localhost')}/grpc/calc/add/1/2   (over gRPC)`);
  say('press Ctrl-C to stop');
}

process.on('exit', () => {
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
main().catch((error) => {
  say(`failed: ${error.message}`);
  void stopAll(1);
});
