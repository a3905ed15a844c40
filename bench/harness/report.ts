import { cpus } from 'node:os';
import { ratio, ResultRow } from './result-row';

const fixed = (value: number, digits = 0): string => (Number.isFinite(value) ? value.toFixed(digits) : '–');

/** The markdown of docs/benchmarks.md: one table, the machine and the date. */
export function renderReport(rows: ResultRow[], date = new Date()): string {
  const lines = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${date.toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}.`,
    'Load from autocannon in the bench process, after a warm-up; each case runs beside its floor in the same session,',
    'measured in alternating rounds (median of each), so the ratio is the stable figure on a noisy machine.',
    'Latencies in ms (autocannon resolves whole ms). CPU: server processes\' CPU time per request, in µs.',
    '',
    '| case | req/s | p50 | p99 | CPU µs/req | floor req/s | floor p50 | floor p99 | floor CPU µs/req | ratio (req/s) | target | met |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|:-:|',
  ];
  for (const row of rows) {
    const { subject, floor } = row;
    lines.push(
      [
        row.case + (row.note ? ` — ${row.note}` : ''),
        subject.requestsPerSecond ? fixed(subject.requestsPerSecond) : '–',
        fixed(subject.p50Ms, 2),
        fixed(subject.p99Ms, 2),
        subject.cpuMicrosPerRequest === undefined ? '' : fixed(subject.cpuMicrosPerRequest),
        floor ? fixed(floor.requestsPerSecond) : '',
        floor ? fixed(floor.p50Ms, 2) : '',
        floor ? fixed(floor.p99Ms, 2) : '',
        floor?.cpuMicrosPerRequest === undefined ? '' : fixed(floor.cpuMicrosPerRequest),
        floor ? `${fixed(ratio(subject.requestsPerSecond, floor.requestsPerSecond) * 100)}%` : '',
        row.target ?? '',
        row.met === undefined ? '' : row.met ? 'yes' : '**no**',
      ].join(' | ').replace(/^/, '| ') + ' |',
    );
  }
  for (const row of rows) {
    if (row.detail) lines.push('', `## ${row.case}`, '', row.detail);
  }
  return lines.join('\n') + '\n';
}
