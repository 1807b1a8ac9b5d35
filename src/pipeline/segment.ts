/**
 * Stage 5, segmentation: analysis segments per signal type (5 min for HRV, 30 s epochs for EEG,
 * 1 min for respiration; configurable, with overlap), each carrying the quality of the windows it
 * covers. Segments start at fixed multiples of the step, so they do not depend on how the record
 * was split for processing.
 */
import type { Config } from '../config/schema.js';
import type { SignalType } from '../signals/signal-type.js';
import { levelOf } from '../quality/score.js';
import type { ChannelPlan, Segment } from './types.js';
import { SKIP, windowCount, type Windows } from './windows.js';

export function segmentSeconds(type: SignalType, cfg: Config): number {
  switch (type) {
    case 'ecg':
    case 'ppg': return cfg.segment.hrvSeconds;
    case 'eeg': return cfg.segment.eegSeconds;
    case 'resp': return cfg.segment.respSeconds;
    case 'unknown': return cfg.segment.respSeconds;
  }
}

/**
 * Segments of one channel. A trailing piece shorter than half a segment is dropped (too short for
 * the segment's features), and none starts after one that reached the record's end; windows are
 * matched by overlap in time.
 */
export function segmentChannel(ch: ChannelPlan, windows: Windows, cfg: Config): Segment[] {
  const { start: ws, end: we, score, mode } = windows, n = windowCount(windows);
  const len = segmentSeconds(ch.type, cfg);
  const step = len * (1 - cfg.segment.overlap);
  const duration = ch.samples / ch.fs;
  const out: Segment[] = [];
  let w0 = 0;
  for (let k = 0; ; k++) {
    const start = k * step;
    if (start >= duration) break;
    const end = Math.min(duration, start + len);
    if (end - start < len / 2 && k > 0) break;
    while (w0 < n && we[w0]! <= start) w0++;
    let scoreSum = 0, weight = 0, used = 0;
    for (let i = w0; i < n && ws[i]! < end; i++) {
      const overlap = Math.min(end, we[i]!) - Math.max(start, ws[i]!);
      if (overlap <= 0) continue;
      scoreSum += score[i]! * overlap;
      weight += overlap;
      if (mode[i] !== SKIP) used += overlap;
    }
    const quality = weight > 0 ? scoreSum / weight : 0;
    out.push({ channel: ch.name, type: ch.type, start, end, quality, coverage: weight > 0 ? used / weight : 0, level: levelOf(quality) });
    // With overlap, the next start still falls inside the record, but a segment from there would
    // only repeat the end of this one.
    if (end >= duration) break;
  }
  return out;
}
