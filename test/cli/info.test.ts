import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alignTable, annotatorsOf, formatInfo, infoJson } from '../../src/cli/info.js';
import { serveFolder } from '../helpers/http-server.js';
import { openRecording } from '../../src/io/open.js';
import { writeAnnotations } from '../../src/io/wfdb/annotations.js';
import { writeWfdb } from '../../src/io/wfdb/writer.js';
import { MemoryRecording } from '../../src/io/memory.js';
import { cliPath, needShared, shared, sharedDir } from '../helpers/shared.js';

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
}

test('info --json prints path, format, duration, channels, annotation count and comments', { skip: needShared('data/wfdb/100s.hea') }, () => {
  const r = cli('info', '--json', shared('data/wfdb/100s.hea'));
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { path: string; format: string; duration: number; channels: Record<string, unknown>[]; annotations: number; comments: string[] };
  assert.equal(j.path, shared('data/wfdb/100s.hea'));
  assert.equal(j.format, 'wfdb');
  assert.equal(j.duration, 60);
  assert.equal(typeof j.annotations, 'number');
  assert.ok(Array.isArray(j.comments));
  assert.deepEqual(j.channels.map((c) => [c.name, c.fs, c.samples, c.unit, c.storage, c.gain, c.baseline]),
    [['MLII', 360, 21600, 'mV', '212', 200, 1024], ['V5', 360, 21600, 'mV', '212', 200, 1024]]);
});

test('info prints an aligned table by default', { skip: needShared('data/wfdb/100s.hea') }, () => {
  const r = cli('info', shared('data/wfdb/100s.hea'));
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.ok(lines.includes('format       wfdb'), r.stdout);
  const head = lines.findIndex((l) => l.startsWith('#  name'));
  assert.ok(head > 0, r.stdout);
  // every row of the table starts its 'samples' column where the header does
  const col = lines[head]!.indexOf('samples') + 'samples'.length;
  assert.equal(lines[head + 1]!.slice(0, col).trimEnd().endsWith('21600'), true, lines[head + 1]);
  assert.equal(lines[head + 2]!.slice(0, col).trimEnd().endsWith('21600'), true, lines[head + 2]);
});

test('info on text without a rate exits 2 asking for --fs, and works with it', { skip: needShared('data/ecg/heartpy_e0103_250hz.csv') }, () => {
  const bad = cli('info', shared('data/ecg/heartpy_e0103_250hz.csv'));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^vitaldsp: .*--fs/);
  const ok = cli('info', '--json', '--fs', '250', shared('data/ecg/heartpy_e0103_250hz.csv'));
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual((JSON.parse(ok.stdout) as { channels: { fs: number; samples: number }[] }).channels.map((c) => [c.fs, c.samples]), [[250, 30000]]);
});

test('info --format overrides detection and --fs must be a positive number', { skip: needShared('data/ecg/biosppy_ecg.txt') }, () => {
  const wrong = cli('info', '--format', 'npy', shared('data/ecg/biosppy_ecg.txt'));
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /NPY magic/);
  assert.notEqual(cli('info', '--format', 'xls', shared('data/ecg/biosppy_ecg.txt')).status, 0);
  const fs = cli('info', '--fs', 'fast', shared('data/ecg/biosppy_ecg.txt'));
  assert.notEqual(fs.status, 0);
  assert.match(fs.stderr, /fs must be a positive number/);
});

test('infoJson counts annotations and formatInfo aligns numeric columns right', () => {
  const rec = new MemoryRecording({ data: [new Float64Array(5), new Float32Array(5)], fs: 2.5, names: ['a', 'longer name'], units: ['mV', ''] });
  rec.info.annotations.push({ onset: 1, duration: 0, text: 'x' });
  const j = infoJson(rec.info);
  assert.equal(j.annotations, 1);
  assert.equal(j.variant, 'memory');
  const text = formatInfo(rec.info);
  assert.match(text, /duration {5}2 s \(0:00:02\)/);
  assert.equal(alignTable(['n', 'v'], [['a', '1'], ['bb', '100']], [false, true]), 'n     v\na     1\nbb  100');
});

interface CatalogChannel { name: string; unit?: string | null; fs: number; samples: number }
interface CatalogEntry { format: string; variant?: string | null; channels?: CatalogChannel[]; rows?: number; shape?: number[] }
interface InfoJson { path: string; format: string; variant?: string; startTime?: string; duration: number; annotations: number; channels: { name: string; unit: string; fs: number; samples: number; storage: string; gain: number; baseline: number; annotation?: boolean }[] }

const catalogPath = sharedDir ? join(sharedDir, 'data', 'catalog.json') : '';
const catalog: Record<string, CatalogEntry> = existsSync(catalogPath) ? JSON.parse(readFileSync(catalogPath, 'utf8')) as Record<string, CatalogEntry> : {};

for (const [rel, want] of Object.entries(catalog)) {
  test(`info --json on ${rel} reports what catalog.json says the file holds`, { skip: needShared(`data/${rel}`) }, () => {
    // Text and NPY files state no rate (or one --fs overrides): the catalog gives their rows only.
    const r = cli('info', '--json', ...(want.format === 'text' || want.format === 'npy' ? ['--fs', '100'] : []), shared(`data/${rel}`));
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as InfoJson;
    assert.equal(j.format, want.format);
    if (want.variant) assert.equal(j.variant, want.variant);
    if (want.channels) {
      assert.deepEqual(j.channels.map((c) => [c.name, c.fs, c.samples]), want.channels.map((c) => [c.name, c.fs, c.samples]));
      want.channels.forEach((c, k) => { if (c.unit != null) assert.equal(j.channels[k]!.unit, c.unit, c.name); });
    }
    const n = want.rows ?? want.shape?.[0];
    if (n !== undefined) assert.ok(j.channels.every((c) => c.samples === n), `every column has ${n} samples`);
  });
}

/** A regular expression that matches the table row of channel `i` as formatInfo prints it from the JSON. */
function rowPattern(i: number, c: InfoJson['channels'][number]): RegExp {
  const cells = [String(i), c.name, c.unit, String(c.fs), String(c.samples), c.storage, String(c.gain), String(c.baseline), c.annotation ? 'annotations' : '']
    .filter((x) => x !== '').map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${cells.join(' +')}$`, 'm');
}

const AGREE: [string, string[]][] = [
  ['data/wfdb/03700181.hea', []],
  ['data/edf/test_utf8.edf', []],
  ['data/edf/test_generator.bdf', []],
  ['data/ppg/systole_ppg_75hz.npy', ['--fs', '75']],
  ['data/ecg/vitaldsp_ECG_short.csv', []],
];
for (const [rel, extra] of AGREE) {
  test(`info's table and info --json say the same of ${rel}`, { skip: needShared(rel) }, () => {
    const text = cli('info', ...extra, shared(rel));
    const json = cli('info', '--json', ...extra, shared(rel));
    assert.equal(text.status, 0, text.stderr);
    assert.equal(json.status, 0, json.stderr);
    const j = JSON.parse(json.stdout) as InfoJson;
    assert.match(text.stdout, new RegExp(`^file +${j.path.replace(/[.]/g, '\\.')}$`, 'm'));
    assert.match(text.stdout, new RegExp(`^format +${j.format}${j.variant ? ` \\(${j.variant.replace(/[+]/g, '\\+')}\\)` : ''}$`, 'm'));
    assert.match(text.stdout, new RegExp(`^duration +${+j.duration.toFixed(6)} s `, 'm'));
    assert.match(text.stdout, new RegExp(`^channels +${j.channels.length}$`, 'm'));
    assert.match(text.stdout, new RegExp(`^annotations +${j.annotations}$`, 'm'));
    if (j.startTime) assert.ok(text.stdout.includes(`start        ${j.startTime}\n`), text.stdout);
    else assert.doesNotMatch(text.stdout, /^start /m);
    j.channels.forEach((c, i) => assert.match(text.stdout, rowPattern(i, c), `row ${i} '${c.name}'`));
  });
}

test('info reads WFDB, EDF and CSV files whose paths hold spaces and non-ASCII letters', { skip: needShared('data/wfdb/100s.hea') || needShared('data/edf/test_utf8.edf') }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp info é ü-'));
  try {
    for (const f of ['100s.hea', '100s.dat', '100s.atr']) copyFileSync(shared(`data/wfdb/${f}`), join(dir, f));
    copyFileSync(shared('data/edf/test_utf8.edf'), join(dir, 'nuit ü.edf'));
    copyFileSync(shared('data/ecg/heartpy_e0103_250hz.csv'), join(dir, 'électro cardio.csv'));
    const cases: [string, string[], number, number][] = [
      [join(dir, '100s.hea'), [], 2, 21600],
      [join(dir, '100s'), [], 2, 21600],
      [join(dir, 'nuit ü.edf'), [], 2, 89344],
      [join(dir, 'électro cardio.csv'), ['--fs', '250'], 1, 30000],
    ];
    for (const [path, extra, n, samples] of cases) {
      const r = cli('info', '--json', ...extra, path);
      assert.equal(r.status, 0, r.stderr);
      const j = JSON.parse(r.stdout) as InfoJson;
      assert.equal(j.channels.length, n, path);
      assert.equal(j.channels[0]!.samples, samples, path);
      assert.ok(j.path.startsWith(dir), j.path);
    }
    const missing = cli('info', join(dir, 'absent ü.edf'));
    assert.equal(missing.status, 2);
    assert.ok(missing.stderr.startsWith(`vitaldsp: ${join(dir, 'absent ü.edf')}: `), missing.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('annotatorsOf lists the files beside a WFDB record that read as annotations, with their counts; at a URL, those of the common annotator names', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-annotators-'));
  try {
    const rec = new MemoryRecording({ data: new Float64Array(100), fs: 10, names: ['x'] });
    await writeWfdb(rec, join(dir, 'r.hea'));
    const note = (sample: number) => ({ sample, symbol: 'N', subtype: 0, chan: 0, num: 0, aux: '' });
    await writeAnnotations(join(dir, 'r.atr'), [note(1), note(5), note(9)]);
    await writeAnnotations(join(dir, 'r.qrs'), [note(2)]);
    // Not annotations: another record's file, a text file, garbage, a name with a dot in its annotator.
    await writeAnnotations(join(dir, 'other.atr'), [note(3)]);
    writeFileSync(join(dir, 'r.txt'), 'sample,time\n1,0.1\n');
    writeFileSync(join(dir, 'r.bad'), Uint8Array.of(1, 0xff, 0xff, 0xff));
    await writeAnnotations(join(dir, 'r.a.b'), [note(4)]);
    await writeAnnotations(join(dir, 'r.zzz'), [note(6)]);
    // At a URL the folder cannot be listed: the common annotator names are looked for.
    const server = await serveFolder(dir);
    const remote = await openRecording(`${server.base}r.hea`);
    try {
      assert.deepEqual(await annotatorsOf(remote.info), [{ name: 'atr', count: 3 }, { name: 'qrs', count: 1 }]);
    } finally {
      await remote.close();
      await server.close();
    }
    const opened = await openRecording(join(dir, 'r.hea'));
    try {
      const found = await annotatorsOf(opened.info);
      assert.deepEqual(found, [{ name: 'atr', count: 3 }, { name: 'qrs', count: 1 }, { name: 'zzz', count: 1 }]);
      assert.match(formatInfo(opened.info, found), /^annotators {3}atr \(3\), qrs \(1\), zzz \(1\)$/m);
      assert.deepEqual(infoJson(opened.info, found)['annotators'], found);
      assert.equal(infoJson(opened.info)['annotators'], undefined);
    } finally {
      await opened.close();
    }
    assert.deepEqual(await annotatorsOf(rec.info), [], 'a recording that is not WFDB has none');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
