import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from '../helpers/shared.js';

const cli = (args: string[]) => spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });

const commands = ['submit', 'worker', 'status', 'peaks', 'eval', 'hrv', 'info', 'convert', 'config', 'process', 'sessions', 'cache', 'synth'];

test('the help lists every command, in order', () => {
  const r = cli(['--help']);
  assert.equal(r.status, 0, r.stderr);
  const listed = [...r.stdout.matchAll(/^ {2}(\w+)/gm)].map((m) => m[1]);
  assert.deepEqual(listed.filter((c) => c !== 'help'), commands);
});

for (const command of commands) {
  test(`'${command} --help' loads its command and prints its usage`, () => {
    const r = cli([command, '--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Usage: vitaldsp ${command} `));
  });
}

test('an unknown command is refused with the list of commands to hand', () => {
  const r = cli(['procss']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /unknown command 'procss'/);
  assert.match(r.stderr, /process/);
});

// What each command accepts, from its source and the README: its help must list every one.
const OPTIONS: [string, string[]][] = [
  ['info', ['--json', '--format', '--fs']],
  ['convert', ['-c, --channel', '--raw', '--no-time', '--format', '--fs', '--from']],
  ['peaks', ['--signal', '--channel', '--fs', '--detector', '--fiducial', '--block', '--out']],
  ['eval', ['--ref', '--test', '--fs', '--window', '--start', '--end', '--json']],
  ['hrv', ['--json', '--ddof', '--conventions']],
  ['synth', ['--fs', '--seconds', '--rate', '--noise', '--seed']],
  ['process', ['--signal', '--channel', '--fs', '--column', '--format', '--out', '--resume', '--quiet', '--config', '--set', '--engine', '--redis', '--queue']],
  ['config', ['--explain', '--json', '--fs', '--channels', '--config', '--set']],
  ['sessions', ['--out', '--cleanup', '--json', '--config', '--set']],
  ['cache stats', ['--out', '--dir', '--json', '--config', '--set']],
  ['cache clear', ['--out', '--dir', '--config', '--set']],
];
for (const [command, options] of OPTIONS) {
  test(`'${command} --help' lists every option it accepts`, () => {
    const r = cli([...command.split(' '), '--help']);
    assert.equal(r.status, 0, r.stderr);
    for (const o of options) assert.match(r.stdout, new RegExp(`^ {2}${o}\\b`, 'm'), `${command}: ${o}`);
  });
}

test("'cache --help' lists its stats and clear subcommands", () => {
  const r = cli(['cache', '--help']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ {2}stats\b/m);
  assert.match(r.stdout, /^ {2}clear\b/m);
});

// Usage errors exit 2, whether Commander finds them while parsing or a command's own checks do
// (RangeError, ConfigError); 1 means a record failed.
const USAGE: [string, string[]][] = [
  ['info without a file', ['info']],
  ['info with an unknown option', ['info', '--bogus', 'x.edf']],
  ['info with --fs that is not a number', ['info', '--fs', 'fast', 'x.csv']],
  ['info with an unknown --format', ['info', '--format', 'xls', 'x.csv']],
  ['hrv with --ddof 2', ['hrv', '--ddof', '2', 'nn.txt']],
  ['peaks with an unknown --fiducial', ['peaks', 'x.hea', '--fiducial', 'top']],
  ['peaks with --block that is not a number', ['peaks', 'x.hea', '--block', 'long']],
  ['peaks with an unknown --detector', ['peaks', 'x.hea', '--detector', 'magic']],
  ['eval without --test', ['eval', '--ref', 'r.txt']],
  ['eval with --fs that is not a number', ['eval', '--ref', 'r.txt', '--test', 'r.txt', '--fs', 'abc']],
  ['convert to an unknown extension', ['convert', 'x.hea', 'x.xlsx']],
  ['process without --out', ['process', 'x.hea']],
  ['process with an unknown --signal', ['process', 'x.hea', '--out', 'o', '--signal', 'emg']],
  ['synth of an unknown signal', ['synth', 'emg', 'x.csv']],
  ['synth with a negative --seconds', ['synth', 'ecg', 'x.csv', '--seconds', '-5']],
  ['config with an invalid --set', ['config', '--set', 'runtime.workers=0']],
  ['sessions without --out', ['sessions']],
  ['process with --out a URL', ['process', 'x.hea', '--out', 'http://127.0.0.1:9/out']],
  ['submit with --out a URL', ['submit', 'x.hea', '--out', 'https://example.org/out']],
  ['convert to a URL', ['convert', 'x.hea', 'http://127.0.0.1:9/x.edf']],
  ['peaks with --out a URL', ['peaks', 'x.hea', '--out', 'http://127.0.0.1:9/b.csv']],
];
for (const [what, args] of USAGE) {
  test(`${what} is a usage error: exit code 2 and a message, no stack`, () => {
    const r = cli(args);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    assert.notEqual(r.stderr.trim(), '');
    assert.equal(r.status, 2, r.stderr);
  });
}

// A missing input: every command names the file. `process` counts it as a failed record (exit 1).
const MISSING: [string, (f: string) => string[], number][] = [
  ['info', (f) => ['info', f], 2],
  ['convert', (f) => ['convert', f, f + '.csv'], 2],
  ['peaks', (f) => ['peaks', f], 2],
  ['eval', (f) => ['eval', '--ref', f, '--test', f, '--fs', '360'], 2],
  ['hrv', (f) => ['hrv', f], 2],
  ['process', (f) => ['process', f, '--out', join(tmpdir(), `vitaldsp-missing-${process.pid}`), '--quiet'], 1],
];
for (const [command, args, code] of MISSING) {
  test(`${command} on a missing input names it and exits ${code}`, () => {
    const file = join(tmpdir(), `vitaldsp no such ü ${process.pid}.txt`);
    try {
      const r = cli(args(file));
      assert.equal(r.status, code, r.stderr);
      assert.doesNotMatch(r.stderr, /^\s+at /m);
      assert.ok(r.stderr.includes(`${file}: expected a readable`), r.stderr);
    } finally {
      rmSync(join(tmpdir(), `vitaldsp-missing-${process.pid}`), { recursive: true, force: true });
    }
  });
}
