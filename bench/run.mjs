// `npm run bench`: compiles bench/**/*.ts (swc, like tools/build.mjs) to dist/bench and runs the benchmark.
// Options: --profile (CPU profiles of the gateway and the record store), --quick (shorter phases),
// --only=<scenario,...>. See docs/performance.md.
import { transformFile } from '@swc/core';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const paths = {
  '@carevault/contracts': ['libs/contracts/src/index.ts'],
  '@carevault/platform': ['libs/platform/src/index.ts'],
  '@carevault/testing': ['libs/testing/src/index.ts'],
};

async function* walk(dir) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'results' && e.name !== 'node_modules') yield* walk(p);
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) yield p;
  }
}

const mtime = (p) => stat(p).then((s) => s.mtimeMs, () => 0);
const jobs = [];
for await (const file of walk(join(root, 'bench'))) {
  const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
  jobs.push(
    (async () => {
      if ((await mtime(target)) >= (await mtime(file))) return;
      const result = await transformFile(file, {
        swcrc: false,
        sourceMaps: 'inline',
        module: { type: 'commonjs' },
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
          baseUrl: root,
          paths,
          keepClassNames: true,
        },
      });
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, result.code);
    })(),
  );
}
await Promise.all(jobs);

const require = createRequire(import.meta.url);
const { main } = require(join(out, 'bench/src/main.js'));
process.exitCode = await main(process.argv.slice(2));
