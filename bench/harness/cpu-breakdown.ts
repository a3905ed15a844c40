import { readFileSync } from 'node:fs';

/** What a share of a process's CPU went to, as the bench reports it. */
export const COMPONENTS = [
  'library (libs/*)',
  'app code (apps/*)',
  'request context (AsyncLocalStorage hooks)',
  'logging',
  'metrics',
  'validation (class-validator/transformer)',
  'Nest',
  'Fastify',
  'undici',
  'gRPC (grpc-js)',
  'Node: HTTP, streams, events, timers',
  'socket writes (syscalls)',
  'garbage collection',
  'V8 and other native',
] as const;
export type Component = (typeof COMPONENTS)[number];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const PACKAGES: Array<[RegExp, Component]> = [
  [/node_modules\/@nestjs\//, 'Nest'],
  [/node_modules\/(fastify|find-my-way|@fastify|avvio|light-my-request|fast-json-stringify|fast-querystring|safe-regex2)\//, 'Fastify'],
  [/node_modules\/undici\/|^wasm:/, 'undici'],
  [/node_modules\/(pino|nestjs-pino|pino-http|sonic-boom|pino-std-serializers)\//, 'logging'],
  [/node_modules\/prom-client\//, 'metrics'],
  [/node_modules\/(class-validator|class-transformer|ajv)\//, 'validation (class-validator/transformer)'],
  [/node_modules\/@grpc\//, 'gRPC (grpc-js)'],
  [/async_hooks/, 'request context (AsyncLocalStorage hooks)'],
];

// The library's own files that are logging, metrics or the request context, reported as those.
const LIBRARY_PARTS: Array<[RegExp, Component]> = [
  [/\/metrics\//, 'metrics'],
  [/\/context\/(request-logging|logger|log-settings)/, 'logging'],
  [/\/context\/request-context/, 'request context (AsyncLocalStorage hooks)'],
];

const SOCKET_WRITES = new Set(['writev', 'writeBuffer', 'writeLatin1String', 'writeUtf8String', 'writeAsciiString', 'writeUcs2String']);

/** Which source file of a webpack bundle a line is in, from the `!*** ./path ***!` comments pathinfo writes. */
function bundleModules(url: string): (line: number) => string {
  const starts: Array<[number, string]> = [];
  const path = url.replace(/^file:\/\//, '');
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((text, line) => {
      const match = /^ {2}!\*{3} (\S+) \*{3}!$/.exec(text);
      if (match) starts.push([line, match[1]]);
    });
  return (line) => {
    let found = '';
    for (const [start, name] of starts) {
      if (start > line) break;
      found = name;
    }
    return found;
  };
}

function componentOf(node: ProfileNode, modules: Map<string, (line: number) => string>): Component | undefined {
  const { url, functionName } = node.callFrame;
  if (functionName === '(idle)') return undefined;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (!url) return SOCKET_WRITES.has(functionName) ? 'socket writes (syscalls)' : functionName === 'executionAsyncResource' ? 'request context (AsyncLocalStorage hooks)' : 'V8 and other native';
  for (const [pattern, component] of PACKAGES) if (pattern.test(url)) return component;
  if (/dist\/apps\/[^/]+\/main\.js$/.test(url)) {
    let lookup = modules.get(url);
    if (lookup === undefined) modules.set(url, (lookup = bundleModules(url)));
    const source = lookup(node.callFrame.lineNumber);
    if (source.startsWith('./libs/')) {
      for (const [pattern, component] of LIBRARY_PARTS) if (pattern.test(source)) return component;
      return 'library (libs/*)';
    }
    if (source.startsWith('./apps/')) return 'app code (apps/*)';
    return 'V8 and other native';
  }
  if (url.startsWith('node:')) return 'Node: HTTP, streams, events, timers';
  return 'V8 and other native';
}

/**
 * A process's CPU per request split by component: each component's share of the profile's busy samples, scaled
 * to `cpuMicrosPerRequest` (its measured CPU per request over the same window). Sampling counts the time a
 * thread waits for a core too, which mostly lands on the call that woke another process (a socket write); the
 * shares are the profile's, the total is the kernel's.
 */
export function cpuBreakdown(profileFile: string, cpuMicrosPerRequest: number): Map<Component, number> {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const modules = new Map<string, (line: number) => string>();
  const time = new Map<Component, number>();
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const component = componentOf(byId.get(profile.samples[i])!, modules);
    if (component === undefined) continue;
    time.set(component, (time.get(component) ?? 0) + profile.timeDeltas[i]);
    busy += profile.timeDeltas[i];
  }
  const perRequest = new Map<Component, number>();
  for (const component of COMPONENTS) perRequest.set(component, busy > 0 ? ((time.get(component) ?? 0) / busy) * cpuMicrosPerRequest : 0);
  return perRequest;
}
