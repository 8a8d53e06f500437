// Preloaded into a service by the benchmark (`NODE_OPTIONS=--require .../cpu-profile.cjs`) when run with
// --profile. `node --cpu-prof` is no use here: Nest's shutdown hooks re-raise SIGTERM after closing, so
// the process dies by the signal and --cpu-prof never writes its file. Instead, each SIGWINCH (ignored by
// default, and not one of the signals Nest's shutdown hooks listen to, unlike SIGUSR2) toggles the
// V8 sampling profiler: the first starts it, the next writes <dir>/<service>-<n>-<label>.cpuprofile.
'use strict';
const inspector = require('node:inspector');
const { mkdirSync, writeFileSync, readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.CV_CPU_PROFILE_DIR;
if (dir) {
  const service = process.env.CV_CPU_PROFILE_NAME || String(process.pid);
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.CV_CPU_PROFILE_INTERVAL_US || 200) });
  let running = false;
  let n = 0;
  process.on('SIGWINCH', () => {
    if (!running) {
      session.post('Profiler.start', () => undefined);
      running = true;
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, res) => {
      if (err) return;
      n++;
      const labelFile = join(dir, 'label');
      const label = existsSync(labelFile) ? readFileSync(labelFile, 'utf8').trim() : String(n);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${service}-${label}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
