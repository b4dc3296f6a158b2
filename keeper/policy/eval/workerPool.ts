/**
 * A small node:worker_threads pool: jobs go to idle workers, results come back in job order.
 * Workers load TypeScript through ts-node (transpile-only) when the entry is a .ts file, so it
 * runs from a fresh clone without a build; compiled .js entries load directly.
 */
import { Worker } from "node:worker_threads";
import { resolve } from "node:path";

const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
const modules = [...workerData.preload, workerData.entry];
if (modules.some((m) => m.endsWith(".ts"))) {
  require("ts-node").register({ transpileOnly: true, project: workerData.project });
}
for (const m of modules) require(m);
`;

export interface PoolOptions<R> {
  readonly threads: number;
  readonly onResult?: (r: R, done: number, total: number) => void;
  /** Modules each worker requires before the entry (e.g. the registrations a job relies on). */
  readonly preload?: readonly string[];
}

export async function runPool<J, R>(entry: string, jobs: readonly J[], opts: PoolOptions<R>): Promise<R[]> {
  const results = new Array<R>(jobs.length);
  if (jobs.length === 0) return results;
  const threads = Math.max(1, Math.min(opts.threads, jobs.length));
  const project = resolve(__dirname, "../../../tsconfig.json");
  let next = 0;
  let done = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolveAll, reject) => {
      let failed = false;
      const feed = (w: Worker) => {
        if (next >= jobs.length) return;
        const id = next++;
        w.postMessage({ id, job: jobs[id] });
      };
      for (let i = 0; i < threads; i++) {
        const w = new Worker(BOOTSTRAP, { eval: true, workerData: { entry, project, preload: opts.preload ?? [] } });
        workers.push(w);
        w.on("message", (m: { id: number; result?: R; error?: string }) => {
          if (failed) return;
          if (m.error !== undefined) {
            failed = true;
            reject(new Error(`evaluation job ${m.id} failed: ${m.error}`));
            return;
          }
          results[m.id] = m.result as R;
          done++;
          opts.onResult?.(m.result as R, done, jobs.length);
          if (done === jobs.length) resolveAll();
          else feed(w);
        });
        w.on("error", (e) => {
          if (!failed) {
            failed = true;
            reject(new Error(`evaluation worker crashed: ${e.message}`));
          }
        });
        w.on("exit", (code) => {
          if (code !== 0 && !failed && done < jobs.length) {
            failed = true;
            reject(new Error(`evaluation worker exited with code ${code}`));
          }
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/** Wires a job handler in a worker entry file: `serveJobs(job => result)`. */
export function serveJobs<J, R>(handler: (job: J) => R | Promise<R>): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parentPort } = require("node:worker_threads") as typeof import("node:worker_threads");
  if (!parentPort) throw new Error("serveJobs must run inside a worker thread");
  parentPort.on("message", async (m: { id: number; job: J }) => {
    try {
      parentPort.postMessage({ id: m.id, result: await handler(m.job) });
    } catch (e) {
      parentPort.postMessage({ id: m.id, error: e instanceof Error ? e.stack ?? e.message : String(e) });
    }
  });
}

/**
 * Long-lived workers for stateful jobs (a learner that keeps its table and replay buffer between
 * rounds): `run(i, job)` posts to worker i and resolves with its answer; `close()` ends them all.
 */
export class WorkerSet<J, R> {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, { resolve: (r: R) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor(entry: string, threads: number, preload: readonly string[] = []) {
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`worker count must be a positive integer, got ${threads}`);
    const project = resolve(__dirname, "../../../tsconfig.json");
    this.workers = Array.from({ length: threads }, () => {
      const w = new Worker(BOOTSTRAP, { eval: true, workerData: { entry, project, preload } });
      w.on("message", (m: { id: number; result?: R; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error !== undefined) p.reject(new Error(`worker job ${m.id} failed: ${m.error}`));
        else p.resolve(m.result as R);
      });
      w.on("error", (e) => this.failAll(new Error(`worker crashed: ${e.message}`)));
      return w;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  run(i: number, job: J): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolveJob, reject) => {
      this.pending.set(id, { resolve: resolveJob, reject });
      this.workers[i].postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
