/** What a scheduled job reports after a tick: when to run next, or that it has halted. */
export interface TickReport {
  readonly nextDelayMs: number;
  readonly halted?: boolean;
}

export interface JobHealth {
  readonly healthy: boolean;
  readonly reason?: string;
}

/**
 * A unit of work the Keeper schedules (after Optimism's BaseServiceV2: init / tick / healthCheck /
 * stop). `tick` should not throw: a job classifies its own errors and says when to run next.
 */
export interface ServiceJob {
  readonly name: string;
  init(): Promise<void>;
  tick(): Promise<TickReport>;
  healthCheck(): JobHealth;
  stop(): Promise<void>;
}
