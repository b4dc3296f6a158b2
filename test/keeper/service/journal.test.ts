import { expect } from "chai";
import BetterSqlite3 from "better-sqlite3";
import fs from "node:fs";
import { Journal, JournalStateError } from "../../../keeper/service/journal/journal";
import { newDecision, tempJournalPath } from "./helpers/journalFixtures";
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate } from "../../../keeper/service/journal/migrations";

describe("keeper journal (SQLite)", () => {
  let file: string;
  let journal: Journal;
  beforeEach(() => {
    file = tempJournalPath();
    journal = Journal.open(file);
  });
  afterEach(() => journal.close());

  describe("checkpoints between ticks", () => {
    it("checkpoints the WAL on every 64th idle call, with SQLite's own threshold raised to a backstop", () => {
      expect(journal.db.pragma("wal_autocheckpoint", { simple: true })).to.equal(4000);
      const pragmas: string[] = [];
      const pragma = journal.db.pragma.bind(journal.db);
      journal.db.pragma = ((sql: string, opts?: { simple?: boolean }) => (pragmas.push(sql), pragma(sql, opts))) as typeof journal.db.pragma;
      for (let i = 0; i < 63; i++) journal.checkpointIfDue();
      expect(pragmas).to.deep.equal([]);
      journal.checkpointIfDue();
      expect(pragmas).to.deep.equal(["wal_checkpoint(PASSIVE)"]);
    });
  });

  describe("opening", () => {
    it("uses WAL mode and records the schema version", () => {
      expect(journal.journalMode()).to.equal("wal");
      expect(fs.existsSync(`${file}-wal`)).to.equal(true);
      expect(journal.schemaVersion).to.equal(LATEST_SCHEMA_VERSION);
      const rows = journal.db.prepare("SELECT version, description FROM schema_version").all();
      expect(rows).to.deep.equal(MIGRATIONS.map((m) => ({ version: m.version, description: m.description })));
    });

    it("re-opens an existing journal without re-running migrations and keeps its rows", () => {
      journal.insertDecision(newDecision());
      journal.close();
      journal = Journal.open(file);
      expect(journal.list()).to.have.length(1);
      expect(journal.db.prepare("SELECT COUNT(*) AS n FROM schema_version").get()).to.deep.equal({ n: MIGRATIONS.length });
    });

    it("refuses a journal written by a newer schema", () => {
      journal.db.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'future', 'x')").run();
      journal.close();
      expect(() => Journal.open(file)).to.throw("journal schema version 99 is newer than this keeper understands");
    });

    it("applies only the migrations above the stored version", () => {
      const db = new BetterSqlite3(":memory:");
      const applied: number[] = [];
      const steps = [1, 2, 3].map((version) => ({ version, description: `v${version}`, up: () => void applied.push(version) }));
      expect(migrate(db, steps.slice(0, 2))).to.equal(2);
      expect(migrate(db, steps)).to.equal(3);
      expect(applied).to.deep.equal([1, 2, 3]);
      db.close();
    });
  });

  describe("decisions", () => {
    it("stores every input of a decision and reads it back", () => {
      const id = journal.insertDecision(newDecision())!;
      journal.recordPreview(id, { callKind: "repeg", callTarget: 10n ** 20n, previewCost: -5n, previewNewMark: 123n, gasEstimate: 80_000n, expectedGain: 2.5, gasCostQuote: 0.1 });
      const r = journal.get(id)!;
      expect(r.status).to.equal("decided");
      expect(r.idempotencyKey).to.equal("ETH-PERP:100");
      expect(r.observation.oracle).to.equal(1.01);
      expect(r.observation.sinceLastUpdate).to.equal(Infinity);
      expect(r.qValues).to.deep.equal([0.5, 1.25, -3]);
      expect(r.action).to.deep.equal({ kind: "repeg", fraction: 0.5 });
      expect([r.stateIndex, r.actionIndex]).to.deep.equal([7, 1]);
      expect([r.callKind, r.callTarget, r.previewCost, r.previewNewMark, r.gasEstimate]).to.deep.equal(["repeg", "100000000000000000000", "-5", "123", "80000"]);
      expect([r.expectedGain, r.gasCostQuote]).to.deep.equal([2.5, 0.1]);
    });

    it("allows one live decision per (market, slot): the idempotency key", () => {
      expect(journal.insertDecision(newDecision())).to.be.a("number");
      expect(journal.insertDecision(newDecision())).to.equal(null);
      expect(journal.insertDecision(newDecision({ market: "BTC-PERP" }))).to.be.a("number");
      expect(journal.insertDecision(newDecision({ slot: 101 }))).to.be.a("number");
      expect(journal.hasLiveDecision("ETH-PERP", 100)).to.equal(true);
    });

    it("frees the slot once the decision is reconciled (never sent / dropped)", () => {
      const id = journal.insertDecision(newDecision())!;
      journal.markReconciled(id, "interrupted");
      expect(journal.hasLiveDecision("ETH-PERP", 100)).to.equal(false);
      expect(journal.insertDecision(newDecision())).to.be.a("number");
    });

    it("walks decided → sent → confirmed with hash, nonce, gas and cost", () => {
      const id = journal.insertDecision(newDecision())!;
      journal.markSent(id, "0xabc", 4);
      journal.markConfirmed(id, { gasUsed: 61_000n, cost: 5n, blockNumber: 101 });
      const r = journal.get(id)!;
      expect([r.status, r.txHash, r.nonce, r.gasUsed, r.cost, r.receiptBlock]).to.deep.equal(["confirmed", "0xabc", 4, "61000", "5", 101]);
      expect(r.sentAt).to.be.a("number");
      expect(r.finalizedAt).to.be.a("number");
    });

    it("never moves a row back from sent (a second send of the same decision is impossible)", () => {
      const id = journal.insertDecision(newDecision())!;
      journal.markSent(id, "0xabc", 4);
      expect(() => journal.markSent(id, "0xdef", 5)).to.throw(JournalStateError, "expected status decided, found sent");
      expect(() => journal.markSkipped(id, "x")).to.throw(JournalStateError);
      journal.markConfirmed(id, { gasUsed: 1n, blockNumber: 1 });
      expect(() => journal.markReconciled(id, "x")).to.throw(JournalStateError, "found confirmed");
    });

    it("refuses two rows with the same transaction hash", () => {
      const a = journal.insertDecision(newDecision())!;
      const b = journal.insertDecision(newDecision({ slot: 101 }))!;
      journal.markSent(a, "0xabc", 1);
      expect(() => journal.markSent(b, "0xabc", 2)).to.throw(/UNIQUE/);
    });

    it("lists open rows per market and status, oldest first", () => {
      const a = journal.insertDecision(newDecision())!;
      const b = journal.insertDecision(newDecision({ slot: 101 }))!;
      journal.insertDecision(newDecision({ market: "BTC-PERP" }));
      journal.markSent(b, "0x1", 1);
      expect(journal.withStatus(["decided", "sent"], "ETH-PERP").map((r) => r.id)).to.deep.equal([a, b]);
      expect(journal.withStatus(["sent"]).map((r) => r.id)).to.deep.equal([b]);
    });
  });
});
