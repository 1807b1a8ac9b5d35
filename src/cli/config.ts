import type { Command } from 'commander';
import { explainConfig } from '../config/resolve.js';
import { configFromFlags, withConfigOptions, type ConfigFlags } from './config-options.js';
import { numberOption, parseFs } from './input-options.js';

/** `vitaldsp config --explain`: every resolved setting with the tier it came from. */
export function registerConfig(program: Command): void {
  withConfigOptions(program.command('config'))
    .description('show the resolved configuration')
    .option('--explain', 'list every setting with its value, tier and source (the default)')
    .option('--json', 'print JSON')
    .option('--fs <hz>', 'sampling rate of the data, for the adaptive tier', parseFs)
    .option('--channels <n>', 'channel count of the data, for the adaptive tier', numberOption('a whole number of channels >= 1', (v) => Number.isSafeInteger(v) && v >= 1))
    .action((opts: ConfigFlags & { json?: boolean; fs?: number; channels?: number }) => {
      const data = opts.fs ? { fs: opts.fs, channels: opts.channels ?? 1, samples: 0 } : undefined;
      const rows = explainConfig(configFromFlags(opts, data));
      if (opts.json) {
        console.log(JSON.stringify(rows, null, 2));
        return;
      }
      const w = Math.max(...rows.map((r) => r.key.length));
      const v = Math.max(...rows.map((r) => JSON.stringify(r.value).length));
      for (const r of rows) {
        const src = r.tier === 'user' || r.source.startsWith('auto (') ? `${r.tier}: ${r.source}` : r.tier;
        console.log(`${r.key.padEnd(w)}  ${JSON.stringify(r.value).padEnd(v)}  ${src.padEnd(20)}  ${r.description}`);
      }
    });
}
