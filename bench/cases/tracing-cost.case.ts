import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { BenchOptions } from '../harness/bench-options';
import { compare } from '../harness/load';
import { ratio, ResultRow } from '../harness/result-row';
import { FLOORS, RunningApp, startFloor, startScript, startSystem } from '../harness/topology';

const TARGET = 'tracing on (100 % sampled) ≥ 90% of tracing off req/s';

/**
 * An OTLP/HTTP endpoint that takes every export and keeps nothing: the collector's part, as cheap as it gets. It
 * counts the exports and the spans in them (protobuf read field by field, or JSON), so a row can say how many
 * spans a request produced.
 */
async function startOtlpSink(): Promise<{ url: string; exports: () => number; spans: () => number; close(): Promise<void> }> {
  let exports = 0;
  let spans = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      exports++;
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      spans += String(req.headers['content-type']).includes('json') ? jsonSpanCount(body) : protobufSpanCount(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exports: () => exports,
    spans: () => spans,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** Spans in an OTLP JSON ExportTraceServiceRequest. */
function jsonSpanCount(body: Buffer): number {
  const request = JSON.parse(body.toString('utf8')) as { resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[] };
  let count = 0;
  for (const resourceSpans of request.resourceSpans ?? []) for (const scopeSpans of resourceSpans.scopeSpans ?? []) count += scopeSpans.spans?.length ?? 0;
  return count;
}

/**
 * Spans in an OTLP protobuf ExportTraceServiceRequest, read from the wire format: resource_spans (field 1) hold
 * scope_spans (field 2), which hold spans (field 2).
 */
function protobufSpanCount(body: Buffer): number {
  let count = 0;
  for (const resourceSpans of lengthDelimitedFields(body, 1)) for (const scopeSpans of lengthDelimitedFields(resourceSpans, 2)) count += lengthDelimitedFields(scopeSpans, 2).length;
  return count;
}

/** The length-delimited fields numbered `field` of a protobuf message, every other field skipped. */
function lengthDelimitedFields(message: Buffer, field: number): Buffer[] {
  const found: Buffer[] = [];
  let offset = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = message[offset++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (offset < message.length) {
    const tag = varint();
    const wireType = tag & 7;
    if (wireType === 0) varint();
    else if (wireType === 1) offset += 8;
    else if (wireType === 5) offset += 4;
    else if (wireType === 2) {
      const length = varint();
      if (tag >>> 3 === field) found.push(message.subarray(offset, offset + length));
      offset += length;
    } else throw new Error(`unexpected protobuf wire type ${wireType} in an OTLP export`);
  }
  return found;
}

/**
 * Spans per request a traced system produces, counted exactly: once its earlier spans are exported (the batch
 * processor's 5 s schedule), `count` requests one after another, then the spans the sink received for them.
 */
async function spansPerRequest(url: string, sink: { spans(): number }, count = 200): Promise<number> {
  await delay(EXPORT_SETTLE_MS);
  const before = sink.spans();
  for (let i = 0; i < count; i++) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    await response.arrayBuffer();
  }
  await delay(EXPORT_SETTLE_MS);
  return (sink.spans() - before) / count;
}

/** Longer than the batch span processor's default schedule (OTEL_BSP_SCHEDULE_DELAY, 5 s). */
const EXPORT_SETTLE_MS = 6_000;

/**
 * What OpenTelemetry tracing costs on the gateway → calc hop (declarative CalcClient): the same topology three
 * times — two with `OTEL_EXPORTER_OTLP_ENDPOINT` set on the gateway and the calcs (the Node SDK: server, call and
 * attempt spans in the gateway, a server span in calc, batched and exported as OTLP protobuf to a local sink),
 * every request sampled in one and 1 % of them in the other, and one without (the SDK not even loaded) — each
 * traced system beside the untraced one in alternating rounds. Tracing off is the rows' floor, so a ratio reads
 * "on / off". What tracing off costs against no tracing code at all is the `gateway hops` case's ratio to its
 * Nest floor, before and after.
 *
 * Then what the SDK costs the same kind of hop without this project: the Nest → Nest floor of `gateway hops`,
 * traced at 100 % (the same SDK set-up, plus the official http and undici auto-instrumentation, preloaded by
 * floors/otel-floor.preload.js), beside the same floor untraced. Its on / off ratio and added CPU per request are
 * the floor the project's tracing is read against.
 */
export async function tracingCostCases(options: BenchOptions): Promise<ResultRow[]> {
  const sink = await startOtlpSink();
  const off = await startSystem();
  const rows: ResultRow[] = [];
  // Short rounds, finely interleaved, as in the metrics case: the machine drifts more over a long round.
  const rounds = Math.max(options.rounds, options.durationSeconds);
  try {
    for (const [label, sampler] of [
      ['100 % sampled', { OTEL_TRACES_SAMPLER: 'always_on' }],
      ['1 % sampled', { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.01' }],
    ] as const) {
      const on = await startSystem({ OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, ...sampler });
      try {
        const hop = (system: typeof on) => ({ ...options, url: `${system.gateway.url}/calc/add/1/2`, pids: system.pids });
        const [exportsBefore, spansBefore] = [sink.exports(), sink.spans()];
        const measured = await compare(hop(on), hop(off), rounds);
        const exported = sink.exports() - exportsBefore;
        const name = `tracing cost: gateway → calc (declarative), OTLP export, ${label}; floor = tracing off`;
        const onRatio = ratio(measured.subject.requestsPerSecond, measured.floor.requestsPerSecond);
        if (label !== '100 % sampled') {
          rows.push({ case: name, ...measured, note: `${exported} OTLP exports received` });
          continue;
        }
        const underLoad = (sink.spans() - spansBefore) / measured.subject.requests;
        const perRequest = await spansPerRequest(hop(on).url, sink);
        const note = `${perRequest.toFixed(2)} spans/request (gateway server, call, attempt; calc server); ${underLoad.toFixed(2)} under load (warm-up included); ${exported} OTLP exports received`;
        rows.push({ case: name, ...measured, target: TARGET, met: onRatio >= 0.9, note });
      } finally {
        await on.stop();
      }
    }
    if (sink.exports() === 0) throw new Error('the traced systems exported no span');
    rows.push(await tracedFloorRow(options, sink, rounds));
    return rows;
  } finally {
    await off.stop();
    await sink.close();
  }
}

const OTEL_FLOOR_PRELOAD = join(FLOORS, 'otel-floor.preload.js');

/**
 * The Nest → Nest floor traced at 100 % (OTel SDK + the official http/undici instrumentation) beside the same
 * floor untraced, in alternating rounds; the note says how many spans a request produced at the sink.
 */
async function tracedFloorRow(options: BenchOptions, sink: Awaited<ReturnType<typeof startOtlpSink>>, rounds: number): Promise<ResultRow> {
  const untraced = await startFloor('nest');
  const env = {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${OTEL_FLOOR_PRELOAD}`.trim(),
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    OTEL_TRACES_SAMPLER: 'always_on',
  };
  const started: RunningApp[] = [];
  try {
    const calc = await startScript(join(FLOORS, 'nest-calc.floor.js'), { ...env, OTEL_SERVICE_NAME: 'nest-floor-calc' });
    started.push(calc);
    const gateway = await startScript(join(FLOORS, 'nest-gateway.floor.js'), { ...env, OTEL_SERVICE_NAME: 'nest-floor-gateway', CALC_URL: calc.url });
    started.push(gateway);
    const hop = (app: RunningApp, pids: number[]) => ({ ...options, url: `${app.url}/calc/add/1/2`, pids });
    const [exportsBefore, spansBefore] = [sink.exports(), sink.spans()];
    const measured = await compare(hop(gateway, [gateway.pid, calc.pid]), hop(untraced.gateway, untraced.pids), rounds);
    const exported = sink.exports() - exportsBefore;
    const underLoad = (sink.spans() - spansBefore) / measured.subject.requests;
    const perRequest = await spansPerRequest(hop(gateway, []).url, sink);
    if (perRequest < 1) throw new Error(`the traced floor produced ${perRequest} spans per request`);
    return {
      case: 'floor traced at 100 % (OTel SDK + official http/undici instrumentation); floor = the same floor untraced',
      ...measured,
      note: `${perRequest.toFixed(2)} spans/request (gateway server, undici client, calc server); ${underLoad.toFixed(2)} under load (warm-up included); ${exported} OTLP exports received`,
    };
  } finally {
    for (const app of started.reverse()) await app.stop();
    await untraced.stop();
  }
}
