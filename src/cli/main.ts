#!/usr/bin/env node
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { FormatError } from '../io/errors.js';
import { ConfigError } from '../config/resolve.js';

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

/**
 * Commands: each module adds one subcommand, in this order in the help. Only the module of the
 * command given is loaded (all of them for help or an unknown name): a command's start-up then
 * loads only its own code, not every command's detectors, feature code and writers.
 */
const commands: Record<string, () => Promise<(program: Command) => void>> = {
  submit: async () => (await import('./submit.js')).registerSubmit,
  worker: async () => (await import('./worker.js')).registerWorker,
  status: async () => (await import('./status.js')).registerStatus,
  peaks: async () => (await import('./peaks.js')).registerPeaks,
  eval: async () => (await import('./eval.js')).registerEval,
  hrv: async () => (await import('./hrv.js')).registerHrv,
  info: async () => (await import('./info.js')).registerInfo,
  convert: async () => (await import('./convert.js')).registerConvert,
  config: async () => (await import('./config.js')).registerConfig,
  process: async () => (await import('./process.js')).registerProcess,
  sessions: async () => (await import('./sessions.js')).registerSessions,
  cache: async () => (await import('./cache.js')).registerCache,
  synth: async () => (await import('./synth.js')).registerSynth,
};
const named = commands[process.argv[2] ?? ''];
for (const load of named ? [named] : Object.values(commands)) (await load())(program);

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
