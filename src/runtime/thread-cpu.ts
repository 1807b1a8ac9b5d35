/**
 * Where a run's processor time went, thread by thread. Node reports CPU time for the whole process
 * only; Linux keeps it per thread in /proc/self/task/<tid>/stat (utime and stime, fields 14 and 15,
 * in clock ticks of 1/100 s: USER_HZ is 100 on every Linux ABI). Elsewhere the split is unknown and
 * `CpuMeter.split` returns undefined.
 *
 * The threads that are neither the main thread nor the pool's workers are mostly V8's own: its
 * optimising compiler and garbage collector run beside each isolate, and each worker thread is an
 * isolate that compiles the same code again.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

let tid: number | undefined;

/** Kernel id of the calling thread (Linux), 0 where it is not known. Read once per thread. */
export function currentThreadId(): number {
  if (tid === undefined) {
    try {
      // "<pid>/task/<tid>"
      tid = Number(readlinkSync('/proc/thread-self').split('/').pop()) || 0;
    } catch {
      tid = 0;
    }
  }
  return tid;
}

/** CPU seconds (user + system) of one thread of this process from its stat line, undefined if gone. */
function threadSeconds(id: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${id}/stat`, 'latin1');
    // The command name in parentheses may hold spaces: fields are counted after its closing one.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** CPU seconds of every live thread of this process by kernel id; empty where /proc is missing. */
export function threadCpuSeconds(): Map<number, number> {
  const out = new Map<number, number>();
  let ids: string[];
  try {
    ids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const name of ids) {
    const s = threadSeconds(Number(name));
    if (s !== undefined) out.set(Number(name), s);
  }
  return out;
}

export interface CpuSplit {
  /** CPU time of the whole process over the measured span, s. */
  totalSeconds: number;
  /** The main thread: planning, merging, formatting and writing outputs, s. */
  mainSeconds: number;
  /** The pool's worker threads (the blocks and features they computed), s. */
  workerSeconds: number;
  /**
   * Everything else, s: V8's compiler and collector threads, libuv's thread pool, the input's
   * hashing thread, and worker threads that ended before the end of the span.
   */
  otherSeconds: number;
}

/** Measures the split from its construction to each `split` call. */
export class CpuMeter {
  private readonly total = process.cpuUsage();
  private readonly before = threadCpuSeconds();
  /** Last readings of threads that were about to end (a pool closed before the split). */
  private readonly ended = new Map<number, number>();

  /** Reads the CPU time of threads about to end, so that `split` still counts them. */
  keep(ids: Iterable<number>): void {
    const now = threadCpuSeconds();
    for (const id of ids) { const s = now.get(id); if (s !== undefined) this.ended.set(id, s); }
  }

  /** The split since construction, with `workers` the kernel ids of the pool's threads; undefined without /proc. */
  split(workers: Iterable<number>): CpuSplit | undefined {
    if (this.before.size === 0) return undefined;
    const now = threadCpuSeconds();
    const since = (id: number) => Math.max(0, (now.get(id) ?? this.ended.get(id) ?? 0) - (this.before.get(id) ?? 0));
    const used = process.cpuUsage(this.total);
    const totalSeconds = (used.user + used.system) / 1e6;
    const main = since(process.pid);
    let pool = 0;
    for (const id of new Set(workers)) if (id !== process.pid && id !== 0) pool += since(id);
    // Per-thread readings are whole ticks while the total is finer: the rest never goes below 0.
    const ms = (s: number) => Math.round(s * 1000) / 1000;
    return { totalSeconds: ms(totalSeconds), mainSeconds: ms(main), workerSeconds: ms(pool), otherSeconds: ms(Math.max(0, totalSeconds - main - pool)) };
  }
}
