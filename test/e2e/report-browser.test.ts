/**
 * report.html end to end: process a recording, open its report in headless Chromium and check that
 * the page runs cleanly, draws every chart it promises, zooms, and makes no network request.
 * Skips when no Chromium binary is installed (`apt-get install chromium`; CI installs it).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { processRecording, type ProcessOptions } from '../../src/pipeline/process.js';
import type { Source } from '../../src/pipeline/source.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';
import { needShared, shared } from '../helpers/shared.js';

function findChromium(): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  const candidates = [process.env['CHROMIUM_PATH'], ...['chromium', 'chromium-browser'].flatMap((n) => dirs.map((d) => join(d, n))), '/usr/bin/chromium'];
  return candidates.find((p): p is string => {
    if (!p) return false;
    try { accessSync(p, constants.X_OK); return statSync(p).isFile(); } catch { return false; }
  });
}

const executablePath = findChromium();
const noBrowser = executablePath ? false : 'no chromium binary found (apt-get install chromium, or set CHROMIUM_PATH)';
const config = { env: {}, set: ['runtime.workers=1'] };
const work = mkdtempSync(join(tmpdir(), 'vitaldsp-report-e2e-'));
let browser: BrowserContext | undefined;

before(async () => {
  if (!executablePath) return;
  browser = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath, headless: true, viewport: { width: 1200, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

interface PlotCheck { channel: number; role: string; coloured: number; yMin: number; yMax: number }

/**
 * In the page: per chart, the pixels of its plot area drawn in a colour (series, bands, quality
 * levels; grid and axes are grey) and its y range.
 */
const inspectPlots = `(() => window.vitaldsp.plots.map(({ channel, role, plot }) => {
  const b = plot.bbox, px = plot.ctx.getImageData(b.left, b.top, b.width, b.height).data;
  let coloured = 0;
  for (let i = 0; i < px.length; i += 4) {
    if (px[i + 3] > 100 && Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 40) coloured++;
  }
  return { channel, role, coloured, yMin: plot.scales.y.min, yMax: plot.scales.y.max };
}))()`;

const traceScale = (channel: number) => `(() => { const s = window.vitaldsp.plots.find((p) => p.channel === ${channel} && p.role === 'trace').plot.scales.x; return [s.min, s.max]; })()`;

interface Case { name: string; skip: false | string; source: () => Source; options?: ProcessOptions }

const cases: Case[] = [
  {
    name: 'a synthetic ECG', skip: false,
    source: () => ({ data: syntheticEcg({ fs: 250, seconds: 600, heartRate: 70, seed: 9 }).signal, fs: 250, signalType: 'ecg', metadata: { name: 'synthetic-ecg', units: ['mV'] } }),
  },
  { name: 'MIT-BIH record 100s (WFDB)', skip: needShared('data/wfdb/100s.hea'), source: () => shared('data/wfdb/100s.hea') },
  { name: 'an EEG recording (EDF+)', skip: needShared('data/edf/test_subsecond.edf'), source: () => shared('data/edf/test_subsecond.edf') },
  {
    name: 'a PPG CSV export', skip: needShared('data/ppg/vitaldsp_PPG_short.csv'), source: () => shared('data/ppg/vitaldsp_PPG_short.csv'),
    options: { signal: 'ppg', channels: ['PLETH'] },
  },
];

for (const c of cases) {
  test(`report.html of ${c.name} runs cleanly in Chromium, draws every chart and zooms`, { skip: noBrowser || c.skip }, async () => {
    const r = await processRecording(c.source(), { config, out: join(work, 'out'), ...c.options });
    const report = r.files!.report;
    const page = await browser!.newPage();
    const problems: string[] = [], requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (q) => { if (!/^(file|data|about|blob):/.test(q.url())) requests.push(q.url()); });
    try {
      await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
      await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
      assert.deepEqual(problems, []);
      assert.deepEqual(requests, [], 'the page fetches nothing');

      const promised = Number(await page.evaluate<string>('document.body.dataset.charts'));
      const counts = await page.evaluate<[number, number[]]>(`[document.querySelectorAll('.uplot').length,
        [...document.querySelectorAll('#charts > section')].map((s) => s.querySelectorAll('.uplot').length)]`);
      assert.equal(counts[0], promised, 'every promised chart exists');
      assert.equal(counts[1].length, r.channels.length, 'one section per processed channel');
      for (const n of counts[1]) assert.ok(n >= 3, `a section has only ${n} charts`);
      const names = await page.evaluate<string[]>(`[...document.querySelectorAll('#charts > section')].map((s) => s.dataset.channel)`);
      assert.deepEqual(names, r.channels.map((ch) => ch.plan.name));

      const plots = await page.evaluate<PlotCheck[]>(inspectPlots);
      assert.equal(plots.length, promised);
      for (const p of plots) {
        assert.ok(p.coloured > 300, `channel ${p.channel} ${p.role}: only ${p.coloured} coloured pixels`);
        assert.ok(Number.isFinite(p.yMin) && Number.isFinite(p.yMax) && p.yMax > p.yMin, `channel ${p.channel} ${p.role}: y range ${p.yMin}..${p.yMax}`);
        if (p.role === 'quality') assert.deepEqual([p.yMin, p.yMax], [0, 1], 'quality scores on a fixed 0-1 axis');
      }

      // The trace opens on its first 10 s (ECG, PPG and EEG alike), where single waves are visible.
      const ch = r.channels[0]!;
      const traceEnd = ((ch.trace.length - 1) * ch.traceStride) / ch.plan.fs;
      const [x0, x1] = await page.evaluate<[number, number]>(traceScale(0));
      assert.deepEqual([x0, x1], [0, Math.min(10, (ch.trace.length * ch.traceStride) / ch.plan.fs)]);
      // Drag-select the middle of the first trace: the x scale narrows to what was selected.
      const over = page.locator('#charts > section').first().locator('[data-role=trace] .u-over');
      const box = (await over.boundingBox())!;
      const y = box.y + box.height / 2;
      await page.mouse.move(box.x + box.width * 0.2, y);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.6, y, { steps: 8 });
      await page.mouse.up();
      const [z0, z1] = await page.evaluate<[number, number]>(traceScale(0));
      const span = x1 - x0;
      assert.ok(Math.abs(z0 - (x0 + 0.2 * span)) < 0.03 * span && Math.abs(z1 - (x0 + 0.6 * span)) < 0.03 * span, `zoomed ${x0}..${x1} to ${z0}..${z1}`);
      // Double-click shows the whole trace.
      await over.dblclick({ position: { x: box.width / 2, y: box.height / 2 } });
      const [w0, w1] = await page.evaluate<[number, number]>(traceScale(0));
      assert.ok(w0 === 0 && Math.abs(w1 - traceEnd) < 1e-6, `reset to ${w0}..${w1}, expected 0..${traceEnd}`);
      assert.deepEqual(problems, []);

      const shot = join(tmpdir(), `vitaldsp-report-${r.name}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      const png = readFileSync(shot);
      assert.equal(png.subarray(1, 4).toString(), 'PNG');
      assert.ok(png.length > 30_000, `screenshot ${shot} is only ${png.length} bytes`);
    } finally {
      await page.close();
    }
  });
}
