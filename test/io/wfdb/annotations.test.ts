import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../../src/io/errors.js';
import {
  annotationCode, annotationSymbol, encodeAnnotations, isBeatSymbol, parseAnnotations, readAnnotations,
  writeAnnotations, WFDB_ANNOTATION_SYMBOLS, type WfdbAnnotation,
} from '../../../src/io/wfdb/annotations.js';
import { needShared, shared } from '../../helpers/shared.js';

function counts(anns: WfdbAnnotation[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const a of anns) c[a.symbol] = (c[a.symbol] ?? 0) + 1;
  return c;
}

test('readAnnotations reads the 2,273 reference beats of MIT-BIH record 100', { skip: needShared('data/wfdb/100.atr') }, async () => {
  const anns = await readAnnotations(shared('data/wfdb/100.atr'));
  const beats = anns.filter((a) => isBeatSymbol(a.symbol));
  assert.equal(beats.length, 2273);
  assert.deepEqual(counts(beats), { N: 2239, A: 33, V: 1 });
  // The record opens with a rhythm annotation: normal sinus rhythm.
  assert.deepEqual(anns[0], { sample: 18, symbol: '+', subtype: 0, chan: 0, num: 0, aux: '(N' });
  for (let i = 1; i < anns.length; i++) assert.ok(anns[i]!.sample >= anns[i - 1]!.sample, 'time order');
  assert.ok(anns[anns.length - 1]!.sample < 650000);
});

test('annotation files of 100s and 800 hold the reference beat counts', { skip: needShared('data/wfdb/800.atr') }, async () => {
  const s = (await readAnnotations(shared('data/wfdb/100s.atr'))).filter((a) => isBeatSymbol(a.symbol));
  assert.equal(s.length, 74);
  const b800 = (await readAnnotations(shared('data/wfdb/800.atr'))).filter((a) => isBeatSymbol(a.symbol));
  assert.deepEqual(counts(b800), { N: 1846, S: 30, V: 6, F: 1 });
});

test('100.atr round-trips through writeAnnotations: same annotations and same bytes', { skip: needShared('data/wfdb/100.atr') }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vitaldsp-atr-'));
  try {
    const src = shared('data/wfdb/100.atr');
    const anns = await readAnnotations(src);
    const out = join(dir, '100.atr');
    await writeAnnotations(out, anns);
    assert.deepEqual(await readAnnotations(out), anns);
    assert.deepEqual(await readFile(out), await readFile(src));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the writer encodes long gaps, backward steps, chan/num/subtype changes, odd aux and code 0', () => {
  const anns: WfdbAnnotation[] = [
    { sample: 0, symbol: '"', subtype: 0, chan: 0, num: 0, aux: '## time resolution: 1000' },
    { sample: 5, symbol: 'N', subtype: 0, chan: 0, num: 0, aux: '' },
    { sample: 1028, symbol: 'V', subtype: -1, chan: 1, num: 3, aux: 'odd' },
    { sample: 1028, symbol: 'N', subtype: 2, chan: 2, num: 3, aux: '' },
    { sample: 3_000_000_000 / 2, symbol: '+', subtype: 0, chan: 2, num: -4, aux: '(AFIB' },
    { sample: 1_499_999_000, symbol: '[42]', subtype: 511, chan: -512, num: 0, aux: '' },
    { sample: 1_500_000_100, symbol: ' ', subtype: 0, chan: 0, num: 0, aux: '' },
    { sample: 1_500_000_101, symbol: 'Q', subtype: 0, chan: 0, num: 0, aux: '' },
  ];
  const bytes = encodeAnnotations(anns);
  assert.equal(bytes.length % 2, 0);
  assert.deepEqual(Array.from(bytes.subarray(bytes.length - 2)), [0, 0], 'ends with the 0 word');
  assert.deepEqual(parseAnnotations(bytes, 'mem'), anns);
});

test('a SKIP interval is stored high 16-bit word first (PDP-11 order)', () => {
  // N at 70000 = 0x00011170: SKIP word, 0x0001, 0x1170, then N with a 0 increment.
  const bytes = encodeAnnotations([{ sample: 70000, symbol: 'N', subtype: 0, chan: 0, num: 0, aux: '' }]);
  assert.deepEqual(Array.from(bytes), [0x00, 59 << 2, 0x01, 0x00, 0x70, 0x11, 0x00, 1 << 2, 0, 0]);
});

test('the code table matches ecgcodes.h and isBeatSymbol knows the beat codes', () => {
  assert.equal(WFDB_ANNOTATION_SYMBOLS.length, 50);
  const known: [number, string][] = [[1, 'N'], [5, 'V'], [8, 'A'], [12, '/'], [14, '~'], [22, '"'], [28, '+'], [38, 'f'], [41, 'r'], [15, '[15]']];
  for (const [code, sym] of known) {
    assert.equal(annotationSymbol(code), sym);
    assert.equal(annotationCode(sym), code);
  }
  assert.equal(annotationSymbol(55), '[55]');
  assert.equal(annotationCode('no such'), undefined);
  for (const s of 'N L R B A a J S V r F e j n E / f Q ?'.split(' ')) assert.equal(isBeatSymbol(s), true, s);
  for (const s of ['+', '~', '|', '"', 'x', '(', ')', 'p', 't', '[', ']', '!']) assert.equal(isBeatSymbol(s), false, s);
});

test('damaged annotation bytes give a FormatError naming file and byte', () => {
  const good = encodeAnnotations([{ sample: 10, symbol: 'N', subtype: 0, chan: 0, num: 0, aux: 'abc' }]);
  const cases: [string, Uint8Array, RegExp][] = [
    ['odd length', Uint8Array.of(0x0a, 0x04, 0x05), /byte 2/],
    ['truncated aux', good.subarray(0, 6), /byte 4/],
    ['truncated SKIP', Uint8Array.of(0x00, 0xec, 0x01), /byte 2/],
    ['invalid code 55', Uint8Array.of(0x01, 55 << 2), /byte 0/],
  ];
  for (const [what, bytes, where] of cases) {
    assert.throws(() => parseAnnotations(bytes, 'x.atr'), (e: unknown) => e instanceof FormatError && e.file === 'x.atr' && where.test(e.where), what);
  }
  assert.throws(() => encodeAnnotations([{ sample: 1, symbol: 'NN', subtype: 0, chan: 0, num: 0, aux: '' }]), /symbol/);
});

test('readAnnotations of a missing file is a FormatError naming it', async () => {
  await assert.rejects(readAnnotations('/nonexistent/x.atr'), (e: unknown) => e instanceof FormatError && /nonexistent\/x\.atr.*file not found/.test(e.message));
});

test('aux text is written as UTF-8 and read back; bytes that are not UTF-8 read as the Latin-1 of older files', () => {
  const bytes = encodeAnnotations([{ sample: 3, symbol: '"', subtype: 0, chan: 0, num: 0, aux: 'Schlafstadium Ü, 睡眠' }]);
  assert.equal(parseAnnotations(bytes, 'utf8.atr')[0]!.aux, 'Schlafstadium Ü, 睡眠');
  // A note at sample 3 with the 4 aux bytes of 'Ü L1' in Latin-1: 0xDC is not UTF-8 on its own.
  const legacy = Uint8Array.of(3, 22 << 2, 4, 63 << 2, 0xdc, 0x20, 0x4c, 0x31, 0, 0);
  assert.equal(parseAnnotations(legacy, 'latin1.atr')[0]!.aux, 'Ü L1');
  assert.throws(() => encodeAnnotations([{ sample: 1, symbol: '"', subtype: 0, chan: 0, num: 0, aux: 'ü'.repeat(128) }]), /254 bytes/);
});
