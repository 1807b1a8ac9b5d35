/**
 * Progress display for batches: an overall bar plus one bar per record in flight, on a TTY; silent
 * otherwise (logs and CI stay clean).
 */
import { createRequire } from 'node:module';
import { basename, extname } from 'node:path';
import type { ProgressEvent } from '../pipeline/types.js';
import type { SingleBar } from 'cli-progress';

export interface ProgressDisplay {
  update(e: ProgressEvent): void;
  /**
   * Counts a record as ended and removes its bar: `name` as in its progress events, known once the
   * record was planned; otherwise the input file's stem stands for it.
   */
  recordDone(input: string, name?: string): void;
  stop(): void;
}

/** Whole seconds first, so that 119.7 s shows as 2m00s rather than 1m60s. */
function fmtEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function createProgress(total: number, enabled = process.stderr.isTTY === true): ProgressDisplay {
  if (!enabled) return { update() {}, recordDone() {}, stop() {} };
  // Loaded only for a display: logs, CI and --quiet runs skip its start-up cost.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
  // forceRedraw: removing a record's bar moves the bars below it up a line, and cli-progress would
  // otherwise draw again only the bars whose text changed, leaving stale lines until they do.
  const multi = new cliProgress.MultiBar({
    stream: process.stderr, clearOnComplete: false, hideCursor: true, forceRedraw: true, format: '{name} |{bar}| {percentage}% {stage} eta {eta_h}',
  }, cliProgress.Presets.shades_classic);
  const overall = multi.create(total, 0, { name: 'all records'.padEnd(24), stage: '', eta_h: '--' });
  const bars = new Map<string, SingleBar>();
  let done = 0;
  return {
    update(e) {
      let bar = bars.get(e.record);
      if (!bar) bars.set(e.record, (bar = multi.create(100, 0, { name: e.record.slice(0, 24).padEnd(24), stage: '', eta_h: '--' })));
      bar.update(Math.round(e.overall * 100), { stage: e.stage.padEnd(9), eta_h: fmtEta(e.etaSeconds) });
    },
    recordDone(input, name = basename(input, extname(input))) {
      // Only records in flight keep a bar: a batch of thousands would otherwise redraw thousands.
      const bar = bars.get(name);
      if (bar) { multi.remove(bar); bars.delete(name); }
      overall.update(++done, { stage: '', eta_h: '' });
    },
    stop() {
      multi.stop();
    },
  };
}
