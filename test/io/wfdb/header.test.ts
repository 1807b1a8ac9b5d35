import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError } from '../../../src/io/errors.js';
import { parseWfdbHeader } from '../../../src/io/wfdb/header.js';

test('parseWfdbHeader reads every record line field', () => {
  const h = parseWfdbHeader('rec_1 2 360/180(12.5) 1000 13:5:0.25 25/4/1989\nrec.dat 16 200 12 0 0 0 0 a\nrec.dat 16 200 12 0 0 0 0 b\n', 'r.hea');
  assert.equal(h.recordName, 'rec_1');
  assert.equal(h.frameFrequency, 360);
  assert.equal(h.counterFrequency, 180);
  assert.equal(h.baseCounter, 12.5);
  assert.equal(h.frames, 1000);
  assert.equal(h.baseTime, '13:5:0.25');
  assert.equal(h.baseDate, '25/4/1989');
  assert.equal(h.startTime, '1989-04-25T13:05:00.25');
  assert.equal(h.signals.length, 2);
});

test('parseWfdbHeader applies the header(5) defaults', () => {
  const h = parseWfdbHeader('rec 4\nrec.dat 212\nd8 8\nd80 80 0\nz.dat 16 100 0 512\n', 'r.hea');
  assert.equal(h.frameFrequency, 250);
  assert.equal(h.counterFrequency, 250);
  assert.equal(h.baseCounter, 0);
  assert.equal(h.frames, undefined);
  assert.equal(h.startTime, undefined);
  const [s0, s1, s2, s3] = h.signals;
  assert.deepEqual(
    { gain: s0!.gain, uncalibrated: s0!.uncalibrated, baseline: s0!.baseline, units: s0!.units, res: s0!.adcResolution, zero: s0!.adcZero, init: s0!.initialValue, checksum: s0!.checksum, block: s0!.blockSize, desc: s0!.description, spf: s0!.samplesPerFrame, skew: s0!.skew, off: s0!.byteOffset },
    { gain: 200, uncalibrated: true, baseline: 0, units: 'mV', res: 12, zero: 0, init: 0, checksum: undefined, block: 0, desc: 'record rec, signal 0', spf: 1, skew: 0, off: 0 },
  );
  assert.equal(s1!.adcResolution, 10, 'difference formats default to 10 bits');
  assert.equal(s2!.adcResolution, 8, 'format 80 holds only 8 bits');
  assert.equal(s2!.gain, 200, 'a gain of 0 means uncalibrated, 200');
  assert.equal(s3!.adcResolution, 12, 'resolution 0 means the default');
  assert.equal(s3!.baseline, 512, 'baseline defaults to the ADC zero');
  assert.equal(s3!.initialValue, 512, 'initial value defaults to the ADC zero');
  assert.equal(s3!.uncalibrated, false);
});

test('parseWfdbHeader reads format modifiers, baseline, units and a description with spaces', () => {
  const h = parseWfdbHeader('r 1 500\nsig.dat 16x2:100+512 200.5(-500)/uV 12 2048 7 -123 0   Channel  A  \n', 'r.hea');
  const s = h.signals[0]!;
  assert.deepEqual(
    [s.file, s.format, s.formatSpec, s.samplesPerFrame, s.skew, s.byteOffset, s.gain, s.baseline, s.units, s.adcResolution, s.adcZero, s.initialValue, s.checksum, s.blockSize, s.description],
    ['sig.dat', '16', '16x2:100+512', 2, 100, 512, 200.5, -500, 'uV', 12, 2048, 7, -123, 0, 'Channel  A'],
  );
});

test('parseWfdbHeader collects comments anywhere, skips blank lines and accepts CRLF', () => {
  const h = parseWfdbHeader('# first\r\nr 2 360 10\r\nr.dat 212 200 11 1024 995 0 0 MLII\r\n\r\n  # middle\r\nr.dat 212 200 11 1024 1011 0 0 V5\r\n#last\r\n', 'r.hea');
  assert.deepEqual(h.comments, ['first', 'middle', 'last']);
  assert.deepEqual(h.signals.map((s) => [s.description, s.line]), [['MLII', 3], ['V5', 6]]);
});

const BAD: [string, string, string, RegExp][] = [
  ['multi-segment record with fewer segment lines than it states', 'multi/3 2 360 1000\nseg_1 500\n', 'line 2', /3 segment lines/],
  ['garbage number of signals', 'r two 360\n', 'line 1', /two/],
  ['garbage frequency', 'r 1 fast\nr.dat 16\n', 'line 1', /fast/],
  ['zero frequency', 'r 1 0\nr.dat 16\n', 'line 1', /positive/],
  ['bad base time', 'r 1 360 100 noon\nr.dat 16\n', 'line 1', /noon/],
  ['missing signal lines', '# c\nr 3 360 100\nr.dat 16\n\nr.dat 16\n', 'line 5', /3 signal specification lines/],
  ['garbage format', 'r 1 360\n\nr.dat 2y12\n', 'line 3', /2y12/],
  ['garbage gain', 'r 1 360\nr.dat 16 lots\n', 'line 2', /lots/],
  ['non-integer ADC zero', 'r 1 360\nr.dat 16 200 12 0.5\n', 'line 2', /0\.5/],
  ['zero samples per frame', 'r 1 360\nr.dat 16x0\n', 'line 2', /16x0/],
  ['empty header', '# only a comment\n', 'line 1', /record line/],
];

test('parseWfdbHeader refuses malformed headers with a FormatError naming file and line', () => {
  for (const [what, text, where, detail] of BAD) {
    assert.throws(() => parseWfdbHeader(text, '/data/bad.hea'), (e: unknown) => {
      assert.ok(e instanceof FormatError, `${what}: ${String(e)}`);
      assert.equal(e.file, '/data/bad.hea', what);
      assert.equal(e.where, where, what);
      assert.match(e.message, /^\/data\/bad\.hea: /, what);
      assert.ok(e.message.includes(where), what);
      assert.match(e.message, detail, what);
      return true;
    });
  }
});

test('parseWfdbHeader reads base time and date in the forms header(5) allows', () => {
  // [time and date fields, baseTime, baseDate, startTime]. A time of two fields is MM:SS (WFDB strtim).
  const cases: [string, string, string | undefined, string | undefined][] = [
    ['12:30:15 25/12/2020', '12:30:15', '25/12/2020', '2020-12-25T12:30:15'],
    ['9:05:03.5 01/02/1999', '9:05:03.5', '01/02/1999', '1999-02-01T09:05:03.5'],
    ['30:15 25/12/2020', '30:15', '25/12/2020', '2020-12-25T00:30:15'],
    ['0:0:0 1/1/2000', '0:0:0', '1/1/2000', '2000-01-01T00:00:00'],
    ['23:59:59', '23:59:59', undefined, undefined],
  ];
  for (const [fields, time, date, start] of cases) {
    const h = parseWfdbHeader(`r 1 360 100 ${fields}\nr.dat 16\n`, 'r.hea');
    assert.deepEqual([h.baseTime, h.baseDate, h.startTime], [time, date, start], fields);
  }
});

test('parseWfdbHeader reads the counter frequency and base counter, defaulting to the frame rate and 0', () => {
  const cases: [string, number, number, number][] = [
    ['128', 128, 128, 0],
    ['128/1000', 128, 1000, 0],
    ['128/1000(-5)', 128, 1000, -5],
    ['0.5/2(100.25)', 0.5, 2, 100.25],
  ];
  for (const [field, fs, counter, base] of cases) {
    const h = parseWfdbHeader(`r 1 ${field}\n# a comment between the lines\nr.dat 16 200 16 0 0 0 0 lead I\n`, 'r.hea');
    assert.deepEqual([h.frameFrequency, h.counterFrequency, h.baseCounter], [fs, counter, base], field);
    assert.deepEqual(h.comments, ['a comment between the lines']);
    assert.equal(h.signals[0]!.description, 'lead I');
  }
});

test('parseWfdbHeader gives no start time for a base date that does not exist', () => {
  for (const date of ['31/02/2020', '29/02/2021', '31/04/2019']) {
    const h = parseWfdbHeader(`r 1 360 100 12:00:00 ${date}\nr.dat 16\n`, 'r.hea');
    assert.equal(h.startTime, undefined, date);
  }
});
