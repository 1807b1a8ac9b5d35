import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wfdbHeaderPath } from '../../src/io/detect.js';
import { FormatError } from '../../src/io/errors.js';
import { openRecording } from '../../src/io/open.js';
import { needShared, shared } from '../helpers/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-open-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const CASES: { path: string; format: string; names: string[]; fs: number; opts?: Parameters<typeof openRecording>[1] }[] = [
  { path: 'data/wfdb/100.hea', format: 'wfdb', names: ['MLII', 'V5'], fs: 360 },
  { path: 'data/wfdb/100.dat', format: 'wfdb', names: ['MLII', 'V5'], fs: 360 },
  { path: 'data/wfdb/100', format: 'wfdb', names: ['MLII', 'V5'], fs: 360 },
  { path: 'data/edf/test_subsecond.edf', format: 'edf', names: ['Fp1', 'EDF Annotations'], fs: 128 },
  { path: 'data/edf/mne_test.bdf', format: 'bdf', names: ['Fp1'], fs: 2048 },
  { path: 'data/ppg/systole_ppg_75hz.npy', format: 'npy', names: ['ch0'], fs: 75, opts: { fs: 75 } },
  { path: 'data/ppg/vitaldsp_PPG_short.csv', format: 'text', names: ['PLETH'], fs: 100, opts: { columns: ['PLETH'] } },
  { path: 'data/ecg/heartpy_e0103_250hz.csv', format: 'text', names: ['ch0'], fs: 250, opts: { fs: 250 } },
  { path: 'data/ppg/vitaldsp_PPG_short.csv', format: 'text', names: ['TIMESTAMP_MS'], fs: 50, opts: { timeColumn: false, columns: [0], fs: 50 } },
];

for (const c of CASES) {
  const file = c.path.endsWith('/100') ? 'data/wfdb/100.hea' : c.path;
  test(`openRecording opens ${c.path}${c.opts ? ` with ${JSON.stringify(c.opts)}` : ''} as ${c.format}`, { skip: needShared(file) }, async () => {
    const rec = await openRecording(shared(c.path), c.opts);
    try {
      assert.equal(rec.info.format, c.format);
      assert.deepEqual(rec.info.channels.slice(0, c.names.length).map((ch) => ch.name), c.names);
      assert.equal(rec.info.channels[0]!.fs, c.fs);
      const [x] = await rec.read(0, 0, 10);
      assert.equal(x!.length, 10);
    } finally {
      await rec.close();
    }
  });
}

test('openRecording finds the header that lists a signal file of another name', { skip: needShared('data/wfdb/formats/binformats.hea') }, async () => {
  assert.equal(await wfdbHeaderPath(shared('data/wfdb/formats/binformats.d3')), shared('data/wfdb/formats/binformats.hea'));
  const rec = await openRecording(shared('data/wfdb/formats/binformats.d3'));
  try {
    assert.equal(rec.info.format, 'wfdb');
    assert.equal(rec.info.channels.length, 10);
  } finally {
    await rec.close();
  }
});

test('openRecording honours a format override and reports a .dat without header', async () => {
  const p = join(dir, 'values.dat');
  writeFileSync(p, '1\n2\n3\n');
  await assert.rejects(openRecording(p), (e: unknown) => e instanceof FormatError && /WFDB header/.test(e.message));
  const rec = await openRecording(p, { format: 'text', fs: 3 });
  try {
    assert.deepEqual(Array.from((await rec.read(0, 0, 3))[0]!), [1, 2, 3]);
  } finally {
    await rec.close();
  }
});

test('openRecording reads WFDB (FLAC and multi-segment), EDF and text recordings at http URLs as it reads the files', async () => {
  const { flacDir } = await import('../helpers/flac-golden.js');
  const { serveFolder } = await import('../helpers/http-server.js');
  const { writeEdf } = await import('../../src/io/edf/writer.js');
  const { copyFileSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-open-url-'));
  for (const f of ['flac516.hea', 'flac516.dat', 'flac516_ref.hea', 'flac516_ref.dat']) copyFileSync(join(flacDir, f), join(dir, f));
  // Two FLAC segments and a gap.
  writeFileSync(join(dir, 'm.hea'), 'm/3 2 250 14007\nflac516 7000\n~ 7\nflac516 7000\n');
  writeFileSync(join(dir, 't.csv'), 'time_s,x\n' + Array.from({ length: 500 }, (_, i) => `${i / 50},${Math.sin(i / 9)}`).join('\n') + '\n');
  const ref = await openRecording(join(dir, 'flac516_ref.hea'));
  await writeEdf(ref, join(dir, 'r.edf'));
  await ref.close();
  const server = await serveFolder(dir);
  try {
    for (const name of ['flac516.hea', 'flac516', 'm.hea', 'r.edf', 't.csv']) {
      const local = await openRecording(join(dir, name));
      const remote = await openRecording(server.base + name);
      try {
        assert.equal(remote.info.format, local.info.format, name);
        assert.deepEqual(remote.info.channels.map((c) => [c.name, c.fs, c.samples]), local.info.channels.map((c) => [c.name, c.fs, c.samples]), name);
        for (const ch of local.signalChannels()) {
          const n = local.info.channels[ch]!.samples;
          assert.deepEqual(await remote.read(ch, 0, n), await local.read(ch, 0, n), `${name} channel ${ch}`);
          assert.deepEqual(await remote.read(ch, Math.floor(n / 3), Math.floor(n / 2)), await local.read(ch, Math.floor(n / 3), Math.floor(n / 2)), `${name} channel ${ch}, a range`);
        }
      } finally {
        await local.close();
        await remote.close();
      }
    }
    await assert.rejects(openRecording(`${server.base}missing.hea`), (e: unknown) => e instanceof FormatError && /missing\.hea: .*HTTP 404/.test(e.message));
    // A query (say an access token) is kept for every file of the record, and does not hide the extension.
    for (const name of ['flac516.hea?token=1', 'flac516.dat?token=1', 'flac516?token=1']) {
      const rec = await openRecording(server.base + name);
      try {
        assert.deepEqual(rec.info.channels.map((c) => c.samples), [7000, 7000], name);
        assert.equal((await rec.read(0, 0, 3))[0]!.length, 3);
      } finally {
        await rec.close();
      }
    }
    assert.ok(server.log.includes('GET /flac516.dat bytes=0-0') || server.log.some((l) => l.startsWith('HEAD /flac516.dat')));
    // A header reached through a redirect to another server: its files are beside where it was found.
    const front = await serveFolder(join(dir, 'nothing-here'), { redirect: { prefix: '/link/', to: server.base } });
    try {
      const rec = await openRecording(`${front.base}link/flac516.hea`);
      try {
        assert.ok(rec.info.path.startsWith(server.base), rec.info.path);
        assert.equal((await rec.read(1, 10, 20))[0]!.length, 10);
      } finally {
        await rec.close();
      }
    } finally {
      await front.close();
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
