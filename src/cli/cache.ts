import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProcessingCache, hitRate, emptyStats, type CacheStats } from '../runtime/cache.js';
import { configFromFlags, withConfigOptions, type ConfigFlags } from './config-options.js';

type CacheFlags = ConfigFlags & { out?: string; dir?: string };

function cacheDir(o: CacheFlags): string {
  const configured = configFromFlags(o).values.cache.dir;
  const dir = o.dir ?? (configured || (o.out ? join(o.out, '.vitaldsp', 'cache') : ''));
  if (!dir) throw new RangeError('give --out (the output folder of `process`) or --dir (the cache folder)');
  return dir;
}

/** `vitaldsp cache stats|clear`: the processing cache's size and cumulative hit statistics. */
export function registerCache(program: Command): void {
  const cache = program.command('cache').description('inspect or clear the processing cache');
  withConfigOptions(cache.command('stats')
    .description('entries, size and cumulative hit rate')
    .option('--out <dir>', 'output folder whose cache to inspect')
    .option('--dir <dir>', 'cache folder')
    .option('--json', 'print JSON'))
    .action(async (o: CacheFlags & { json?: boolean }) => {
      const dir = cacheDir(o);
      const usage = await new ProcessingCache({ dir }).usage();
      const stats = await readFile(join(dir, 'stats.json'), 'utf8').then((t) => JSON.parse(t) as CacheStats).catch(() => emptyStats());
      const out = { dir, ...usage, ...stats, hitRate: hitRate(stats) };
      if (o.json) { console.log(JSON.stringify(out, null, 2)); return; }
      console.log(`cache ${dir}\n  entries   ${usage.entries}\n  size      ${(usage.bytes / 2 ** 20).toFixed(2)} MB\n  hits      ${stats.hits}\n  misses    ${stats.misses}\n  hit rate  ${(hitRate(stats) * 100).toFixed(1)} %\n  corrupt   ${stats.corrupt}\n  expired   ${stats.expired}\n  evicted   ${stats.evictions}`);
    });
  withConfigOptions(cache.command('clear')
    .description('remove every entry')
    .option('--out <dir>', 'output folder whose cache to clear')
    .option('--dir <dir>', 'cache folder'))
    .action(async (o: CacheFlags) => {
      const dir = cacheDir(o);
      const c = new ProcessingCache({ dir, maxBytes: 0 });
      await c.evict();
      console.log(`removed ${c.stats.evictions} entr${c.stats.evictions === 1 ? 'y' : 'ies'} from ${dir}`);
    });
}
