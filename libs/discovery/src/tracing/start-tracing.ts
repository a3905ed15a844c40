import { DiscoveryConfigError } from '../config/discovery-config.error';
import { INVALID_TRACING_SETTING } from '../errors/error.messages';

/**
 * The OTLP encoding exported by default: protobuf over HTTP (`@opentelemetry/exporter-trace-otlp-proto`), the
 * OpenTelemetry default — it writes each span straight to bytes, about a third cheaper per span than JSON, which
 * first builds OTLP's object model and then stringifies it.
 */
export const OTLP_PROTOCOL = 'http/protobuf';

/** The OTLP encodings `startTracing` exports in (`OTEL_EXPORTER_OTLP_PROTOCOL`): protobuf, or JSON over HTTP. */
export const OTLP_PROTOCOLS = [OTLP_PROTOCOL, 'http/json'] as const;

/** Options of {@link startTracing}. */
export interface StartTracingOptions {
  /**
   * Register OpenTelemetry's AsyncLocalStorage context manager, so `context.with`, `startActiveSpan` and
   * `trace.getActiveSpan()` follow the app's own spans across awaits (and `useRequestTracing`'s `activeSpan`
   * works). Off by default: the library's spans travel in its request context and need none, and once the
   * manager is entered — the batch processor enters it for every export — every promise of the process pays
   * for a second AsyncLocalStorage (calc, which runs with none, for a first one). Default false.
   */
  readonly contextManager?: boolean;
}

/** The SDK {@link startTracing} registered. */
export interface StartedTracing {
  /** Exports what is still buffered and stops: when the app closes (`useRequestTracing(fastify, { sdk })` does). */
  shutdown(): Promise<void>;
}

/**
 * Registers the OpenTelemetry Node SDK for this process, configured by the standard `OTEL_*` variables, when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set; otherwise does nothing and
 * loads none of the SDK, so an app without an endpoint pays nothing for tracing. What it registers: a
 * `NodeTracerProvider` (sampler from `OTEL_TRACES_SAMPLER`/`_ARG`, default parent-based always-on), a batch span
 * processor (`OTEL_BSP_*`) exporting OTLP over HTTP to `<endpoint>/v1/traces` — protobuf, or JSON when
 * `OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL` is `http/json` — (`OTEL_EXPORTER_OTLP_HEADERS`, `_TIMEOUT`, `_COMPRESSION`) and the W3C trace-context and baggage propagators (the library's own calls send and
 * read W3C `traceparent`/`tracestate` directly); no context manager unless `options.contextManager` asks for
 * one. The resource's `service.name` is `serviceName` unless `OTEL_SERVICE_NAME` says otherwise, plus
 * `OTEL_RESOURCE_ATTRIBUTES`. `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` leave it off. A protocol
 * other than `http/protobuf` or `http/json` (`grpc`), an exporter other than `otlp` or an endpoint that is not a URL throw
 * {@link DiscoveryConfigError} naming the variable.
 *
 * Call it first in main.ts, before the Nest app (and its clients) is created. Needs the optional peer
 * dependencies `@opentelemetry/sdk-trace-node`, `@opentelemetry/exporter-trace-otlp-proto` (or `-http` for
 * JSON) and `@opentelemetry/resources`; an app preferring another SDK setup registers its own instead, and the library's
 * spans go there.
 *
 * @example
 * ```ts
 * const tracing = startTracing('orders');
 * const adapter = new FastifyAdapter({ genReqId: genRequestId });
 * useRequestTracing(adapter.getInstance(), { sdk: tracing });   // server spans; the SDK shut down with the app
 * ```
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env, options: StartTracingOptions = {}): StartedTracing | undefined {
  const endpointVariable = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  const endpoint = env[endpointVariable];
  if (!endpoint || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim();
  if (exporter === 'none') return undefined;
  if (exporter && exporter !== 'otlp') throw invalid('OTEL_TRACES_EXPORTER', '"otlp" or "none"', exporter);
  const protocol = otlpProtocol(env);
  if (!URL.canParse(endpoint)) throw invalid(endpointVariable, 'an http(s) URL', endpoint);

  // Loaded here, not imported: without an endpoint the SDK is never loaded.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { BatchSpanProcessor, NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { OTLPTraceExporter } = (
    protocol === 'http/json' ? require('@opentelemetry/exporter-trace-otlp-http') : require('@opentelemetry/exporter-trace-otlp-proto')
  ) as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  const resources = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': serviceName }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
  // `null`: no context manager (the API's no-op one: `context.with` runs its function, nothing is entered).
  provider.register({ contextManager: options.contextManager === true ? undefined : null });
  return { shutdown: () => provider.shutdown() };
}

/** The encoding asked for: the traces' own variable, else the general one, else protobuf. */
function otlpProtocol(env: NodeJS.ProcessEnv): (typeof OTLP_PROTOCOLS)[number] {
  for (const variable of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const protocol = env[variable]?.trim();
    if (!protocol) continue;
    const known = OTLP_PROTOCOLS.find((candidate) => candidate === protocol);
    if (known === undefined) throw invalid(variable, OTLP_PROTOCOLS.map((candidate) => `"${candidate}"`).join(' or '), protocol);
    return known;
  }
  return OTLP_PROTOCOL;
}

function invalid(variable: string, expected: string, got: string): DiscoveryConfigError {
  return new DiscoveryConfigError(variable, INVALID_TRACING_SETTING(variable, expected, got));
}
