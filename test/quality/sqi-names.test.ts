import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sqiNames } from '../../src/quality/sqi-names.js';
import { computeSqis } from '../../src/quality/sqi.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';
import type { SignalType } from '../../src/signals/signal-type.js';

// The quality columns, the merge and the output tables are built from sqiNames alone, without the
// computation: a name missing here would silently drop an index from quality.csv.
test('sqiNames lists every index computeSqis returns, once each, for every signal type', () => {
  const x = syntheticEcg({ fs: 250, seconds: 10, seed: 1 }).signal;
  for (const type of ['ecg', 'ppg', 'eeg', 'resp', 'unknown'] as SignalType[]) {
    assert.deepEqual([...sqiNames].sort(), Object.keys(computeSqis(Float64Array.from(x), 250, type)).sort(), type);
  }
  assert.equal(new Set(sqiNames).size, sqiNames.length);
});
