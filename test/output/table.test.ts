import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { columnsOf, csvCell, formatNumber, writeCsvLines, writeCsvTable } from '../../src/output/table.js';
import { seededRandom } from '../../src/signals/random.js';

const numberCases: [number, string][] = [
  [0, '0'], [-0, '0'], [42, '42'], [-7, '-7'], [1e21, '1e+21'],
  [0.1, '0.1'], [1 / 3, '0.333333333'], [-2 / 3, '-0.666666667'], [1234.56666666, '1234.56667'],
  [0.99999999999, '1'], [1.5, '1.5'], [123456789.4, '123456789'], [-477283609.5, '-477283610'], [1234567891.2, '1234567890'],
  [0.00000123456789123, '0.00000123456789'], [1.23456789123e-7, '1.23456789e-7'], [6.02214076e23, '6.02214076e+23'],
  [NaN, ''], [Infinity, ''], [-Infinity, ''],
  // Edges: the smallest fixed form, sums that are not what they look like, ties and carries into a new digit.
  [1e-7, '1e-7'], [1e-6, '0.000001'], [0.1 + 0.2, '0.3'], [123456789.5, '123456790'], [999999999.5, '1000000000'],
  [9.9999999996, '10'], [-9.9999999999e-7, '-0.000001'], [0.0009999999999, '0.001'],
  [5e-324, '5e-324'], [-2.2250738585072014e-308, '-2.22507386e-308'],
];
for (const [x, want] of numberCases) {
  test(`formatNumber writes ${x} as '${want}'`, () => assert.equal(formatNumber(x), want));
}

test('formatNumber equals the shortest form of the 9-digit rounding over a million random magnitudes', () => {
  const rand = seededRandom(9);
  for (let i = 0; i < 1_000_000; i++) {
    const x = (rand() - 0.5) * 10 ** Math.floor(rand() * 30 - 12);
    const want = Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(9)));
    if (formatNumber(x) !== want) assert.fail(`${x}: ${formatNumber(x)} != ${want}`);
  }
});

test('formatNumber writes integers in full, beyond nine digits, so sample numbers stay exact', () => {
  assert.equal(formatNumber(1234567891), '1234567891');
  assert.equal(formatNumber(-9007199254740991), '-9007199254740991');
});

const cellCases: [string | number | undefined, string][] = [
  ['a\nb', '"a\nb"'], ['a\r\nb', '"a\r\nb"'], ['"', '""""'], ['', ''], ['µV ü 脑', 'µV ü 脑'], [-0, '0'], [NaN, ''], [0.1 + 0.2, '0.3'],
  // Not quoted: spaces at the edges, and text a spreadsheet would run as a formula, which is written as it is.
  [' lead I ', ' lead I '], ['=1+1', '=1+1'], ['=HYPERLINK("x")', '"=HYPERLINK(""x"")"'], ['+x', '+x'], ['@SUM(A1)', '@SUM(A1)'],
];
for (const [v, want] of cellCases) {
  test(`csvCell writes ${JSON.stringify(v)} as ${JSON.stringify(want)}`, () => assert.equal(csvCell(v), want));
}

test('csvCell quotes strings with separators, quotes or line breaks', () => {
  assert.equal(csvCell('MLII'), 'MLII');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell(undefined), '');
});

test('columnsOf puts the leading columns first, then keys in first-seen order', () => {
  assert.deepEqual(columnsOf([{ b: 1, a: 2 }, { c: 3, a: 4 }], ['a']), ['a', 'b', 'c']);
});

test('writeCsvTable and writeCsvLines write the same file for the same rows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-table-'));
  const rows = Array.from({ length: 20_000 }, (_, i) => ({ i, x: i / 7, name: i % 2 ? 'a,b' : 'c' }));
  await writeCsvTable(join(dir, 't.csv'), rows, ['i', 'x', 'name', 'missing']);
  await writeCsvLines(join(dir, 'l.csv'), ['i', 'x', 'name', 'missing'], rows.map((r) => `${r.i},${formatNumber(r.x)},${csvCell(r.name)},`));
  const t = readFileSync(join(dir, 't.csv'), 'utf8');
  assert.equal(t, readFileSync(join(dir, 'l.csv'), 'utf8'));
  assert.equal(t.split('\n')[2], '1,0.142857143,"a,b",');
});
