// `npm run bench`: compiles bench/**/*.ts with tools/build.mjs to dist/bench and runs the benchmark.
// Options: --profile (CPU profiles of the gateway and the record store), --quick (shorter phases),
// --only=<scenario,...>. See docs/performance.md.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
execFileSync(process.execPath, [join(root, 'tools/build.mjs'), 'bench'], { stdio: 'inherit', env: { ...process.env, BUILD_QUIET: '1' } });

const require = createRequire(import.meta.url);
const { main } = require(join(out, 'bench/src/main.js'));
process.exitCode = await main(process.argv.slice(2));
