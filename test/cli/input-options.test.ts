import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { Command, CommanderError } from 'commander';
import { inputChoice, withInputOptions, type InputFlags } from '../../src/cli/input-options.js';
import { cliPath } from '../helpers/shared.js';

/** Parses `args` with the input flags on a bare command, as `process` and `submit` add them. */
function parse(args: string[]): InputFlags {
  const cmd = withInputOptions(new Command('x')).exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  cmd.parse(args, { from: 'user' });
  return cmd.opts<InputFlags>();
}

test('withInputOptions defaults --signal to auto and leaves the other flags unset', () => {
  assert.deepEqual(parse([]), { signal: 'auto' });
});

test('withInputOptions collects repeated --channel and --column flags in order and reads --fs as a number', () => {
  assert.deepEqual(parse(['--channel', '0', '--channel', 'MLII', '--column', 'ECG', '--column', 'PPG', '--fs', '360', '--format', 'text', '--signal', 'ppg']), {
    signal: 'ppg', channel: ['0', 'MLII'], column: ['ECG', 'PPG'], fs: 360, format: 'text',
  });
});

test('withInputOptions refuses a --signal outside ecg, ppg, eeg, resp and auto', () => {
  assert.throws(() => parse(['--signal', 'emg']), (e: unknown) => e instanceof CommanderError && e.code === 'commander.invalidArgument' && /Allowed choices are ecg, ppg, eeg, resp, auto/.test(e.message));
});

test('withInputOptions refuses an --fs that is not a number', () => {
  assert.throws(() => parse(['--fs', 'abc']));
});

const choices: { flags: InputFlags; want: ReturnType<typeof inputChoice>; what: string }[] = [
  { what: 'auto and nothing else', flags: { signal: 'auto' }, want: { signal: 'auto', open: {} } },
  { what: 'a signal type', flags: { signal: 'eeg' }, want: { signal: 'eeg', open: {} } },
  { what: 'a signal name it does not know, as auto', flags: { signal: 'emg' }, want: { signal: 'auto', open: {} } },
  { what: 'digit-only channels as indices and the others as names', flags: { signal: 'ecg', channel: ['0', 'MLII', '12', '01', 'V1', '-1', '1.5'] }, want: { signal: 'ecg', channels: [0, 'MLII', 12, 1, 'V1', '-1', '1.5'], open: {} } },
  { what: '"all" among the channels as every channel', flags: { signal: 'auto', channel: ['II', 'all'] }, want: { signal: 'auto', channels: 'all', open: {} } },
  { what: 'the reader options', flags: { signal: 'auto', fs: 250, column: ['ECG'], format: 'text' }, want: { signal: 'auto', open: { fs: 250, columns: ['ECG'], format: 'text' } } },
  { what: 'a zero sampling rate as none', flags: { signal: 'auto', fs: 0 }, want: { signal: 'auto', open: {} } },
];
for (const c of choices) {
  test(`inputChoice maps ${c.what}`, () => {
    assert.deepEqual(inputChoice(c.flags), c.want);
  });
}

test('process exits with status 2, a usage error, and lists the choices when --signal is not one of them', () => {
  const r = spawnSync(process.execPath, [cliPath, 'process', 'x.csv', '--out', 'unused', '--signal', 'emg'], { encoding: 'utf8', cwd: tmpdir() });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /option '--signal <type>' argument 'emg' is invalid\. Allowed choices are ecg, ppg, eeg, resp, auto\./);
});
