import { expect } from "chai";
import { DashboardFeed, dashboardData } from "../../../keeper/service/dashboard/dashboardData";
import { gapBps } from "../../../keeper/core/math/float/gap";
import { Journal } from "../../../keeper/service/journal/journal";
import type { MarketSnapshot } from "../../../keeper/service/rpc/types";
import { newDecision } from "./helpers/journalFixtures";

const WAD = 10n ** 18n;
const obs = (mark: number, oracle: number, budget: number) => ({ ...newDecision().observation, mark, oracle, budget });

describe("dashboard data", () => {
  let journal: Journal;
  beforeEach(() => {
    journal = Journal.open(":memory:");
  });
  afterEach(() => journal.close());

  it("builds each market's series from its journaled decisions, one point per block, newest decisions first", async () => {
    const a = journal.insertDecision(newDecision({ slot: 10, blockTimestamp: 1_000, observation: obs(100, 101, 50) }))!;
    journal.markSkipped(a, "hold");
    const b = journal.insertDecision(newDecision({ slot: 11, blockTimestamp: 1_012, observation: obs(101, 101.5, 49) }))!;
    journal.markReconciled(b, "interrupted before the transaction was signed");
    const c = journal.insertDecision(newDecision({ slot: 11, blockTimestamp: 1_012, observation: obs(101, 101.5, 49) }))!;
    journal.markSent(c, "0xfeed", 4);
    journal.markConfirmed(c, { gasUsed: 60_000n, cost: 3n * WAD / 2n, blockNumber: 12 });
    journal.insertDecision(newDecision({ market: "BTC-PERP", slot: 11, blockTimestamp: 1_012, observation: obs(30_000, 30_010, 7) }));
    const snap = { blockNumber: 13, blockTimestamp: 1_030, budget: 48n * WAD, dailyCapHeadroom: 20n * WAD, paused: false, oracleUpdatedAt: 1_000 } as MarketSnapshot;

    const d = await dashboardData(
      {
        journal,
        markets: [{ name: "ETH-PERP", snapshot: () => snap }, { name: "BTC-PERP", snapshot: () => undefined }],
        health: () => ({ healthy: true, jobs: [] }),
        policy: "q",
      },
      { historyRows: 100, decisions: 2, tail: 3 },
      () => 42,
    );
    const eth = d.markets[0];
    expect(eth.history).to.deep.equal({ t: [1_000, 1_012], mark: [100, 101], oracle: [101, 101.5], gapBps: [gapBps(100, 101), gapBps(101, 101.5)], budget: [50, 49] });
    expect(eth.decisions.map((x) => [x.id, x.status, x.reason, x.txHash, x.cost, x.action])).to.deep.equal([
      [c, "confirmed", null, "0xfeed", 1.5, "repeg 50%"],
      [b, "reconciled", "interrupted before the transaction was signed", null, null, "repeg 50%"],
    ]);
    expect(eth.latest!.id).to.equal(c);
    expect(eth.live).to.deep.equal({ blockNumber: 13, blockTimestamp: 1_030, budget: 48, dailyCapHeadroom: 20, paused: false, oracleAgeS: 30 });
    expect([eth.counts, eth.countedRows]).to.deep.equal([{ skipped: 1, reconciled: 1, confirmed: 1 }, 3]);
    expect(d.markets[1].live).to.equal(null);
    expect(d.markets[1].latest!.mark).to.equal(30_000);
    expect(d.journalTail.map((x) => [x.id, x.market])).to.deep.equal([
      [c + 1, "BTC-PERP"],
      [c, "ETH-PERP"],
      [b, "ETH-PERP"],
    ]);
    expect([d.generatedAt, d.policy, d.replica, d.dryRun]).to.deep.equal([42, "q", null, false]);
  });

  it("reads only the rows new since its last poll, and still follows later status changes in the lists", async () => {
    const feed = new DashboardFeed({ journal, markets: [{ name: "ETH-PERP", snapshot: () => undefined }], health: () => ({ healthy: true, jobs: [] }) }, { historyRows: 1_000, decisions: 5, tail: 5 });
    const ids = [1, 2, 3].map((k) => journal.insertDecision(newDecision({ slot: k, blockTimestamp: 100 * k, observation: obs(100 + k, 100, 10) }))!);
    const calls: (number | undefined)[] = [];
    const list = journal.list.bind(journal);
    journal.list = ((m?: string, limit?: number) => (calls.push(limit), list(m, limit))) as typeof journal.list;
    expect((await feed.data()).markets[0].history.mark).to.deep.equal([101, 102, 103]);
    journal.markSkipped(ids[2], "hold");
    journal.insertDecision(newDecision({ slot: 4, blockTimestamp: 400, observation: obs(104, 100, 10) }));
    const second = await feed.data();
    expect(second.markets[0].history.mark).to.deep.equal([101, 102, 103, 104]);
    expect(second.markets[0].decisions.map((d) => d.status)).to.deep.equal(["decided", "skipped", "decided", "decided"]);
    // First poll: the recent rows, the whole window, the tail; then only the recent rows and the tail.
    expect(calls).to.deep.equal([500, 1_000, 5, 500, 5]);
  });
});
