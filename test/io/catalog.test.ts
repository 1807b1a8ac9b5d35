import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { openRecording } from '../../src/io/open.js';
import { cliPath, needShared, shared } from '../helpers/shared.js';

interface CatalogChannel { name: string; format?: string; unit?: string | null; fs: number; samples: number; annotation?: boolean }
interface CatalogEntry { format: string; variant?: string | null; channels?: CatalogChannel[]; rows?: number; header?: string | null; dtype?: string; shape?: number[] }
interface InfoJson { format: string; variant?: string; channels: { name: string; unit: string; fs: number; samples: number; storage: string; annotation?: boolean }[] }

/** Rates the README states for files that carry none (heartpy file names, systole description). */
const README_FS: Record<string, number> = {
  'ecg/heartpy_e0103_250hz.csv': 250,
  'ppg/heartpy_ppg_100hz.csv': 100,
  'ppg/systole_ppg_75hz.npy': 75,
};

const catalog: Record<string, CatalogEntry> = needShared('data/catalog.json') ? {} : (JSON.parse(readFileSync(shared('data/catalog.json'), 'utf8')) as Record<string, CatalogEntry>);

function info(rel: string): InfoJson {
  const fs = README_FS[rel];
  const r = spawnSync(process.execPath, [cliPath, 'info', '--json', ...(fs ? ['--fs', String(fs)] : []), shared(`data/${rel}`)], { encoding: 'utf8' });
  assert.equal(r.status, 0, `vitaldsp info ${rel}: ${r.stderr}`);
  return JSON.parse(r.stdout) as InfoJson;
}

test('catalog.json is present for the catalog checks', { skip: needShared('data/catalog.json') }, () => {
  assert.ok(Object.keys(catalog).length > 0);
});

for (const [rel, entry] of Object.entries(catalog)) {
  if (entry.channels) {
    test(`vitaldsp info ${rel} reports format, channel names, fs and samples as catalog.json`, { skip: needShared(`data/${rel}`) }, () => {
      const j = info(rel);
      assert.equal(j.format, entry.format);
      if (entry.variant !== undefined) assert.equal(j.variant ?? null, entry.variant);
      assert.deepEqual(j.channels.map((c) => c.name), entry.channels!.map((c) => c.name));
      assert.deepEqual(j.channels.map((c) => c.fs), entry.channels!.map((c) => c.fs));
      assert.deepEqual(j.channels.map((c) => c.samples), entry.channels!.map((c) => c.samples));
      entry.channels!.forEach((c, k) => {
        if (typeof c.unit === 'string') assert.equal(j.channels[k]!.unit, c.unit, `${c.name} unit`);
        // catalog formats carry samples per frame ('212x4'); storage names the format itself
        if (c.format !== undefined) assert.equal(j.channels[k]!.storage, c.format.replace(/[x:+].*$/, ''), `${c.name} storage format`);
        if (c.annotation !== undefined) assert.equal(j.channels[k]!.annotation ?? false, c.annotation, `${c.name} annotation`);
      });
    });
  } else if (entry.format === 'text') {
    test(`vitaldsp info ${rel} reports ${entry.rows} rows for every channel as catalog.json`, { skip: needShared(`data/${rel}`) }, () => {
      const j = info(rel);
      assert.equal(j.format, 'text');
      assert.ok(j.channels.length > 0);
      for (const c of j.channels) assert.equal(c.samples, entry.rows);
      if (entry.header) {
        // every channel is a header column; the header's other columns are the time column
        const cols = entry.header.split(',');
        assert.ok(j.channels.every((c) => cols.includes(c.name)), j.channels.map((c) => c.name).join(','));
        assert.equal(j.channels.length, cols.length - 1);
      }
    });
  } else if (entry.format === 'npy') {
    test(`vitaldsp info ${rel} reports dtype ${entry.dtype} and shape (${entry.shape!.join(', ')}) as catalog.json`, { skip: needShared(`data/${rel}`) }, () => {
      const j = info(rel);
      assert.equal(j.format, 'npy');
      const shape = entry.shape!;
      assert.equal(j.channels.length, shape.length === 2 ? shape[1] : 1);
      for (const c of j.channels) {
        assert.equal(c.samples, shape[0]);
        assert.equal(c.storage, entry.dtype);
      }
    });
  }
}

test('test_generator_2.edf and wfdb/test_generator_2.hea decode to the same samples on every channel',
  { skip: needShared('data/edf/test_generator_2.edf') || needShared('data/wfdb/test_generator_2.hea') }, async () => {
    const edf = await openRecording(shared('data/edf/test_generator_2.edf'));
    const wfdb = await openRecording(shared('data/wfdb/test_generator_2.hea'));
    try {
      const sig = edf.signalChannels();
      assert.equal(sig.length, 11);
      for (const i of sig) {
        const e = edf.info.channels[i]!;
        const j = wfdb.channelIndex(e.name);
        const w = wfdb.info.channels[j]!;
        assert.deepEqual([w.fs, w.samples, w.gain], [e.fs, e.samples, e.gain], e.name);
        const [ea] = await edf.read(i, 0, e.samples, { raw: true });
        const [wa] = await wfdb.read(j, 0, w.samples, { raw: true });
        assert.deepEqual(wa, ea, `${e.name}: stored values`);
        // Physical values: EDF maps digital -32768..32767 onto -1000..1000 uV, a baseline of -0.5 (half a
        // step), which the WFDB copy rounded to an integer baseline of 0. The two files therefore agree to
        // within half a quantisation step (0.5 / 32.7675 = 0.0153 uV), not bit for bit.
        const [ep] = await edf.read(i, 0, e.samples);
        const [wp] = await wfdb.read(j, 0, w.samples);
        let worst = 0;
        for (let k = 0; k < e.samples; k++) worst = Math.max(worst, Math.abs(ep![k]! - wp![k]!));
        assert.ok(worst <= 0.5 / e.gain + 1e-9, `${e.name}: physical values differ by up to ${worst}`);
      }
    } finally {
      await edf.close();
      await wfdb.close();
    }
  });
