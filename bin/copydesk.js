#!/usr/bin/env node
'use strict';
// Tiny launcher: registers tsx and dispatches a subcommand to its TypeScript module,
// which exports `main(argv): Promise<number>` (the exit code).
require('tsx/cjs');
const path = require('node:path');

const COMMANDS = {
  review: '../src/cli/review.ts',
};

const [command, ...args] = process.argv.slice(2);
if (!command || !Object.prototype.hasOwnProperty.call(COMMANDS, command)) {
  process.stderr.write(`usage: copydesk <${Object.keys(COMMANDS).join('|')}> [options]\n`);
  process.exit(2);
}
const mod = require(path.join(__dirname, COMMANDS[command]));
Promise.resolve(mod.main(args)).then(
  (code) => {
    process.exitCode = typeof code === 'number' ? code : 0;
  },
  (err) => {
    process.stderr.write(`${err && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 2;
  },
);
