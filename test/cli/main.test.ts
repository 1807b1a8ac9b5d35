import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
