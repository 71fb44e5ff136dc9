#!/usr/bin/env node
'use strict';
// The CLI is TypeScript: tsx compiles it on load, so nothing needs building first.
require('tsx/cjs/api').register();
const { main } = require('../cli/main.ts');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code; // not process.exit(): let stdout drain first
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
