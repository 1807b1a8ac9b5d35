import type { Command } from 'commander';
import { reportingRedis, withRedisOptions } from './submit.js';

/** `vitaldsp status`: job counts by state for each job kind of a BullMQ engine queue. */
export function registerStatus(program: Command): void {
  withRedisOptions(program.command('status'))
    .description('show the jobs of a BullMQ queue: waiting, active, completed, failed, delayed, per job kind')
    .option('--json', 'print JSON')
    .action((f: { redis: string; queue: string; json?: boolean }) => reportingRedis(async () => {
      const { formatStatus, queueStatus } = await import('../engines/bullmq/status.js');
      const s = await queueStatus(f.redis, f.queue);
      console.log(f.json ? JSON.stringify(s, null, 2) : formatStatus(s));
    }));
}
