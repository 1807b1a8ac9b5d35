#!/usr/bin/env node
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { FormatError } from '../io/errors.js';
import { ConfigError } from '../config/resolve.js';
import { registerConfig } from './config.js';
import { registerProcess } from './process.js';
import { registerSubmit } from './submit.js';
import { registerWorker } from './worker.js';
import { registerStatus } from './status.js';
import { registerSessions } from './sessions.js';
import { registerCache } from './cache.js';
import { registerSynth } from './synth.js';
import { registerInfo } from './info.js';
import { registerConvert } from './convert.js';
import { registerHrv } from './hrv.js';
import { registerPeaks } from './peaks.js';
import { registerEval } from './eval.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('vitaldsp')
  .description('Physiological signal processing for very large recordings')
  .version(pkg.version)
  .showHelpAfterError();

// A closed pipe (`vitaldsp peaks x | head`) ends the output, not the program with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

// Commands: each module adds one subcommand.
registerSubmit(program);
registerWorker(program);
registerStatus(program);
registerPeaks(program);
registerEval(program);
registerHrv(program);
registerInfo(program);
registerConvert(program);
registerConfig(program);
registerProcess(program);
registerSessions(program);
registerCache(program);
registerSynth(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // Bad input is the user's to fix: print the message, not a stack.
  if (e instanceof FormatError || e instanceof ConfigError || e instanceof RangeError || e instanceof TypeError) {
    console.error(`vitaldsp: ${e.message}`);
    process.exitCode = 2;
  } else {
    throw e;
  }
}
