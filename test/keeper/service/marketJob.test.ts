import { expect } from "chai";
import type { Action } from "../../../keeper/core/policyTypes";
import { Journal } from "../../../keeper/service/journal/journal";
import { silentLogger } from "../../../keeper/service/logger";
import { MarketJob, type MarketJobSettings } from "../../../keeper/service/marketJob";
import { KeeperMetrics } from "../../../keeper/service/metrics";
import { id as keccakId, makeError } from "ethers";
import { repegCost } from "../../../keeper/core/hookPlanner";
import { FakeChain, FakeGateway, KEEPER, ScriptedPolicy, WAD, revertError, settings, snapshot, testClassifier } from "./helpers/fakes";
import { tempJournalPath } from "./helpers/journalFixtures";

const REPEG: Action = { kind: "repeg", fraction: 0.5 };
const KEEPER_ROLE = keccakId("KEEPER_ROLE");

describe("MarketJob", () => {
  let journal: Journal;
  let chain: FakeChain;
  let gateway: FakeGateway;
  let metrics: KeeperMetrics;
  beforeEach(() => {
    journal = Journal.open(tempJournalPath());
    chain = new FakeChain();
    gateway = new FakeGateway();
    metrics = new KeeperMetrics();
  });
  afterEach(() => journal.close());

  function job(actions: Action[], over: Partial<MarketJobSettings> = {}, opts: { expectedGain?: number; noSender?: boolean } = {}): MarketJob {
    return new MarketJob({
      market: "ETH-PERP",
      gateway,
      chain,
      sender: opts.noSender ? undefined : chain,
      keeperAddress: KEEPER,
      policy: new ScriptedPolicy(actions, opts.expectedGain),
      journal,
      classifier: testClassifier(),
      metrics,
      log: silentLogger(),
      settings: settings(over),
    });
  }

  async function metricValue(name: string, labels: Record<string, string>): Promise<number> {
    const m = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
    const v = m?.values.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
    return v ? Number(v.value) : 0;
  }

  describe("healthy market", () => {
    it("journals a hold as skipped and sends nothing", async () => {
      const j = job([{ kind: "hold" }]);
      await j.init();
      expect(await j.tick()).to.deep.equal({ nextDelayMs: 1_000 });
      const [row] = journal.list();
      expect([row.status, row.skipReason, row.slot, row.stateIndex]).to.deep.equal(["skipped", "hold", 10, 3]);
      expect(row.observation.oracle).to.equal(101);
      expect(chain.sentCount()).to.equal(0);
    });

    it("previews, simulates, sends and records a repeg toward the oracle", async () => {
      const j = job([REPEG]);
      await j.init();
      await j.tick();
      expect(j.lastOutcome).to.equal("confirmed");
      // mark 100 → 100.5 with x = y: new peg 100.5
      expect(gateway.previews).to.deep.equal([{ kind: "repeg", target: 1005n * WAD / 10n }]);
      const [row] = journal.list();
      expect(row).to.deep.include({ status: "confirmed", callKind: "repeg", callTarget: (1005n * WAD / 10n).toString(), previewCost: (5n * WAD).toString(), nonce: 0, gasUsed: "61000", cost: (5n * WAD).toString(), gasEstimate: "80000" });
      expect(row.txHash).to.match(/^0x/);
      const [tx] = chain.txs.values();
      expect(tx.req.gasLimit).to.equal(100_000n); // estimate + 25%
      expect(tx.req.maxPriorityFeePerGas).to.equal(1_000_000_000n);
      expect(await metricValue("damm_keeper_tx_sent_total", { market: "ETH-PERP", action: "repeg" })).to.equal(1);
      expect(await metricValue("damm_keeper_gas_used_total", { market: "ETH-PERP" })).to.equal(61_000);
      expect(await metricValue("damm_keeper_mark_oracle_gap_bps", { market: "ETH-PERP" })).to.be.closeTo(-99.0099, 1e-3);
    });

    it("makes one decision per block: a second tick in the same block is a no-op", async () => {
      const j = job([{ kind: "hold" }]);
      await j.init();
      await j.tick();
      await j.tick();
      expect(j.lastOutcome).to.equal("same-slot");
      expect(journal.list()).to.have.length(1);
      gateway.snap = snapshot({ blockNumber: 11 });
      await j.tick();
      expect(journal.list()).to.have.length(2);
    });

    it("caps the gas limit at maxGasPerTx and skips when the estimate is above it", async () => {
      gateway.gasEstimate = 450_000n;
      const j = job([REPEG]);
      await j.init();
      await j.tick();
      expect([...chain.txs.values()][0].req.gasLimit).to.equal(500_000n);
      gateway.snap = snapshot({ blockNumber: 11 });
      gateway.gasEstimate = 600_000n;
      await j.tick();
      expect(journal.list()[1].skipReason).to.equal("gas estimate 600000 above maxGasPerTx 500000");
    });

    it("skips when the base fee is above the maxFeePerGas cap", async () => {
      chain.fee = { baseFeePerGas: 200_000_000_000n, maxFeePerGas: 400_000_000_000n, maxPriorityFeePerGas: 1n };
      const j = job([REPEG]);
      await j.init();
      await j.tick();
      expect(journal.list()[0].skipReason).to.match(/^gas price 200000000001 wei above maxFeePerGas cap 100000000000$/);
      expect(chain.sentCount()).to.equal(0);
    });
  });

  describe("skips before sending", () => {
    it("when the policy's expected gain is below the gas cost", async () => {
      // 80k gas × (1 + 1) gwei = 0.00016 native × 3000 quote = 0.48 quote
      const j = job([REPEG], { economics: { nativePriceQuote: 3_000, trackingValuePerBps: 0 } }, { expectedGain: 0.3 });
      await j.init();
      await j.tick();
      const [row] = journal.list();
      expect(row.skipReason).to.equal("expected gain 0.300000 below gas cost 0.480000");
      expect(row.gasCostQuote).to.be.closeTo(0.48, 1e-12);
      expect(chain.sentCount()).to.equal(0);
    });

    it("values a repeg by its tracking improvement minus its cost when the policy gives no gain", async () => {
      // gap −99 bps → 0 bps at newMark 101: 99 bps × 0.1 = 9.9; cost 5 → gain 4.9 > 0.48
      gateway.previewResult = { cost: 5n * WAD, newMark: 101n * WAD };
      const j = job([REPEG], { economics: { nativePriceQuote: 3_000, trackingValuePerBps: 0.1 } });
      await j.init();
      await j.tick();
      expect(journal.list()[0].expectedGain).to.be.closeTo(99.0099 * 0.1 - 5, 1e-3);
      expect(j.lastOutcome).to.equal("confirmed");
    });

    it("when the preview's cost exceeds the budget", async () => {
      gateway.previewResult = { cost: 2_000n * WAD, newMark: 101n * WAD };
      const j = job([REPEG]);
      await j.init();
      await j.tick();
      expect(journal.list()[0]).to.deep.include({ status: "skipped", errorClass: "nextBlock", skipReason: `cost ${2_000n * WAD} exceeds budget ${1_000n * WAD}` });
      expect(j.isHalted).to.equal(false);
    });

    it("when a guard refuses a clearing condition (journals the decoded reason, keeps running)", async () => {
      gateway.simulateError = revertError("Vamm_HookCooldown", [10n, 10n]);
      const j = job([REPEG]);
      await j.init();
      expect(await j.tick()).to.deep.equal({ nextDelayMs: 1_000 });
      expect(journal.list()[0]).to.deep.include({ status: "skipped", errorClass: "nextBlock", skipReason: "simulate refused: Vamm_HookCooldown(10, 10)" });
      expect(j.healthCheck()).to.deep.equal({ healthy: true });
      expect(chain.sentCount()).to.equal(0);
    });

    it("when the planned change is below one wei of peg (mark already at the oracle)", async () => {
      gateway.snap = snapshot({ oracle: 100n * WAD });
      const j = job([REPEG]);
      await j.init();
      await j.tick();
      expect(journal.list()[0].skipReason).to.equal("mark already at the oracle");
      expect(gateway.previews).to.have.length(0);
    });
  });

  describe("shadow mode (dry run)", () => {
    it("journals the same decision with its preview and sends nothing", async () => {
      const j = job([REPEG], { dryRun: true }, { noSender: true });
      await j.init();
      await j.tick();
      const [row] = journal.list();
      expect(row).to.deep.include({ status: "skipped", skipReason: "dry-run", dryRun: true, callKind: "repeg", previewCost: (5n * WAD).toString(), previewNewMark: (101n * WAD).toString(), txHash: null });
      expect(chain.sentCount()).to.equal(0);
      expect(j.lastOutcome).to.equal("dry-run");
    });
  });

  describe("state-dependent refusals at preview time are skips, never halts", () => {
    for (const [name, args] of [
      ["Vamm_CostExceedsBudget", [5n, 3n]],
      ["Vamm_DailyCostCapExceeded", [1n, 2n, 3n]],
      ["Vamm_PegChangeTooLarge", [150n, 100n]],
      ["Vamm_OracleTwapDivergence", [1500n, 1000n]],
      ["Oracle_StaleAnswer", [1000n, 60n]],
      ["Vamm_HookCooldown", [10n, 10n]],
    ] as const) {
      it(`${name}: journaled with the decoded reason, the job keeps ticking and applies the next action once it clears`, async () => {
        gateway.previewError = revertError(name, [...args]);
        const j = job([REPEG]);
        await j.init();
        expect(await j.tick()).to.deep.equal({ nextDelayMs: 1_000 });
        const [row] = journal.list();
        expect(row).to.deep.include({ status: "skipped", errorClass: "nextBlock", callKind: "repeg", callTarget: (1005n * WAD / 10n).toString() });
        expect(row.skipReason).to.equal(`preview refused: ${name}(${args.join(", ")})`);
        expect(j.isHalted).to.equal(false);
        expect(j.healthCheck()).to.deep.equal({ healthy: true });
        expect(await metricValue("damm_keeper_job_halted", { market: "ETH-PERP" })).to.equal(0);
        gateway.previewError = undefined; // the budget refilled / the cooldown passed
        gateway.snap = snapshot({ blockNumber: 11 });
        await j.tick();
        expect(j.lastOutcome).to.equal("confirmed");
        expect(chain.sentCount()).to.equal(1);
      });
    }

    it("paused: skipped, backs off (interval, then the growing backoff) and resumes after the unpause", async () => {
      gateway.previewError = revertError("Vamm_Paused");
      const j = job([REPEG], { maxConsecutiveFailures: 2, backoff: { baseMs: 1_000, capMs: 5_000 } });
      await j.init();
      const delays: number[] = [];
      for (let b = 10; b < 14; b++) {
        gateway.snap = snapshot({ blockNumber: b });
        delays.push((await j.tick()).nextDelayMs);
      }
      expect(delays).to.deep.equal([1_000, 2_000, 4_000, 5_000]);
      expect(journal.list().map((r) => [r.status, r.skipReason, r.errorClass])).to.deep.equal(Array(4).fill(["skipped", "preview refused: Vamm_Paused()", "nextBlock"]));
      expect(j.isHalted, "a long pause is not a failure streak").to.equal(false);
      expect(j.healthCheck()).to.deep.equal({ healthy: true, reason: "paused (4 ticks): Vamm_Paused()" });
      gateway.previewError = undefined; // the admin unpaused
      gateway.snap = snapshot({ blockNumber: 14 });
      expect(await j.tick()).to.deep.equal({ nextDelayMs: 1_000 });
      expect(j.lastOutcome).to.equal("confirmed");
      expect(j.healthCheck()).to.deep.equal({ healthy: true });
    });

    it("global pause (CH_Paused) in the simulation backs off the same way", async () => {
      gateway.simulateError = revertError("CH_Paused");
      const j = job([REPEG], { backoff: { baseMs: 3_000, capMs: 10_000 } });
      await j.init();
      expect(await j.tick()).to.deep.equal({ nextDelayMs: 3_000 });
      expect(journal.list()[0]).to.deep.include({ status: "skipped", skipReason: "simulate refused: CH_Paused()", errorClass: "nextBlock" });
    });

    it("a `never` refusal that is not the keeper's fault is skipped and counted; N in a row halt and say why", async () => {
      const other = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
      gateway.previewError = revertError("AccessControlUnauthorizedAccount", [other, KEEPER_ROLE]);
      const j = job([REPEG], { maxConsecutiveFailures: 3 });
      await j.init();
      for (let b = 10; b < 12; b++) {
        gateway.snap = snapshot({ blockNumber: b });
        expect((await j.tick()).halted).to.equal(undefined);
      }
      expect(journal.list().map((r) => [r.status, r.errorClass])).to.deep.equal([["skipped", "never"], ["skipped", "never"]]);
      gateway.snap = snapshot({ blockNumber: 12 });
      expect(await j.tick()).to.deep.equal({ nextDelayMs: 0, halted: true });
      expect(j.whyHalted).to.equal(`3 consecutive failures; last at preview: AccessControlUnauthorizedAccount(${other}, ${KEEPER_ROLE})`);
    });
  });

  describe("keeper misconfiguration halts at once and says why", () => {
    it("missing KEEPER_ROLE for the keeper's own address: the message names the role", async () => {
      gateway.simulateError = revertError("AccessControlUnauthorizedAccount", [KEEPER, KEEPER_ROLE]);
      const j = job([REPEG]);
      await j.init();
      expect(await j.tick()).to.deep.equal({ nextDelayMs: 0, halted: true });
      expect(journal.list()[0]).to.deep.include({ status: "skipped", errorClass: "never", skipReason: `simulate refused: AccessControlUnauthorizedAccount(${KEEPER}, ${KEEPER_ROLE})` });
      expect(j.whyHalted).to.equal(`simulate refused: keeper ${KEEPER} lacks KEEPER_ROLE (${KEEPER_ROLE}) on the market: grant it to the keeper or fix DAMM_KEEPER_KEY (AccessControlUnauthorizedAccount(${KEEPER}, ${KEEPER_ROLE}))`);
      const h = j.healthCheck();
      expect(h.healthy).to.equal(false);
      expect(h.reason).to.match(/^halted: simulate refused: keeper 0x[0-9a-fA-F]{40} lacks KEEPER_ROLE/);
      expect(await metricValue("damm_keeper_job_halted", { market: "ETH-PERP" })).to.equal(1);
      expect(await j.tick()).to.deep.equal({ nextDelayMs: 0, halted: true });
      expect(gateway.reads).to.equal(1); // a halted job does not touch the chain again
    });

    it("an unknown contract (undecodable answer) halts from any step", async () => {
      gateway.readError = makeError("could not decode result data", "BAD_DATA", { value: "0x" });
      const j = job([REPEG]);
      await j.init();
      expect(await j.tick()).to.deep.equal({ nextDelayMs: 0, halted: true });
      expect(j.whyHalted).to.match(/^tick: BAD_DATA: could not decode result data .*unknown contract \/ ABI mismatch/);
    });
  });

  describe("fitToBudget", () => {
    it("previews and sends the shrunk repeg, journaling the requested and the planned target", async () => {
      gateway.snap = snapshot({ budget: 5n * WAD });
      const j = job([REPEG]);
      await j.init();
      await j.tick();
      expect(j.lastOutcome).to.equal("confirmed");
      const [row] = journal.list();
      const requested = 1005n * WAD / 10n;
      expect(row.requestedTarget).to.equal(requested.toString());
      const planned = BigInt(row.callTarget!);
      expect(planned > 100n * WAD && planned < requested).to.equal(true);
      expect(gateway.previews).to.deep.equal([{ kind: "repeg", target: planned }]);
      expect(repegCost(gateway.snap, planned)! <= (5n * WAD * 99n) / 100n).to.equal(true);
    });

    it("is a setting: off, the requested repeg goes to the preview as asked", async () => {
      gateway.snap = snapshot({ budget: 5n * WAD });
      gateway.previewError = revertError("Vamm_CostExceedsBudget", [9n * WAD, 5n * WAD]);
      const j = job([REPEG], { fitToBudget: false });
      await j.init();
      await j.tick();
      expect(gateway.previews).to.deep.equal([{ kind: "repeg", target: 1005n * WAD / 10n }]);
      expect(journal.list()[0]).to.deep.include({ status: "skipped", errorClass: "nextBlock", requestedTarget: (1005n * WAD / 10n).toString() });
      expect(j.isHalted).to.equal(false);
    });
  });

  describe("transient failures", () => {
    it("backs off exponentially and halts after maxConsecutiveFailures, saying why", async () => {
      gateway.readError = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "ECONNREFUSED" });
      const j = job([REPEG], { maxConsecutiveFailures: 4, backoff: { baseMs: 100, capMs: 250 } });
      await j.init();
      const delays = [];
      for (let i = 0; i < 3; i++) delays.push((await j.tick()).nextDelayMs);
      expect(delays).to.deep.equal([100, 200, 250]);
      expect(await metricValue("damm_keeper_consecutive_failures", { market: "ETH-PERP" })).to.equal(3);
      expect(j.healthCheck().healthy).to.equal(true);
      expect(await j.tick()).to.deep.equal({ nextDelayMs: 0, halted: true });
      expect(j.whyHalted).to.equal("4 consecutive failures; last at tick: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:8545");
      expect(await metricValue("damm_keeper_ticks_total", { market: "ETH-PERP", outcome: "halted" })).to.equal(1);
    });

    it("resets the failure count after a good tick", async () => {
      gateway.readError = makeNetworkError();
      const j = job([{ kind: "hold" }], { maxConsecutiveFailures: 2 });
      await j.init();
      await j.tick();
      gateway.readError = undefined;
      await j.tick();
      gateway.readError = makeNetworkError();
      expect((await j.tick()).halted).to.equal(undefined);
    });

    it("a `never` error while sending counts toward maxConsecutiveFailures instead of halting at once", async () => {
      chain.sendError = makeError("insufficient funds for gas", "INSUFFICIENT_FUNDS", { transaction: {} as never });
      const j = job([REPEG], { maxConsecutiveFailures: 2 });
      await j.init();
      const first = await j.tick();
      expect(first.halted).to.equal(undefined);
      expect(first.nextDelayMs).to.equal(1_000); // max(backoff, interval)
      expect(journal.list()[0].status).to.equal("sent"); // journaled before the broadcast; reconciled next tick
      gateway.snap = snapshot({ blockNumber: 11 });
      expect(await j.tick()).to.deep.equal({ nextDelayMs: 0, halted: true });
      expect(j.whyHalted).to.equal("2 consecutive failures; last at send: INSUFFICIENT_FUNDS: insufficient funds for gas");
    });

    it("counts a transaction that reverted on-chain as a failure and records it", async () => {
      chain.autoMine = "revert";
      const j = job([REPEG]);
      await j.init();
      const r = await j.tick();
      expect(r).to.deep.equal({ nextDelayMs: 1_000 });
      expect(journal.list()[0]).to.deep.include({ status: "failed", gasUsed: "61000" });
      expect(await metricValue("damm_keeper_tx_failed_total", { market: "ETH-PERP", reason: "reverted" })).to.equal(1);
      expect(await metricValue("damm_keeper_consecutive_failures", { market: "ETH-PERP" })).to.equal(1);
    });
  });

  describe("resume and reconcile", () => {
    it("after a receipt timeout, decides nothing new while the transaction is pending, then records it", async () => {
      chain.autoMine = "never";
      const j = job([REPEG]);
      await j.init();
      await j.tick();
      expect(j.lastOutcome).to.equal("receipt-timeout");
      const [row] = journal.list();
      expect(row.status).to.equal("sent");
      gateway.snap = snapshot({ blockNumber: 11 });
      await j.tick();
      expect(j.lastOutcome).to.equal("pending-tx");
      expect(journal.list()).to.have.length(1);
      chain.mine(row.txHash!);
      chain.autoMine = "success";
      await j.tick();
      expect(journal.get(row.id)!.status).to.equal("confirmed");
      expect(journal.list()).to.have.length(2);
    });

    it("on restart, never sends a journaled decision again: a dropped one is reconciled and decided anew from fresh state", async () => {
      chain.autoMine = "never";
      const first = job([REPEG]);
      await first.init();
      await first.tick();
      const [row] = journal.list();
      chain.drop(row.txHash!); // the node lost it; nonce 0 still unused

      chain.autoMine = "success";
      const restarted = job([REPEG]); // same block: the chain has not moved
      await restarted.init();
      expect(journal.get(row.id)!.status).to.equal("reconciled");
      await restarted.tick();
      const rows = journal.list();
      expect(rows).to.have.length(2);
      expect(rows[1]).to.deep.include({ status: "confirmed", nonce: 0 }); // same nonce: at most one of the two can land
      // Same state, call, fees and nonce: the byte-identical transaction, now owned by the live row.
      expect(rows[1].txHash).to.equal(row.txHash);
      expect(chain.broadcasts).to.equal(2);
    });

    it("re-signing a dropped transaction byte for byte is not refused by the journal (both directions dropped)", async () => {
      // Regression (faults test): the oracle flips between two values around an unmoved mark, so
      // every decision is one of two identical transactions; once both were dropped the keeper
      // failed every tick with "UNIQUE constraint failed: decisions.tx_hash" and never recovered.
      chain.autoMine = "never";
      const up = snapshot({ oracle: 101n * WAD });
      const down = snapshot({ oracle: 99n * WAD });
      const j = job([REPEG]);
      await j.init();
      let slot = 10;
      for (const s of [up, down]) {
        gateway.snap = { ...s, blockNumber: slot++ };
        await j.tick();
        const sent = journal.list().find((r) => r.status === "sent")!;
        chain.drop(sent.txHash!);
      }
      chain.autoMine = "success";
      for (const s of [up, down]) {
        gateway.snap = { ...s, blockNumber: slot++ };
        await j.tick();
        expect(j.lastOutcome).to.equal("confirmed");
      }
      const rows = journal.list();
      expect(rows.filter((r) => r.status === "failed")).to.deep.equal([]);
      expect(rows.map((r) => r.status)).to.include.members(["reconciled", "confirmed"]);
    });

    it("on restart, a decision whose broadcast failed after journaling is not re-sent blindly", async () => {
      chain.sendError = makeNetworkError();
      const j = job([REPEG]);
      await j.init();
      const r = await j.tick();
      expect(r.nextDelayMs).to.equal(100); // retryNow backoff
      const [row] = journal.list();
      expect(row.status).to.equal("sent"); // the hash was journaled before the broadcast
      chain.sendError = undefined;
      await j.tick(); // reconcile first: unknown + nonce unused → reconciled, then a fresh decision
      const rows = journal.list();
      expect(rows.map((x) => x.status)).to.deep.equal(["reconciled", "confirmed"]);
    });
  });
});

function makeNetworkError(): Error {
  return Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
}
