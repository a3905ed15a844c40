import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { parse } from 'protobufjs';

/** An attribute value as OTLP/JSON encodes it (`{ stringValue }`, `{ intValue }`, …). */
type AnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean };
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: KeyValue[];
  status?: { code?: number; message?: string };
  events?: Array<{ name: string; attributes?: KeyValue[] }>;
}
interface ExportRequest {
  resourceSpans?: Array<{ resource?: { attributes?: KeyValue[] }; scopeSpans?: Array<{ spans?: OtlpSpan[] }> }>;
}

/** One span as the receiver got it, flattened: its process's `service.name`, ids in hex, attributes as values. */
export interface ReceivedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  /** Empty for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  readonly kind: number;
  readonly attributes: Record<string, string | number | boolean>;
  /** 0 unset, 1 ok, 2 error. */
  readonly status: number;
  readonly events: string[];
}

export const SPAN_KIND = { internal: 1, server: 2, client: 3 } as const;
export const STATUS_ERROR = 2;

export interface OtlpReceiver {
  /** The base URL to give the apps as `OTEL_EXPORTER_OTLP_ENDPOINT` (they post to `<url>/v1/traces`). */
  readonly url: string;
  /** Every span received so far. */
  spans(): ReceivedSpan[];
  /** The spans of one trace. */
  trace(traceId: string): ReceivedSpan[];
  close(): Promise<void>;
}

/** Ids are hex in OTLP/JSON; a producer following the protobuf JSON mapping literally sends base64. */
function hexId(id: string | undefined): string {
  if (!id) return '';
  return /^[0-9a-f]+$/i.test(id) && (id.length === 32 || id.length === 16) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex');
}

function valueOf(value: AnyValue): string | number | boolean {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  return JSON.stringify(value);
}

function attributesOf(list: KeyValue[] | undefined): Record<string, string | number | boolean> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, valueOf(value)]));
}

// What the receiver reads of OTLP's trace protos (opentelemetry-proto, trace/v1 and common/v1), field numbers as there.
const OTLP_PROTO = `
syntax = "proto3";
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message Resource { repeated KeyValue attributes = 1; }
message ScopeSpans { repeated Span spans = 2; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; int32 kind = 6;
  repeated KeyValue attributes = 9; repeated Event events = 11; Status status = 15;
}
message Event { string name = 2; }
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; } }
`;
const exportRequestType = parse(OTLP_PROTO).root.lookupType('ExportTraceServiceRequest');

/** An OTLP/protobuf `ExportTraceServiceRequest` in OTLP/JSON's shape (ids base64, as the protobuf JSON mapping has them). */
function fromProtobuf(body: Buffer): ExportRequest {
  return exportRequestType.toObject(exportRequestType.decode(body), { longs: String, bytes: String }) as ExportRequest;
}

/** The spans of one OTLP `ExportTraceServiceRequest` (in OTLP/JSON's shape). */
export function decodeExport(request: ExportRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '');
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        service,
        traceId: hexId(span.traceId),
        spanId: hexId(span.spanId),
        parentSpanId: hexId(span.parentSpanId),
        name: span.name,
        kind: span.kind,
        attributes: attributesOf(span.attributes),
        status: span.status?.code ?? 0,
        events: (span.events ?? []).map((event) => event.name),
      })),
    );
  });
}

/**
 * A real OTLP/HTTP trace receiver on a free loopback port: `POST /v1/traces` with an OTLP/protobuf or OTLP/JSON
 * body (gzip or plain) is decoded and kept; anything else is answered 415 or 404, so an exporter speaking
 * another encoding fails visibly rather than silently.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') return void res.writeHead(404).end();
      const type = String(req.headers['content-type']);
      const protobuf = type.startsWith('application/x-protobuf');
      if (!protobuf && !type.startsWith('application/json')) return void res.writeHead(415).end();
      try {
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        received.push(...decodeExport(protobuf ? fromProtobuf(body) : (JSON.parse(body.toString('utf8')) as ExportRequest)));
        // An empty ExportTraceServiceResponse, in the request's encoding.
        res.writeHead(200, { 'content-type': protobuf ? 'application/x-protobuf' : 'application/json' }).end(protobuf ? '' : '{}');
      } catch (error) {
        res.writeHead(400).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => [...received],
    trace: (traceId) => received.filter((span) => span.traceId === traceId),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
