#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { FormatError } from '../io/errors.js';
import { ConfigError } from '../config/resolve.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

// exitOverride: the parser's own refusals (a missing argument, an unknown option, a value outside
// its choices) are usage errors like the commands' checks, exit code 2, not 1, which means a record
// failed. Subcommands inherit it.
const program = new Command('vitaldsp')
  .description('Physiological signal processing for very large recordings')
  .version(pkg.version)
  .showHelpAfterError()
  .exitOverride();

/** File system errors on a path the user gave (an input, an output folder): theirs to fix. */
const PATH_ERRORS = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'EEXIST', 'EROFS', 'ENOSPC', 'ENAMETOOLONG']);

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
  if (e instanceof CommanderError) {
    // Commander has printed its message (or the help or version, exit code 0).
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (e instanceof FormatError || e instanceof ConfigError || e instanceof RangeError || e instanceof TypeError || PATH_ERRORS.has((e as NodeJS.ErrnoException).code ?? '')) {
    // Bad input is the user's to fix: print the message (Node's names the path), not a stack.
    console.error(`vitaldsp: ${(e as Error).message}`);
    process.exitCode = 2;
  } else {
    throw e;
  }
}
