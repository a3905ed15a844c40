// `npm run bench`: every hot path beside its floor, written to docs/benchmarks.md. `--smoke` for a quick check.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIfStale } from '../scripts/build-if-stale';
import { FULL, SMOKE } from './harness/bench-options';
import { renderReport } from './harness/report';
import { runBench } from './run-bench';

async function main(): Promise<void> {
  const smoke = process.argv.includes('--smoke');
  // `npm run bench -- metrics hop`: only the cases whose name has one of these words; the report is then printed, not written.
  const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  buildIfStale();
  const rows = await runBench(smoke ? SMOKE : FULL, (line) => console.log(`[bench] ${line}`), only);
  const report = renderReport(rows);
  console.log('\n' + report);
  if (!smoke && only.length === 0) writeFileSync(join(__dirname, '..', 'docs', 'benchmarks.md'), report);
  // `--check`: fail when a case misses its target (what to run before closing a change to the call or renewal path).
  const missed = rows.filter((row) => row.met === false);
  if (process.argv.includes('--check') && missed.length > 0) {
    for (const row of missed) console.error(`[bench] target missed: ${row.case} (${row.target})`);
    process.exitCode = 1;
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
