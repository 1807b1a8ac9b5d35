/**
 * report.html: one self-contained page (no network) with the record's overview, a zoomable trace
 * with the detected beats, quality over time and feature trends. Charts are drawn by uPlot, inlined
 * with its stylesheet; the data travels as one JSON object in the page, and the page states in
 * `<body data-charts>` how many charts it must draw, so a test can check that all of them did.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { levelFloor, qualityLevels, type QualityLevel } from '../quality/score.js';
import type { SignalType } from '../signals/signal-type.js';
import { bandsBelowNyquist } from '../signals/eeg-bands.js';
import type { ChannelData } from '../pipeline/merge.js';
import type { FeatureRow } from '../pipeline/types.js';
import type { RecordResult } from '../pipeline/process.js';

const require = createRequire(import.meta.url);
// A literal '</script' inside inlined code would end the element early.
const inline = (code: string) => code.replace(/<\/(script|style)/gi, '<\\/$1');
const uplotJs = inline(readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'));
const uplotCss = inline(readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'));

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (v: number | undefined, d = 3) => (v === undefined || !Number.isFinite(v) ? '–' : String(Number(v.toPrecision(d + 2))));

/** Quality levels best first, with the colour each is drawn in (ColorBrewer RdYlGn). */
const levels: { name: QualityLevel; color: string }[] = [
  { name: 'excellent', color: '#1a9850' }, { name: 'good', color: '#91cf60' }, { name: 'fair', color: '#fee08b' },
  { name: 'poor', color: '#fc8d59' }, { name: 'unusable', color: '#d73027' },
];

interface TrendGroup { title: string; unit: string; keys: string[] }

/** Feature trends plotted per signal type: one chart per unit, so no axis mixes bpm with ms. */
const trendGroups: Record<SignalType, TrendGroup[]> = {
  ecg: [
    { title: 'Heart rate per segment', unit: 'bpm', keys: ['hr_mean'] },
    { title: 'Heart rate variability per segment', unit: 'ms', keys: ['sdnn', 'rmssd'] },
    { title: 'LF/HF ratio per segment', unit: 'ratio', keys: ['lf_hf'] },
  ],
  ppg: [
    { title: 'Pulse rate per segment', unit: 'bpm', keys: ['hr_mean'] },
    { title: 'Pulse rate variability per segment', unit: 'ms', keys: ['sdnn', 'rmssd'] },
  ],
  resp: [
    { title: 'Breathing rate per segment', unit: 'breaths/min', keys: ['breathing_rate'] },
    { title: 'Breath-to-breath variation per segment', unit: 'CV (SD / mean)', keys: ['breath_interval_cv'] },
  ],
  eeg: [{ title: 'Relative band power per epoch', unit: 'relative power', keys: ['delta_rel', 'theta_rel', 'alpha_rel', 'beta_rel', 'gamma_rel'] }],
  unknown: [{ title: 'Quality per segment', unit: 'score', keys: ['quality'] }],
};

const featureLabel: Record<string, string> = { hr_mean: 'mean HR', sdnn: 'SDNN', rmssd: 'RMSSD', lf_hf: 'LF/HF', breathing_rate: 'rate', breath_interval_cv: 'CV', quality: 'quality' };

/** What the detected events are called on the trace, for types that have them. */
const eventName: Partial<Record<SignalType, string>> = { ecg: 'R peaks', ppg: 'pulse peaks', resp: 'breaths' };

/** Seconds of trace shown before the user zooms: a handful of beats, breaths or EEG waves. */
const initialView: Record<SignalType, number> = { ecg: 10, ppg: 10, resp: 60, eeg: 10, unknown: 20 };

/**
 * Rounds to 1e-4 of the channel's range: five digits where they show, none beyond (a display of a
 * few thousand pixels cannot tell them apart), which keeps the page small. Non-finite -> null (a gap).
 */
function rounder(values: readonly ArrayLike<number>[]): (v: unknown) => number | null {
  let lo = Infinity, hi = -Infinity;
  for (const a of values) for (let i = 0; i < a.length; i++) { const v = a[i]!; if (v < lo) lo = v; if (v > hi) hi = v; }
  const span = hi - lo;
  const d = Number.isFinite(span) && span > 0 ? Math.min(12, Math.max(0, 4 - Math.floor(Math.log10(span)))) : 6;
  const p = 10 ** d;
  return (v) => (typeof v === 'number' && Number.isFinite(v) ? toFixedNumber(v, d, p) : null);
}

/**
 * Number(v.toFixed(d)) without the string, which took most of a short record's page (`p` is
 * 10^d): the integer nearest v p is that of the product as computed unless the exact product lies
 * within its rounding error of a tie (then toFixed itself decides), and k / p is correctly rounded
 * as the parse of the string is.
 */
function toFixedNumber(v: number, d: number, p: number): number {
  const y = v * p, k = Math.round(y);
  const tie = Math.abs(Math.abs(y - Math.trunc(y)) - 0.5) <= Math.abs(y) * 1e-15;
  return tie || Math.abs(y) >= 2 ** 52 ? Number(v.toFixed(d)) : k / p;
}

const score = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(5)) : null);

function trends(c: ChannelData, rows: readonly FeatureRow[]) {
  const bands = c.plan.type === 'eeg' ? bandsBelowNyquist(c.plan.fs) : {};
  const label = (k: string) => {
    const band = bands[k.replace(/_rel$/, '')];
    return band ? `${k.replace(/_rel$/, '')} ${band[0]}–${band[1]} Hz` : featureLabel[k] ?? k;
  };
  return trendGroups[c.plan.type].flatMap((g) => {
    // A trend needs two values; a single segment's value is already in the summary table.
    const keys = g.keys.filter((k) => rows.filter((f) => typeof f[k] === 'number' && Number.isFinite(f[k] as number)).length >= 2);
    if (keys.length === 0) return [];
    return [{
      title: g.title, unit: g.unit, labels: keys.map(label),
      x: rows.map((f) => ((f['start_s'] as number) + (f['end_s'] as number)) / 2),
      ys: keys.map((k) => rows.map((f) => score(f[k]))),
    }];
  });
}

/** The page's data for one channel; times are implied by a step where they are regular. */
function channelView(c: ChannelData, features: readonly FeatureRow[]) {
  const { fs, type, samples } = c.plan;
  const round = rounder([c.envelope.min, c.envelope.max, c.trace]);
  const stride = c.traceStride;
  // The decimated trace keeps, per group of `stride` samples, the sample farthest from zero, so a
  // beat at sample p is drawn by group floor(p / stride) (rounding could name the next group).
  const beatIndex: number[] = [], beatAmp: (number | null)[] = [];
  const { sample, amplitude } = c.beats;
  for (let i = 0; i < sample.length; i++) {
    const k = Math.floor(sample[i]! / stride);
    if (k >= c.trace.length) break;
    beatIndex.push(k); beatAmp.push(round(amplitude[i]!));
  }
  const traceSeconds = (c.trace.length * stride) / fs, seconds = samples / fs;
  const events = eventName[type];
  const what = events ? `Cleaned signal with detected ${events}` : 'Cleaned signal';
  const span = traceSeconds < seconds ? `first ${num(traceSeconds, 2)} s of ${num(seconds, 2)} s` : `all ${num(seconds, 2)} s`;
  return {
    name: c.plan.name, type, unit: c.plan.unit, fs, seconds,
    overview: { dt: seconds / Math.max(1, c.envelope.min.length), min: c.envelope.min.map(round), max: c.envelope.max.map(round) },
    trace: {
      dt: stride / fs, y: Array.from(c.trace, round), beatIndex, beatAmp,
      events: events ? (c.beats.sample.length ? `${events} (${beatIndex.length} shown)` : `${events} (none detected)`) : null,
      title: `${what}: ${span} (drag to zoom, double-click for the whole trace)`,
      view: Math.min(traceSeconds, initialView[type]),
    },
    quality: {
      start: Array.from(c.windows.start), end: Array.from(c.windows.end), score: Array.from(c.windows.score, score),
      level: Array.from(c.windows.level, (k) => levels.findIndex((l) => l.name === qualityLevels[k])),
    },
    trends: trends(c, features.filter((f) => f['channel'] === c.plan.name)),
  };
}

/** Charts the page draws for a channel: overview, trace (if any), quality, one per trend group. */
const chartsOf = (v: ReturnType<typeof channelView>) => 2 + (v.trace.y.length ? 1 : 0) + v.trends.length;

function summaryTable(r: RecordResult): string {
  const rows = r.summaries.map((s) => {
    const rec = s.record;
    const hr = rec['hr_mean'] ?? s.segments['hr_mean']?.value;
    return `<tr><td>${esc(s.channel)}</td><td>${esc(s.type)}</td><td>${num(s.durationSeconds / 60, 1)}</td><td>${num(s.meanQuality, 2)}</td><td>${num(s.processedFraction * 100, 1)} %</td><td>${s.beats}</td><td>${num(hr, 1)}</td><td>${num(rec['sdnn'], 1)}</td><td>${num(rec['rmssd'], 1)}</td></tr>`;
  }).join('');
  return `<table><thead><tr><th>channel</th><th>type</th><th>minutes</th><th>mean quality (0–1)</th><th>processed</th><th>beats / breaths</th><th>HR (bpm)</th><th>SDNN (ms)</th><th>RMSSD (ms)</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const script = `
const data = JSON.parse(document.getElementById('data').textContent);
const plots = [];
window.vitaldsp = { plots };
const width = () => Math.max(300, Math.min(1100, document.body.clientWidth - 10));
const palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
// Time ticks at clock-friendly steps, shown as m:ss or h:mm:ss with decimals when zoomed in.
const incrs = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];
function clock(v, incr) {
  if (v == null) return '--';
  const d = incr < 1 ? Math.min(3, Math.ceil(-Math.log10(incr) - 1e-9)) : 0, p = Math.pow(10, d);
  const t = Math.round(Math.abs(v) * p) / p, h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
  return (v < 0 ? '-' : '') + (h ? h + ':' + String(m).padStart(2, '0') : m) + ':' + (s < 10 ? '0' : '') + s.toFixed(d);
}
const xAxis = { label: data.timeLabel, incrs, values: (u, splits, ai, space, incr) => splits.map((v) => clock(v, incr)) };
// One minimum width for every y axis keeps the plot areas, and so their time axes, aligned.
const yAxis = (label) => ({ label, space: 24, size: (u, values) => Math.max(72, 14 + 7 * Math.max(0, ...(values || []).map((s) => String(s).length))) });
// Trends: at least +-10 % around the mean, so a flat series does not look like a swing, widened
// to whole tick steps so that the axis labels at least two values.
const trendRange = (u, min, max) => {
  if (min == null || max == null) return [0, 1];
  const mid = (min + max) / 2, half = Math.max(((max - min) / 2) * 1.2, Math.abs(mid) * 0.1, 1e-9);
  const step = Math.pow(10, Math.floor(Math.log10(2 * half)));
  const lo = Math.floor((mid - half) / step) * step, hi = Math.ceil((mid + half) / step) * step;
  return [min >= 0 ? Math.max(0, lo) : lo, hi];
};
const range = (dt, n, f) => { const a = new Array(n); for (let i = 0; i < n; i++) a[i] = f ? f(i) : i * dt; return a; };
// Window columns coloured by quality level, painted under the grid and the series.
function paintWindows(q, onlyBad) {
  return (u) => {
    const ctx = u.ctx, b = u.bbox, y0 = u.valToPos(0, 'y', true);
    ctx.save();
    ctx.beginPath(); ctx.rect(b.left, b.top, b.width, b.height); ctx.clip();
    ctx.globalAlpha = onlyBad ? 0.18 : 0.75;
    for (let i = 0; i < q.start.length; i++) {
      const lv = q.level[i];
      if (onlyBad && lv < 3) continue;
      const x0 = u.valToPos(q.start[i], 'x', true), x1 = u.valToPos(q.end[i], 'x', true);
      if (x1 < b.left || x0 > b.left + b.width) continue;
      const top = onlyBad ? b.top : u.valToPos(q.score[i] == null ? 0 : q.score[i], 'y', true);
      ctx.fillStyle = data.levels[lv] ? data.levels[lv].color : '#999';
      ctx.fillRect(x0, top, Math.max(1, x1 - x0), (onlyBad ? b.top + b.height : y0) - top);
    }
    ctx.restore();
  };
}
function chart(sec, ch, role, title, series, d, o) {
  const div = document.createElement('div');
  div.className = 'chart';
  div.dataset.role = role;
  sec.appendChild(div);
  const opts = {
    title, width: width(), height: o.height || 180,
    series: [{ label: 'time', value: (u, v) => clock(v, o.tip || 0.1) }].concat(series),
    scales: { x: o.xview ? { time: false, min: 0, max: o.xview } : { time: false }, y: o.yrange ? { range: o.yrange } : {} },
    axes: [xAxis, yAxis(o.ylabel)], cursor: { drag: { x: true, y: false } }, hooks: o.hooks || {},
  };
  if (o.bands) opts.bands = o.bands;
  plots.push({ channel: ch, role, plot: new uPlot(opts, d, div) });
  if (o.after) sec.appendChild(o.after);
}
function levelKey() {
  const p = document.createElement('p');
  p.className = 'levels';
  p.append('Quality levels: ');
  for (const l of data.levels) {
    const s = document.createElement('span');
    s.className = 'swatch';
    s.style.background = l.color;
    p.append(s, ' ' + l.name + (l.floor == null ? ' (< ' + data.levels[data.levels.length - 2].floor + ')' : ' (≥ ' + l.floor + ')') + ' ');
  }
  p.append('— poor and unusable windows are also shaded on the trace.');
  return p;
}
data.channels.forEach((c, ci) => {
  const sec = document.createElement('section');
  sec.dataset.channel = c.name;
  const h = document.createElement('h2');
  h.textContent = c.name;
  const sub = document.createElement('span');
  sub.className = 'sub';
  sub.textContent = c.type.toUpperCase() + ', ' + c.fs + ' Hz' + (c.unit ? ', ' + c.unit : '');
  h.append(' ', sub);
  sec.appendChild(h);
  document.getElementById('charts').appendChild(sec);
  const amp = c.unit ? 'amplitude (' + c.unit + ')' : 'amplitude';
  const ov = c.overview, n = ov.min.length;
  // A final empty point at the record's end gives the whole-record charts the same time axis.
  chart(sec, ci, 'overview', 'Whole record: min–max envelope of the cleaned signal', [{ label: 'min', stroke: palette[0] }, { label: 'max', stroke: palette[0] }],
    [range(ov.dt, n).concat([c.seconds]), ov.min.concat([null]), ov.max.concat([null])],
    { ylabel: amp, height: 200, bands: [{ series: [2, 1], fill: 'rgba(31,119,180,0.35)' }] });
  const tr = c.trace;
  if (tr.y.length) {
    const series = [{ label: 'signal', stroke: palette[0], width: 1 }];
    const d = [range(tr.dt, tr.y.length), tr.y];
    if (tr.events) {
      const ev = new Array(tr.y.length).fill(null);
      tr.beatIndex.forEach((k, j) => { ev[k] = tr.beatAmp[j]; });
      series.push({ label: tr.events, stroke: palette[1], width: 0, points: { show: true, size: 7, fill: palette[1] } });
      d.push(ev);
    }
    chart(sec, ci, 'trace', tr.title, series, d, {
      height: 260, ylabel: amp, tip: 0.001,
      xview: tr.view, hooks: { drawClear: [paintWindows(c.quality, true)] },
    });
  }
  const q = c.quality, last = q.start.length - 1;
  chart(sec, ci, 'quality', 'Quality score per ' + data.windowSeconds + ' s window, coloured by level',
    [{ label: 'score', stroke: '#333', width: 1, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } }],
    [q.start.concat(last >= 0 ? [q.end[last]] : []), q.score.concat(last >= 0 ? [q.score[last]] : [])],
    { ylabel: 'score (0–1)', yrange: [0, 1], hooks: { drawClear: [paintWindows(q, false)] }, after: levelKey() });
  for (const t of c.trends) {
    chart(sec, ci, 'trend', t.title, t.labels.map((l, i) => ({ label: l, stroke: palette[i % palette.length], points: { show: true, size: 6 } })),
      [[0].concat(t.x, [c.seconds])].concat(t.ys.map((y) => [null].concat(y, [null]))),
      { height: 160, ylabel: t.unit, tip: 1, yrange: trendRange });
  }
});
window.addEventListener('resize', () => { for (const p of plots) p.plot.setSize({ width: width(), height: p.plot.height }); });
document.body.dataset.drawn = String(plots.length);
`;

export function renderReport(r: RecordResult): string {
  const channels = r.channels.map((c) => channelView(c, r.features));
  const info = r.ingest.info;
  const data = JSON.stringify({
    windowSeconds: r.config.values.quality.windowSeconds,
    timeLabel: info.duration >= 3600 ? 'time from start (h:mm:ss)' : 'time from start (m:ss)',
    levels: levels.map((l) => ({ ...l, floor: l.name === 'unusable' ? null : levelFloor[l.name] })),
    channels,
  }).replace(/</g, '\\u003c');
  const warnings = r.stages.flatMap((s) => s.warnings);
  const source = info.format === 'npy' && info.variant === 'memory' ? 'In-memory signal' : `${esc(info.format)}${info.variant ? ` (${esc(info.variant)})` : ''} recording`;
  const start = info.startTime ? `, starting ${esc(info.startTime)}` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.name)}: vitaldsp report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${uplotCss}
body { font: 14px/1.4 system-ui, sans-serif; margin: 20px; color: #222; max-width: 1120px; }
table { border-collapse: collapse; margin: 10px 0 20px; } td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th { background: #f3f3f3; } td:first-child, td:nth-child(2) { text-align: left; }
section { border-top: 2px solid #ddd; margin-top: 24px; } h2 .sub { font-size: 14px; font-weight: normal; color: #555; }
.chart { margin: 10px 0 4px; } .uplot .u-title { font-size: 14px; font-weight: 600; }
.levels { margin: 0 0 16px; font-size: 13px; } .swatch { display: inline-block; width: 12px; height: 12px; margin-left: 8px; vertical-align: -1px; border: 1px solid #888; }
.warn { color: #8a5300; }
</style></head><body data-charts="${channels.reduce((a, v) => a + chartsOf(v), 0)}">
<h1>${esc(r.name)}</h1>
<p>${source}, ${num(info.duration / 60, 1)} min${start}, ${info.channels.filter((c) => !c.annotation).length} signal channel(s); processed: ${r.channels.map((c) => esc(`${c.plan.name} (${c.plan.type}, ${c.plan.fs} Hz)`)).join(', ')}.</p>
${summaryTable(r)}
${warnings.length ? `<details class="warn" open><summary>${warnings.length} warning(s)</summary><ul>${warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></details>` : ''}
<div id="charts"></div>
<script id="data" type="application/json">${data}</script>
<script>${uplotJs}</script>
<script>${script}</script>
</body></html>
`;
}
