import { Pool } from "pg";
import type { Logger } from "pino";
import { PgLease, fenceCondition, fenceParams, type LeaseSettings } from "../ha/lease";
import {
  JournalStateError,
  finiteOrNull,
  idempotencyKey,
  jsonNumbers,
  newDecisionParams,
  toRecord,
  type DecisionRecord,
  type DecisionStatus,
  type NewDecision,
  type PreviewRecord,
  type Row,
} from "./journal";
import { migratePg } from "./pgSchema";
import { LeaseLostError, type JournalStore } from "./store";

/** BIGINT columns (pg returns them as strings) that the records carry as numbers. */
const BIGINT_COLUMNS = ["slot", "block_timestamp", "nonce", "receipt_block", "created_at", "updated_at", "sent_at", "finalized_at", "lease_epoch"];

function fromPg(r: Row): DecisionRecord {
  const row: Row = { ...r };
  for (const c of BIGINT_COLUMNS) if (row[c] !== null && row[c] !== undefined) row[c] = Number(row[c]);
  return toRecord(row);
}

/**
 * The decision journal of redundant keepers, in a shared PostgreSQL database (`pg`). Same rows,
 * transitions and compare-and-set rules as the SQLite journal (journal.ts); in addition the two
 * writes that lead to a transaction — a new decision and `sent` — are fenced by the replicas'
 * lease (ha/lease.ts) inside the same statement, and each decision records the replica and lease
 * epoch that made it.
 */
export class PgJournal implements JournalStore {
  private constructor(
    private readonly pool: Pool,
    readonly lease: PgLease,
    private readonly now: () => number,
  ) {}

  static async open(url: string, lease: LeaseSettings, opts: { log?: Logger; now?: () => number } = {}): Promise<PgJournal> {
    const pool = new Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000, application_name: `damm-keeper ${lease.replica}` });
    // An idle client's error (server restart) must not crash the keeper: the next query reconnects.
    pool.on("error", (e) => opts.log?.warn({ err: e }, "journal database connection error"));
    try {
      const client = await pool.connect();
      try {
        await migratePg(client);
      } finally {
        client.release();
      }
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw new Error(`journal database: cannot open ${redact(url)} (${(e as Error).message})`);
    }
    return new PgJournal(pool, new PgLease(pool, lease, opts.log, opts.now), opts.now ?? Date.now);
  }

  private fenceOrThrow(what: string) {
    const f = this.lease.fence();
    if (!f) throw new LeaseLostError(this.lease.settings.replica, what);
    return f;
  }

  /** After a fenced write changed nothing: was it the lease (throws) or the row? */
  private async stillFenced(what: string, f: ReturnType<PgJournal["fenceOrThrow"]>): Promise<void> {
    const ok = await this.pool.query(`SELECT ${fenceCondition(1)} AS ok`, fenceParams(f));
    if (!ok.rows[0].ok) throw new LeaseLostError(f.holder, what);
  }

  async insertDecision(d: NewDecision): Promise<number | null> {
    const f = this.fenceOrThrow("new decision");
    const t = this.now();
    const res = await this.pool.query<{ id: number }>(
      `INSERT INTO decisions (idempotency_key, market, slot, block_timestamp, dry_run, policy, observation, state_index,
         action_index, q_values, action, call_kind, call_target, requested_target, status, created_at, updated_at, replica, lease_epoch)
       SELECT $1::text, $2::text, $3::bigint, $4::bigint, $5::integer, $6::text, $7::text, $8::integer, $9::integer, $10::text, $11::text,
         $12::text, $13::text, $14::text, 'decided', $15::bigint, $16::bigint, $17::text, $18::bigint
       WHERE ${fenceCondition(19)}
       ON CONFLICT (idempotency_key) WHERE status <> 'reconciled' DO NOTHING
       RETURNING id`,
      [
        ...newDecisionParams(d, t),
        f.holder,
        f.epoch,
        ...fenceParams(f),
      ],
    );
    if (res.rows.length === 1) return res.rows[0].id;
    await this.stillFenced("new decision", f);
    return null; // the (market, slot) already has a live decision
  }

  async hasLiveDecision(market: string, slot: number): Promise<boolean> {
    const r = await this.pool.query(`SELECT 1 FROM decisions WHERE idempotency_key = $1 AND status <> 'reconciled'`, [idempotencyKey(market, slot)]);
    return r.rows.length > 0;
  }

  async recordPreview(id: number, p: PreviewRecord): Promise<void> {
    await this.update(id, ["decided"], {
      call_kind: p.callKind,
      call_target: p.callTarget.toString(),
      requested_target: (p.requestedTarget ?? p.callTarget).toString(),
      preview_cost: p.previewCost === undefined ? null : p.previewCost.toString(),
      preview_new_mark: p.previewNewMark === undefined ? null : p.previewNewMark.toString(),
      gas_estimate: p.gasEstimate === undefined ? null : p.gasEstimate.toString(),
      expected_gain: finiteOrNull(p.expectedGain),
      gas_cost_quote: finiteOrNull(p.gasCostQuote),
    });
  }

  async markSkipped(id: number, reason: string, errorClass?: string): Promise<void> {
    await this.update(id, ["decided"], { status: "skipped", skip_reason: reason, error_class: errorClass ?? null, finalized_at: this.now() });
  }

  /** Fenced: commits only while this replica holds the lease, so a replica that lost it broadcasts nothing. */
  async markSent(id: number, txHash: string, nonce: number): Promise<void> {
    const f = this.fenceOrThrow("send");
    const t = this.now();
    const res = await this.pool.query(
      `UPDATE decisions SET status = 'sent', tx_hash = $1, nonce = $2, sent_at = $3, updated_at = $3
       WHERE id = $4 AND status = 'decided' AND ${fenceCondition(5)}`,
      [txHash, nonce, t, id, ...fenceParams(f)],
    );
    if (res.rowCount === 1) return;
    await this.stillFenced("send", f);
    await this.wrongStatus(id, ["decided"]);
  }

  async markConfirmed(id: number, r: { gasUsed: bigint; cost?: bigint; blockNumber: number }): Promise<void> {
    await this.update(id, ["sent"], { status: "confirmed", gas_used: r.gasUsed.toString(), cost: r.cost?.toString() ?? null, receipt_block: r.blockNumber, finalized_at: this.now() });
  }

  async markFailed(id: number, reason: string, r: { gasUsed?: bigint; blockNumber?: number; errorClass?: string } = {}): Promise<void> {
    await this.update(id, ["sent", "decided"], {
      status: "failed",
      skip_reason: reason,
      error_class: r.errorClass ?? null,
      gas_used: r.gasUsed?.toString() ?? null,
      receipt_block: r.blockNumber ?? null,
      finalized_at: this.now(),
    });
  }

  async markReconciled(id: number, reason: string): Promise<void> {
    await this.update(id, ["sent", "decided"], { status: "reconciled", skip_reason: reason, finalized_at: this.now() });
  }

  async get(id: number): Promise<DecisionRecord | undefined> {
    const r = await this.pool.query(`SELECT * FROM decisions WHERE id = $1`, [id]);
    return r.rows.length ? fromPg(r.rows[0] as Row) : undefined;
  }

  async withStatus(statuses: readonly DecisionStatus[], market?: string): Promise<DecisionRecord[]> {
    const r = market
      ? await this.pool.query(`SELECT * FROM decisions WHERE status = ANY($1::text[]) AND market = $2 ORDER BY id`, [statuses, market])
      : await this.pool.query(`SELECT * FROM decisions WHERE status = ANY($1::text[]) ORDER BY id`, [statuses]);
    return r.rows.map((x) => fromPg(x as Row));
  }

  async list(market?: string, limit = 1000): Promise<DecisionRecord[]> {
    const r = market
      ? await this.pool.query(`SELECT * FROM decisions WHERE market = $1 ORDER BY id DESC LIMIT $2`, [market, limit])
      : await this.pool.query(`SELECT * FROM decisions ORDER BY id DESC LIMIT $1`, [limit]);
    return r.rows.map((x) => fromPg(x as Row)).reverse();
  }

  async lastConfirmedTimestamp(market: string): Promise<number | undefined> {
    const r = await this.pool.query<{ t: string | null }>(
      `SELECT block_timestamp AS t FROM decisions WHERE market = $1 AND status = 'confirmed' ORDER BY id DESC LIMIT 1`,
      [market],
    );
    const t = r.rows[0]?.t;
    return t === null || t === undefined ? undefined : Number(t);
  }

  checkpointIfDue(): void {
    // PostgreSQL checkpoints on its own.
  }

  /** Releases the lease (a standby takes over at once) and closes the pool. */
  async close(): Promise<void> {
    await this.lease.release();
    await this.pool.end().catch(() => undefined);
  }

  private async update(id: number, from: readonly DecisionStatus[], cols: Record<string, unknown>): Promise<void> {
    const names = Object.keys(cols);
    const sets = names.map((c, i) => `${c} = $${i + 1}`);
    const values = names.map((c) => cols[c]);
    const n = names.length;
    const res = await this.pool.query(
      `UPDATE decisions SET ${[...sets, `updated_at = $${n + 1}`].join(", ")} WHERE id = $${n + 2} AND status = ANY($${n + 3}::text[])`,
      [...values, this.now(), id, from],
    );
    if (res.rowCount !== 1) await this.wrongStatus(id, from);
  }

  private async wrongStatus(id: number, from: readonly DecisionStatus[]): Promise<never> {
    const cur = await this.get(id);
    throw new JournalStateError(`journal row ${id}: expected status ${from.join("|")}, found ${cur ? cur.status : "no row"}`);
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@]*@/, "$1:***@");
}
