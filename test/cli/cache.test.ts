import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from '../helpers/shared.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';
import { gunzipSync } from 'node:zlib';
import { deserialize } from 'node:v8';

const cli = (args: string[]) => spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });

/** A synthetic ECG CSV of `seconds` in a fresh folder, and the arguments that process it in 60 s blocks. */
function ecgRecord(seconds: number, seed: number): { out: string; args: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-cli-cache-'));
  const ecg = syntheticEcg({ fs: 250, seconds, seed });
  writeFileSync(join(dir, 'rec.csv'), 'ECG\n' + Array.from(ecg.signal, (v) => v.toFixed(4)).join('\n') + '\n');
  const out = join(dir, 'out');
  return { out, args: ['process', join(dir, 'rec.csv'), '--fs', '250', '--out', out, '--quiet', '--set', 'pipeline.blockSeconds=60'] };
}

test('a second identical run is served from the cache and cache stats reports the hit rate', () => {
  const { out, args } = ecgRecord(600, 4);
  assert.equal(cli(args).status, 0);
  const first = readFileSync(join(out, 'rec', 'features.csv'), 'utf8');
  const files = readdirSync(join(out, 'rec'));
  const before = new Map(files.map((f) => [f, readFileSync(join(out, 'rec', f))]));
  const r = cli(args);
  assert.equal(r.status, 0, r.stderr);
  const manifest = JSON.parse(readFileSync(join(out, 'rec', 'manifest.json'), 'utf8')) as { outputs: unknown; run: { cache: { hits: number; misses: number; hitRate: number } } };
  // Every file but the manifest is written again to the byte, and the manifest lists them alike.
  for (const f of files) if (f !== 'manifest.json') assert.ok(readFileSync(join(out, 'rec', f)).equals(before.get(f)!), f);
  assert.deepEqual(manifest.outputs, (JSON.parse(before.get('manifest.json')!.toString()) as { outputs: unknown }).outputs);
  // The record's index of its block entries, the 10 blocks, the features and the packaged files.
  assert.equal(manifest.run.cache.hitRate, 1);
  assert.equal(manifest.run.cache.hits, 13);
  assert.equal(readFileSync(join(out, 'rec', 'features.csv'), 'utf8'), first, 'cached results give identical outputs');
  const stats = JSON.parse(cli(['cache', 'stats', '--out', out, '--json']).stdout) as { entries: number; hits: number; misses: number; hitRate: number };
  // First run: 10 block entries, the record's index, the features and the files, all misses; second: 13 hits.
  assert.deepEqual([stats.entries, stats.hits, stats.misses], [13, 13, 13]);
  const sessions = JSON.parse(cli(['sessions', '--out', out, '--json']).stdout) as { status: string }[];
  assert.equal(sessions.length, 2);
  assert.ok(sessions.every((s) => s.status === 'complete'));
  assert.match(cli(['cache', 'clear', '--out', out]).stdout, /removed 13 entries/);
  assert.equal(readdirSync(join(out, '.vitaldsp', 'cache')).filter((f) => f.length === 2).every((d) => readdirSync(join(out, '.vitaldsp', 'cache', d)).length === 0), true);
});

/** The cache entries under `cacheDir` with their stored values. */
function cacheEntries(cacheDir: string): { path: string; value: unknown }[] {
  return readdirSync(cacheDir).filter((d) => d.length === 2).flatMap((d) => readdirSync(join(cacheDir, d)).map((f) => {
    const bytes = readFileSync(join(cacheDir, d, f));
    const entry = deserialize(gunzipSync(bytes.subarray(bytes.indexOf(10) + 1))) as { value: unknown };
    return { path: join(cacheDir, d, f), value: entry.value };
  }));
}

const isIndex = (v: unknown) => typeof v === 'object' && v !== null && 'keys' in v;
const isBlock = (v: unknown) => typeof v === 'object' && v !== null && 'block' in v && 'windows' in v;
const isFiles = (v: unknown) => typeof v === 'object' && v !== null && 'quality.csv' in v;

const corruptions = [
  // The index is discarded (a miss, counted corrupt); the 5 blocks, the features and the files come from their entries.
  { entry: 'the record index', pick: isIndex, hitsMissesCorrupt: [7, 1, 1] },
  // The index serves 4 blocks; the fifth is looked up again by its samples (a second miss), recomputed and the index rewritten.
  { entry: 'a block entry', pick: isBlock, hitsMissesCorrupt: [7, 2, 1] },
  // The files are rendered again from the results of the 7 other entries, and stored again.
  { entry: 'the packaged files', pick: isFiles, hitsMissesCorrupt: [7, 1, 1] },
];

for (const { entry: what, pick, hitsMissesCorrupt } of corruptions) {
  test(`a corrupted cache entry (${what}) is discarded and recomputed, counted, with identical outputs`, () => {
    const { out, args } = ecgRecord(300, 6);
    assert.equal(cli(args).status, 0);
    const first = readFileSync(join(out, 'rec', 'beats.csv'), 'utf8');
    const entry = cacheEntries(join(out, '.vitaldsp', 'cache')).find((e) => pick(e.value))!.path;
    const bytes = readFileSync(entry);
    bytes[bytes.length - 3]! ^= 0x5a;
    writeFileSync(entry, bytes);
    assert.equal(cli(args).status, 0);
    const manifest = JSON.parse(readFileSync(join(out, 'rec', 'manifest.json'), 'utf8')) as { run: { cache: { hits: number; misses: number; corrupt: number } } };
    assert.deepEqual([manifest.run.cache.hits, manifest.run.cache.misses, manifest.run.cache.corrupt], hitsMissesCorrupt);
    assert.equal(readFileSync(join(out, 'rec', 'beats.csv'), 'utf8'), first);
    // The third run is served whole again.
    assert.equal(cli(args).status, 0);
    const third = JSON.parse(readFileSync(join(out, 'rec', 'manifest.json'), 'utf8')) as { run: { cache: { hits: number; misses: number } } };
    assert.deepEqual([third.run.cache.hits, third.run.cache.misses], [8, 0]);
  });
}

test('a copy of a record under another name reuses its results but writes files of its own name', () => {
  const { out, args } = ecgRecord(300, 8);
  assert.equal(cli(args).status, 0);
  const input = args[1]!, copy = join(input, '..', 'copy.csv');
  writeFileSync(copy, readFileSync(input));
  assert.equal(cli(args.map((a) => (a === input ? copy : a))).status, 0);
  const manifest = JSON.parse(readFileSync(join(out, 'copy', 'manifest.json'), 'utf8')) as { run: { cache: { hits: number; misses: number } } };
  // Index, 5 blocks and features are hits; the files, which name the record, are not.
  assert.deepEqual([manifest.run.cache.hits, manifest.run.cache.misses], [7, 1]);
  assert.equal((JSON.parse(readFileSync(join(out, 'copy', 'summary.json'), 'utf8')) as { record: string }).record, 'copy');
  assert.match(readFileSync(join(out, 'copy', 'report.html'), 'utf8'), /<h1>copy<\/h1>/);
  assert.equal(readFileSync(join(out, 'copy', 'beats.csv'), 'utf8'), readFileSync(join(out, 'rec', 'beats.csv'), 'utf8'));
});

test('cache stats and clear find a cache folder set in the config, as process does', () => {
  const { out, args } = ecgRecord(120, 8);
  const dir = join(out, '..', 'shared-cache');
  const prefs = join(out, '..', 'prefs.json');
  writeFileSync(prefs, JSON.stringify({ cache: { dir } }));
  assert.equal(cli([...args, '--config', prefs]).status, 0);
  // Two blocks, the record's index, the features and the packaged files.
  for (const flags of [['--config', prefs], ['--set', `cache.dir=${dir}`]]) {
    const r = cli(['cache', 'stats', '--json', ...flags]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(((s) => [s.dir, s.entries])(JSON.parse(r.stdout) as { dir: string; entries: number }), [dir, 5]);
  }
  assert.match(cli(['cache', 'clear', '--set', `cache.dir=${dir}`]).stdout, /removed 5 entries/);
});

test('packaged files over cache.outputMaxMB are rendered again on a second run instead of read back and cached', () => {
  const { out, args } = ecgRecord(300, 9);
  const small = [...args, '--set', 'cache.outputMaxMB=0.01'];
  assert.equal(cli(small).status, 0);
  const first = readFileSync(join(out, 'rec', 'beats.csv'));
  assert.equal(cli(small).status, 0);
  const manifest = JSON.parse(readFileSync(join(out, 'rec', 'manifest.json'), 'utf8')) as { run: { cache: { hits: number; misses: number } } };
  // Index, 5 blocks and features are hits; the files were never stored, so they are a miss again.
  assert.deepEqual([manifest.run.cache.hits, manifest.run.cache.misses], [7, 1]);
  assert.ok(readFileSync(join(out, 'rec', 'beats.csv')).equals(first));
  assert.equal(cacheEntries(join(out, '.vitaldsp', 'cache')).filter((e) => isFiles(e.value)).length, 0);
});
