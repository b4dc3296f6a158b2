import type { Database } from "better-sqlite3";

/** One forward-only schema step. Never edit a released step; add a new one. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  up(db: Database): void;
}

export const DECISION_STATUSES = ["decided", "skipped", "sent", "confirmed", "failed", "reconciled"] as const;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "decisions journal",
    up(db) {
      db.exec(`
        CREATE TABLE decisions (
          id               INTEGER PRIMARY KEY AUTOINCREMENT,
          idempotency_key  TEXT    NOT NULL,          -- market:slot, one live decision per slot
          market           TEXT    NOT NULL,
          slot             INTEGER NOT NULL,          -- block number the observation was read at
          block_timestamp  INTEGER,
          dry_run          INTEGER NOT NULL DEFAULT 0,
          policy           TEXT,
          observation      TEXT    NOT NULL,          -- JSON MarketObservation (the inputs)
          state_index      INTEGER NOT NULL,
          action_index     INTEGER NOT NULL,
          q_values         TEXT    NOT NULL,          -- JSON number[]
          action           TEXT    NOT NULL,          -- JSON Action
          call_kind        TEXT,                      -- repeg | updateK
          call_target      TEXT,                      -- new peg / new sqrtK, WAD decimal
          preview_cost     TEXT,                      -- WAD decimal, signed
          preview_new_mark TEXT,                      -- WAD decimal
          gas_estimate     TEXT,
          expected_gain    REAL,
          gas_cost_quote   REAL,
          skip_reason      TEXT,
          error_class      TEXT,
          tx_hash          TEXT,
          nonce            INTEGER,
          status           TEXT    NOT NULL CHECK (status IN (${DECISION_STATUSES.map((s) => `'${s}'`).join(", ")})),
          gas_used         TEXT,
          cost             TEXT,                      -- realised cost from the hook's event, WAD decimal
          receipt_block    INTEGER,
          created_at       INTEGER NOT NULL,          -- ms since epoch
          updated_at       INTEGER NOT NULL,
          sent_at          INTEGER,
          finalized_at     INTEGER
        );
        -- A reconciled row (dropped tx / interrupted decision) frees its slot for a fresh decision.
        CREATE UNIQUE INDEX decisions_live_key ON decisions(idempotency_key) WHERE status <> 'reconciled';
        CREATE UNIQUE INDEX decisions_tx_hash ON decisions(tx_hash) WHERE tx_hash IS NOT NULL;
        CREATE INDEX decisions_market_status ON decisions(market, status);
      `);
    },
  },
  {
    version: 2,
    description: "requested target of a fitted hook call",
    up(db) {
      // call_target is what was planned and sent; requested_target what the action asked for
      // before fitToBudget shrank it (equal when nothing was fitted).
      db.exec(`ALTER TABLE decisions ADD COLUMN requested_target TEXT`);
    },
  },
  {
    version: 3,
    description: "a reconciled (dropped) row does not reserve its transaction hash",
    up(db) {
      // A dropped transaction never reached the chain and its nonce is reused. When the fresh
      // decision plans the same call at the same fees, the signed transaction is byte-identical
      // (same hash); v1's index refused it, and once both peg directions were taken the keeper
      // could send nothing until the mark moved, which it could not move itself.
      db.exec(`
        DROP INDEX decisions_tx_hash;
        CREATE UNIQUE INDEX decisions_tx_hash ON decisions(tx_hash) WHERE tx_hash IS NOT NULL AND status <> 'reconciled';
      `);
    },
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Applies every migration above the stored version, each in its own transaction. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const current = currentVersion(db);
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  if (current > latest) {
    throw new Error(`journal schema version ${current} is newer than this keeper understands (${latest}); upgrade the keeper`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.prepare(`INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)`).run(m.version, m.description, new Date().toISOString());
    })();
  }
  return currentVersion(db);
}

export function currentVersion(db: Database): number {
  const row = db.prepare(`SELECT MAX(version) AS v FROM schema_version`).get() as { v: number | null };
  return row.v ?? 0;
}
