import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress } from '../../src/cli/progress.js';
import type { ProgressEvent } from '../../src/pipeline/types.js';

// The display draws on process.stderr with cursor moves and line clears. These tests make stderr look
// like a terminal, keep what is written, and replay it on a small screen model: the assertions read
// the lines a user would see, not the escape codes on the way.

/** Replays cursor movement (CSI n A/B/C/D/G), line and screen clears (CSI n K, CSI J) and text on a grid. */
function screenOf(output: string): string[] {
  const rows: string[][] = [[]];
  let row = 0, col = 0;
  const line = (r: number): string[] => { while (rows.length <= r) rows.push([]); return rows[r]!; };
  for (let i = 0; i < output.length; i++) {
    const ch = output[i]!;
    if (ch === '\x1b') {
      const m = /^\x1b(?:\[(\??)(\d*)([A-Za-z])|[78])/.exec(output.slice(i));
      assert.ok(m, `unknown escape at ${JSON.stringify(output.slice(i, i + 8))}`);
      i += m[0].length - 1;
      if (!m[3] || m[1] === '?') continue; // cursor save/restore, cursor visibility, line wrapping
      const n = m[2] === '' ? undefined : Number(m[2]);
      switch (m[3]) {
        case 'A': row = Math.max(0, row - (n ?? 1)); break;
        case 'B': row += n ?? 1; break;
        case 'C': col += n ?? 1; break;
        case 'D': col = Math.max(0, col - (n ?? 1)); break;
        case 'G': col = (n ?? 1) - 1; break;
        case 'K': {
          const l = line(row);
          if ((n ?? 0) === 0) l.length = Math.min(l.length, col);
          else if (n === 1) for (let c = 0; c <= col && c < l.length; c++) l[c] = ' ';
          else l.length = 0;
          break;
        }
        case 'J': line(row).length = Math.min(line(row).length, col); rows.length = row + 1; break;
        default: assert.fail(`unexpected escape ${m[0]}`);
      }
    } else if (ch === '\n') {
      row++; col = 0; line(row);
    } else if (ch === '\r') {
      col = 0;
    } else {
      const l = line(row);
      while (l.length < col) l.push(' ');
      l[col++] = ch;
    }
  }
  return rows.map((r) => r.join('').trimEnd()).filter((r) => r !== '');
}

/** Runs `fn` with process.stderr made to look like a 160-column terminal (or a pipe), and returns what was written. */
async function onFakeTerminal(fn: () => void | Promise<void>, isTTY = true): Promise<string> {
  const stderr = process.stderr as NodeJS.WriteStream & { isTTY?: boolean; columns?: number };
  const saved = { isTTY: Object.getOwnPropertyDescriptor(stderr, 'isTTY'), columns: Object.getOwnPropertyDescriptor(stderr, 'columns'), write: stderr.write };
  let out = '';
  Object.defineProperty(stderr, 'isTTY', { value: isTTY, configurable: true, writable: true });
  Object.defineProperty(stderr, 'columns', { value: 160, configurable: true, writable: true });
  stderr.write = ((chunk: string | Uint8Array) => { out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(); return true; }) as typeof stderr.write;
  try {
    await fn();
  } finally {
    stderr.write = saved.write;
    for (const k of ['isTTY', 'columns'] as const) {
      if (saved[k]) Object.defineProperty(stderr, k, saved[k]); else delete (stderr as unknown as Record<string, unknown>)[k];
    }
  }
  return out;
}

/** A drawn bar line: name (24 columns), bar, percentage, stage, eta. */
interface Bar { name: string; percent: number; stage: string; eta: string }
function bars(screen: string[]): Bar[] {
  return screen.map((l) => {
    const m = /^(.{24}) \|[^|]{40}\| (\d+)% (.*?) ?eta ?(.*)$/.exec(l);
    assert.ok(m, `not a bar line: ${JSON.stringify(l)}`);
    return { name: m[1]!.trimEnd(), percent: Number(m[2]), stage: m[3]!.trim(), eta: m[4]! };
  });
}

const event = (record: string, overall: number, etaSeconds: number, stage: ProgressEvent['stage'] = 'process'): ProgressEvent =>
  ({ record, stage, fraction: 0.5, overall, etaSeconds });

test('createProgress is silent when not enabled, even on a terminal', async () => {
  const out = await onFakeTerminal(() => {
    const p = createProgress(3, false);
    p.update(event('a', 0.5, 10));
    p.recordDone('/data/a.edf');
    p.stop();
  });
  assert.equal(out, '');
});

test('createProgress follows whether stderr is a terminal when not told', async () => {
  const run = () => {
    const p = createProgress(2);
    p.update(event('a', 0.5, 10));
    p.stop();
  };
  // A pipe (logs, CI) gets nothing, not even cursor codes.
  assert.equal(await onFakeTerminal(run, false), '');
  assert.deepEqual(bars(screenOf(await onFakeTerminal(run, true))).map((b) => b.name), ['all records', 'a']);
});

test('the display shows an overall bar and one bar per record with its percentage, stage and eta', async () => {
  const out = await onFakeTerminal(() => {
    const p = createProgress(3, true);
    p.update(event('rec-a', 0.2, 30, 'screen'));
    p.update(event('rec-b', 0.456, NaN, 'validate'));
    p.update(event('rec-a', 0.75, 65, 'features'));
    p.stop();
  });
  assert.deepEqual(bars(screenOf(out)), [
    { name: 'all records', percent: 0, stage: '', eta: '--' },
    { name: 'rec-a', percent: 75, stage: 'features', eta: '1m05s' },
    { name: 'rec-b', percent: 46, stage: 'validate', eta: '--' },
  ]);
});

test('a record name longer than 24 characters is cut to 24 in its bar', async () => {
  const out = await onFakeTerminal(() => {
    const p = createProgress(1, true);
    p.update(event('a-very-long-record-name-from-a-holter-export', 0.1, 5));
    p.stop();
  });
  assert.equal(bars(screenOf(out))[1]!.name, 'a-very-long-record-name-');
});

const etas: [number, string][] = [
  [NaN, '--'], [Infinity, '--'], [0, '0s'], [42.4, '42s'], [59.4, '59s'], [60, '1m00s'], [65, '1m05s'], [125.2, '2m05s'], [3725, '62m05s'],
];
for (const [seconds, shown] of etas) {
  test(`an eta of ${seconds} s is shown as ${shown}`, async () => {
    const out = await onFakeTerminal(() => {
      const p = createProgress(1, true);
      p.update(event('r', 0.5, seconds));
      p.stop();
    });
    assert.equal(bars(screenOf(out))[1]!.eta, shown);
  });
}

test('an eta that rounds up to a whole minute is shown as that minute', async () => {
  for (const [seconds, shown] of [[119.7, '2m00s'], [59.6, '1m00s']] as const) {
    const out = await onFakeTerminal(() => {
      const p = createProgress(1, true);
      p.update(event('r', 0.5, seconds));
      p.stop();
    });
    assert.equal(bars(screenOf(out))[1]!.eta, shown, `${seconds} s`);
  }
});

test('recordDone removes the record\'s bar, found by the input file\'s stem or by the name given, and advances the overall bar', async () => {
  const out = await onFakeTerminal(() => {
    const p = createProgress(4, true);
    p.update(event('100', 0.3, 10));
    p.update(event('night-1', 0.3, 10));
    p.update(event('other', 0.9, 2));
    p.recordDone('/data/mitdb/100.hea');
    p.recordDone('/data/night-1.edf', 'night-1');
    p.update(event('other', 0.95, 1));
    p.stop();
  });
  assert.deepEqual(bars(screenOf(out)).map((b) => [b.name, b.percent]), [['all records', 50], ['other', 95]]);
});

test('recordDone counts a record that never reported progress', async () => {
  // A record that fails before planning has no bar; the overall count must still reach the total.
  const out = await onFakeTerminal(() => {
    const p = createProgress(2, true);
    p.recordDone('/data/broken.hea');
    p.recordDone('/data/empty.csv');
    p.stop();
  });
  assert.deepEqual(bars(screenOf(out)).map((b) => [b.name, b.percent]), [['all records', 100]]);
});

test('after recordDone the bars of the records still running are the ones shown, without waiting for their next update', async () => {
  // Removing a bar moves the bars below it up one line; each must be drawn again at its new line.
  const out = await onFakeTerminal(async () => {
    const p = createProgress(3, true);
    p.update(event('first', 0.3, 10));
    p.update(event('second', 0.6, 20));
    p.update(event('third', 0.9, 30));
    // The display draws on a 100 ms timer; after this wait the three bars are on screen as they are.
    await new Promise((resolve) => setTimeout(resolve, 300));
    p.recordDone('/data/first.edf');
    p.stop();
  });
  assert.deepEqual(bars(screenOf(out)).map((b) => [b.name, b.percent]), [['all records', 33], ['second', 60], ['third', 90]]);
});
