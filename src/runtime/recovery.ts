/**
 * Error recovery: errors are classified by category and severity, then handled by the strategy that
 * fits them: retry with exponential backoff (timeouts, crashed workers, transient faults), retry on
 * a smaller piece (memory), a fallback method (numerical trouble, or retries exhausted), and finally
 * skipping the piece with a recorded reason so that everything else still completes. Input errors
 * are not retried: the same bytes fail the same way.
 */
import { FormatError } from '../io/errors.js';

export type ErrorCategory = 'input' | 'memory' | 'timeout' | 'numerical' | 'worker' | 'unknown';
export type Severity = 'transient' | 'degrading' | 'fatal';

/** A numerical failure (non-finite values, a singular fit) that a simpler method may avoid. */
export class NumericalError extends Error {
  override readonly name = 'NumericalError';
}

/** A task that ran past its time limit. */
export class TaskTimeoutError extends Error {
  override readonly name = 'TaskTimeoutError';
}

export interface Classified { category: ErrorCategory; severity: Severity; message: string }

/** File system errors that another attempt cannot cure: the path is wrong, not the moment. */
const INPUT_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP']);

export function classifyError(e: unknown): Classified {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const msg = err.message;
  let category: ErrorCategory = 'unknown';
  if (err instanceof FormatError || INPUT_CODES.has(code) || err.name === 'ConfigError') category = 'input';
  else if (code === 'ERR_WORKER_OUT_OF_MEMORY' || /allocation failed|Invalid (typed )?array length|out of memory|heap limit/i.test(msg)) category = 'memory';
  else if (err instanceof TaskTimeoutError || err.name === 'TimeoutError' || code === 'ETIMEDOUT' || /timed? ?out/i.test(msg)) category = 'timeout';
  else if (err instanceof NumericalError || /\bNaN\b/.test(msg) || /non-finite|singular/i.test(msg)) category = 'numerical';
  else if (/worker|terminat|exited/i.test(msg) || code.startsWith('ERR_WORKER')) category = 'worker';
  const severity: Severity = category === 'input' ? 'fatal' : category === 'numerical' || category === 'memory' ? 'degrading' : 'transient';
  return { category, severity, message: msg };
}

export type Outcome = 'ok' | 'retried' | 'smaller' | 'fallback' | 'skipped' | 'failed';

export interface RecoveryStats {
  attempts: number;
  /** Failures seen, by category. */
  errors: Record<ErrorCategory, number>;
  /** Final outcome of each task, by kind. */
  outcomes: Record<Outcome, number>;
  /** Tasks that failed at least once and still produced a full result. */
  recovered: number;
  /** One line per task that did not end 'ok', for the manifest. */
  events: string[];
}

export function emptyRecoveryStats(): RecoveryStats {
  return {
    attempts: 0,
    errors: { input: 0, memory: 0, timeout: 0, numerical: 0, worker: 0, unknown: 0 },
    outcomes: { ok: 0, retried: 0, smaller: 0, fallback: 0, skipped: 0, failed: 0 },
    recovered: 0,
    events: [],
  };
}

export interface RecoveryPolicy<T> {
  /** default: 3 */
  maxRetries?: number;
  /** First delay; doubled each retry. default: 100 */
  backoffMs?: number;
  /** A simpler method to try once retries are exhausted or on numerical errors. */
  fallback?: () => Promise<T>;
  /** A partial result to keep when everything failed (the piece is skipped); without it the error is rethrown. */
  skip?: (reason: Classified) => T;
  /** Name of the task in recorded events. */
  label?: string;
}

export interface AttemptContext { attempt: number; /** Set after a memory error: work on smaller pieces. */ smaller: boolean }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `task` under the policy, recording what happened in `stats`. */
export async function withRecovery<T>(task: (ctx: AttemptContext) => Promise<T>, policy: RecoveryPolicy<T>, stats: RecoveryStats): Promise<{ value: T; outcome: Outcome }> {
  const maxRetries = policy.maxRetries ?? 3;
  let smaller = false, last: Classified | undefined;
  const finish = (value: T, outcome: Outcome) => {
    stats.outcomes[outcome]++;
    if (outcome !== 'ok') {
      if (outcome !== 'skipped' && outcome !== 'failed') stats.recovered++;
      stats.events.push(`${policy.label ?? 'task'}: ${outcome}${last ? ` after ${last.category} error: ${last.message}` : ''}`);
    }
    return { value, outcome };
  };
  for (let attempt = 0; attempt <= maxRetries; attempt++) {
    stats.attempts++;
    try {
      const value = await task({ attempt, smaller });
      return finish(value, attempt === 0 ? 'ok' : smaller ? 'smaller' : 'retried');
    } catch (e) {
      last = classifyError(e);
      stats.errors[last.category]++;
      if (last.severity === 'fatal' || last.category === 'numerical') break;
      if (last.category === 'memory') smaller = true;
      if (attempt < maxRetries) await sleep((policy.backoffMs ?? 100) * 2 ** attempt);
    }
  }
  if (policy.fallback && last?.category !== 'input') {
    stats.attempts++;
    try {
      return finish(await policy.fallback(), 'fallback');
    } catch (e) {
      last = classifyError(e);
      stats.errors[last.category]++;
    }
  }
  if (policy.skip) return finish(policy.skip(last!), 'skipped');
  finish(undefined as T, 'failed');
  throw new Error(`${policy.label ?? 'task'} failed: ${last!.message}`);
}
