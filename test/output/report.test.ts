import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../../src/output/report.js';
import { processRecording, type RecordResult } from '../../src/pipeline/process.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';

const config = { env: {}, set: ['runtime.workers=1'] };

interface PageChannel {
  name: string;
  overview: { dt: number; min: (number | null)[]; max: (number | null)[] };
  trace: { dt: number; y: (number | null)[]; beatIndex: number[]; beatAmp: (number | null)[] };
  quality: { start: number[]; end: number[]; score: (number | null)[]; level: number[] };
  trends: { title: string; x: number[]; ys: (number | null)[][] }[];
}

/** The JSON object the page embeds for its charts. */
function pageData(html: string): { channels: PageChannel[] } {
  const m = /<script id="data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'the page embeds a data script');
  return JSON.parse(m[1]!) as { channels: PageChannel[] };
}

const hostile = `<img src=x onerror=alert(1)>"'&</script><script>alert(2)</script>`;
const ecgA = syntheticEcg({ fs: 250, seconds: 600, heartRate: 66, seed: 21 });
const ecgB = syntheticEcg({ fs: 250, seconds: 600, heartRate: 66, seed: 22, noise: 0.05 });
let processed: Promise<RecordResult> | undefined;
/** Two 10-min ECG channels with hostile record and channel names, processed once (in memory). */
const twoChannels = () => (processed ??= processRecording(
  { data: [ecgA.signal, ecgB.signal], fs: 250, signalType: 'ecg', metadata: { name: hostile, names: ['lead I', `V5 ${hostile}`], units: ['mV', 'mV'] } },
  { config, channels: 'all' },
));

test('renderReport makes a self-contained page: no external scripts, styles or http(s) URLs in src or href', async () => {
  const html = renderReport(await twoChannels());
  assert.doesNotMatch(html, /\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
  assert.doesNotMatch(html, /<script\b[^>]*\bsrc\s*=/i);
  assert.doesNotMatch(html, /<link\b/i);
  assert.doesNotMatch(html, /@import|url\(\s*["']?https?:/i);
  assert.match(html, /var uPlot=/, 'uPlot is inlined');
  assert.equal(html.match(/<script\b/gi)!.length, 3, 'data, uPlot and the page script');
  assert.equal(html.match(/<\/script>/gi)!.length, 3, 'no name closes a script early');
});

test('renderReport embeds the chart data as parseable JSON that matches the processed channels', async () => {
  const r = await twoChannels();
  const data = pageData(renderReport(r));
  assert.equal(data.channels.length, r.channels.length);
  data.channels.forEach((c, i) => {
    const src = r.channels[i]!;
    assert.equal(c.name, src.plan.name);
    assert.equal(c.overview.min.length, src.envelope.min.length);
    assert.equal(c.quality.start.length, src.windows.start.length);
    assert.deepEqual(c.quality.start, Array.from(src.windows.start));
    assert.equal(c.trace.y.length, src.trace.length);
    assert.ok(Math.abs(c.trace.dt - src.traceStride / src.plan.fs) < 1e-12);
    // Rounding for the page stays far below what a screen can show: 1e-4 of the signal's range.
    let lo = Infinity, hi = -Infinity;
    for (const v of src.trace) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const tol = (hi - lo) * 1e-4;
    src.trace.forEach((v, k) => assert.ok(Math.abs(c.trace.y[k]! - v) <= tol, `trace[${k}] ${c.trace.y[k]} vs ${v}`));
    src.envelope.max.forEach((v, k) => assert.ok(Math.abs(c.overview.max[k]! - v) <= tol, `envelope max[${k}]`));
    // The overview's bins span the channel.
    assert.ok(Math.abs(c.overview.dt * c.overview.min.length - src.plan.samples / src.plan.fs) < 1e-9);
  });
});

test('renderReport escapes record and channel names in the markup and keeps them exact in the data', async () => {
  const r = await twoChannels();
  const html = renderReport(r);
  const markup = html.replace(/<script id="data"[\s\S]*?<\/script>/, '');
  assert.ok(!markup.includes('<img'), 'no injected element');
  assert.ok(!markup.includes('alert(2)</script>'));
  assert.ok(markup.includes('<title>&#60;img src=x onerror=alert(1)&#62;&#34;&#39;&#38;&#60;/script&#62;'));
  assert.ok(markup.includes('<h1>&#60;img src=x'));
  assert.ok(markup.includes('<td>V5 &#60;img src=x'), 'channel name in the summary table');
  assert.equal(pageData(html).channels[1]!.name, `V5 ${hostile}`);
});

test('renderReport promises one section of at least three charts per processed channel', async () => {
  const r = await twoChannels();
  const html = renderReport(r);
  const data = pageData(html);
  assert.deepEqual(data.channels.map((c) => c.name), ['lead I', `V5 ${hostile}`]);
  assert.equal(html.match(/<tbody>[\s\S]*?<\/tbody>/)![0].match(/<tr>/g)!.length, 2, 'one summary row per channel');
  // Per ECG channel of 10 min (two 5-min segments): overview, trace, quality, and the trends of
  // heart rate, HRV (ms) and LF/HF.
  for (const c of data.channels) assert.deepEqual(c.trends.map((t) => t.title), ['Heart rate per segment', 'Heart rate variability per segment', 'LF/HF ratio per segment']);
  assert.match(html, /<body data-charts="12">/);
});

test('renderReport lists every warning, escaped, and shows no warning block without warnings', async () => {
  const r = await twoChannels();
  assert.deepEqual(r.stages.flatMap((s) => s.warnings), [], 'clean input has no warnings');
  assert.doesNotMatch(renderReport(r), /warning\(s\)/);
  const stages = r.stages;
  r.stages = stages.map((s, i) => (i === 0 ? { ...s, warnings: ['channel 3 <flat> & "dead"', 'second'] } : s));
  try {
    const html = renderReport(r);
    assert.match(html, /<summary>2 warning\(s\)<\/summary>/);
    assert.ok(html.includes('<li>channel 3 &#60;flat&#62; &#38; &#34;dead&#34;</li><li>second</li>'));
  } finally {
    r.stages = stages;
  }
});

test('the decimated trace keeps every beat: each marker sits on the group holding its peak', async () => {
  // 1 kHz: the trace keeps one sample in 4 (the one farthest from zero), so markers must land on
  // the group that contains the beat's sample, whose kept value is at least the beat's amplitude.
  const fs = 1000;
  const ecg = syntheticEcg({ fs, seconds: 60, heartRate: 75, seed: 5 });
  const r = await processRecording({ data: ecg.signal, fs, signalType: 'ecg' }, { config });
  const ch = r.channels[0]!;
  assert.equal(ch.traceStride, 4);
  const c = pageData(renderReport(r)).channels[0]!;
  const inTrace = Array.from(ch.beats.sample).filter((s) => s < ch.trace.length * ch.traceStride);
  assert.ok(inTrace.length > 60, `${inTrace.length} beats in the trace`);
  assert.equal(c.trace.beatIndex.length, inTrace.length);
  let lo = Infinity, hi = -Infinity;
  for (const v of ch.trace) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const tol = (hi - lo) * 1e-4;
  inTrace.forEach((sample, j) => {
    const k = c.trace.beatIndex[j]!;
    const t = sample / fs, amplitude = ch.beats.amplitude[j]!;
    assert.ok(k * c.trace.dt <= t + 1e-12 && t < (k + 1) * c.trace.dt, `beat at ${t} s drawn at ${k * c.trace.dt} s`);
    assert.ok(Math.abs(c.trace.beatAmp[j]! - amplitude) <= tol);
    assert.ok(Math.abs(c.trace.y[k]!) >= Math.abs(amplitude) - tol, `beat ${j}: trace ${c.trace.y[k]} below the peak ${amplitude}`);
  });
});

interface PageTrends { channels: { name: string; trace: { events: string | null; beatIndex: number[] }; trends: { title: string; labels: string[]; x: number[]; ys: (number | null)[][] }[] }[] }

test('renderReport draws an EEG-only record with a non-ASCII name: band-power trend, no beat markers, name escaped in the markup', async () => {
  const fs = 256, name = 'Fp1–Cz 脑电 & <ref>';
  const eeg = Float64Array.from({ length: fs * 120 }, (_, i) => 20 * Math.sin((2 * Math.PI * 10 * i) / fs) + 5 * Math.sin((2 * Math.PI * 3 * i) / fs + 1) + 3 * Math.sin(i * 1.7));
  const r = await processRecording({ data: eeg, fs, signalType: 'eeg', metadata: { name: 'nuit ü', names: [name], units: ['µV'] } }, { config });
  const html = renderReport(r);
  const c = (pageData(html) as unknown as PageTrends).channels[0]!;
  assert.equal(c.name, name);
  assert.equal(c.trace.events, null);
  assert.deepEqual(c.trends.map((t) => t.title), ['Relative band power per epoch']);
  assert.deepEqual(c.trends[0]!.x, [15, 45, 75, 105], 'four 30 s epochs');
  assert.ok(c.trends[0]!.labels.some((l) => /^alpha \d+–\d+ Hz$/.test(l)), c.trends[0]!.labels.join(', '));
  assert.match(html, /<body data-charts="4">/, 'overview, trace, quality and one trend');
  assert.ok(html.includes('<h1>nuit ü</h1>'));
  assert.ok(html.includes('<td>Fp1–Cz 脑电 &#38; &#60;ref&#62;</td><td>eeg</td>'));
  assert.ok(html.includes('processed: Fp1–Cz 脑电 &#38; &#60;ref&#62; (eeg, 256 Hz).'));
});

test('renderReport of an ECG with no beats says none were detected and draws no trends', async () => {
  const r = await processRecording({ data: new Float64Array(250 * 120), fs: 250, signalType: 'ecg', metadata: { name: 'flat' } }, { config });
  assert.equal(r.channels[0]!.beats.sample.length, 0);
  const html = renderReport(r);
  const c = (pageData(html) as unknown as PageTrends).channels[0]!;
  assert.equal(c.trace.events, 'R peaks (none detected)');
  assert.deepEqual([c.trace.beatIndex, c.trends], [[], []]);
  assert.match(html, /<body data-charts="3">/);
  const row = html.match(/<tbody>[\s\S]*?<\/tbody>/)![0];
  assert.match(row, /<td>0<\/td><td>–<\/td><td>–<\/td><td>–<\/td><\/tr>/, 'no beats, no HR, SDNN or RMSSD');
});

test('renderReport draws a NaN feature as a gap and drops a trend left with fewer than two values', async () => {
  const r = await twoChannels();
  const features = r.features.map((f) => {
    if (f['channel'] === 'lead I' && f['start_s'] === 0) return { ...f, hr_mean: NaN };
    if (f['channel'] !== 'lead I' && f['start_s'] === 0) return { ...f, sdnn: NaN };
    return f;
  });
  const html = renderReport({ ...r, features });
  const [a, b] = (pageData(html) as unknown as PageTrends).channels;
  assert.deepEqual(a!.trends.map((t) => t.title), ['Heart rate variability per segment', 'LF/HF ratio per segment'], 'one heart rate left: no HR trend');
  const hrv = b!.trends.find((t) => t.title === 'Heart rate variability per segment')!;
  assert.deepEqual(hrv.labels, ['RMSSD'], 'SDNN has one value left');
  assert.match(html, /<body data-charts="11">/);
  assert.doesNotMatch(html.match(/<script id="data"[\s\S]*?<\/script>/)![0], /NaN/);
});

test('renderReport gives each channel its own trends when two channels of the record share a label', async () => {
  // The record's labels repeat; the pipeline names the channels apart by their index, and the
  // report's trends follow those names.
  const r = await processRecording(
    { data: [ecgA.signal, ecgB.signal], fs: 250, signalType: 'ecg', metadata: { names: ['ECG', 'ECG'], units: ['mV', 'mV'] } },
    { config, channels: 'all' },
  );
  const page = (pageData(renderReport(r)) as unknown as PageTrends).channels;
  assert.deepEqual(page.map((c) => c.name), ['ECG (0)', 'ECG (1)']);
  for (const c of page) assert.deepEqual(c.trends[0]!.x, [150, 450], 'two 5-min segments per channel');
});
