import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../src/io/errors.js';
import { PositionalFile } from '../../src/io/file.js';
import { forEachLine, type LineScanOptions } from '../../src/io/text-lines.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-text-lines-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
function tmpFile(content: string | Buffer): string {
  const p = join(dir, `l${fileNo++}.txt`);
  writeFileSync(p, content);
  return p;
}

type Line = [text: string, offset: number, line: number];

/** Every line forEachLine reports for `content`. */
async function lines(content: string | Buffer, opts: LineScanOptions = {}): Promise<Line[]> {
  const file = new PositionalFile(tmpFile(content));
  const got: Line[] = [];
  try {
    await forEachLine(file, (text, offset, line) => { got.push([text, offset, line]); }, opts);
  } finally {
    await file.close();
  }
  return got;
}

const CASES: { name: string; content: string; want: Line[] }[] = [
  { name: 'LF endings', content: 'a,1\nb,2\n', want: [['a,1', 0, 1], ['b,2', 4, 2]] },
  { name: 'CRLF endings, offsets counting the CR', content: 'a,1\r\nb,2\r\n', want: [['a,1', 0, 1], ['b,2', 5, 2]] },
  { name: 'a last line without terminator', content: 'x\ny', want: [['x', 0, 1], ['y', 2, 2]] },
  { name: 'a last line ending in a lone CR', content: 'x\ny\r', want: [['x', 0, 1], ['y', 2, 2]] },
  { name: 'empty lines, reported as empty text', content: '\n\nz\n\n', want: [['', 0, 1], ['', 1, 2], ['z', 2, 3], ['', 4, 4]] },
  { name: 'a CR inside a line, which ends nothing', content: 'a\rb\nc\n', want: [['a\rb', 0, 1], ['c', 4, 2]] },
  { name: 'mixed endings', content: '1\r\n2\n3\r\n', want: [['1', 0, 1], ['2', 3, 2], ['3', 5, 3]] },
  // 'é' is 2 bytes and '€' 3 in UTF-8: offsets are bytes, text is decoded.
  { name: 'non-ASCII names, with byte offsets', content: 'é,€\n1,2\n', want: [['é,€', 0, 1], ['1,2', 7, 2]] },
  { name: 'an empty file', content: '', want: [] },
  { name: 'a file of one newline', content: '\n', want: [['', 0, 1]] },
];

for (const c of CASES) {
  test(`forEachLine reports each line with its byte offset and 1-based number: ${c.name}`, async () => {
    assert.deepEqual(await lines(c.content), c.want);
  });
}

test('forEachLine starts at the byte offset and line number it is given', async () => {
  // As a text reader resumes from its sparse index: 'h1,h2\n' (6 bytes) and '#c\n' (3) put line 3 at byte 9.
  const content = 'h1,h2\n#c\n1,2\n3,4';
  assert.deepEqual(await lines(content, { from: 9, line: 3 }), [['1,2', 9, 3], ['3,4', 13, 4]]);
  assert.deepEqual(await lines(content, { from: 9 }), [['1,2', 9, 1], ['3,4', 13, 2]]);
  assert.deepEqual(await lines(content, { from: content.length }), []);
});

/** Lines of varied lengths, some longer than a block, to cross block boundaries at every kind of place. */
function variedLines(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${i}:` + 'abcdefghij'.repeat((i * 7) % 61) + (i % 5 === 0 ? 'é' : ''));
}

/** What forEachLine must report for `list` joined by `eol`, offsets counted in UTF-8 bytes. */
function expected(list: string[], eol: string): Line[] {
  let offset = 0;
  return list.map((t, i) => {
    const l: Line = [t, offset, i + 1];
    offset += Buffer.byteLength(t + eol);
    return l;
  });
}

for (const [eol, name] of [['\n', 'LF'], ['\r\n', 'CRLF']] as const) {
  test(`forEachLine gives the same lines whatever the block size (${name} endings, lines longer than a block)`, async () => {
    const list = variedLines(200);
    const content = list.join(eol) + eol;
    const want = expected(list, eol);
    // 256 is the smallest block; 600 bytes is shorter than the longest line (about 600).
    for (const blockSize of [1, 256, 600, 4096, undefined]) {
      assert.deepEqual(await lines(content, blockSize === undefined ? {} : { blockSize }), want, `blockSize ${blockSize}`);
    }
  });
}

test('forEachLine joins a CRLF split across two blocks', async () => {
  // Block of 256 bytes: the '\r' is byte 255, the '\n' byte 256.
  const first = 'a'.repeat(255);
  const content = `${first}\r\nnext\r\n`;
  assert.deepEqual(await lines(content, { blockSize: 256 }), [[first, 0, 1], ['next', 257, 2]]);
});

test('forEachLine stops when the sink returns false, and reports no later line', async () => {
  const file = new PositionalFile(tmpFile('1\n2\n3\n4\n5'));
  const seen: string[] = [];
  try {
    await forEachLine(file, (text) => {
      seen.push(text);
      return text !== '2';
    });
  } finally {
    await file.close();
  }
  assert.deepEqual(seen, ['1', '2']);
});

test('forEachLine stopped on the last complete line does not report the unterminated tail', async () => {
  const file = new PositionalFile(tmpFile('1\n2\ntail'));
  const seen: string[] = [];
  try {
    await forEachLine(file, (text) => { seen.push(text); return text !== '2'; });
  } finally {
    await file.close();
  }
  assert.deepEqual(seen, ['1', '2']);
});

test('forEachLine takes a line longer than maxLineBytes as a broken file: FormatError with the file, line and byte', async () => {
  const path = tmpFile(`short\n${'x'.repeat(1000)}\nmore\n`);
  const file = new PositionalFile(path);
  const seen: string[] = [];
  try {
    await assert.rejects(forEachLine(file, (t) => { seen.push(t); }, { maxLineBytes: 300 }), (e: unknown) => {
      assert.ok(e instanceof FormatError, String(e));
      assert.equal(e.file, path);
      assert.equal(e.expected, 'a line shorter than 300 bytes');
      assert.equal(e.where, 'line 2 (byte 6)');
      assert.ok(e.message.startsWith(path));
      return true;
    });
  } finally {
    await file.close();
  }
  assert.deepEqual(seen, ['short']);
});

test('forEachLine accepts lines up to maxLineBytes long, terminator included', async () => {
  const long = 'y'.repeat(299);
  assert.deepEqual(await lines(`${long}\nz\n`, { maxLineBytes: 300 }), [[long, 0, 1], ['z', 300, 2]]);
  // A last line without terminator is never cut off by the limit's buffer.
  assert.deepEqual(await lines(`a\n${'w'.repeat(300)}`, { maxLineBytes: 300 }), [['a', 0, 1], ['w'.repeat(300), 2, 2]]);
});

test('forEachLine on a missing file fails with the FormatError of opening it', async () => {
  const path = join(dir, 'missing.csv');
  const file = new PositionalFile(path);
  await assert.rejects(forEachLine(file, () => undefined), (e: unknown) => e instanceof FormatError && e.where === 'open' && e.message.startsWith(path));
  await file.close();
});
