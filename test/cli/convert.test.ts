import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecording } from '../../src/io/open.js';
import { readAnnotations, type WfdbAnnotation } from '../../src/io/wfdb/annotations.js';
import { annotationText } from '../../src/cli/convert.js';
import type { Recording } from '../../src/io/recording.js';
import { cliPath, needShared, shared } from '../helpers/shared.js';
import { flacDir } from '../helpers/flac-golden.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-convert-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
}

async function withRecs(paths: [string, string], fn: (a: Recording, b: Recording) => Promise<void>, fs?: number): Promise<void> {
  const a = await openRecording(paths[0]);
  const b = await openRecording(paths[1], fs !== undefined ? { fs } : {});
  try {
    await fn(a, b);
  } finally {
    await a.close();
    await b.close();
  }
}

test('convert WFDB format 212 -> CSV gives the physical values of a direct read', { skip: needShared('data/wfdb/100s.hea') }, async () => {
  const out = join(dir, '100s.csv');
  const r = cli('convert', shared('data/wfdb/100s.hea'), out);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(out, 'utf8').split('\n')[0], 'time_s,MLII,V5');
  await withRecs([shared('data/wfdb/100s.hea'), out], async (src, csv) => {
    assert.equal(src.info.channels[0]!.storage, '212');
    assert.deepEqual(csv.info.channels.map((c) => [c.name, c.samples]), [['MLII', 21600], ['V5', 21600]]);
    const want = await src.read([0, 1], 0, 21600);
    const got = await csv.read([0, 1], 0, 21600);
    assert.deepEqual(got, want);
    assert.deepEqual(csv.info.channels.map((c) => c.fs), [360, 360], 'the rate, from the time column');
  });
});

test('convert EDF -> WFDB format 16 keeps the stored values of every signal channel', { skip: needShared('data/edf/test_generator.edf') }, async () => {
  const out = join(dir, 'gen.hea');
  const r = cli('convert', shared('data/edf/test_generator.edf'), out, '--format', '16');
  assert.equal(r.status, 0, r.stderr);
  await withRecs([shared('data/edf/test_generator.edf'), out], async (edf, wfdb) => {
    const sig = edf.signalChannels();
    assert.deepEqual(wfdb.info.channels.map((c) => c.name), sig.map((i) => edf.info.channels[i]!.name));
    assert.ok(wfdb.info.channels.every((c) => c.storage === '16'));
    for (let k = 0; k < sig.length; k++) {
      const n = edf.info.channels[sig[k]!]!.samples;
      assert.equal(wfdb.info.channels[k]!.samples, n);
      assert.equal(wfdb.info.channels[k]!.fs, edf.info.channels[sig[k]!]!.fs);
      const [a] = await edf.read(sig[k]!, 0, n, { raw: true });
      const [b] = await wfdb.read(k, 0, n, { raw: true });
      assert.deepEqual(b, a, edf.info.channels[sig[k]!]!.name);
    }
  });
});

test('convert WFDB -> WFDB 212 and -> EDF keep the stored values', { skip: needShared('data/wfdb/100s.hea') }, async () => {
  for (const [name, args] of [['w212.hea', ['--format', '212']], ['w.edf', []]] as const) {
    const out = join(dir, name);
    const r = cli('convert', shared('data/wfdb/100s.hea'), out, ...args);
    assert.equal(r.status, 0, r.stderr);
    await withRecs([shared('data/wfdb/100s.hea'), out], async (src, dst) => {
      for (const ch of ['MLII', 'V5']) {
        const [a] = await src.read(ch, 0, 21600, { raw: true });
        const [b] = await dst.read(ch, 0, 21600, { raw: true });
        assert.deepEqual(b, a, `${name} ${ch}`);
      }
    });
  }
});

test('convert selects channels with repeated --channel (index or name)', { skip: needShared('data/wfdb/03700181.hea') }, () => {
  const out = join(dir, 'abp.csv');
  const r = cli('convert', shared('data/wfdb/03700181.hea'), out, '--channel', 'ABP', '-c', '2');
  assert.equal(r.status, 0, r.stderr);
  const lines = readFileSync(out, 'utf8').split('\n');
  assert.equal(lines[0], 'time_s,ABP,RESP');
  assert.equal(lines.length, 75002);
});

test('convert --raw writes stored integers to CSV, after the time in seconds', { skip: needShared('data/wfdb/100s.hea') }, () => {
  const out = join(dir, 'raw.csv');
  assert.equal(cli('convert', shared('data/wfdb/100s.hea'), out, '--raw').status, 0);
  const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
  assert.equal(lines[1], '0,995,1011');
  assert.equal(lines[2]!.split(',')[0], String(1 / 360));
  assert.ok(lines.slice(1).every((l) => /^[\d.e-]+,-?\d+,-?\d+$/.test(l)));
});

test('convert --no-time writes CSV without the time column', { skip: needShared('data/wfdb/100s.hea') }, () => {
  const out = join(dir, 'notime.csv');
  assert.equal(cli('convert', shared('data/wfdb/100s.hea'), out, '--raw', '--no-time').status, 0);
  const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
  assert.equal(lines[0], 'MLII,V5');
  assert.equal(lines[1], '995,1011');
  assert.ok(lines.slice(1).every((l) => /^-?\d+,-?\d+$/.test(l)));
});

test('convert FLAC-compressed WFDB (516) -> WFDB 16, EDF and WFDB 516 again keeps every stored value', async () => {
  for (const [name, args] of [['f16.hea', []], ['f.edf', []], ['f516.hea', ['--format', '516']]] as const) {
    const out = join(dir, name);
    const r = cli('convert', join(flacDir, 'flac516.hea'), out, ...args);
    assert.equal(r.status, 0, r.stderr);
    await withRecs([join(flacDir, 'flac516_ref.hea'), out], async (ref, got) => {
      for (const ch of ['ECG', 'PPG']) assert.deepEqual(await got.read(ch, 0, 7000, { raw: true }), await ref.read(ch, 0, 7000, { raw: true }), `${name} ${ch}`);
    });
  }
});

const REFUSED: [string, string[], RegExp][] = [
  ['channels of different rates to CSV', ['data/wfdb/03700181.hea', 'mr.csv'], /different sampling rates.*--channel/],
  ['an unknown output extension', ['data/wfdb/100s.hea', 'x.xlsx'], /output must end in \.hea/],
  ['--raw for WFDB output', ['data/wfdb/100s.hea', 'x.hea', '--raw'], /--raw applies to CSV output only/],
  ['--format for CSV output', ['data/wfdb/100s.hea', 'x.csv', '--format', '212'], /--format .* WFDB \(\.hea\) output only/],
  ['an unknown channel', ['data/wfdb/100s.hea', 'x.csv', '--channel', 'V9'], /no channel named 'V9'/],
  ['--no-time for EDF output', ['data/wfdb/100s.hea', 'x.edf', '--no-time'], /--no-time applies to CSV output only/],
  ['--annotator for CSV output', ['data/wfdb/100s.hea', 'x.csv', '--annotator', 'atr'], /--annotator applies to EDF, BDF and WFDB output/],
  ['--annotator for an EDF input', ['data/edf/test_utf8.edf', 'x.hea', '--annotator', 'atr'], /--annotator reads a WFDB annotation file .* is edf/],
  ['--annotator naming no file beside the record', ['data/wfdb/100s.hea', 'x.edf', '--annotator', 'qrs'], /100s\.qrs/],
  ['--annotator with a path in it', ['data/wfdb/100s.hea', 'x.edf', '--annotator', '../atr'], /annotator name such as atr/],
];

for (const [what, [input, output, ...rest], re] of REFUSED) {
  test(`convert refuses ${what} with exit code 2 and no output file`, { skip: needShared(input!) }, () => {
    const out = join(dir, output!);
    const r = cli('convert', shared(input!), out, ...rest);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, re);
    assert.ok(!existsSync(out));
  });
}

// A folder whose path holds a space and non-ASCII letters, as users' folders do.
const wdir = mkdtempSync(join(tmpdir(), 'vitaldsp convert é ü-'));
process.on('exit', () => rmSync(wdir, { recursive: true, force: true }));

/**
 * Largest absolute difference between two channels read over [0, n). A missing (NaN) sample must be
 * missing in both (Infinity otherwise), unless `skipMissing`: formats without NaN (EDF) store a value.
 */
async function maxDiff(a: Recording, ca: string | number, b: Recording, cb: string | number, n: number, skipMissing = false): Promise<number> {
  const [x] = await a.read(ca, 0, n);
  const [y] = await b.read(cb, 0, n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const u = x![i]!, v = y![i]!;
    if (Number.isNaN(u) || Number.isNaN(v)) {
      if (!(skipMissing && Number.isNaN(u)) && !(Number.isNaN(u) && Number.isNaN(v))) return Infinity;
      continue;
    }
    m = Math.max(m, Math.abs(u - v));
  }
  return m;
}

test('convert WFDB -> EDF -> CSV -> WFDB keeps names, rates, start time and samples within half an ADC step', { skip: needShared('data/wfdb/03700181.hea') }, async () => {
  const src = shared('data/wfdb/03700181.hea');
  const edf = join(wdir, 'abp resp.edf'), csv = join(wdir, 'abp resp.csv'), hea = join(wdir, 'abp_resp.hea');
  for (const args of [[src, edf, '-c', 'ABP', '-c', 'RESP'], [edf, csv], [csv, hea]]) {
    const r = cli('convert', ...args);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /2 channels, 75000 samples/);
  }
  assert.equal(readFileSync(csv, 'utf8').split('\n', 1)[0], 'time_s,ABP,RESP');
  // Each stage against the one before: EDF keeps the stored integers (its physical range fields round
  // to 8 characters, a tiny share of a step), CSV prints the EDF's values exactly, and the last WFDB
  // re-quantises those floats to 16 bits, within half of its own step and of the source's.
  const stages = [[src, {}, undefined, '1994-08-15T17:27:45'], [edf, {}, ['mmHg', 'mV'], '1994-08-15T17:27:45'], [csv, {}, ['', ''], undefined], [hea, {}, undefined, undefined]] as const;
  for (let s = 1; s < stages.length; s++) {
    const [prevPath, prevOpts] = stages[s - 1]!;
    const [path, opts, units, start] = stages[s]!;
    const prev = await openRecording(prevPath, prevOpts);
    const rec = await openRecording(path, opts);
    try {
      const sig = rec.signalChannels().map((i) => rec.info.channels[i]!);
      assert.deepEqual(sig.map((c) => [c.name, c.fs, c.samples]), [['ABP', 125, 75000], ['RESP', 125, 75000]], path);
      if (units) assert.deepEqual(sig.map((c) => c.unit), units, path);
      if (start) assert.equal(rec.info.startTime, start, path);
      for (const name of ['ABP', 'RESP']) {
        const srcStep = 1 / Math.abs(prev.info.channels[prev.channelIndex(name)]!.gain);
        const ownStep = 1 / Math.abs(rec.info.channels[rec.channelIndex(name)]!.gain);
        const tol = path === edf ? 0.01 * srcStep : path === csv ? 0 : 0.5 * ownStep + 1e-12;
        // RESP is skewed by 4 frames: its last 4 samples are missing in the source; EDF has no NaN.
        const d = await maxDiff(prev, name, rec, name, path === edf ? 75000 : 74996, path === edf);
        assert.ok(d <= tol, `${path} ${name}: max difference ${d} > ${tol}`);
      }
    } finally {
      await prev.close();
      await rec.close();
    }
  }
  const [a, b] = [await openRecording(src), await openRecording(hea)];
  try {
    for (const name of ['ABP', 'RESP']) {
      assert.ok(await maxDiff(a, name, b, name, 74996) < 0.5 / a.info.channels[a.channelIndex(name)]!.gain, `${name} within half a step of the source`);
    }
  } finally {
    await a.close();
    await b.close();
  }
});

test('convert WFDB 212 -> WFDB 16 keeps missing samples missing', {
  skip: needShared('data/wfdb/03700181.hea'),
}, async () => {
  const out = join(wdir, 'resp16.hea');
  const r = cli('convert', shared('data/wfdb/03700181.hea'), out, '-c', 'RESP', '--format', '16');
  assert.equal(r.status, 0, r.stderr);
  await withRecs([shared('data/wfdb/03700181.hea'), out], async (a, b) => {
    const [x] = await a.read('RESP', 74990, 75000);
    const [y] = await b.read('RESP', 74990, 75000);
    // The source's own last 4 samples are missing (skew 4 beyond the last frame).
    assert.deepEqual(Array.from(x!, Number.isNaN), [false, false, false, false, false, false, true, true, true, true]);
    assert.deepEqual(Array.from(y!, Number.isNaN), Array.from(x!, Number.isNaN));
    assert.equal(await maxDiff(a, 'RESP', b, 'RESP', 75000), 0);
  });
});

test('convert WFDB -> EDF marks missing samples with the digital minimum below the valid range and says how many', {
  skip: needShared('data/wfdb/03700181.hea'),
}, async () => {
  const out = join(wdir, 'resp.edf');
  const r = cli('convert', shared('data/wfdb/03700181.hea'), out, '-c', 'RESP');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /; 4 missing samples written as its channel's digital minimum, below the valid range \(EDF has no missing-value code\)\n$/);
  await withRecs([shared('data/wfdb/03700181.hea'), out], async (a, b) => {
    const n = a.info.channels[a.channelIndex('RESP')]!.samples;
    const [x] = await a.read('RESP', 0, n);
    const [y] = await b.read('RESP', 0, n);
    let low = Infinity;
    for (const v of x!) if (v < low) low = v;
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(x![i]!)) assert.ok(y![i]! < low, `sample ${i}: ${y![i]} not below the valid minimum ${low}`);
      else assert.ok(Math.abs(y![i]! - x![i]!) < 1e-9, `sample ${i}`);
    }
  });
});

test('convert EDF+ -> EDF+ keeps the annotations (UTF-8 text, sub-second onsets) and the start time', { skip: needShared('data/edf/test_utf8.edf') }, async () => {
  const out = join(wdir, 'utf8 copy.edf');
  const r = cli('convert', shared('data/edf/test_utf8.edf'), out);
  assert.equal(r.status, 0, r.stderr);
  await withRecs([shared('data/edf/test_utf8.edf'), out], async (a, b) => {
    assert.equal(b.info.startTime, '2020-01-24T04:05:56.3945312');
    assert.equal(b.info.annotations.length, 5);
    assert.deepEqual(b.info.annotations.map((x) => x.text), ['XLSpike', 'Clip Note', '中文测试八个字', 'XLEvent', 'XLSpike']);
    assert.deepEqual(b.info.annotations, a.info.annotations);
    assert.equal(await maxDiff(a, 'Fp1', b, 'Fp1', 89344), 0);
  });
});

test('convert EDF+ -> WFDB writes the annotations as notes in NAME.atr and reports them', { skip: needShared('data/edf/test_utf8.edf') }, async () => {
  const out = join(wdir, 'utf8_notes.hea');
  const r = cli('convert', shared('data/edf/test_utf8.edf'), out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /; 5 annotations as notes in .*utf8_notes\.atr\n$/);
  const notes = await readAnnotations(join(wdir, 'utf8_notes.atr'));
  await withRecs([shared('data/edf/test_utf8.edf'), out], async (a, b) => {
    assert.deepEqual(notes.map((n) => n.aux), a.info.annotations.map((x) => x.text));
    assert.deepEqual(notes.map((n) => n.sample), a.info.annotations.map((x) => Math.round(x.onset * b.info.channels[0]!.fs)));
    assert.ok(notes.every((n) => n.symbol === '"'));
  });
});

test('convert WFDB -> EDF --annotator atr carries every annotation as an EDF+ annotation at its time', { skip: needShared('data/wfdb/100s.atr') }, async () => {
  const out = join(wdir, 'beats.edf');
  const r = cli('convert', shared('data/wfdb/100s.hea'), out, '--annotator', 'atr');
  assert.equal(r.status, 0, r.stderr);
  const atr = await readAnnotations(shared('data/wfdb/100s.atr'));
  assert.match(r.stdout, new RegExp(`; ${atr.length} annotations of atr as EDF\\+ annotations\\n$`));
  await withRecs([shared('data/wfdb/100s.hea'), out], async (_a, b) => {
    assert.deepEqual(b.info.annotations.map((x) => x.text), atr.map(annotationText));
    b.info.annotations.forEach((x, i) => assert.ok(Math.abs(x.onset - atr[i]!.sample / 360) < 1e-6, `annotation ${i}: ${x.onset} s`));
  });
});

test('convert WFDB -> WFDB --annotator atr copies the annotation file beside the new record', { skip: needShared('data/wfdb/100s.atr') }, async () => {
  const out = join(wdir, 'copy_atr.hea');
  const r = cli('convert', shared('data/wfdb/100s.hea'), out, '--annotator', 'atr');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(await readAnnotations(join(wdir, 'copy_atr.atr')), await readAnnotations(shared('data/wfdb/100s.atr')));
});

const TEXTS: [string, WfdbAnnotation, string][] = [
  ['a beat: its symbol', { sample: 1, symbol: 'N', subtype: 0, chan: 0, num: 0, aux: '' }, 'N'],
  ['a rhythm change: symbol and aux', { sample: 1, symbol: '+', subtype: 0, chan: 0, num: 0, aux: '(AFIB' }, '+ (AFIB'],
  ['a note: its text alone', { sample: 1, symbol: '"', subtype: 0, chan: 0, num: 0, aux: 'Lights off' }, 'Lights off'],
];
for (const [what, a, want] of TEXTS) {
  test(`annotationText gives the EDF+ text of ${what}`, () => assert.equal(annotationText(a), want));
}

test('convert EDF -> BDF -> EDF gives back the physical values of every signal channel', { skip: needShared('data/edf/test_generator_2.edf') }, async () => {
  const bdf = join(wdir, 'gen2.bdf'), edf = join(wdir, 'gen2 back.edf');
  assert.equal(cli('convert', shared('data/edf/test_generator_2.edf'), bdf).status, 0);
  const r = cli('convert', bdf, edf);
  assert.equal(r.status, 0, r.stderr);
  await withRecs([shared('data/edf/test_generator_2.edf'), edf], async (a, b) => {
    const names = a.signalChannels().map((i) => a.info.channels[i]!.name);
    assert.deepEqual(b.signalChannels().map((i) => b.info.channels[i]!.name), names);
    for (const name of names) {
      const ch = a.info.channels[a.channelIndex(name)]!;
      const back = b.info.channels[b.channelIndex(name)]!;
      assert.equal(back.fs, ch.fs, name);
      // EDF/BDF headers are US-ASCII: '°' is written as 'deg'.
      assert.equal(back.unit, ch.unit.replace('°', 'deg'), name);
      // Within the 8-character rounding of the physical range fields: a small share of one step.
      assert.ok(await maxDiff(a, name, b, name, ch.samples) <= 0.5 / Math.abs(ch.gain), name);
    }
  });
});

test('convert reads and writes paths with spaces and non-ASCII letters', { skip: needShared('data/wfdb/100s.hea') }, async () => {
  const csv = join(wdir, 'récord 100s.csv');
  const r = cli('convert', shared('data/wfdb/100s.hea'), csv);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.startsWith(`${csv}: 2 channels, 21600 samples`), r.stdout);
  const edf = join(wdir, 'récord 100s.edf');
  assert.equal(cli('convert', csv, edf).status, 0);
  await withRecs([shared('data/wfdb/100s.hea'), edf], async (a, b) => {
    // From CSV floats, EDF quantises over its full 16-bit range: within half of its step.
    assert.ok(await maxDiff(a, 'V5', b, 'V5', 21600) <= 0.5 / b.info.channels[b.channelIndex('V5')]!.gain + 1e-12);
  });
});

test('convert to a WFDB record whose name holds a space writes a record that reads back', {
  skip: needShared('data/wfdb/100s.hea'),
}, () => {
  const out = join(wdir, 'two words.hea');
  const r = cli('convert', shared('data/wfdb/100s.hea'), out);
  if (r.status === 0) {
    const back = cli('info', '--json', out);
    assert.equal(back.status, 0, back.stderr);
    assert.deepEqual((JSON.parse(back.stdout) as { channels: { samples: number }[] }).channels.map((c) => c.samples), [21600, 21600]);
  } else {
    // Refusing the name up front, naming it, would do as well.
    assert.equal(r.status, 2);
    assert.match(r.stderr, /two words/);
    assert.ok(!existsSync(out));
  }
});

test('convert EDF -> EDF works for a valid EDF whose 12.8 Hz channel needs longer data records', {
  skip: needShared('data/edf/mne_test_uneven_samp.edf'),
}, async () => {
  const out = join(wdir, 'uneven.edf');
  const r = cli('convert', shared('data/edf/mne_test_uneven_samp.edf'), out);
  assert.equal(r.status, 0, r.stderr);
  await withRecs([shared('data/edf/mne_test_uneven_samp.edf'), out], async (a, b) => {
    assert.deepEqual(b.signalChannels().map((i) => [b.info.channels[i]!.name, b.info.channels[i]!.fs]), [['3Hz +5/-5 V', 100], ['0.2Hz Blk 1/0uV', 12.8]]);
    assert.ok(await maxDiff(a, 1, b, 1, 1408) <= 0.5 / Math.abs(a.info.channels[1]!.gain));
  });
});

const UNWRITABLE: [string, string][] = [['a missing folder', join('no such folder', 'x')], ['a path below a file', join('plain file', 'x')]];
for (const [where, rel] of UNWRITABLE) {
  for (const ext of ['.csv', '.edf', '.hea']) {
    test(`convert to ${ext} in ${where} exits with a message naming the output, not a stack trace`, {
      skip: needShared('data/wfdb/100s.hea'),
    }, () => {
      writeFileSync(join(wdir, 'plain file'), '');
      const out = join(wdir, rel + ext);
      const r = cli('convert', shared('data/wfdb/100s.hea'), out);
      assert.notEqual(r.status, 0);
      assert.doesNotMatch(r.stderr, /^\s+at /m);
      assert.match(r.stderr, /^vitaldsp: /);
      assert.ok(r.stderr.includes(join(wdir, rel.split('/')[0]!)), r.stderr);
    });
  }
}
