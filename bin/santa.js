#!/usr/bin/env node
'use strict';
// `santa`: runs the compiled CLI, dist/cli/main.js (`npm run build`, which `npm install` runs), with plain node.
// When dist/ was not built, or a source it is compiled from changed since (an edit, a pull), it runs the sources
// through tsx (a dev dependency) instead: slower to start, never out of date.
const { readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
// The folders scripts/build.sh compiles (tsconfig.build.json's and the workspace packages' sources).
const SOURCES = ['activities', 'api', 'cli', 'lib', 'storage', 'worker', 'workflows', join('packages', 'states-language', 'src')];

/** True when dist/ holds a complete build newer than every source file it is compiled from. */
function compiledIsCurrent() {
  let built;
  try {
    built = statSync(join(root, 'dist', '.build-stamp')).mtimeMs;
  } catch {
    return false;
  }
  for (const folder of SOURCES) {
    let names;
    try {
      names = readdirSync(join(root, folder), { recursive: true });
    } catch {
      continue; // an installed copy without sources: dist/ is all there is
    }
    for (const name of names) {
      if (typeof name === 'string' && name.endsWith('.ts') && statSync(join(root, folder, name)).mtimeMs > built) return false;
    }
  }
  return true;
}

function load() {
  if (process.env.SANTA_FROM_SOURCE !== '1' && compiledIsCurrent()) return require('../dist/cli/main.js');
  // The project's tsconfig.json wherever santa runs from: its `paths` map the workspace packages to their sources.
  process.env.TSX_TSCONFIG_PATH ??= join(root, 'tsconfig.json');
  try {
    require('tsx/cjs/api').register();
  } catch {
    console.error('santa: dist/ is missing or older than the sources, and tsx is not installed: run `npm run build`');
    process.exit(1);
  }
  return require('../cli/main.ts');
}

load()
  .main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code; // not process.exit(): let stdout drain first
    },
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
