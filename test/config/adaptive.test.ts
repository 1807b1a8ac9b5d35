import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adaptiveValues } from '../../src/config/adaptive.js';
import { configSchema } from '../../src/config/schema.js';

const defaults = configSchema.parse({}) as never;

test('adaptiveValues never gives more workers than cores', () => {
  for (const cores of [1, 2, 4, 64]) {
    const workers = adaptiveValues(defaults, { cores, freeMemMB: 1e6, totalMemMB: 2e6 })['runtime.workers'] as number;
    assert.ok(workers >= 1 && workers <= cores);
  }
});

test('adaptiveValues gives a short recording one worker and a long one a worker per core', () => {
  const m = { cores: 4, freeMemMB: 1e6, totalMemMB: 2e6 };
  const workers = (data: Parameters<typeof adaptiveValues>[2]) => adaptiveValues(defaults, m, data)['runtime.workers'];
  const hour = 3600 * 360;
  assert.equal(workers({ fs: 360, channels: 1, samples: hour }), 1, 'an hour of one channel');
  assert.equal(workers({ fs: 360, channels: 1, samples: 24 * hour }), 4, 'a day of one channel');
  assert.equal(workers({ fs: 360, channels: 2, samples: 6 * hour }), 4, 'twice the work');
  assert.equal(workers({ fs: 360, channels: 2, samples: 6 * hour, work: 6 * hour }), 2, 'one of the two channels processed');
  assert.equal(workers(undefined), 4, 'without data facts, the cores');
});

test('adaptiveValues keeps the memory budget within the strategy cap', () => {
  const v = adaptiveValues(defaults, { cores: 2, freeMemMB: 1e6, totalMemMB: 2e6 });
  assert.equal(v['runtime.memoryBudgetMB'], 256);
});

test('adaptiveValues shortens chunks for wide, fast recordings but not below 10 s', () => {
  const m = { cores: 2, freeMemMB: 8000, totalMemMB: 16000 };
  const narrow = adaptiveValues(defaults, m, { fs: 360, channels: 2, samples: 1e7 })['io.chunkSeconds'] as number;
  const wide = adaptiveValues(defaults, m, { fs: 2048, channels: 256, samples: 1e7 })['io.chunkSeconds'] as number;
  assert.ok(wide < narrow);
  assert.ok(wide >= 10);
});

test('adaptiveValues keeps float64 for the aggressive strategy and compact storage otherwise', () => {
  const m = { cores: 2, freeMemMB: 8000, totalMemMB: 16000 };
  assert.equal(adaptiveValues(defaults, m)['runtime.precision'], 'float32');
  assert.equal(adaptiveValues(configSchema.parse({ runtime: { memoryStrategy: 'aggressive' } }) as never, m)['runtime.precision'], 'float64');
});
