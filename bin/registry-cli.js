#!/usr/bin/env node
// nest-discovery: the registry's view as a table, for operators without a browser. Plain Node ≥ 20
// (global fetch), no build step.  Usage: see HELP below, or `registry-cli --help`.
'use strict';

const { parseArgs } = require('node:util');

const HELP = `Usage: nest-discovery <command> [options]

Commands:
  services              every service: instances (running apps), passing, endpoints, tags
  instances <name>      one service's instances with their endpoints (--tag to keep those with a tag)
  watch                 a line per change (register, deregister, update) until Ctrl-C

Options:
  --registry <url>      registry URL (default: $REGISTRY_URL, first of a list, or http://127.0.0.1:3100)
  --tag <tag>           with "instances": only instances with this tag
  --json                machine-readable output (watch: one JSON object per line)
  --timeout <seconds>   per-request timeout (default 5)
  -h, --help            this help

Exit codes: 0 ok, 1 registry unreachable or answered an error, 2 bad usage.`;

const DEFAULT_REGISTRY = 'http://127.0.0.1:3100';
const WATCH_TIMEOUT_SECONDS = 30;
const BACKOFF_MAX_MS = 10_000;

class UsageError extends Error {}

/** The registry could not be reached or answered with an error: exit 1. */
class RegistryError extends Error {}

// ---- HTTP ------------------------------------------------------------------------------------------

async function getJson(registry, path, timeoutMs) {
  const url = new URL(path, registry.endsWith('/') ? registry : `${registry}/`);
  let response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = error.cause?.code ?? error.cause?.message ?? error.name ?? error.message;
    throw new RegistryError(`cannot reach the registry at ${registry} (${cause})`);
  }
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RegistryError(`${url} answered ${response.status} with a body that is not JSON — is ${registry} a registry?`);
  }
  if (!response.ok) throw new RegistryError(`${url} answered ${response.status}: ${body?.message ?? text}`);
  return body;
}

// ---- formatting --------------------------------------------------------------------------------------

/** Left-aligned columns, two spaces apart; numbers right-aligned. */
function table(headers, rows) {
  const cells = [headers, ...rows.map((row) => row.map((cell) => String(cell)))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  const numeric = headers.map((_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === 'number'));
  return cells
    .map((row) => row.map((cell, column) => (numeric[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ').trimEnd())
    .join('\n');
}

function formatAge(ms) {
  if (!Number.isFinite(ms)) return '-';
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h${String(m % 60).padStart(2, '0')}m` : `${Math.floor(h / 24)}d${h % 24}h`;
}

function address(instance) {
  return instance.host.includes(':') ? `[${instance.host}]:${instance.port}` : `${instance.host}:${instance.port}`;
}

/** `passing`, plus `, drained` when the registry reports the instance disabled (`enabled: false`). */
function status(instance) {
  return instance.enabled === false ? `${instance.status}, drained` : instance.status;
}

/**
 * An instance's named endpoints (its other listeners), by name, with what the registry concluded of each:
 * `admin:9464/http (critical)`, `grpc:50051 (passing)`. No `endpointHealth` entry means passing.
 */
function endpoints(instance) {
  const byName = Object.entries(instance.endpoints ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return byName.map(([name, endpoint]) => {
    const protocol = endpoint.protocol && endpoint.protocol !== name ? `/${endpoint.protocol}` : '';
    return `${name}:${endpoint.port}${protocol} (${endpointStatus(instance, name)})`;
  });
}

function endpointStatus(instance, name) {
  return instance.endpointHealth?.[name]?.status ?? 'passing';
}

/** Per endpoint name across a service's instances: `grpc 1/2 passing`. */
function endpointCounts(instances) {
  const counts = new Map();
  for (const instance of instances) {
    for (const name of Object.keys(instance.endpoints ?? {})) {
      const count = counts.get(name) ?? { passing: 0, total: 0 };
      count.total += 1;
      if (endpointStatus(instance, name) === 'passing') count.passing += 1;
      counts.set(name, count);
    }
  }
  return [...counts.keys()].sort().map((name) => `${name} ${counts.get(name).passing}/${counts.get(name).total} passing`);
}

function list(values) {
  return values.length > 0 ? values.join(',') : '-';
}

// ---- commands ----------------------------------------------------------------------------------------

async function services(options, out) {
  const state = await getJson(options.registry, 'services', options.timeoutMs);
  if (options.json) return out(JSON.stringify(state, null, 2));
  const names = Object.keys(state.services).sort();
  if (names.length === 0) return out(`no services registered (revision ${state.revision})`);
  const rows = names.map((name) => {
    const instances = state.services[name];
    const tags = [...new Set(instances.flatMap((instance) => instance.tags))].sort();
    const passing = instances.filter((instance) => instance.status === 'passing').length;
    return [name, instances.length, passing, endpointCounts(instances).join(', ') || '-', list(tags)];
  });
  out(table(['SERVICE', 'INSTANCES', 'PASSING', 'ENDPOINTS', 'TAGS'], rows));
}

async function instances(name, options, out) {
  const query = options.tag ? `?tag=${encodeURIComponent(options.tag)}` : '';
  const found = await getJson(options.registry, `service/${encodeURIComponent(name)}${query}`, options.timeoutMs);
  if (options.json) return out(JSON.stringify(found, null, 2));
  if (found.length === 0) return out(`no instances of "${name}"${options.tag ? ` with tag "${options.tag}"` : ''}`);
  const now = Date.now();
  const rows = [...found]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((instance) => [
      instance.id,
      address(instance),
      instance.protocol,
      status(instance),
      endpoints(instance).join(', ') || '-',
      instance.weight,
      list(instance.tags),
      `${formatAge(now - Date.parse(instance.lastHeartbeat))} ago`,
    ]);
  out(table(['ID', 'ADDRESS', 'PROTOCOL', 'STATUS', 'ENDPOINTS', 'WEIGHT', 'TAGS', 'HEARTBEAT'], rows));
}

/** What changed between two service maps, instance by instance (a renewal alone is no change). */
function diff(before, after) {
  const index = (services) =>
    new Map(Object.values(services).flat().map((instance) => [`${instance.name}/${instance.id}`, instance]));
  const old = index(before);
  const now = index(after);
  const changes = [];
  for (const [key, instance] of now) {
    const previous = old.get(key);
    if (previous === undefined) changes.push({ change: 'added', instance });
    else {
      const fields = changedFields(previous, instance);
      if (fields.length > 0) changes.push({ change: 'updated', instance, fields });
    }
  }
  for (const [key, instance] of old) if (!now.has(key)) changes.push({ change: 'removed', instance });
  return changes;
}

const IGNORED_FIELDS = new Set(['lastHeartbeat', 'registeredAt']);

/** Fields keyed by endpoint name: a change is told per endpoint (`endpointHealth.grpc.status`), not as the whole map. */
const PER_ENDPOINT_FIELDS = new Set(['endpoints', 'endpointHealth']);

function changedFields(before, after, path = []) {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].flatMap((key) => {
    const [from, to] = [before?.[key], after?.[key]];
    if ((path.length === 0 && IGNORED_FIELDS.has(key)) || JSON.stringify(from) === JSON.stringify(to)) return [];
    // Under endpoints/endpointHealth, two levels down: the endpoint's name, then its own field.
    const perEndpoint = path.length === 0 ? PER_ENDPOINT_FIELDS.has(key) : path.length === 1;
    if (perEndpoint && isPlainObject(from ?? {}) && isPlainObject(to ?? {})) return changedFields(from, to, [...path, key]);
    return [{ field: [...path, key].join('.'), from, to }];
  });
}

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeChange({ change, instance, fields }) {
  const who = `${instance.name} ${instance.id}`;
  if (change === 'added') {
    const named = endpoints(instance);
    return `+ ${who} ${address(instance)} ${instance.protocol}${named.length ? ` ${named.join(' ')}` : ''}${instance.tags.length ? ` [${instance.tags.join(',')}]` : ''}`;
  }
  if (change === 'removed') return `- ${who} ${address(instance)}`;
  const what = fields.map(({ field, from, to }) => `${field} ${JSON.stringify(from) ?? '-'} → ${JSON.stringify(to) ?? '-'}`);
  return `~ ${who} ${what.join(', ')}`;
}

async function watch(options, out, err, stopped) {
  const stamp = () => new Date().toISOString().slice(11, 19);
  let state = await getJson(options.registry, `watch?timeoutSeconds=0`, options.timeoutMs);
  const count = (services) => Object.values(services).reduce((sum, list) => sum + list.length, 0);
  if (options.json) out(JSON.stringify({ revision: state.revision, services: state.services }));
  else out(`${stamp()} revision ${state.revision}: ${Object.keys(state.services).length} services, ${count(state.services)} instances — watching ${options.registry} (Ctrl-C to stop)`);
  let failures = 0;
  while (!stopped()) {
    let next;
    try {
      // The long poll itself may take WATCH_TIMEOUT_SECONDS; allow for that plus the usual timeout.
      next = await getJson(
        options.registry,
        `watch?revision=${state.revision}&timeoutSeconds=${WATCH_TIMEOUT_SECONDS}`,
        WATCH_TIMEOUT_SECONDS * 1000 + options.timeoutMs,
      );
    } catch (error) {
      if (stopped()) break;
      failures += 1;
      if (failures === 1) err(`${stamp()} ${error.message}; retrying`);
      await sleep(Math.min(BACKOFF_MAX_MS, 250 * 2 ** failures) * (0.5 + Math.random() / 2));
      continue;
    }
    if (failures > 0) err(`${stamp()} registry reachable again`);
    failures = 0;
    if (next.revision === state.revision) continue; // the long poll timed out unchanged
    const changes = diff(state.services, next.services);
    if (options.json) out(JSON.stringify({ revision: next.revision, changes }));
    else {
      if (changes.length === 0) out(`${stamp()} revision ${next.revision}`);
      for (const change of changes) out(`${stamp()} revision ${next.revision} ${describeChange(change)}`);
    }
    state = next;
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

// ---- entry -------------------------------------------------------------------------------------------

function parse(argv, env) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        registry: { type: 'string' },
        tag: { type: 'string' },
        json: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error.message);
  }
  const { values, positionals } = parsed;
  const registry = (values.registry ?? env.REGISTRY_URL?.split(',')[0] ?? DEFAULT_REGISTRY).trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(registry)) throw new UsageError(`--registry must be an http(s) URL, got "${registry}"`);
  const timeoutSeconds = values.timeout === undefined ? 5 : Number(values.timeout);
  if (!(timeoutSeconds > 0)) throw new UsageError(`--timeout must be a positive number of seconds, got "${values.timeout}"`);
  return { command: positionals, help: values.help, registry, tag: values.tag, json: values.json, timeoutMs: timeoutSeconds * 1000 };
}

async function main(argv = process.argv.slice(2), env = process.env) {
  const out = (line) => process.stdout.write(`${line}\n`);
  const err = (line) => process.stderr.write(`${line}\n`);
  try {
    const options = parse(argv, env);
    const [command, ...rest] = options.command;
    if (options.help || command === 'help') return out(HELP);
    if (command === 'services' && rest.length === 0) return await services(options, out);
    if (command === 'instances' && rest.length === 1) return await instances(rest[0], options, out);
    if (command === 'watch' && rest.length === 0) {
      let stop = false;
      const onSignal = () => {
        stop = true;
        process.exit(0);
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      return await watch(options, out, err, () => stop);
    }
    if (command === undefined) throw new UsageError('a command is required');
    if (command === 'instances') throw new UsageError('usage: instances <name>');
    throw new UsageError(`unknown command "${[command, ...rest].join(' ')}"`);
  } catch (error) {
    if (error instanceof UsageError) {
      err(`nest-discovery: ${error.message}\n\n${HELP}`);
      process.exitCode = 2;
    } else if (error instanceof RegistryError) {
      err(`nest-discovery: ${error.message}`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  }
}

if (require.main === module) void main();

module.exports = { main, diff, table, formatAge };
