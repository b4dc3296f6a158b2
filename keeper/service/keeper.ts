import type { Logger } from "pino";
import type { HealthReport } from "./httpServer";
import { collectBetweenTicks, idleGcEnabled } from "./idleGc";
import type { ServiceJob, TickReport } from "./job";

interface JobLoop {
  readonly job: ServiceJob;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
  done: boolean;
}

/**
 * Runs one loop per job. The next tick of a job is scheduled only after its previous tick has
 * ended (setTimeout chaining, never setInterval), so ticks of one market never overlap however
 * slow the chain is. `stop()` lets in-flight ticks finish, then stops every job.
 */
export class Keeper {
  private readonly loops: JobLoop[];
  private stopping = false;
  private stopped?: Promise<void>;
  /** Ticks in flight, over all jobs: `betweenTicks` runs when it drops to 0. */
  private ticking = 0;
  private resolveIdle!: () => void;
  private readonly idlePromise = new Promise<void>((r) => (this.resolveIdle = r));

  /** `betweenTicks` runs whenever the last in-flight tick (over all jobs) ends: idle-time GC by default. */
  constructor(
    jobs: readonly ServiceJob[],
    private readonly log: Logger,
    private readonly onStopped?: () => Promise<void> | void,
    private readonly betweenTicks: () => void = collectBetweenTicks,
  ) {
    const names = new Set<string>();
    for (const j of jobs) {
      if (names.has(j.name)) throw new Error(`duplicate job name "${j.name}"`);
      names.add(j.name);
    }
    this.loops = jobs.map((job) => ({ job, done: false }));
  }

  /** True once stop() was called (a signal), as opposed to every job halting on its own. */
  get stopRequested(): boolean {
    return this.stopping;
  }

  get jobs(): readonly ServiceJob[] {
    return this.loops.map((l) => l.job);
  }

  /** Initialises every job (fail fast: an init error rejects) and starts their loops. */
  async start(): Promise<void> {
    for (const l of this.loops) await l.job.init();
    for (const l of this.loops) this.schedule(l, 0);
    this.log.info({ jobs: this.loops.map((l) => l.job.name), idleGc: idleGcEnabled }, "keeper started");
  }

  health(): HealthReport {
    const jobs = this.loops.map((l) => ({ name: l.job.name, ...l.job.healthCheck() }));
    return { healthy: !this.stopping && jobs.every((j) => j.healthy), jobs };
  }

  /** Resolves when every loop has ended: all jobs halted, or stop() finished. */
  idle(): Promise<void> {
    return this.idlePromise;
  }

  stop(): Promise<void> {
    this.stopped ??= this.doStop();
    return this.stopped;
  }

  private async doStop(): Promise<void> {
    this.stopping = true;
    this.log.info("stopping: letting in-flight ticks finish");
    for (const l of this.loops) clearTimeout(l.timer);
    await Promise.all(this.loops.map((l) => l.running));
    for (const l of this.loops) {
      l.done = true;
      await l.job.stop();
    }
    await this.onStopped?.();
    this.log.info("keeper stopped");
    this.resolveIdle();
  }

  private schedule(l: JobLoop, delayMs: number): void {
    if (this.stopping) return;
    l.timer = setTimeout(() => {
      l.timer = undefined;
      l.running = this.runOnce(l);
    }, delayMs);
  }

  /** Housekeeping never stops the loops: a failure is logged and the next idle moment retries. */
  private runBetweenTicks(): void {
    try {
      this.betweenTicks();
    } catch (e) {
      this.log.warn({ err: e }, "between-ticks housekeeping failed");
    }
  }

  private async runOnce(l: JobLoop): Promise<void> {
    let report: TickReport;
    this.ticking++;
    try {
      report = await l.job.tick();
    } catch (e) {
      // Jobs classify their own errors; this is a last resort so a bug cannot kill the loop.
      this.log.error({ job: l.job.name, err: e }, "tick threw");
      report = { nextDelayMs: 1_000 };
    } finally {
      // Idle: no tick of any market is waiting on the chain, so the pause delays no decision.
      if (--this.ticking === 0) this.runBetweenTicks();
    }
    l.running = undefined;
    if (report.halted) {
      l.done = true;
      this.log.error({ job: l.job.name, health: l.job.healthCheck() }, "job halted; other jobs keep running");
      if (this.loops.every((x) => x.done)) this.resolveIdle();
      return;
    }
    this.schedule(l, report.nextDelayMs);
  }
}

/**
 * SIGTERM / SIGINT: finish the current tick, stop, exit 0. A second signal exits at once (1).
 */
export function installSignalHandlers(keeper: Keeper, log: Logger, exit: (code: number) => void = (c) => process.exit(c)): () => void {
  let received = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (received) {
      log.warn({ signal }, "second signal: exiting now");
      exit(1);
      return;
    }
    received = true;
    log.info({ signal }, "signal received: finishing the current tick");
    keeper.stop().then(
      () => exit(0),
      (e) => {
        log.error({ err: e }, "error while stopping");
        exit(1);
      },
    );
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
  return () => {
    process.off("SIGTERM", handler);
    process.off("SIGINT", handler);
  };
}
