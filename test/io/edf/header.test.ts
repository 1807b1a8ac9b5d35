import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeField, readEdfHeader } from '../../../src/io/edf/header.js';
import { openEdf } from '../../../src/io/edf/record.js';
import { FormatError } from '../../../src/io/errors.js';
import { PositionalFile } from '../../../src/io/file.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-edf-header-'));
let fileNo = 0;
after(() => rmSync(dir, { recursive: true, force: true }));

interface SignalSpec { label: string; spr: number; unit?: string; pmin?: string; pmax?: string; dmin?: string; dmax?: string; transducer?: string; prefilter?: string }
interface FileSpec {
  bdf?: boolean; patient?: string; recording?: string; date?: string; time?: string; headerBytes?: string;
  reserved?: string; records?: string; duration?: string; ns?: string; signals: SignalSpec[];
  /** Data bytes after the header; default: zeros for `records` records. */
  body?: Uint8Array;
}

/** Writes the bytes of an EDF/BDF file laid out field by field from the spec (independent of the writer). */
function edfFile(spec: FileSpec): string {
  const ns = spec.signals.length, bps = spec.bdf ? 3 : 2;
  const field = (s: string, w: number): string => s.padEnd(w, ' ').slice(0, w);
  let h = (spec.bdf ? ' BIOSEMI' : field('0', 8)) + field(spec.patient ?? 'X X X X', 80) + field(spec.recording ?? 'Startdate X X X X', 80)
    + field(spec.date ?? '01.01.85', 8) + field(spec.time ?? '00.00.00', 8) + field(spec.headerBytes ?? String(256 * (ns + 1)), 8)
    + field(spec.reserved ?? '', 44) + field(spec.records ?? '1', 8) + field(spec.duration ?? '1', 8) + field(spec.ns ?? String(ns), 4);
  const cols: [keyof SignalSpec, number, string][] = [['label', 16, ''], ['transducer', 80, ''], ['unit', 8, 'uV'], ['pmin', 8, '-100'],
    ['pmax', 8, '100'], ['dmin', 8, spec.bdf ? '-8388608' : '-32768'], ['dmax', 8, spec.bdf ? '8388607' : '32767'], ['prefilter', 80, ''], ['spr', 8, '']];
  for (const [key, width, dflt] of cols) for (const s of spec.signals) h += field(String(s[key] ?? dflt), width);
  h += ' '.repeat(32 * ns);
  const head = Buffer.from(h, 'latin1');
  if (spec.bdf) head[0] = 0xff;
  const recordBytes = spec.signals.reduce((a, s) => a + s.spr * bps, 0);
  const body = spec.body ?? new Uint8Array(Math.max(0, Number(spec.records ?? '1')) * recordBytes);
  const path = join(dir, `f${fileNo++}.${spec.bdf ? 'bdf' : 'edf'}`);
  writeFileSync(path, Buffer.concat([head, body]));
  return path;
}

async function header(path: string) {
  const f = new PositionalFile(path);
  try { return await readEdfHeader(f); } finally { await f.close(); }
}

const twoSignals: SignalSpec[] = [
  { label: 'ECG II', spr: 4, unit: 'mV', pmin: '-5.5', pmax: '5.5', dmin: '-2048', dmax: '2047', transducer: 'AgCl', prefilter: 'HP:0.1Hz' },
  { label: 'Resp', spr: 2 },
];

test('readEdfHeader parses every fixed-width field of the fixed and per-signal parts', async () => {
  const h = await header(edfFile({ patient: 'MCH-0234567 F 02-MAY-1951 Haagse_Harry', recording: 'Startdate 02-MAR-2002 PSG-1234/2002 NN Telemetry03',
    date: '02.03.02', time: '14.15.16', reserved: 'EDF+C', records: '3', duration: '0.5', signals: twoSignals }));
  assert.equal(h.format, 'edf');
  assert.equal(h.variant, 'EDF+C');
  assert.equal(h.patientId, 'MCH-0234567 F 02-MAY-1951 Haagse_Harry');
  assert.equal(h.recordingId, 'Startdate 02-MAR-2002 PSG-1234/2002 NN Telemetry03');
  assert.equal(h.startTime, '2002-03-02T14:15:16');
  assert.equal(h.headerBytes, 768);
  assert.equal(h.records, 3);
  assert.equal(h.recordDuration, 0.5);
  assert.equal(h.bytesPerSample, 2);
  assert.equal(h.recordBytes, (4 + 2) * 2);
  const [ecg, resp] = h.signals;
  assert.deepEqual(ecg, { label: 'ECG II', transducer: 'AgCl', unit: 'mV', physicalMin: -5.5, physicalMax: 5.5, digitalMin: -2048,
    digitalMax: 2047, prefilter: 'HP:0.1Hz', samplesPerRecord: 4, annotation: false, offset: 0 });
  assert.equal(resp!.offset, 8);
});

test('start dates follow the 1985-2084 rule unless the EDF+ recording id gives the year', async () => {
  const cases: [string, string, string, string | undefined][] = [
    ['13.07.85', '12.05.48', 'x', '1985-07-13T12:05:48'],
    ['13.07.84', '12.05.48', 'x', '2084-07-13T12:05:48'],
    ['13.07.00', '00.00.00', 'x', '2000-07-13T00:00:00'],
    ['13.07.20', '23.59.59', 'Startdate 13-JUL-2120 X X X', '2120-07-13T23:59:59'],
    ['01.02.yy', '10.00.00', 'Startdate 01-FEB-2090 X X X', '2090-02-01T10:00:00'],
    ['01.02.yy', '10.00.00', 'Startdate X X X X', undefined],
    ['24.01.20', '04.05.56', 'Startdate X X X X', undefined],
    ['31.02.20', '10.00.00', 'x', undefined],
    ['01.01.20', '24.00.00', 'x', undefined],
    ['1.1.2020', '10.00.00', 'x', undefined],
  ];
  for (const [date, time, recording, expected] of cases) {
    const h = await header(edfFile({ date, time, recording, signals: [{ label: 'a', spr: 1 }] }));
    assert.equal(h.startTime, expected, `${date} ${time} ${recording}`);
  }
});

test('the variant comes from the reserved field and BDF from its 0xFF BIOSEMI version', async () => {
  const cases: [boolean, string, string | undefined][] = [
    [false, 'EDF+C', 'EDF+C'], [false, 'EDF+D', 'EDF+D'], [false, '', undefined], [false, 'something else', undefined],
    [true, '24BIT', '24BIT'], [true, 'BDF+C', 'BDF+C'], [true, 'BDF+D', 'BDF+D'],
  ];
  for (const [bdf, reserved, variant] of cases) {
    const h = await header(edfFile({ bdf, reserved, signals: [{ label: 'a', spr: 3 }] }));
    assert.equal(h.format, bdf ? 'bdf' : 'edf');
    assert.equal(h.variant, variant);
    assert.equal(h.recordBytes, bdf ? 9 : 6);
  }
});

test('a record count of -1 is derived from the file size, ignoring a trailing partial record', async () => {
  const h = await header(edfFile({ records: '-1', signals: twoSignals, body: new Uint8Array(12 * 5 + 7) }));
  assert.equal(h.records, 5);
});

test('annotation signals are recognised by their EDF+ / BDF+ labels', async () => {
  const h = await header(edfFile({ reserved: 'EDF+C', signals: [{ label: 'EEG', spr: 2 }, { label: 'EDF Annotations', spr: 8 }] }));
  assert.deepEqual(h.signals.map((s) => s.annotation), [false, true]);
  const b = await header(edfFile({ bdf: true, reserved: 'BDF+C', signals: [{ label: 'EEG', spr: 2 }, { label: 'BDF Annotations', spr: 8 }] }));
  assert.deepEqual(b.signals.map((s) => s.annotation), [false, true]);
});

test('decodeField reads Latin-1 and UTF-8 header text and trims padding', () => {
  assert.equal(decodeField(Uint8Array.from([0xb0, 0x20, 0x20])), '°');
  assert.equal(decodeField(Uint8Array.from([0xc2, 0xb0, 0x43, 0x20])), '°C');
  assert.equal(decodeField(Buffer.from('uV      ')), 'uV');
});

test('bad input raises a FormatError naming the file, the field and its byte offset', async () => {
  const sig = [{ label: 'a', spr: 2 }, { label: 'b', spr: 2 }];
  const cases: [string, string, RegExp, RegExp][] = [
    ['truncated file', edfFile({ records: '4', signals: sig, body: new Uint8Array(8 * 3 + 5) }), /^end of file$/, /800 bytes \(768 header \+ 4 records x 8 bytes\).*file has 797 bytes/],
    ['header lying about the number of records', edfFile({ records: '100', signals: sig, body: new Uint8Array(8) }), /^end of file$/, /expected 1568 bytes.*room for 1 records/],
    ['non-numeric record count', edfFile({ records: 'abc', signals: sig }), /^byte 236 \(field 'number of data records'\)$/, /expected an integer.*got 'abc'/],
    ['non-numeric samples per record', edfFile({ signals: [{ label: 'a', spr: 2 }, { label: 'b', spr: 'x' as unknown as number }] }),
      /^byte 696 \(field 'samples per data record' of signal 2\)$/, /got 'x'/],
    ['non-numeric physical maximum', edfFile({ signals: [{ label: 'a', spr: 2, pmax: '1,5' }] }), /^byte 368 \(field 'physical maximum' of signal 1\)$/, /expected a number/],
    ['fractional digital minimum', edfFile({ signals: [{ label: 'a', spr: 2, dmin: '-1.5' }] }), /^byte 376 \(field 'digital minimum' of signal 1\)$/, /expected an integer/],
    ['header byte count that does not match', edfFile({ headerBytes: '1024', signals: sig }), /^byte 184 \(field 'number of bytes in header'\)$/, /768 header bytes for 2 signals/],
    ['zero signals', edfFile({ ns: '0', signals: [] }), /^byte 252 \(field 'number of signals'\)$/, /at least 1 signal/],
    ['more signals than the file holds', edfFile({ ns: '9999', headerBytes: String(256 * 10000), signals: sig }), /^end of file$/, /2560000 bytes/],
    ['negative record duration', edfFile({ duration: '-1', signals: sig }), /^byte 244/, /non-negative record duration/],
    ['zero record duration with samples', edfFile({ duration: '0', signals: sig }), /^byte 244/, /positive record duration/],
  ];
  for (const [name, path, where, message] of cases) {
    await assert.rejects(openEdf(path), (e: unknown) => {
      assert.ok(e instanceof FormatError, `${name}: ${String(e)}`);
      assert.equal(e.file, path, name);
      assert.match(e.where, where, name);
      assert.match(e.message, message, name);
      assert.ok(e.message.startsWith(path), name);
      return true;
    });
  }
});

test('files that are not EDF at all are refused at byte 0', async () => {
  const text = join(dir, 'notes.edf');
  writeFileSync(text, 'This is a plain text file, not a recording.\n'.repeat(10));
  const short = join(dir, 'short.edf');
  writeFileSync(short, '0       X');
  for (const [path, message] of [[text, /not an EDF or BDF file/], [short, /at least 256 bytes.*9 bytes/]] as const) {
    await assert.rejects(openEdf(path), (e: unknown) => {
      assert.ok(e instanceof FormatError);
      assert.equal(e.file, path);
      assert.match(e.where, /^byte 0/);
      assert.match(e.message, message);
      return true;
    });
  }
  await assert.rejects(openEdf(join(dir, 'missing.edf')), (e: unknown) => e instanceof FormatError && /file not found/.test(e.message));
});

test('text fields are trimmed of padding, and Latin-1 or UTF-8 bytes decode to the characters they stand for', async () => {
  const path = edfFile({ reserved: 'EDF+C   ', signals: [
    { label: ' EEG Fpz-Cz     ', spr: 2, unit: '\xb0C' },
    { label: 'Temp', spr: 2, unit: 'µV' },
    { label: 'EDF Annotations ', spr: 4 },
  ] });
  // edfFile writes latin1: re-encode the second unit as its UTF-8 bytes (C2 B5 'V') in place.
  const bytes = readFileSync(path);
  const unitAt = 256 + 3 * 16 + 3 * 80 + 8;
  bytes.set([0xc2, 0xb5, 0x56, 0x20], unitAt);
  writeFileSync(path, bytes);
  const h = await header(path);
  assert.equal(h.variant, 'EDF+C');
  assert.deepEqual(h.signals.map((s) => [s.label, s.unit, s.annotation]), [['EEG Fpz-Cz', '°C', false], ['Temp', 'µV', false], ['EDF Annotations', 'uV', true]]);
});
