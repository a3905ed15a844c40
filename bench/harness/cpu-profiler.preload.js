// Loaded with `node --require` into a process the bench profiles: SIGWINCH starts V8's CPU profiler, the next
// SIGWINCH stops it and writes $BENCH_PROFILE_DIR/<pid>.cpuprofile. A signal, so the window is exactly the
// measured load (not start-up); SIGWINCH because Nest's shutdown hooks take SIGUSR2 and the inspector SIGUSR1.
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const session = new Session();
session.connect();
let profiling = false;
process.on('SIGWINCH', () => {
  if (!profiling) {
    profiling = true;
    session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 250 }, () => session.post('Profiler.start')));
    return;
  }
  profiling = false;
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(join(process.env.BENCH_PROFILE_DIR, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
