// Compiles apps/, libs/ and tools/ TypeScript to CommonJS in dist/ with swc (type-checking is `npm run typecheck`).
// Incremental: a file is compiled again only when its source is newer than its output.
import { transformFile } from '@swc/core';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
// Extra roots may be named on the command line (`node tools/build.mjs bench`); by default the product.
const roots = process.argv.length > 2 ? process.argv.slice(2) : ['apps', 'libs', 'tools'];
const paths = {
  '@carevault/contracts': ['libs/contracts/src/index.ts'],
  '@carevault/platform': ['libs/platform/src/index.ts'],
  '@carevault/testing': ['libs/testing/src/index.ts'],
};

async function* walk(dir) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'results') yield* walk(p);
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !/\.(spec|int-spec|e2e-spec|sys-spec)\.ts$/.test(e.name)) {
      yield p;
    }
  }
}

async function mtime(p) {
  try {
    return (await stat(p)).mtimeMs;
  } catch {
    return 0;
  }
}

const started = Date.now();
let compiled = 0;
const jobs = [];
for (const r of roots) {
  for await (const file of walk(join(root, r))) {
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    jobs.push(
      (async () => {
        if ((await mtime(target)) >= (await mtime(file))) return;
        const result = await transformFile(file, {
          swcrc: false,
          sourceMaps: true,
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
        await writeFile(target, result.code + `\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
        if (result.map) await writeFile(target + '.map', result.map);
        compiled++;
      })(),
    );
  }
}
await Promise.all(jobs);
if (process.env.BUILD_QUIET !== '1') console.log(`build: ${compiled} of ${jobs.length} files compiled in ${Date.now() - started} ms`);
