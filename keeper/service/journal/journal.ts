import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3, { type Database, type Statement } from "better-sqlite3";
import type { Action, MarketObservation } from "../../core/policyTypes";
import { migrate } from "./migrations";
import type { DecisionRecord, DecisionStatus } from "../../core/decisionRecord";
export type { DecisionRecord, DecisionStatus } from "../../core/decisionRecord";

export interface NewDecision {
  readonly market: string;
  readonly slot: number;
  readonly blockTimestamp?: number;
  readonly dryRun: boolean;
  readonly policy?: string;
  readonly observation: MarketObservation;
  readonly stateIndex: number;
  readonly actionIndex: number;
  readonly qValues: readonly number[];
  readonly action: Action;
  /** The planned call, when known at decision time: journaled in the same INSERT (one write). */
  readonly planned?: { readonly callKind: string; readonly callTarget: bigint; readonly requestedTarget?: bigint };
}

export interface PreviewRecord {
  readonly callKind: string;
  readonly callTarget: bigint;
  readonly requestedTarget?: bigint;
  readonly previewCost?: bigint;
  readonly previewNewMark?: bigint;
  readonly gasEstimate?: bigint;
  readonly expectedGain?: number;
  readonly gasCostQuote?: number;
}

/** Ticks between two idle-time WAL checkpoints. */
const CHECKPOINT_EVERY = 64;
/** SQLite's own checkpoint threshold (pages), a backstop when nobody calls checkpointIfDue. */
const WAL_AUTOCHECKPOINT_PAGES = 4000;

/** Thrown when a row is not in the status a transition requires (a logic error, never retried). */
export class JournalStateError extends Error {}

/**
 * A new decision's column values in the order both journals insert them (idempotency_key, market, slot,
 * block_timestamp, dry_run, policy, observation, state_index, action_index, q_values, action, call_kind,
 * call_target, requested_target, created_at, updated_at): one mapping for SQLite and PostgreSQL.
 */
export function newDecisionParams(d: NewDecision, now: number): (string | number | null)[] {
  const p = d.planned;
  return [
    idempotencyKey(d.market, d.slot),
    d.market,
    d.slot,
    d.blockTimestamp ?? null,
    d.dryRun ? 1 : 0,
    d.policy ?? null,
    JSON.stringify(d.observation, jsonNumbers),
    d.stateIndex,
    d.actionIndex,
    JSON.stringify(d.qValues, jsonNumbers),
    JSON.stringify(d.action),
    p ? p.callKind : null,
    p ? p.callTarget.toString() : null,
    p ? (p.requestedTarget ?? p.callTarget).toString() : null,
    now,
    now,
  ];
}

export function idempotencyKey(market: string, slot: number): string {
  return `${market}:${slot}`;
}

/**
 * The keeper's decision journal (SQLite, WAL). Every status change is a compare-and-set on the
 * previous status, so a row can never go back from `sent` to something that would send again.
 * Transitions: decided → skipped | sent | reconciled; sent → confirmed | failed | reconciled.
 */
export class Journal {
  readonly db: Database;
  readonly schemaVersion: number;
  /** Prepared statements by SQL text: compiled once, not on every tick. */
  private readonly statements = new Map<string, Statement>();

  private constructor(db: Database, private readonly now: () => number) {
    this.db = db;
    this.schemaVersion = migrate(db);
  }

  static open(path: string, opts: { now?: () => number } = {}): Journal {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    let db: Database;
    try {
      db = new BetterSqlite3(path);
    } catch (e) {
      throw new Error(`journalPath: cannot open ${path} (${(e as Error).message})`);
    }
    // WAL: readers (dashboards, sqlite3 CLI) never block the keeper's writes; NORMAL sync is
    // durable across process crashes, which is the failure we journal against.
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    // Checkpoints run between ticks (checkpointIfDue, every CHECKPOINT_EVERY calls) rather than
    // inside the commit that crosses SQLite's 1000-page default, where the copy and fsyncs
    // (5–15 ms) landed in a decision; this threshold is only the backstop.
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    db.pragma("busy_timeout = 5000");
    db.pragma("foreign_keys = ON");
    return new Journal(db, opts.now ?? Date.now);
  }

  private stmt(sql: string): Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  private idleCalls = 0;

  /**
   * Called by the keeper between ticks (nothing in flight): every CHECKPOINT_EVERY-th call, a
   * PASSIVE WAL checkpoint (never waits for readers). A tick writes a few pages, so the WAL stays
   * far below the backstop and the commits inside decisions never checkpoint.
   */
  checkpointIfDue(): void {
    if (++this.idleCalls % CHECKPOINT_EVERY !== 0 || !this.db.open) return;
    this.db.pragma("wal_checkpoint(PASSIVE)");
  }

  journalMode(): string {
    return String(this.db.pragma("journal_mode", { simple: true }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Inserts a `decided` row; returns null when the (market, slot) already has a live decision. */
  insertDecision(d: NewDecision): number | null {
    const t = this.now();
    try {
      // Positional parameters and one cached statement: this runs on every tick's hot path.
      const info = this.stmt(
        `INSERT INTO decisions (idempotency_key, market, slot, block_timestamp, dry_run, policy, observation, state_index,
           action_index, q_values, action, call_kind, call_target, requested_target, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'decided', ?, ?)`,
      ).run(...newDecisionParams(d, t));
      return Number(info.lastInsertRowid);
    } catch (e) {
      if ((e as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") return null;
      throw e;
    }
  }

  hasLiveDecision(market: string, slot: number): boolean {
    return !!this.stmt(`SELECT 1 FROM decisions WHERE idempotency_key = ? AND status <> 'reconciled'`).get(idempotencyKey(market, slot));
  }

  recordPreview(id: number, p: PreviewRecord): void {
    // Fixed column list, cached statement, positional parameters (hot path: no SQL or spread per call).
    const info = this.stmt(
      `UPDATE decisions SET call_kind = ?, call_target = ?, requested_target = ?, preview_cost = ?, preview_new_mark = ?,
         gas_estimate = ?, expected_gain = ?, gas_cost_quote = ?, updated_at = ? WHERE id = ? AND status IN ('decided')`,
    ).run(
      p.callKind,
      p.callTarget.toString(),
      (p.requestedTarget ?? p.callTarget).toString(),
      p.previewCost === undefined ? null : p.previewCost.toString(),
      p.previewNewMark === undefined ? null : p.previewNewMark.toString(),
      p.gasEstimate === undefined ? null : p.gasEstimate.toString(),
      finiteOrNull(p.expectedGain),
      finiteOrNull(p.gasCostQuote),
      this.now(),
      id,
    );
    if (info.changes !== 1) this.wrongStatus(id, ["decided"]);
  }

  markSkipped(id: number, reason: string, errorClass?: string): void {
    this.update(id, ["decided"], { status: "skipped", skip_reason: reason, error_class: errorClass ?? null, finalized_at: this.now() });
  }

  /** Called with the signed transaction's hash BEFORE it is broadcast, so a crash cannot lose it. */
  markSent(id: number, txHash: string, nonce: number): void {
    const sentAt = this.now();
    const info = this.stmt(
      `UPDATE decisions SET status = 'sent', tx_hash = ?, nonce = ?, sent_at = ?, updated_at = ? WHERE id = ? AND status IN ('decided')`,
    ).run(txHash, nonce, sentAt, this.now(), id);
    if (info.changes !== 1) this.wrongStatus(id, ["decided"]);
  }

  markConfirmed(id: number, r: { gasUsed: bigint; cost?: bigint; blockNumber: number }): void {
    this.update(id, ["sent"], { status: "confirmed", gas_used: r.gasUsed.toString(), cost: r.cost?.toString() ?? null, receipt_block: r.blockNumber, finalized_at: this.now() });
  }

  markFailed(id: number, reason: string, r: { gasUsed?: bigint; blockNumber?: number; errorClass?: string } = {}): void {
    this.update(id, ["sent", "decided"], {
      status: "failed",
      skip_reason: reason,
      error_class: r.errorClass ?? null,
      gas_used: r.gasUsed?.toString() ?? null,
      receipt_block: r.blockNumber ?? null,
      finalized_at: this.now(),
    });
  }

  /** The row's transaction provably never landed (or it was never sent): its slot is free again. */
  markReconciled(id: number, reason: string): void {
    this.update(id, ["sent", "decided"], { status: "reconciled", skip_reason: reason, finalized_at: this.now() });
  }

  get(id: number): DecisionRecord | undefined {
    const row = this.stmt(`SELECT * FROM decisions WHERE id = ?`).get(id) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** Rows in the given statuses, oldest first (optionally one market). */
  withStatus(statuses: readonly DecisionStatus[], market?: string): DecisionRecord[] {
    const marks = statuses.map(() => "?").join(", ");
    const sql = `SELECT * FROM decisions WHERE status IN (${marks})${market ? " AND market = ?" : ""} ORDER BY id`;
    const params: unknown[] = market ? [...statuses, market] : [...statuses];
    return (this.stmt(sql).all(...params) as Row[]).map(toRecord);
  }

  list(market?: string, limit = 1000): DecisionRecord[] {
    const sql = `SELECT * FROM decisions${market ? " WHERE market = ?" : ""} ORDER BY id DESC LIMIT ?`;
    const rows = (market ? this.stmt(sql).all(market, limit) : this.stmt(sql).all(limit)) as Row[];
    return rows.map(toRecord).reverse();
  }

  lastConfirmed(market: string): DecisionRecord | undefined {
    const row = this.stmt(`SELECT * FROM decisions WHERE market = ? AND status = 'confirmed' ORDER BY id DESC LIMIT 1`).get(market) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** Block timestamp of the market's last confirmed decision (only that column: read every tick). */
  lastConfirmedTimestamp(market: string): number | undefined {
    const row = this.stmt(`SELECT block_timestamp AS t FROM decisions WHERE market = ? AND status = 'confirmed' ORDER BY id DESC LIMIT 1`).get(market) as
      | { t: number | null }
      | undefined;
    return row?.t ?? undefined;
  }

  private update(id: number, from: readonly DecisionStatus[], cols: Record<string, unknown>): void {
    const sets = Object.keys(cols).map((c) => `${c} = @${c}`);
    const fromList = from.map((s) => `'${s}'`).join(", ");
    const info = this.stmt(`UPDATE decisions SET ${[...sets, "updated_at = @updated_at"].join(", ")} WHERE id = @id AND status IN (${fromList})`)
      .run({ ...cols, updated_at: this.now(), id });
    if (info.changes !== 1) this.wrongStatus(id, from);
  }

  private wrongStatus(id: number, from: readonly DecisionStatus[]): never {
    const cur = this.get(id);
    throw new JournalStateError(`journal row ${id}: expected status ${from.join("|")}, found ${cur ? cur.status : "no row"}`);
  }
}

export type Row = Record<string, unknown>;

/** JSON has no Infinity (sinceLastUpdate may be); store it as null and read it back as Infinity. */
export function jsonNumbers(_k: string, v: unknown): unknown {
  return typeof v === "number" && !Number.isFinite(v) ? null : v;
}

export function finiteOrNull(x: number | undefined): number | null {
  return x === undefined || !Number.isFinite(x) ? null : x;
}

/** A row of either journal (same column names and encodings) as a record. */
export function toRecord(r: Row): DecisionRecord {
  const obs = JSON.parse(r.observation as string) as Record<string, number | null>;
  if (obs.sinceLastUpdate === null) obs.sinceLastUpdate = Infinity;
  return {
    id: r.id as number,
    idempotencyKey: r.idempotency_key as string,
    market: r.market as string,
    slot: r.slot as number,
    blockTimestamp: (r.block_timestamp as number | null) ?? null,
    dryRun: r.dry_run === 1,
    policy: (r.policy as string | null) ?? null,
    observation: obs as unknown as MarketObservation,
    stateIndex: r.state_index as number,
    actionIndex: r.action_index as number,
    qValues: JSON.parse(r.q_values as string) as number[],
    action: JSON.parse(r.action as string) as Action,
    callKind: r.call_kind as string | null,
    callTarget: r.call_target as string | null,
    requestedTarget: (r.requested_target as string | null | undefined) ?? null,
    previewCost: r.preview_cost as string | null,
    previewNewMark: r.preview_new_mark as string | null,
    gasEstimate: r.gas_estimate as string | null,
    expectedGain: r.expected_gain as number | null,
    gasCostQuote: r.gas_cost_quote as number | null,
    skipReason: r.skip_reason as string | null,
    errorClass: r.error_class as string | null,
    txHash: r.tx_hash as string | null,
    nonce: r.nonce as number | null,
    status: r.status as DecisionStatus,
    gasUsed: r.gas_used as string | null,
    cost: r.cost as string | null,
    receiptBlock: r.receipt_block as number | null,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
    sentAt: r.sent_at as number | null,
    finalizedAt: r.finalized_at as number | null,
    ...(r.replica !== undefined ? { replica: r.replica as string | null } : {}),
  };
}
