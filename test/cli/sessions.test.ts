import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointStore, type SessionMeta } from '../../src/runtime/checkpoint.js';
import { cliPath } from '../helpers/shared.js';

// test/runtime/checkpoint.test.ts covers listing and cleanup themselves; these tests hold the
// command: its output, its options, and the config limits it applies.

/** The CLI with only the VITALDSP_* settings given: one exported in the shell would change the limits. */
function cli(args: string[], env: Record<string, string> = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITALDSP_')));
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env: { ...base, ...env } });
}

const MiB = 2 ** 20;
const OLD = '20250101T080000Z-aaaaaa', NEW = '20250301T120000Z-bbbbbb';

/**
 * An output folder with two sessions of 3 MiB of checkpoints each: OLD, complete and last updated
 * long ago; NEW, running, with one record noted in its done log (which dates its update to now).
 */
async function outputFolder(): Promise<{ out: string; root: string }> {
  const out = mkdtempSync(join(tmpdir(), 'vitaldsp-cli-sessions-'));
  const root = join(out, '.vitaldsp', 'sessions');
  const metas: SessionMeta[] = [
    { id: OLD, created: '2025-01-01T08:00:00.000Z', updated: '2025-01-01T08:30:00.000Z', status: 'complete', inputs: ['/d/a.edf', '/d/b.edf'], outDir: out, done: ['/d/a.edf', '/d/b.edf'] },
    { id: NEW, created: '2025-03-01T12:00:00.000Z', updated: '2025-03-01T12:00:00.000Z', status: 'running', inputs: ['/d/a.edf', '/d/b.edf', '/d/c.edf'], outDir: out, done: [] },
  ];
  for (const meta of metas) {
    const store = new CheckpointStore(root, meta.id);
    await store.writeMeta(meta);
    writeFileSync(join(store.dir, 'blocks.ckpt'), new Uint8Array(3 * MiB));
    if (meta.id === NEW) await store.markDone('/d/a.edf');
  }
  return { out, root };
}

/** Bytes of the files of one session folder, summed here from the file system. */
function folderBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

test('sessions lists the sessions of an output folder newest first, one line each', async () => {
  const { out } = await outputFolder();
  const r = cli(['sessions', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, new RegExp(`^${NEW}  running      1/3 records      3\\.0 MB  updated \\d{4}-\\d\\d-\\d\\dT`));
  assert.equal(lines[1], `${OLD}  complete     2/2 records      3.0 MB  updated 2025-01-01T08:30:00.000Z`);
});

test('sessions --json gives each session\'s meta, the records of its done log and its size in bytes', async () => {
  const { out, root } = await outputFolder();
  const r = cli(['sessions', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const sessions = JSON.parse(r.stdout) as (SessionMeta & { bytes: number })[];
  assert.deepEqual(sessions.map((s) => [s.id, s.status, s.done, s.inputs.length]), [[NEW, 'running', ['/d/a.edf'], 3], [OLD, 'complete', ['/d/a.edf', '/d/b.edf'], 2]]);
  for (const s of sessions) assert.equal(s.bytes, folderBytes(join(root, s.id)), s.id);
  // the done log dates the running session's last update
  assert.ok(Date.parse(sessions[0]!.updated) > Date.parse('2025-03-02'));
});

test('sessions says so when the output folder has none, and skips a folder without a readable session.json', () => {
  const out = mkdtempSync(join(tmpdir(), 'vitaldsp-cli-sessions-'));
  const empty = cli(['sessions', '--out', out]);
  assert.equal(empty.status, 0, empty.stderr);
  assert.equal(empty.stdout, `no sessions under ${join(out, '.vitaldsp', 'sessions')}\n`);
  // session folders whose meta is missing or torn, as after a kill at the very start
  mkdirSync(join(out, '.vitaldsp', 'sessions', OLD), { recursive: true });
  const torn = join(out, '.vitaldsp', 'sessions', NEW);
  mkdirSync(torn);
  writeFileSync(join(torn, 'session.json'), '{"id": "cut sho');
  assert.deepEqual(JSON.parse(cli(['sessions', '--out', out, '--json']).stdout), []);
});

const cleanups: { what: string; env: Record<string, string>; args?: (out: string) => string[]; removed: string[] }[] = [
  // OLD was last updated in 2025: older than the default 168 h; NEW was updated just now.
  { what: 'the default checkpoint.maxAgeHours', env: {}, removed: [OLD] },
  { what: 'checkpoint.maxTotalMB from the environment, oldest first', env: { VITALDSP_CHECKPOINT_MAX_AGE_HOURS: '1e9', VITALDSP_CHECKPOINT_MAX_TOTAL_MB: '4' }, removed: [OLD] },
  { what: 'limits both sessions fit in', env: { VITALDSP_CHECKPOINT_MAX_AGE_HOURS: '1e9', VITALDSP_CHECKPOINT_MAX_TOTAL_MB: '7' }, removed: [] },
  { what: 'a size limit below one session', env: { VITALDSP_CHECKPOINT_MAX_AGE_HOURS: '1e9', VITALDSP_CHECKPOINT_MAX_TOTAL_MB: '1' }, removed: [OLD, NEW] },
  { what: 'limits given with --set', env: {}, args: () => ['--set', 'checkpoint.maxAgeHours=1e9', '--set', 'checkpoint.maxTotalMB=4'], removed: [OLD] },
  { what: 'limits from a --config file, with --set over them', env: {}, args: (out) => {
    const file = join(out, 'prefs.json');
    writeFileSync(file, JSON.stringify({ checkpoint: { maxAgeHours: 1e9, maxTotalMB: 1 } }));
    return ['--config', file, '--set', 'checkpoint.maxTotalMB=7'];
  }, removed: [] },
];
for (const c of cleanups) {
  test(`sessions --cleanup applies ${c.what} and lists what is left`, async () => {
    const { out, root } = await outputFolder();
    const r = cli(['sessions', '--out', out, '--cleanup', ...(c.args?.(out) ?? [])], c.env);
    assert.equal(r.status, 0, r.stderr);
    const [first, ...rest] = r.stdout.trimEnd().split('\n');
    assert.equal(first, `removed ${c.removed.length} session(s)${c.removed.length ? ': ' + c.removed.join(', ') : ''}`);
    const left = [NEW, OLD].filter((id) => !c.removed.includes(id));
    assert.deepEqual(rest.map((l) => l.split(' ')[0]), left.length ? left : ['no']);
    for (const id of [NEW, OLD]) assert.equal(existsSync(join(root, id)), left.includes(id), id);
  });
}

test('sessions --cleanup exits with status 2 naming the setting when a limit from the environment is invalid', async () => {
  const { out, root } = await outputFolder();
  const r = cli(['sessions', '--out', out, '--cleanup'], { VITALDSP_CHECKPOINT_MAX_TOTAL_MB: '0' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /checkpoint\.maxTotalMB: expected number >= 1, got 0 \(from VITALDSP_CHECKPOINT_MAX_TOTAL_MB\)/);
  assert.ok(existsSync(join(root, OLD)) && existsSync(join(root, NEW)), 'nothing removed');
});

test('sessions requires --out, a usage error (exit code 2)', () => {
  const r = cli(['sessions']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /required option '--out <dir>' not specified/);
});
