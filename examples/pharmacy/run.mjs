#!/usr/bin/env node
// Runs the pharmacy example from its TypeScript sources: compiles src/*.ts with swc (a dev dependency of
// this repository, as in tools/build.mjs) into .build/, then starts .build/main.js. Arguments pass through.
import { transformFile } from '@swc/core';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '.build');
await mkdir(out, { recursive: true });
for (const name of await readdir(join(here, 'src'))) {
  if (!name.endsWith('.ts') || /\.(spec|int-spec|sys-spec)\.ts$/.test(name)) continue;
  const { code } = await transformFile(join(here, 'src', name), {
    swcrc: false,
    module: { type: 'commonjs' },
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  });
  await writeFile(join(out, name.replace(/\.ts$/, '.js')), code);
}
createRequire(import.meta.url)(join(out, 'main.js'));
