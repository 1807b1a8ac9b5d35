/**
 * report.html: one self-contained page (no network) with the record's overview, a zoomable trace
 * with the detected beats, quality over time and feature trends. Charts are drawn by uPlot, inlined
 * with its stylesheet; the data travels as one JSON object in the page.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RecordResult } from '../pipeline/process.js';

const require = createRequire(import.meta.url);
const uplotJs = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (v: number | undefined, d = 3) => (v === undefined || !Number.isFinite(v) ? '–' : String(Number(v.toPrecision(d + 2))));

/** Feature trends plotted per signal type, in this order, when present. */
const trendKeys: Record<string, string[]> = {
  ecg: ['hr_mean', 'sdnn', 'rmssd', 'lf_hf'],
  ppg: ['hr_mean', 'sdnn', 'rmssd'],
  resp: ['breathing_rate', 'breath_interval_cv'],
  eeg: ['delta_rel', 'theta_rel', 'alpha_rel', 'beta_rel', 'gamma_rel'],
  unknown: ['quality'],
};

/** Finite numbers as is, anything else as null (a gap in the chart). */
const clean = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(7)) : null);

function chartData(r: RecordResult) {
  return r.channels.map((c, i) => {
    const fs = c.plan.fs;
    const binSeconds = c.plan.samples / fs / Math.max(1, c.envelope.min.length);
    const traceT = c.trace.map((_, k) => Number(((k * c.traceStride) / fs).toFixed(4)));
    const traceEnd = traceT.length ? traceT[traceT.length - 1]! : 0;
    const beats = c.beats.filter((b) => b.sample / fs <= traceEnd);
    // Beats as a sparse series on the trace's time axis.
    const beatY: (number | null)[] = new Array(traceT.length).fill(null);
    for (const b of beats) {
      const k = Math.round(b.sample / c.traceStride);
      if (k < beatY.length) beatY[k] = clean(b.amplitude);
    }
    const rows = r.features.filter((f) => f.channel === c.plan.name);
    const keys = trendKeys[c.plan.type]!.filter((k) => rows.some((f) => typeof f[k] === 'number' && Number.isFinite(f[k] as number)));
    return {
      name: c.plan.name, type: c.plan.type, unit: c.plan.unit,
      overview: [c.envelope.min.map((_, k) => Number((k * binSeconds).toFixed(3))), c.envelope.min.map(clean), c.envelope.max.map(clean)],
      trace: [traceT, c.trace.map(clean), beatY],
      quality: [c.windows.map((w) => w.start), c.windows.map((w) => clean(w.score))],
      trends: { keys, data: [rows.map((f) => f.start_s as number), ...keys.map((k) => rows.map((f) => clean(f[k])))] },
      summary: r.summaries[i],
    };
  });
}

function summaryTable(r: RecordResult): string {
  const rows = r.summaries.map((s) => {
    const rec = s.record;
    const hr = rec['hr_mean'] ?? s.segments['hr_mean']?.value;
    return `<tr><td>${esc(s.channel)}</td><td>${s.type}</td><td>${num(s.durationSeconds / 60, 1)}</td><td>${num(s.meanQuality, 2)}</td><td>${num(s.processedFraction * 100, 1)} %</td><td>${s.beats}</td><td>${num(hr, 1)}</td><td>${num(rec['sdnn'], 1)}</td><td>${num(rec['rmssd'], 1)}</td></tr>`;
  }).join('');
  return `<table><thead><tr><th>channel</th><th>type</th><th>minutes</th><th>mean quality</th><th>processed</th><th>beats</th><th>HR (bpm)</th><th>SDNN (ms)</th><th>RMSSD (ms)</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const script = `
const data = JSON.parse(document.getElementById('data').textContent);
const width = () => Math.min(1100, document.body.clientWidth - 40);
const palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
function chart(el, title, series, d, opts = {}) {
  const div = document.createElement('div');
  div.className = 'chart';
  el.appendChild(div);
  return new uPlot({ title, width: width(), height: opts.height || 220, scales: { x: { time: false } }, series: [{ label: 's' }, ...series], axes: [{ label: 'time (s)' }, { label: opts.ylabel || '' }], cursor: { drag: { x: true, y: false } } }, d, div);
}
for (const c of data.channels) {
  const sec = document.createElement('section');
  sec.innerHTML = '<h2></h2>';
  sec.querySelector('h2').textContent = c.name + ' (' + c.type + ')';
  document.getElementById('charts').appendChild(sec);
  chart(sec, 'Overview (min/max of the cleaned signal)', [{ label: 'min', stroke: '#888' }, { label: 'max', stroke: palette[0] }], c.overview, { ylabel: c.unit });
  if (c.trace[0].length) chart(sec, 'Trace with detected beats (drag to zoom, double-click to reset)', [{ label: 'signal', stroke: palette[0] }, { label: 'beats', stroke: palette[1], width: 0, points: { show: true, size: 7, fill: palette[1] } }], c.trace, { height: 260, ylabel: c.unit });
  chart(sec, 'Quality score per window', [{ label: 'score', stroke: palette[2], fill: 'rgba(44,160,44,0.15)' }], c.quality, { ylabel: 'score' });
  if (c.trends.keys.length && c.trends.data[0].length) chart(sec, 'Feature trends per segment', c.trends.keys.map((k, i) => ({ label: k, stroke: palette[(i + 3) % palette.length], points: { show: true } })), c.trends.data);
}
document.body.dataset.charts = String(document.querySelectorAll('.uplot').length);
`;

export function renderReport(r: RecordResult): string {
  const data = JSON.stringify({ channels: chartData(r) }).replace(/</g, '\\u003c');
  const warnings = r.stages.flatMap((s) => s.warnings);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.name)}: vitaldsp report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${uplotCss}
body { font: 14px/1.4 system-ui, sans-serif; margin: 20px; color: #222; }
table { border-collapse: collapse; margin: 10px 0 20px; } td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th { background: #f3f3f3; } td:first-child, td:nth-child(2) { text-align: left; } .chart { margin: 8px 0 18px; }
.warn { color: #8a5300; }
</style></head><body>
<h1>${esc(r.name)}</h1>
<p>${esc(r.ingest.info.format)} recording, ${num(r.ingest.info.duration / 60, 1)} min, ${r.ingest.info.channels.length} channel(s); processed: ${r.channels.map((c) => esc(`${c.plan.name} (${c.plan.type}, ${c.plan.fs} Hz)`)).join(', ')}.</p>
${summaryTable(r)}
${warnings.length ? `<details class="warn"><summary>${warnings.length} warning(s)</summary><ul>${warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></details>` : ''}
<div id="charts"></div>
<script id="data" type="application/json">${data}</script>
<script>${uplotJs}</script>
<script>${script}</script>
</body></html>
`;
}
