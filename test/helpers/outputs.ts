import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every output file of one record folder, for comparing runs: bytes (Parquet as base64), and the
 * manifest without its `run` section and stage timings, the only parts that may differ.
 */
export function recordOutputs(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) {
    const text = readFileSync(join(dir, f), f.endsWith('.parquet') ? 'base64' : 'utf8');
    if (f !== 'manifest.json') { files[f] = text; continue; }
    const m = JSON.parse(text) as { run?: unknown; stages: { seconds?: number }[] };
    delete m.run;
    for (const s of m.stages) delete s.seconds;
    files[f] = JSON.stringify(m);
  }
  return files;
}
