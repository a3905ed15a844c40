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
 * What OpenTelemetry tracing costs on the gateway → calc hop (declarative CalcClient): the same topology three
 * times — two with `OTEL_EXPORTER_OTLP_ENDPOINT` set on the gateway and the calcs (the Node SDK: server, call and
 * attempt spans in the gateway, a server span in calc, batched and exported as OTLP JSON to a local sink), every
 * request sampled in one and 1 % of them in the other, and one without (the SDK not even loaded) — each traced
 * system beside the untraced one in alternating rounds. Tracing off is the rows' floor, so a ratio reads
 * "on / off". What tracing off costs against no tracing code at all is the `gateway hops` case's ratio to its
 * Nest floor, before and after.
 */
export async function tracingCostCases(options: BenchOptions): Promise<ResultRow[]> {
  const sink = await startOtlpSink();
  const off = await startSystem();
  const rows: ResultRow[] = [];
  try {
    for (const [label, sampler] of [
      ['100 % sampled', { OTEL_TRACES_SAMPLER: 'always_on' }],
      ['1 % sampled', { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.01' }],
    ] as const) {
      const on = await startSystem({ OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, ...sampler });
      try {
        const hop = (system: typeof on) => ({ ...options, url: `${system.gateway.url}/calc/add/1/2`, pids: system.pids });
        const exportsBefore = sink.exports();
        // Short rounds, finely interleaved, as in the metrics case: the machine drifts more over a long round.
        const measured = await compare(hop(on), hop(off), Math.max(options.rounds, options.durationSeconds));
        const exported = sink.exports() - exportsBefore;
        const name = `tracing cost: gateway → calc (declarative), OTLP export, ${label}; floor = tracing off`;
        const onRatio = ratio(measured.subject.requestsPerSecond, measured.floor.requestsPerSecond);
        const note = `${exported} OTLP exports received`;
        rows.push(label === '100 % sampled' ? { case: name, ...measured, target: TARGET, met: onRatio >= 0.9, note } : { case: name, ...measured, note });
      } finally {
        await on.stop();
      }
    }
    if (sink.exports() === 0) throw new Error('the traced systems exported no span');
    return rows;
  } finally {
    await off.stop();
    await sink.close();
  }
}
