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
