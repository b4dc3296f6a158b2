import path from "node:path";
import { expect } from "chai";
import type { Action, MarketObservation } from "../../../keeper/core/policyTypes";
import { Journal } from "../../../keeper/service/journal/journal";
import { journalAdjustmentRecords, wadStringToNumber } from "../../../keeper/supervised/journalAdjustments";
import { datasetFromRecords } from "../../../keeper/supervised/adjustmentDataset";
import { marketFeatures } from "../../../keeper/supervised/observationFeatures";
import { curveObservation, makeTempDir } from "./supervisedTestUtils";

const WAD = 10n ** 18n;
const T0 = 1_700_000_000;
const M = "0x00000000000000000000000000000000000000aa";

function obs(time: number, budget: number, over: Partial<MarketObservation> = {}): MarketObservation {
  return curveObservation({ time, budget, reservedShare: 500, volatility: 0.04, sinceLastUpdate: Infinity, ...over });
}

/** Journals one decision at `time` and walks it to `status` the way the keeper does. */
function decide(
  j: Journal,
  slot: number,
  time: number,
  budget: number,
  action: Action,
  status: "skipped" | "confirmed" | "failed" | "sent",
  opts: { cost?: bigint; target?: bigint; dryRun?: boolean; market?: string } = {},
): number {
  const id = j.insertDecision({
    market: opts.market ?? M,
    slot,
    blockTimestamp: time,
    dryRun: opts.dryRun ?? false,
    policy: "default",
    observation: obs(time, budget),
    stateIndex: 0,
    actionIndex: action.kind === "hold" ? 0 : 1,
    qValues: [0, 1],
    action,
  })!;
  if (status === "skipped") {
    j.markSkipped(id, "hold");
    return id;
  }
  j.recordPreview(id, { callKind: action.kind === "repeg" ? "repeg" : "updateK", callTarget: opts.target ?? 101n * WAD, previewCost: opts.cost });
  j.markSent(id, `0x${slot.toString(16).padStart(64, "0")}`, slot);
  if (status === "confirmed") j.markConfirmed(id, { gasUsed: 50_000n, cost: opts.cost, blockNumber: slot });
  if (status === "failed") j.markFailed(id, "reverted");
  return id;
}

describe("journalAdjustmentRecords (keeper journal → adjustment records)", function () {
  let dir: string;
  let journal: Journal;

  beforeEach(function () {
    dir = makeTempDir("journal-adj");
    journal = Journal.open(path.join(dir, "keeper.sqlite"));
  });

  afterEach(function () {
    journal.close();
  });

  describe("a confirmed repeg followed by hold decisions", function () {
    it("labels it with the budget growth over the window, its own cost added back", function () {
      const HOLD: Action = { kind: "hold" };
      decide(journal, 1, T0, 10_000, HOLD, "skipped");
      decide(journal, 2, T0 + 600, 10_000, { kind: "repeg", fraction: 1 }, "confirmed", { cost: 250n * WAD, target: 101n * WAD });
      decide(journal, 3, T0 + 1800, 9_900, HOLD, "skipped");
      decide(journal, 4, T0 + 3600, 10_050, HOLD, "skipped"); // latest row inside the 1 h window
      decide(journal, 5, T0 + 9000, 99_999, HOLD, "skipped"); // outside: ignored

      const { records, skipped } = journalAdjustmentRecords(journal.list(undefined, 100), { labelWindowHours: 1 });
      expect(skipped).to.deep.equal([]);
      expect(records).to.have.length(1);
      const r = records[0];
      expect(r.kind).to.equal("repeg");
      expect(r.time).to.equal(T0 + 600);
      expect(r.size).to.be.closeTo(0.01, 1e-12);
      expect(r.cost).to.equal(250);
      // budget 10 050 at the window's end vs 10 000 − 250 just after the change.
      expect(r.feesAfterWindow).to.be.closeTo(300, 1e-9);
      const { imbalance, oi, gap, budget, vol } = marketFeatures(obs(T0 + 600, 10_000));
      expect(r).to.include({ imbalance, oi, gap, budget, vol, sinceLast: Infinity });
      expect(datasetFromRecords("journal", records).y).to.deep.equal([1]);
    });
  });

  describe("several changes in one window", function () {
    it("adds back the costs of later confirmed changes and labels a costly change as a failure", function () {
      decide(journal, 1, T0, 10_000, { kind: "kUp", stepBps: 50 }, "confirmed", { cost: 400n * WAD, target: 1005n * WAD });
      decide(journal, 2, T0 + 1200, 9_700, { kind: "repeg" }, "confirmed", { cost: -100n * WAD, target: 99n * WAD });
      decide(journal, 3, T0 + 3000, 9_900, { kind: "hold" }, "skipped");
      const { records } = journalAdjustmentRecords(journal.list(undefined, 100), { labelWindowHours: 1 });
      expect(records.map((r) => r.kind)).to.deep.equal(["k", "repeg"]);
      const [k, repeg] = records;
      expect(k.size).to.be.closeTo(0.005, 1e-12);
      // 9 900 − (10 000 − 400) + (−100) = 200 < 400: did not pay for itself.
      expect(k.feesAfterWindow).to.be.closeTo(200, 1e-9);
      expect(repeg.size).to.be.closeTo(-0.01, 1e-12);
      expect(repeg.cost).to.equal(-100);
      // 9 900 − (9 700 + 100) = 100, observed 30 min after: half the window, enough coverage.
      expect(repeg.feesAfterWindow).to.be.closeTo(100, 1e-9);
      expect(datasetFromRecords("journal", records).y).to.deep.equal([0, 1]);
    });
  });

  describe("rows that are not labelled adjustments", function () {
    it("leaves out failed, unconfirmed and dry-run decisions and leaves the label null without enough later rows", function () {
      decide(journal, 1, T0, 10_000, { kind: "repeg" }, "failed", { cost: 5n * WAD });
      decide(journal, 2, T0 + 10, 10_000, { kind: "repeg" }, "sent", { cost: 5n * WAD });
      decide(journal, 3, T0 + 20, 10_000, { kind: "repeg" }, "confirmed", { cost: 5n * WAD, dryRun: true });
      decide(journal, 4, T0 + 30, 10_000, { kind: "kDown", stepBps: 100 }, "confirmed", { cost: -7n * WAD, target: 990n * WAD });
      decide(journal, 5, T0 + 600, 10_100, { kind: "hold" }, "skipped"); // only 570 s of a 3600 s window
      const { records } = journalAdjustmentRecords(journal.list(undefined, 100), { labelWindowHours: 1, minCoverage: 0.5 });
      expect(records).to.have.length(1);
      expect(records[0].kind).to.equal("k");
      expect(records[0].feesAfterWindow).to.equal(null);
      const ds = datasetFromRecords("journal", records);
      expect(ds.unlabelled).to.equal(1);
    });

    it("keeps markets apart", function () {
      const other = "0x00000000000000000000000000000000000000bb";
      decide(journal, 1, T0, 10_000, { kind: "repeg" }, "confirmed", { cost: 0n, target: 101n * WAD });
      decide(journal, 2, T0 + 3000, 50_000, { kind: "hold" }, "skipped", { market: other });
      const { records } = journalAdjustmentRecords(journal.list(undefined, 100));
      expect(records).to.have.length(1);
      expect(records[0].feesAfterWindow).to.equal(null);
    });
  });

  describe("wadStringToNumber", function () {
    it("converts signed WAD strings and names a malformed one", function () {
      expect(wadStringToNumber("1500000000000000000", "x")).to.equal(1.5);
      expect(wadStringToNumber("-250000000000000000000", "x")).to.equal(-250);
      expect(wadStringToNumber(null, "x")).to.equal(null);
      expect(() => wadStringToNumber("1e18", "journal row 3 cost")).to.throw(/journal row 3 cost: '1e18' is not an integer WAD amount/);
    });
  });
});
