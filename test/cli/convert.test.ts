import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecording } from '../../src/io/open.js';
import type { Recording } from '../../src/io/recording.js';
import { cliPath, needShared, shared } from '../helpers/shared.js';

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
  assert.equal(readFileSync(out, 'utf8').split('\n')[0], 'MLII,V5');
  await withRecs([shared('data/wfdb/100s.hea'), out], async (src, csv) => {
    assert.equal(src.info.channels[0]!.storage, '212');
    assert.deepEqual(csv.info.channels.map((c) => [c.name, c.samples]), [['MLII', 21600], ['V5', 21600]]);
    const want = await src.read([0, 1], 0, 21600);
    const got = await csv.read([0, 1], 0, 21600);
    assert.deepEqual(got, want);
  }, 360);
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
  assert.equal(lines[0], 'ABP,RESP');
  assert.equal(lines.length, 75002);
});

test('convert --raw writes stored integers to CSV', { skip: needShared('data/wfdb/100s.hea') }, () => {
  const out = join(dir, 'raw.csv');
  assert.equal(cli('convert', shared('data/wfdb/100s.hea'), out, '--raw').status, 0);
  const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
  assert.ok(lines.slice(1).every((l) => /^-?\d+,-?\d+$/.test(l)));
});

const REFUSED: [string, string[], RegExp][] = [
  ['channels of different rates to CSV', ['data/wfdb/03700181.hea', 'mr.csv'], /different sampling rates.*--channel/],
  ['an unknown output extension', ['data/wfdb/100s.hea', 'x.xlsx'], /output must end in \.hea/],
  ['--raw for WFDB output', ['data/wfdb/100s.hea', 'x.hea', '--raw'], /--raw applies to CSV output only/],
  ['--format for CSV output', ['data/wfdb/100s.hea', 'x.csv', '--format', '212'], /--format .* WFDB \(\.hea\) output only/],
  ['an unknown channel', ['data/wfdb/100s.hea', 'x.csv', '--channel', 'V9'], /no channel named 'V9'/],
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
