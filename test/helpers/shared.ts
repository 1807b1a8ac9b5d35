import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, found from this compiled file (dist/test/helpers/shared.js). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The shared reference data folder: $VITALDSP_SHARED, else ../shared beside the repository. */
export const sharedDir: string | undefined = [process.env.VITALDSP_SHARED, join(repoRoot, '..', 'shared')]
  .filter((d): d is string => !!d)
  .find((d) => existsSync(join(d, 'data')) || existsSync(join(d, 'vectors')));

/** Absolute path of a file under the shared folder (e.g. 'data/wfdb/100.hea'). */
export function shared(rel: string): string {
  if (!sharedDir) throw new Error('shared reference data not found');
  return join(sharedDir, rel);
}

/** `skip` option for tests that need a shared file: false when present, else the reason. */
export function needShared(rel: string): false | string {
  if (sharedDir && existsSync(join(sharedDir, rel))) return false;
  return `needs ${rel} from the shared reference data (set VITALDSP_SHARED or place it at ../shared)`;
}

/** Path of the built CLI entry point, from the same build as this file. */
export const cliPath = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');
