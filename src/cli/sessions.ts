import type { Command } from 'commander';
import { sessionsRoot } from '../pipeline/batch.js';
import { cleanupSessions, listSessions } from '../runtime/checkpoint.js';
import { configFromFlags, withConfigOptions, type ConfigFlags } from './config-options.js';

/** `vitaldsp sessions --out DIR`: the sessions of an output folder, newest first; `--cleanup` applies the age and size limits. */
export function registerSessions(program: Command): void {
  withConfigOptions(program.command('sessions')
    .description('list the processing sessions (checkpoints) of an output folder')
    .requiredOption('--out <dir>', 'output folder given to `process`')
    .option('--cleanup', 'remove sessions beyond checkpoint.maxAgeHours and checkpoint.maxTotalMB')
    .option('--json', 'print JSON'))
    .action(async (o: ConfigFlags & { out: string; cleanup?: boolean; json?: boolean }) => {
      const root = sessionsRoot(o.out);
      if (o.cleanup) {
        const { checkpoint } = configFromFlags(o).values;
        const removed = await cleanupSessions(root, checkpoint);
        console.log(`removed ${removed.length} session(s)${removed.length ? ': ' + removed.join(', ') : ''}`);
      }
      const sessions = await listSessions(root);
      if (o.json) {
        console.log(JSON.stringify(sessions, null, 2));
        return;
      }
      if (!sessions.length) console.log(`no sessions under ${root}`);
      for (const s of sessions) {
        console.log(`${s.id}  ${s.status.padEnd(8)}  ${String(s.done.length).padStart(4)}/${s.inputs.length} records  ${(s.bytes / 2 ** 20).toFixed(1).padStart(7)} MB  updated ${s.updated}`);
      }
    });
}
