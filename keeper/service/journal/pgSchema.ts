import type { PoolClient } from "pg";
import { DECISION_STATUSES } from "./migrations";

/**
 * The shared (PostgreSQL) journal's schema: the SQLite journal's columns with the same names and
 * encodings (so one row mapper serves both), plus who decided (replica, lease epoch), and the
 * lease table. Forward-only steps like migrations.ts; applied under an advisory lock so replicas
 * starting together do not race.
 */
export const PG_MIGRATIONS: readonly { readonly version: number; readonly description: string; readonly sql: string }[] = [
  {
    version: 1,
    description: "decisions journal and the replicas' lease",
    sql: `
      CREATE TABLE decisions (
        id               SERIAL PRIMARY KEY,
        idempotency_key  TEXT    NOT NULL,
        market           TEXT    NOT NULL,
        slot             BIGINT  NOT NULL,
        block_timestamp  BIGINT,
        dry_run          INTEGER NOT NULL DEFAULT 0,
        policy           TEXT,
        observation      TEXT    NOT NULL,
        state_index      INTEGER NOT NULL,
        action_index     INTEGER NOT NULL,
        q_values         TEXT    NOT NULL,
        action           TEXT    NOT NULL,
        call_kind        TEXT,
        call_target      TEXT,
        requested_target TEXT,
        preview_cost     TEXT,
        preview_new_mark TEXT,
        gas_estimate     TEXT,
        expected_gain    DOUBLE PRECISION,
        gas_cost_quote   DOUBLE PRECISION,
        skip_reason      TEXT,
        error_class      TEXT,
        tx_hash          TEXT,
        nonce            BIGINT,
        status           TEXT    NOT NULL CHECK (status IN (${DECISION_STATUSES.map((s) => `'${s}'`).join(", ")})),
        gas_used         TEXT,
        cost             TEXT,
        receipt_block    BIGINT,
        created_at       BIGINT  NOT NULL,
        updated_at       BIGINT  NOT NULL,
        sent_at          BIGINT,
        finalized_at     BIGINT,
        replica          TEXT,
        lease_epoch      BIGINT
      );
      CREATE UNIQUE INDEX decisions_live_key ON decisions(idempotency_key) WHERE status <> 'reconciled';
      CREATE UNIQUE INDEX decisions_tx_hash ON decisions(tx_hash) WHERE tx_hash IS NOT NULL AND status <> 'reconciled';
      CREATE INDEX decisions_market_status ON decisions(market, status);
      CREATE INDEX decisions_market_id ON decisions(market, id);
      -- One row per lease name: who may send, until when (the database's clock), and a fencing
      -- epoch that grows with every change of holder.
      CREATE TABLE keeper_lease (
        name        TEXT PRIMARY KEY,
        holder      TEXT        NOT NULL,
        epoch       BIGINT      NOT NULL,
        expires_at  TIMESTAMPTZ NOT NULL,
        acquired_at TIMESTAMPTZ NOT NULL
      );
    `,
  },
];

/** Any fixed key: serialises schema changes between replicas. */
const MIGRATION_LOCK = 0x64_41_4d_4d; // "dAMM"

export async function migratePg(client: PoolClient): Promise<number> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const cur = Number((await client.query(`SELECT COALESCE(MAX(version), 0) AS v FROM schema_version`)).rows[0].v);
    const latest = PG_MIGRATIONS[PG_MIGRATIONS.length - 1].version;
    if (cur > latest) throw new Error(`journal schema version ${cur} is newer than this keeper understands (${latest}); upgrade the keeper`);
    for (const m of PG_MIGRATIONS) {
      if (m.version <= cur) continue;
      await client.query(m.sql);
      await client.query(`INSERT INTO schema_version (version, description, applied_at) VALUES ($1, $2, $3)`, [m.version, m.description, new Date().toISOString()]);
    }
    await client.query("COMMIT");
    return latest;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  }
}
