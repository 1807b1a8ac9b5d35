/**
 * Memory: a monitor that samples the process RSS (worker threads included) and heap, keeps the
 * peak, and tells the scheduler when it is over budget so that it stops reading ahead; and the
 * per-strategy limits on work in flight.
 */
import { readFileSync } from 'node:fs';
import { strategyProfile } from '../config/adaptive.js';
import type { Config } from '../config/schema.js';

/**
 * The kernel's high-water mark of the process RSS in bytes (Linux VmHWM), 0 where there is none:
 * exact, where sampling misses peaks shorter than its interval.
 */
export function rssHighWaterMark(): number {
  try {
    const m = /VmHWM:\s*(\d+) kB/.exec(readFileSync('/proc/self/status', 'latin1'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export class MemoryMonitor {
  private sampledPeak = 0;
  /** Times the scheduler held back work because RSS was over budget. */
  throttled = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastRss = 0;
  private lastAt = -Infinity;

  constructor(readonly budgetBytes: number, private readonly intervalMs = 50) {}

  /** Current RSS; a reading younger than a fifth of the interval is reused (each one is a /proc read). */
  sample(): number {
    const now = performance.now();
    if (now - this.lastAt < this.intervalMs / 5) return this.lastRss;
    // rss() alone: the full memoryUsage() walks the heap spaces, which costs about 1 ms on a large heap.
    const rss = process.memoryUsage.rss();
    this.lastRss = rss;
    this.lastAt = now;
    if (rss > this.sampledPeak) this.sampledPeak = rss;
    return rss;
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

  /** Peak RSS of the process so far: the kernel's high-water mark where it keeps one, else the sampled peak. */
  get peakRss(): number {
    return Math.max(this.sampledPeak, rssHighWaterMark());
  }

  overBudget(): boolean {
    return this.sample() > this.budgetBytes;
  }
}

/** Block tasks allowed in flight at once: workers times the strategy's read-ahead. */
export function maxInFlight(cfg: Config): number {
  return cfg.runtime.workers * strategyProfile[cfg.runtime.memoryStrategy].inFlight;
}

/**
 * Heap limit per worker thread: an equal share of the memory budget with the main thread, never
 * below what one block task needs.
 */
export function workerHeapMB(cfg: Config): number {
  return Math.max(WORKER_HEAP_MIN_MB, Math.floor(cfg.runtime.memoryBudgetMB / (cfg.runtime.workers + 1)));
}

/** A 300 s block at 2 kHz with its working copies fits in this. */
const WORKER_HEAP_MIN_MB = 48;
