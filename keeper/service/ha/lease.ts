import os from "node:os";
import type { Logger } from "pino";
import type { Pool } from "pg";

/**
 * Redundant keepers: one lease row per keeper group in the shared PostgreSQL journal says which
 * replica may send, until when (the database's clock, so replicas' clocks do not matter) and in
 * which epoch (+1 on every change of holder).
 *
 * - The active replica renews every `renewMs`; a standby tries to take the lease every `renewMs`
 *   and gets it only once it has expired. After the active one dies, the standby therefore holds
 *   the lease at most `ttlMs + renewMs` later (the takeover bound), then reconciles the journal
 *   and ticks.
 * - Fencing: the journal writes that lead to a transaction (a new decision, and `sent` — written
 *   before the broadcast) commit only while this replica holds the lease in its epoch with at
 *   least `guardMs` left, checked inside the same SQL statement. A replica that lost the lease
 *   (paused, partitioned, expired) can therefore neither decide nor sign-and-journal anything; the
 *   one window left — a broadcast delayed more than `guardMs` after its `sent` row committed — is
 *   closed on-chain: all replicas use the one keeper key, and the new holder's reconciler waits for
 *   or re-uses that nonce, so at most one of the two transactions can land.
 */
export interface LeaseSettings {
  /** Lease row (one per keeper group sharing the journal). */
  readonly name: string;
  /** This replica's id (default host:pid), journaled with each decision. */
  readonly replica: string;
  readonly ttlMs: number;
  readonly renewMs: number;
}

export interface LeaseFence {
  readonly name: string;
  readonly holder: string;
  readonly epoch: number;
  /** A fenced write needs at least this much lease left (= renewMs). */
  readonly guardMs: number;
}

export function defaultReplicaId(): string {
  return `${os.hostname()}:${process.pid}`;
}

/** SQL condition (parameters $a..$a+3) true while `fence` holds the lease with guardMs to spare. */
export function fenceCondition(first: number): string {
  return `EXISTS (SELECT 1 FROM keeper_lease WHERE name = $${first}::text AND holder = $${first + 1}::text AND epoch = $${first + 2}::bigint
    AND expires_at > now() + $${first + 3}::bigint * interval '1 millisecond')`;
}

export function fenceParams(f: LeaseFence): unknown[] {
  return [f.name, f.holder, f.epoch, f.guardMs];
}

/** Takes a free or expired lease, or renews ours ($4 = the epoch we hold, 0 when none). */
const ACQUIRE = `
  INSERT INTO keeper_lease AS l (name, holder, epoch, expires_at, acquired_at)
  VALUES ($1, $2, 1, now() + $3::bigint * interval '1 millisecond', now())
  ON CONFLICT (name) DO UPDATE SET
    holder = EXCLUDED.holder,
    epoch = CASE WHEN l.holder = EXCLUDED.holder AND l.epoch = $4 AND l.expires_at > now() THEN l.epoch ELSE l.epoch + 1 END,
    acquired_at = CASE WHEN l.holder = EXCLUDED.holder AND l.epoch = $4 AND l.expires_at > now() THEN l.acquired_at ELSE now() END,
    expires_at = EXCLUDED.expires_at
  WHERE l.expires_at <= now() OR (l.holder = EXCLUDED.holder AND l.epoch = $4)
  RETURNING epoch`;

export class PgLease {
  private epoch = 0;
  /** Local deadline (this process's clock, conservative) until which the lease counts as held. */
  private heldUntil = 0;
  private timer?: NodeJS.Timeout;
  private inflight?: Promise<boolean>;
  private closed = false;
  /** Epochs this replica has held (a new one = a new term: reconcile before acting). */
  readonly terms: number[] = [];

  constructor(
    private readonly pool: Pool,
    readonly settings: LeaseSettings,
    private readonly log?: Logger,
    private readonly now: () => number = Date.now,
  ) {
    if (settings.renewMs * 3 > settings.ttlMs) throw new Error(`lease: renewMs (${settings.renewMs}) must be at most a third of ttlMs (${settings.ttlMs})`);
  }

  get held(): boolean {
    return this.epoch > 0 && this.now() < this.heldUntil;
  }

  get currentEpoch(): number {
    return this.held ? this.epoch : 0;
  }

  /** What a fenced write checks in SQL; undefined when this replica does not hold the lease. */
  fence(): LeaseFence | undefined {
    if (!this.held) return undefined;
    return { name: this.settings.name, holder: this.settings.replica, epoch: this.epoch, guardMs: this.settings.renewMs };
  }

  /** True when this replica holds the lease (taking it when free or expired). */
  hold(): Promise<boolean> {
    if (this.held) return Promise.resolve(true);
    this.inflight ??= this.acquireOrRenew().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /** Gives the lease up at once (graceful stop): a standby takes over at its next attempt. */
  async release(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
    const epoch = this.epoch;
    this.epoch = 0;
    if (epoch === 0) return;
    await this.pool
      .query(`UPDATE keeper_lease SET expires_at = now() WHERE name = $1 AND holder = $2 AND epoch = $3`, [this.settings.name, this.settings.replica, epoch])
      .catch((e: unknown) => this.log?.warn({ err: e }, "lease release failed; it expires on its own"));
    this.log?.info({ replica: this.settings.replica, epoch }, "lease released");
  }

  /** Stops renewing without touching the row (tests: a replica that froze). */
  abandon(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  status(): { replica: string; active: boolean; epoch?: number; leaseExpiresAt?: number } {
    return { replica: this.settings.replica, active: this.held, ...(this.held ? { epoch: this.epoch, leaseExpiresAt: this.heldUntil } : {}) };
  }

  private async acquireOrRenew(): Promise<boolean> {
    if (this.closed) return false;
    const { name, replica, ttlMs, renewMs } = this.settings;
    const t0 = this.now();
    let rows: { epoch: string }[];
    try {
      rows = (await this.pool.query<{ epoch: string }>(ACQUIRE, [name, replica, ttlMs, this.epoch])).rows;
    } catch (e) {
      this.log?.warn({ err: e, replica }, "lease: cannot reach the journal database");
      return this.held; // held until the local deadline; fenced writes fail on their own
    }
    if (rows.length === 0) {
      if (this.epoch > 0) this.log?.warn({ replica, epoch: this.epoch }, "lease lost to another replica: standing by");
      this.epoch = 0;
      this.heldUntil = 0;
      clearInterval(this.timer);
      this.timer = undefined;
      return false;
    }
    const epoch = Number(rows[0].epoch);
    if (epoch !== this.epoch) {
      this.terms.push(epoch);
      this.log?.info({ replica, epoch, ttlMs }, "lease acquired: this replica is active");
    }
    this.epoch = epoch;
    // Counted from before the query, less the guard: never believes in a lease the database has expired.
    this.heldUntil = t0 + ttlMs - renewMs;
    this.timer ??= setInterval(() => void this.acquireOrRenew(), renewMs);
    this.timer.unref?.();
    return true;
  }
}
