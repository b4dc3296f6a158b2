import type { JobHealth, ServiceJob, TickReport } from "../../../../keeper/service/job";

/** A job whose tick takes `tickMs`, counting overlaps; halts after `haltAfter` ticks when given. */
export class SlowJob implements ServiceJob {
  ticks = 0;
  finished = 0;
  inFlight = 0;
  maxInFlight = 0;
  stopped = false;
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  onTickStart?: () => void;

  constructor(readonly name: string, private readonly tickMs: number, private readonly nextDelayMs = 0, private readonly haltAfter?: number) {}

  async init(): Promise<void> {}

  async tick(): Promise<TickReport> {
    this.ticks += 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.starts.push(Date.now());
    this.onTickStart?.();
    await new Promise((r) => setTimeout(r, this.tickMs));
    this.inFlight -= 1;
    this.finished += 1;
    this.ends.push(Date.now());
    if (this.haltAfter !== undefined && this.ticks >= this.haltAfter) return { nextDelayMs: 0, halted: true };
    return { nextDelayMs: this.nextDelayMs };
  }

  healthCheck(): JobHealth {
    return this.haltAfter !== undefined && this.ticks >= this.haltAfter ? { healthy: false, reason: "halted: test" } : { healthy: true };
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}
