import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { BenchOptions } from '../harness/bench-options';
import { compare } from '../harness/load';
import { ratio, ResultRow } from '../harness/result-row';
import { startSystem } from '../harness/topology';

const TARGET = 'tracing on (100 % sampled) ≥ 90% of tracing off req/s';

/** An OTLP/HTTP endpoint that takes every export and keeps nothing: the collector's part, as cheap as it gets. */
async function startOtlpSink(): Promise<{ url: string; exports: () => number; close(): Promise<void> }> {
  let exports = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      exports++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exports: () => exports,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/**
 * What OpenTelemetry tracing costs on the gateway → calc hop (declarative CalcClient): the same topology twice,
 * one with `OTEL_EXPORTER_OTLP_ENDPOINT` set on the gateway and the calcs (the Node SDK, every request sampled:
 * server, call and attempt spans in the gateway, a server span in calc, batched and exported as OTLP JSON to a
 * local sink) and one without (the SDK not even loaded), in alternating rounds. Tracing off is the row's floor,
 * so the ratio reads "on / off". What tracing off costs against no tracing code at all is the `gateway hops`
 * case's ratio to its Nest floor, before and after.
 */
export async function tracingCostCase(options: BenchOptions): Promise<ResultRow> {
  const sink = await startOtlpSink();
  const on = await startSystem({ OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: 'always_on' });
  const off = await startSystem();
  try {
    const hop = (system: typeof on) => ({ ...options, url: `${system.gateway.url}/calc/add/1/2`, pids: system.pids });
    // Short rounds, finely interleaved, as in the metrics case: the machine drifts more over a long round.
    const measured = await compare(hop(on), hop(off), Math.max(options.rounds, options.durationSeconds));
    if (sink.exports() === 0) throw new Error('the traced system exported no span');
    const met = ratio(measured.subject.requestsPerSecond, measured.floor.requestsPerSecond) >= 0.9;
    const name = 'tracing cost: gateway → calc (declarative), OTLP export, 100 % sampled; floor = tracing off';
    return { case: name, ...measured, target: TARGET, met, note: `${sink.exports()} OTLP exports received` };
  } finally {
    await Promise.all([on.stop(), off.stop()]);
    await sink.close();
  }
}
