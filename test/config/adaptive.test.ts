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

type Strategy = 'conservative' | 'balanced' | 'aggressive';
const STRATEGIES: Strategy[] = ['conservative', 'balanced', 'aggressive'];
const cfgWith = (runtime: Record<string, unknown> = {}, io: Record<string, unknown> = {}) => configSchema.parse({ runtime, io }) as never;
const machineOf = (cores: number, freeMemMB: number) => ({ cores, freeMemMB, totalMemMB: freeMemMB * 2 });
/** Recordings from one sample at 1 Hz to 10 GB of float64 at 100 kHz. */
const recordings: { name: string; data: Parameters<typeof adaptiveValues>[2] }[] = [
  { name: 'no data facts', data: undefined },
  { name: 'one sample at 1 Hz', data: { fs: 1, channels: 1, samples: 1 } },
  { name: 'a day of 2 x 360 Hz', data: { fs: 360, channels: 2, samples: 86_400 * 360 } },
  { name: '10 GB of one 100 kHz channel', data: { fs: 100_000, channels: 1, samples: 10 * 2 ** 30 / 8 } },
  { name: '10 GB over 256 channels at 2048 Hz', data: { fs: 2048, channels: 256, samples: 10 * 2 ** 30 / 8 / 256 } },
];

test('adaptiveValues stays within its documented bounds on every machine, strategy and recording', () => {
  const caps = { conservative: 128, balanced: 256, aggressive: 2048 };
  for (const cores of [1, 2, 64]) {
    for (const freeMemMB of [256, 4096, 2 ** 20]) {
      for (const strategy of STRATEGIES) {
        for (const { name, data } of recordings) {
          const at = `${cores} cores, ${freeMemMB} MB free, ${strategy}, ${name}`;
          const v = adaptiveValues(cfgWith({ memoryStrategy: strategy }), machineOf(cores, freeMemMB), data);
          const workers = v['runtime.workers'] as number, budget = v['runtime.memoryBudgetMB'] as number;
          const chunk = v['io.chunkSeconds'] as number, block = v['pipeline.blockSeconds'] as number;
          assert.ok(Number.isInteger(workers) && workers >= 1 && workers <= cores, `workers ${workers}: ${at}`);
          assert.ok(budget >= 64 && budget <= caps[strategy], `budget ${budget}: ${at}`);
          assert.ok(chunk >= 1 && chunk <= 600, `chunk ${chunk}: ${at}`);
          if (chunk >= 60) assert.equal(chunk % 60, 0, `chunk ${chunk} is whole minutes: ${at}`);
          assert.ok(block >= 10 && block <= 300, `block ${block}: ${at}`);
        }
      }
    }
  }
});

const budgets: { strategy: Strategy; freeMemMB: number; want: number }[] = [
  { strategy: 'conservative', freeMemMB: 256, want: 64 },
  { strategy: 'balanced', freeMemMB: 256, want: 64 },
  { strategy: 'aggressive', freeMemMB: 256, want: 128 },
  { strategy: 'conservative', freeMemMB: 1000, want: 100 },
  { strategy: 'balanced', freeMemMB: 1000, want: 250 },
  { strategy: 'aggressive', freeMemMB: 1000, want: 500 },
  { strategy: 'conservative', freeMemMB: 2 ** 20, want: 128 },
  { strategy: 'balanced', freeMemMB: 2 ** 20, want: 256 },
  { strategy: 'aggressive', freeMemMB: 2 ** 20, want: 2048 },
];
for (const b of budgets) {
  test(`adaptiveValues gives the ${b.strategy} strategy a ${b.want} MB budget with ${b.freeMemMB} MB free`, () => {
    assert.equal(adaptiveValues(cfgWith({ memoryStrategy: b.strategy }), machineOf(4, b.freeMemMB))['runtime.memoryBudgetMB'], b.want);
  });
}

test('adaptiveValues keeps a budget the user gave and bounds the workers by it', () => {
  const v = adaptiveValues(cfgWith({ memoryBudgetMB: 32 }), machineOf(64, 2 ** 20), recordings[3]!.data);
  assert.equal(v['runtime.memoryBudgetMB'], 32);
  assert.equal(v['runtime.workers'], 1);
  const big = adaptiveValues(cfgWith({ memoryBudgetMB: 2 ** 20 }), machineOf(64, 256), recordings[3]!.data);
  assert.equal(big['runtime.workers'], 64, 'a terabyte budget and 10 GB of work use every core');
});

test('adaptiveValues gives one sample one worker and 10 GB every core the memory allows', () => {
  const m = machineOf(64, 2 ** 20);
  assert.equal(adaptiveValues(cfgWith({ memoryBudgetMB: 65_536 }), m, recordings[1]!.data)['runtime.workers'], 1);
  assert.equal(adaptiveValues(cfgWith({ memoryBudgetMB: 65_536 }), m, recordings[3]!.data)['runtime.workers'], 64);
  assert.equal(adaptiveValues(cfgWith(), machineOf(1, 2 ** 20), recordings[3]!.data)['runtime.workers'], 1, 'one core');
});

test('adaptiveValues orders the strategies conservative <= balanced <= aggressive in budget and chunk length', () => {
  for (const freeMemMB of [256, 1000, 8000, 2 ** 20]) {
    for (const { name, data } of recordings) {
      const v = STRATEGIES.map((s) => adaptiveValues(cfgWith({ memoryStrategy: s }), machineOf(8, freeMemMB), data));
      for (const key of ['runtime.memoryBudgetMB', 'runtime.workers'] as const) {
        assert.ok(v[0]![key]! <= v[1]![key]! && v[1]![key]! <= v[2]![key]!, `${key} with ${freeMemMB} MB, ${name}: ${v.map((x) => x[key]).join(', ')}`);
      }
    }
  }
});

test('adaptiveValues keeps precision compact for conservative and balanced and float64 for aggressive', () => {
  const want = { conservative: 'float32', balanced: 'float32', aggressive: 'float64' };
  for (const s of STRATEGIES) assert.equal(adaptiveValues(cfgWith({ memoryStrategy: s }), machineOf(2, 8000), recordings[2]!.data)['runtime.precision'], want[s], s);
});

test('adaptiveValues never makes a chunk longer than io.maxChunkSeconds when that is 10 s or more', () => {
  for (const maxChunkSeconds of [10, 59, 90, 600, 86_400]) {
    for (const { name, data } of recordings) {
      for (const strategy of STRATEGIES) {
        const chunk = adaptiveValues(cfgWith({ memoryStrategy: strategy }, { maxChunkSeconds }), machineOf(2, 2 ** 20), data)['io.chunkSeconds'] as number;
        assert.ok(chunk <= maxChunkSeconds, `${chunk} > ${maxChunkSeconds}: ${strategy}, ${name}`);
      }
    }
  }
  assert.equal(adaptiveValues(cfgWith({}, { maxChunkSeconds: 90 }), machineOf(2, 8000), recordings[2]!.data)['io.chunkSeconds'], 60, 'whole minutes below the bound');
  assert.equal(adaptiveValues(cfgWith({}, { maxChunkSeconds: 5 }), machineOf(2, 8000))['io.chunkSeconds'], 5, 'without data facts');
});

test('adaptiveValues never makes a chunk longer than an io.maxChunkSeconds below 10 s', () => {
  const chunk = adaptiveValues(cfgWith({}, { maxChunkSeconds: 5 }), machineOf(2, 8000), recordings[2]!.data)['io.chunkSeconds'];
  assert.equal(chunk, 5);
});

test('adaptiveValues gives chunks whose length does not depend on the worker count', () => {
  for (const { name, data } of recordings) {
    const chunks = new Set([
      ...[1, 2, 64].map((cores) => adaptiveValues(cfgWith(), machineOf(cores, 8000), data)['io.chunkSeconds']),
      ...[1, 256].map((workers) => adaptiveValues(cfgWith({ workers }), machineOf(2, 8000), data)['io.chunkSeconds']),
    ]);
    assert.equal(chunks.size, 1, `${name}: ${[...chunks].join(', ')}`);
  }
});

const blocks: { fs: number; want: number }[] = [
  { fs: 1, want: 300 },
  { fs: 360, want: 300 },
  { fs: 2000, want: 300 },
  { fs: 4000, want: 120 },
  { fs: 10_000, want: 60 },
];
for (const b of blocks) {
  test(`adaptiveValues gives ${b.fs} Hz blocks of ${b.want} s on every machine, strategy and budget`, () => {
    for (const cores of [1, 64]) {
      for (const freeMemMB of [256, 2 ** 20]) {
        for (const strategy of STRATEGIES) {
          for (const runtime of [{ memoryStrategy: strategy }, { memoryStrategy: strategy, memoryBudgetMB: 32 }]) {
            for (const channels of [1, 256]) {
              const v = adaptiveValues(cfgWith(runtime), machineOf(cores, freeMemMB), { fs: b.fs, channels, samples: 1e6 });
              assert.equal(v['pipeline.blockSeconds'], b.want, JSON.stringify({ cores, freeMemMB, runtime, channels }));
            }
          }
        }
      }
    }
  });
}

test('adaptiveValues keeps blocks near 600,000 samples per channel at high sampling rates', () => {
  for (const fs of [50_000, 100_000]) {
    const block = adaptiveValues(cfgWith(), machineOf(2, 8000), { fs, channels: 1, samples: 1e9 })['pipeline.blockSeconds'] as number;
    assert.ok(block * fs <= 1_200_000, `${fs} Hz: ${block} s = ${block * fs} samples`);
  }
});
