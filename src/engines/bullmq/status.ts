/**
 * What a BullMQ engine queue holds: job counts by state for each job kind ('record', 'block'), the
 * connected workers, and the Redis settings that matter for not losing jobs.
 */
import { Queue } from 'bullmq';
import { connectionFor, probeRedis, redactUrl, type RedisFacts } from './connection.js';
import { DEFAULT_QUEUE, queueNames } from './queues.js';

export const jobStates = ['waiting', 'waiting-children', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;
export type JobStateName = (typeof jobStates)[number];

export interface QueueStatus {
  queue: string;
  redis: string;
  server: RedisFacts;
  /** Worker connections on each queue (one per worker process and job kind). */
  workers: { record: number; block: number };
  jobs: { record: Record<JobStateName, number>; block: Record<JobStateName, number> };
}

export async function queueStatus(redis: string, queue = DEFAULT_QUEUE): Promise<QueueStatus> {
  const names = queueNames(queue);
  const server = await probeRedis(redis);
  const connection = connectionFor(redis);
  const queues = { record: new Queue(names.record, { connection, skipMetasUpdate: true }), block: new Queue(names.block, { connection, skipMetasUpdate: true }) };
  try {
    const counts = async (q: Queue) => {
      const c = await q.getJobCounts(...jobStates);
      return Object.fromEntries(jobStates.map((s) => [s, c[s] ?? 0])) as Record<JobStateName, number>;
    };
    const [record, block, wr, wb] = await Promise.all([counts(queues.record), counts(queues.block), queues.record.getWorkersCount(), queues.block.getWorkersCount()]);
    return { queue, redis: redactUrl(redis), server, workers: { record: wr, block: wb }, jobs: { record, block } };
  } finally {
    await Promise.all([queues.record.close(), queues.block.close()]);
  }
}

/** A fixed-width table: one row per job kind, one column per state. */
export function formatStatus(s: QueueStatus): string {
  const head = ['job', ...jobStates];
  const rows = (['record', 'block'] as const).map((k) => [k, ...jobStates.map((st) => String(s.jobs[k][st]))]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join('  ');
  const warn = s.server.maxmemoryPolicy !== 'noeviction' && s.server.maxmemoryPolicy !== 'unknown' ? `\nwarning: maxmemory-policy is ${s.server.maxmemoryPolicy}; BullMQ needs noeviction (see docs/distributed.md)` : '';
  return [
    `queue ${s.queue} at ${s.redis} (redis ${s.server.version}, maxmemory-policy ${s.server.maxmemoryPolicy}, appendonly ${s.server.appendonly}); workers: ${s.workers.block} on blocks, ${s.workers.record} on records`,
    line(head), ...rows.map(line),
  ].join('\n') + warn;
}
