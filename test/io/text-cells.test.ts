import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY, guessDelimiter, NOT_A_NUMBER, opensQuote, parseNumber, splitCells } from '../../src/io/text-cells.js';

test('splitCells trims cells and honours RFC 4180 quotes', () => {
  assert.deepEqual(splitCells(' 1 , 2,3 ', ','), ['1', '2', '3']);
  assert.deepEqual(splitCells('"a, b","say ""hi""",3', ','), ['a, b', 'say "hi"', '3']);
  assert.deepEqual(splitCells('  1.5\t  2   3 ', 'whitespace'), ['1.5', '2', '3']);
  assert.deepEqual(splitCells('"x y"  2', 'whitespace'), ['x y', '2']);
  assert.deepEqual(splitCells('1,', ','), ['1', '']);
});

test('splitCells reports which cells were quoted when asked', () => {
  const cases: [string, ',' | 'whitespace', boolean[]][] = [
    ['"1",2,"a ""b"""', ',', [true, false, true]],
    ['1,2', ',', []],
    ['"x y"  2', 'whitespace', [true, false]],
  ];
  for (const [text, delim, want] of cases) {
    const quoted = [true, true, true, true];
    splitCells(text, delim, quoted);
    assert.deepEqual(quoted, want, text);
  }
});

test('opensQuote tells a line that leaves a quoted cell open', () => {
  const cases: [string, boolean][] = [['a,b', false], ['a,"two', true], ['a,"two""', true], ['"x""y",1', false], ['lines",3', true], ['"a","b"', false]];
  for (const [text, want] of cases) assert.equal(opensQuote(text), want, text);
});

test('parseNumber accepts decimal numbers, NaN/inf and the missing-value spellings of pandas, refuses the rest', () => {
  const ok: [string, number][] = [['1', 1], ['-2.5e-3', -0.0025], ['.5', 0.5], ['+7', 7], ['nan', NaN], ['NaN', NaN], ['-inf', -Infinity], ['Infinity', Infinity], ['0.25', 0.25], ['0', 0]];
  for (const s of ['NA', 'N/A', 'n/a', '#N/A', '#N/A N/A', '#NA', '<NA>', 'NULL', 'null', 'None', '-NaN', '1.#IND', '-1.#QNAN']) ok.push([s, NaN]);
  for (const [s, v] of ok) assert.ok(Object.is(parseNumber(s, false), v), s);
  for (const s of ['abc', '1e', '0x1f', '-0b1', '1,5', '2023-01-01', 'N', 'NAN1', 'nul', '#N/', 'Na', 'none', 'Null', 'n/A']) assert.equal(parseNumber(s, false), NOT_A_NUMBER, s);
  assert.equal(parseNumber('', false), EMPTY);
  assert.equal(parseNumber('1,5', true), 1.5);
});

test('guessDelimiter picks the delimiter that splits every line alike', () => {
  assert.equal(guessDelimiter(['a,b', '1,2', '3,4']), ',');
  assert.equal(guessDelimiter(['a\tb', '1\t2']), '\t');
  assert.equal(guessDelimiter(['a;b', '1,5;2,5']), ';');
  assert.equal(guessDelimiter(['1 2', '3  4']), 'whitespace');
  assert.equal(guessDelimiter(['1', '2']), ',');
  assert.equal(guessDelimiter(['"a,b";c', '1;2']), ';');
});
