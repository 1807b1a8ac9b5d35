import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../../src/io/errors.js';
import { openRecording } from '../../../src/io/open.js';
import { openWfdb } from '../../../src/io/wfdb/record.js';
import { WfdbMultiRecording } from '../../../src/io/wfdb/multi.js';
import { parseWfdbHeader } from '../../../src/io/wfdb/header.js';
import { writeWfdb } from '../../../src/io/wfdb/writer.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-multi-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A format-16 segment record: one column of stored values per signal, `gains[k](baselines[k])`. */
function segment(name: string, fs: number, cols: number[][], labels: string[], gains: number[], baselines = gains.map(() => 0)): void {
  const n = cols[0]!.length, k = cols.length;
  const d = new Int16Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) d[i * k + j] = cols[j]![i]!;
  writeFileSync(join(dir, `${name}.dat`), new Uint8Array(d.buffer));
  const lines = [`${name} ${k} ${fs} ${n}`, ...labels.map((l, j) => `${name}.dat 16 ${gains[j]}(${baselines[j]})/mV 16 0 0 0 0 ${l}`)];
  writeFileSync(join(dir, `${name}.hea`), lines.join('\n') + '\n');
}

const ramp = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i);

// Fixed layout: two segments of two signals with a 3-frame gap between them.
segment('fix_1', 10, [ramp(5, 0), ramp(5, 100)], ['I', 'II'], [10, 10]);
segment('fix_2', 10, [ramp(4, 50), ramp(4, 150)], ['I', 'II'], [10, 10]);
writeFileSync(join(dir, 'fix.hea'), 'fix/3 2 10 12 10:20:30 01/02/2003\nfix_1 5\n~ 3\nfix_2 4\n# made for the tests\n');

// Variable layout: a layout header of three signals; segment A holds I and PLETH, segment B holds
// PLETH and ABP, with another gain for PLETH.
writeFileSync(join(dir, 'var_layout.hea'), 'var_layout 3 10 0\n~ 0 10(0)/mV 16 0 0 0 0 I\n~ 0 5(0)/NU 16 0 0 0 0 PLETH\n~ 0 2(0)/mmHg 16 0 0 0 0 ABP\n');
segment('var_a', 10, [ramp(4, 10), ramp(4, 20)], ['I', 'PLETH'], [10, 5]);
segment('var_b', 10, [ramp(3, 40), ramp(3, 60)], ['PLETH', 'ABP'], [2, 2]);
writeFileSync(join(dir, 'var.hea'), 'var/4 3 10 9\nvar_layout 0\nvar_a 4\n~ 2\nvar_b 3\n');

test('parseWfdbHeader reads the segment lines of a multi-segment master header', () => {
  const h = parseWfdbHeader('m/3 2 250 900\nm_1 400\n~ 100\nm_2 400\n', 'm.hea');
  assert.deepEqual(h.segments, [{ name: 'm_1', frames: 400, line: 2 }, { name: '~', frames: 100, line: 3 }, { name: 'm_2', frames: 400, line: 4 }]);
  assert.deepEqual([h.signals, h.signalCount, h.frames, h.frameFrequency], [[], 2, 900, 250]);
  assert.equal(parseWfdbHeader('s 1 250\ns.dat 16\n', 's.hea').segments, undefined);
});

const BAD_MASTERS: [string, string, RegExp][] = [
  ['a segment count that is not a positive integer', 'm/0 2 250\n', /positive number of segments after the record name at line 1 \(got 'm\/0'\)/],
  ['fewer segment lines than the count', 'm/2 2 250\nm_1 10\n', /2 segment lines/],
  ['a segment line without its length', 'm/1 2 250\nm_1\n', /a segment line: record name and number of samples at line 2/],
  ['a negative segment length', 'm/1 2 250\nm_1 -5\n', /non-negative number of samples in the segment at line 2/],
  ['a segment name with a path in it', 'm/1 2 250\n../x 5\n', /segment record name .* at line 2 \(got '\.\.\/x'\)/],
];
for (const [what, text, re] of BAD_MASTERS) {
  test(`parseWfdbHeader refuses a master header with ${what}`, () => {
    assert.throws(() => parseWfdbHeader(text, 'm.hea'), (e: unknown) => e instanceof FormatError && re.test(e.message));
  });
}

test('a fixed-layout record reads as one recording: segments back to back, the gap missing', async () => {
  const rec = await openWfdb(join(dir, 'fix.hea'));
  try {
    assert.ok(rec instanceof WfdbMultiRecording);
    assert.equal(rec.info.variant, 'multi-segment');
    assert.equal(rec.info.startTime, '2003-02-01T10:20:30');
    assert.deepEqual(rec.info.comments, ['made for the tests']);
    assert.deepEqual(rec.info.files, ['fix.hea', 'fix_1.hea', 'fix_1.dat', 'fix_2.hea', 'fix_2.dat'].map((f) => join(dir, f)));
    assert.deepEqual(rec.info.channels.map((c) => [c.name, c.fs, c.samples, c.storage, c.gain]), [['I', 10, 12, '16', 10], ['II', 10, 12, '16', 10]]);
    const [raw] = await rec.read(['I'], 0, 12, { raw: true });
    assert.deepEqual(Array.from(raw!), [0, 1, 2, 3, 4, -32768, -32768, -32768, 50, 51, 52, 53]);
    const [, ii] = await rec.read([0, 1], 3, 10);
    assert.deepEqual(Array.from(ii!), [10.3, 10.4, NaN, NaN, NaN, 15, 15.1]);
  } finally {
    await rec.close();
  }
});

test('a variable-layout record gives every layout signal, missing where a segment lacks it, physical where gains differ', async () => {
  const rec = await openRecording(join(dir, 'var.hea'));
  try {
    assert.deepEqual(rec.info.channels.map((c) => [c.name, c.unit, c.samples, c.storage]), [['I', 'mV', 9, '16'], ['PLETH', 'NU', 9, 'float64'], ['ABP', 'mmHg', 9, '16']]);
    const [i, pleth, abp] = await rec.read([0, 1, 2], 0, 9);
    assert.deepEqual(Array.from(i!), [1, 1.1, 1.2, 1.3, NaN, NaN, NaN, NaN, NaN]);
    assert.deepEqual(Array.from(pleth!), [4, 4.2, 4.4, 4.6, NaN, NaN, 20, 20.5, 21]);
    assert.deepEqual(Array.from(abp!), [NaN, NaN, NaN, NaN, NaN, NaN, 30, 30.5, 31]);
  } finally {
    await rec.close();
  }
});

test('a layout header that leaves samples per frame out takes its segments\' count', async () => {
  // Two signals stored 2x per frame in each segment (format 16x2); the layout says 16 alone.
  const seg = (name: string, from: number) => {
    const d = Int16Array.from({ length: 8 }, (_, i) => from + i);
    writeFileSync(join(dir, `${name}.dat`), new Uint8Array(d.buffer));
    writeFileSync(join(dir, `${name}.hea`), `${name} 2 5 2\n${name}.dat 16x2 1(0)/mV 16 0 0 0 0 A\n${name}.dat 16x2 1(0)/mV 16 0 0 0 0 B\n`);
  };
  seg('spf_a', 0);
  seg('spf_b', 100);
  writeFileSync(join(dir, 'spf_layout.hea'), 'spf_layout 2 5 0\n~ 0 1(0)/mV 16 0 0 0 0 A\n~ 0 1(0)/mV 16 0 0 0 0 B\n');
  writeFileSync(join(dir, 'spf.hea'), 'spf/4 2 5 5\nspf_layout 0\nspf_a 2\n~ 1\nspf_b 2\n');
  const rec = await openRecording(join(dir, 'spf.hea'));
  try {
    assert.deepEqual(rec.info.channels.map((c) => [c.name, c.fs, c.samples]), [['A', 10, 10], ['B', 10, 10]]);
    const [a] = await rec.read('A', 0, 10, { raw: true });
    // Frame f holds A's samples 2f and 2f+1 as the file's words 4f and 4f+1.
    assert.deepEqual(Array.from(a!), [0, 1, 4, 5, -32768, -32768, 100, 101, 104, 105]);
  } finally {
    await rec.close();
  }
});

test('chunks over a multi-segment record equal one read, whatever the chunk size', async () => {
  const rec = await openRecording(join(dir, 'var.hea'));
  try {
    const whole = await rec.read([0, 1, 2], 0, 9);
    for (const samples of [1, 2, 4, 9]) {
      const parts: number[][] = [[], [], []];
      for await (const c of rec.chunks({ samples })) c.data.forEach((d, k) => parts[k]!.push(...d));
      assert.deepEqual(parts, whole.map((w) => Array.from(w)), `chunks of ${samples}`);
    }
  } finally {
    await rec.close();
  }
});

test('a multi-segment record converts to a single-segment one with its gaps kept missing', async () => {
  const rec = await openRecording(join(dir, 'fix.hea'));
  try {
    await writeWfdb(rec, join(dir, 'fix_single.hea'));
  } finally {
    await rec.close();
  }
  const a = await openRecording(join(dir, 'fix.hea'));
  const b = await openRecording(join(dir, 'fix_single.hea'));
  try {
    assert.deepEqual(await b.read([0, 1], 0, 12, { raw: true }), await a.read([0, 1], 0, 12, { raw: true }));
  } finally {
    await a.close();
    await b.close();
  }
});

test('segments are read with only a few signal files open at once', async () => {
  // 20 one-frame segments: reading them all opens and closes each in turn.
  const lines = ['many/20 1 10 20'];
  for (let s = 0; s < 20; s++) {
    segment(`many_${s}`, 10, [[s]], ['x'], [1]);
    lines.push(`many_${s} 1`);
  }
  writeFileSync(join(dir, 'many.hea'), lines.join('\n') + '\n');
  const rec = await openRecording(join(dir, 'many.hea'));
  try {
    const [x] = await rec.read(0, 0, 20, { raw: true });
    assert.deepEqual(Array.from(x!), ramp(20, 0));
    const [again] = await rec.read(0, 3, 5, { raw: true });
    assert.deepEqual(Array.from(again!), [3, 4]);
  } finally {
    await rec.close();
  }
});

const BAD_RECORDS: [string, string, () => void, RegExp][] = [
  ['a segment at another frame rate', 'rate', () => {
    segment('rate_1', 20, [[1, 2]], ['x'], [1]);
    writeFileSync(join(dir, 'rate.hea'), 'rate/1 1 10\nrate_1 2\n');
  }, /rate_1\.hea.*frame rate of .*rate\.hea, 10 Hz.*got 20 Hz/],
  ['a missing segment header', 'lost', () => writeFileSync(join(dir, 'lost.hea'), 'lost/1 1 10\nlost_1 2\n'), /lost_1\.hea/],
  ['a fixed-layout segment with another signal count', 'count', () => {
    segment('count_1', 10, [[1, 2]], ['x'], [1]);
    segment('count_2', 10, [[1, 2], [3, 4]], ['x', 'y'], [1, 1]);
    writeFileSync(join(dir, 'count.hea'), 'count/2 1 10\ncount_1 2\ncount_2 2\n');
  }, /count_2\.hea.*1 signals, as every segment of a fixed-layout record.*got 2/],
  ['a variable-layout segment with a signal the layout lacks', 'odd', () => {
    writeFileSync(join(dir, 'odd_layout.hea'), 'odd_layout 1 10 0\n~ 0 1(0)/mV 16 0 0 0 0 x\n');
    segment('odd_1', 10, [[1, 2], [3, 4]], ['x', 'RESP'], [1, 1]);
    writeFileSync(join(dir, 'odd.hea'), 'odd/2 1 10\nodd_layout 0\nodd_1 2\n');
  }, /odd_1\.hea: expected signals listed in the record's layout header at line 3 \('RESP' is not among them\)/],
  ['a record line whose signal count the layout does not have', 'few', () => {
    segment('few_1', 10, [[1, 2]], ['x'], [1]);
    writeFileSync(join(dir, 'few.hea'), 'few/1 2 10\nfew_1 2\n');
  }, /few_1\.hea.*2 signals, as the record line of .*few\.hea states.*got 1/],
];
for (const [what, master, make, re] of BAD_RECORDS) {
  test(`openWfdb refuses a multi-segment record with ${what}, naming the file`, async () => {
    make();
    await assert.rejects(openWfdb(join(dir, `${master}.hea`)), (e: unknown) => e instanceof FormatError && re.test(e.message));
  });
}
