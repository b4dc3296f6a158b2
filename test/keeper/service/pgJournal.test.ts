/**
 * The redundant keepers' shared journal (PostgreSQL) and its lease: the SQLite journal's rules
 * (one live decision per slot, compare-and-set transitions) hold here too, exactly one replica
 * holds the lease, a standby takes it only after it lapsed, and a replica that lost it — the
 * attacker here is a stale leader that froze and woke up — can neither journal a decision nor
 * mark one sent (so it broadcasts nothing). Needs PostgreSQL (test/helpers/postgres.ts).
 */
import { expect } from "chai";
import { Client } from "pg";
import { JournalStateError } from "../../../keeper/service/journal/journal";
import { PgJournal, redact } from "../../../keeper/service/journal/pgJournal";
import { LeaseLostError } from "../../../keeper/service/journal/store";
import { freshDatabase, postgresAvailable } from "../../helpers/postgres";
import { newDecision } from "./helpers/journalFixtures";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LEASE = { name: "test-keepers", ttlMs: 1_500, renewMs: 300 };

describe("keeper journal (PostgreSQL, shared by replicas)", function () {
  this.timeout(60_000);
  if (!postgresAvailable("shared-journal test")) return;

  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const open: PgJournal[] = [];
  const journal = async (replica: string) => {
    const j = await PgJournal.open(db.url, { ...LEASE, replica });
    open.push(j);
    return j;
  };
  beforeEach(async () => {
    db = await freshDatabase();
  });
  afterEach(async () => {
    for (const j of open.splice(0)) await j.close();
    await db.drop();
  });

  describe("as a journal", () => {
    it("keeps one live decision per slot, frees a reconciled slot and refuses a transition from the wrong status", async () => {
      const j = await journal("a");
      expect(await j.lease.hold()).to.equal(true);
      const id = (await j.insertDecision(newDecision({ slot: 7 })))!;
      expect(id).to.be.a("number");
      expect(await j.insertDecision(newDecision({ slot: 7 }))).to.equal(null);
      expect(await j.hasLiveDecision("ETH-PERP", 7)).to.equal(true);
      await j.recordPreview(id, { callKind: "repeg", callTarget: 10n ** 20n, previewCost: -5n, expectedGain: 1.5 });
      await j.markSent(id, "0xabc", 3);
      await j.markReconciled(id, "dropped");
      expect(await j.hasLiveDecision("ETH-PERP", 7)).to.equal(false);
      const again = (await j.insertDecision(newDecision({ slot: 7 })))!;
      await j.markSent(again, "0xabc", 3); // the identical re-signed transaction of a dropped one
      await j.markConfirmed(again, { gasUsed: 21_000n, cost: 12n, blockNumber: 9 });
      await expect(j.markSkipped(again, "late")).to.be.rejectedWith(JournalStateError, `journal row ${again}: expected status decided, found confirmed`);

      const rows = await j.list();
      expect(rows.map((r) => [r.id, r.slot, r.status, r.txHash, r.nonce, r.replica])).to.deep.equal([
        [id, 7, "reconciled", "0xabc", 3, "a"],
        [again, 7, "confirmed", "0xabc", 3, "a"],
      ]);
      const r = (await j.get(id))!;
      expect([r.callKind, r.callTarget, r.previewCost, r.expectedGain, r.dryRun]).to.deep.equal(["repeg", (10n ** 20n).toString(), "-5", 1.5, false]);
      expect(r.observation).to.deep.equal(newDecision().observation); // Infinity survives the round trip
      expect(r.qValues).to.deep.equal([0.5, 1.25, -3]);
      expect(await j.lastConfirmedTimestamp("ETH-PERP")).to.equal(1_700_000_000);
      expect((await j.withStatus(["confirmed"])).map((x) => x.id)).to.deep.equal([again]);
    });

    it("names the database it cannot open, without its password", async () => {
      const bad = "postgres://keeper:s3cret@127.0.0.1:1/nowhere";
      await expect(PgJournal.open(bad, { ...LEASE, replica: "a" })).to.be.rejectedWith("journal database: cannot open postgres://keeper:***@127.0.0.1:1/nowhere");
      expect(redact(bad)).to.not.include("s3cret");
    });
  });

  describe("lease", () => {
    it("lets exactly one replica hold it; the standby's fenced writes are refused", async () => {
      const a = await journal("a");
      const b = await journal("b");
      expect(await a.lease.hold()).to.equal(true);
      expect(await b.lease.hold()).to.equal(false);
      await expect(b.insertDecision(newDecision())).to.be.rejectedWith(LeaseLostError, "replica b no longer holds the journal lease (new decision refused)");
      // Renewals keep it with a, in the same epoch, well past one ttl.
      await sleep(LEASE.ttlMs * 2);
      expect([a.lease.held, a.lease.currentEpoch, await b.lease.hold()]).to.deep.equal([true, 1, false]);
    });

    it("passes to the standby once the holder stops renewing, and fences the stale holder out of deciding and sending", async () => {
      const a = await journal("a");
      const b = await journal("b");
      expect(await a.lease.hold()).to.equal(true);
      const decided = (await a.insertDecision(newDecision({ slot: 1 })))!;
      a.lease.abandon(); // a freezes: no more renewals
      const t0 = Date.now();
      while (!(await b.lease.hold())) await sleep(50);
      const takeoverMs = Date.now() - t0;
      expect(takeoverMs, "not before the lease lapsed").to.be.greaterThan(LEASE.ttlMs - LEASE.renewMs - 100);
      expect(b.lease.currentEpoch).to.equal(2);

      // The stale leader wakes up believing nothing happened: its fenced writes are refused in SQL,
      // even when its local view has not caught up (forced here by pretending the lease is still held).
      Object.defineProperty(a.lease, "held", { get: () => true });
      await expect(a.markSent(decided, "0xstale", 0)).to.be.rejectedWith(LeaseLostError, "(send refused)");
      await expect(a.insertDecision(newDecision({ slot: 2 }))).to.be.rejectedWith(LeaseLostError, "(new decision refused)");
      expect((await b.get(decided))!.status, "nothing was marked sent").to.equal("decided");

      // The new holder reconciles the row and decides in its own epoch.
      await b.markReconciled(decided, "interrupted before the transaction was signed");
      const fresh = (await b.insertDecision(newDecision({ slot: 1 })))!;
      await b.markSent(fresh, "0xnew", 0);
      const rows = await b.list();
      expect(rows.map((r) => [r.slot, r.status, r.replica, r.txHash])).to.deep.equal([
        [1, "reconciled", "a", null],
        [1, "sent", "b", "0xnew"],
      ]);
      const c = new Client({ connectionString: db.url });
      await c.connect();
      const lease = (await c.query("SELECT holder, epoch FROM keeper_lease")).rows;
      await c.end();
      expect(lease).to.deep.equal([{ holder: "b", epoch: "2" }]);
    });

    it("hands over at once on a graceful stop (release)", async () => {
      const a = await journal("a");
      const b = await journal("b");
      expect(await a.lease.hold()).to.equal(true);
      await a.lease.release();
      expect(await b.lease.hold()).to.equal(true);
      expect(b.lease.currentEpoch).to.equal(2);
    });
  });
});
