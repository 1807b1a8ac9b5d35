/**
 * Memory: a monitor that samples the process RSS (worker threads included) and heap, keeps the
 * peak, and tells the scheduler when it is over budget so that it stops reading ahead; and the
 * per-strategy limits on work in flight.
 */
import { strategyProfile } from '../config/adaptive.js';
import type { Config } from '../config/schema.js';

export class MemoryMonitor {
  peakRss = 0;
  peakHeap = 0;
  /** Times the scheduler held back work because RSS was over budget. */
  throttled = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly budgetBytes: number, private readonly intervalMs = 50) {}

  sample(): number {
    const m = process.memoryUsage();
    if (m.rss > this.peakRss) this.peakRss = m.rss;
    if (m.heapUsed > this.peakHeap) this.peakHeap = m.heapUsed;
    return m.rss;
  }

  start(): this {
    this.sample();
    this.timer ??= setInterval(() => this.sample(), this.intervalMs).unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }

  overBudget(): boolean {
    return this.sample() > this.budgetBytes;
  }
}

/** Block tasks allowed in flight at once: workers times the strategy's read-ahead. */
export function maxInFlight(cfg: Config): number {
  return cfg.runtime.workers * strategyProfile[cfg.runtime.memoryStrategy].inFlight;
}
