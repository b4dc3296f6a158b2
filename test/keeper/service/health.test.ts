import { expect } from "chai";
import type { Action } from "../../../keeper/core/policyTypes";
import { Journal } from "../../../keeper/service/journal/journal";
import { MarketJob, type MarketJobSettings } from "../../../keeper/service/marketJob";
import { KeeperMetrics } from "../../../keeper/service/metrics";
import { silentLogger } from "../../../keeper/service/logger";
import { FakeChain, FakeGateway, KEEPER, ScriptedPolicy, WAD, revertError, settings, snapshot, testClassifier } from "./helpers/fakes";
import { tempJournalPath } from "./helpers/journalFixtures";

const REPEG: Action = { kind: "repeg", fraction: 0.5 };
const HOLD: Action = { kind: "hold" };
const N = 3;

/** The job's health over ticks it cannot act on (stale oracle, cooldown, missing role, no new block). */
describe("MarketJob health: unhealthy after unhealthyAfterTicks blocked ticks, with the reason", () => {
  let journal: Journal;
  let chain: FakeChain;
  let gateway: FakeGateway & { role?: boolean; hasKeeperRole?: (a: string) => Promise<boolean> };
  let metrics: KeeperMetrics;
  beforeEach(() => {
    journal = Journal.open(tempJournalPath());
    chain = new FakeChain();
    gateway = new FakeGateway();
    metrics = new KeeperMetrics();
  });
  afterEach(() => journal.close());

  function job(actions: Action[], over: Partial<MarketJobSettings> = {}): MarketJob {
    return new MarketJob({
      market: "ETH-PERP",
      gateway,
      chain,
      sender: chain,
      keeperAddress: KEEPER,
      policy: new ScriptedPolicy(actions),
      journal,
      classifier: testClassifier(),
      metrics,
      log: silentLogger(),
      settings: settings({ unhealthyAfterTicks: N, ...over }),
    });
  }

  async function gauge(name: string, labels: Record<string, string>): Promise<number> {
    const m = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
    const v = m?.values.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
    return v ? Number(v.value) : NaN;
  }

  /** Ticks once per new block (block numbers from `from`). */
  async function tickBlocks(j: MarketJob, from: number, n: number, over: Parameters<typeof snapshot>[0] = {}): Promise<void> {
    for (let i = 0; i < n; i++) {
      gateway.snap = snapshot({ blockNumber: from + i, blockTimestamp: 1_700_000_000 + 12 * i, oracleUpdatedAt: 1_700_000_000 + 12 * i, ...over });
      await j.tick();
    }
  }

  describe("cooldown refusals", () => {
    it("healthy for N-1 refused ticks, unhealthy at the N-th with the decoded reason, healthy again after one tick that can act", async () => {
      gateway.previewError = revertError("Vamm_HookCooldown", [10n, 10n]);
      const j = job([REPEG]);
      await j.init();
      await tickBlocks(j, 10, N - 1);
      expect(j.healthCheck().healthy).to.equal(true);
      expect(await gauge("damm_keeper_blocked_ticks", { market: "ETH-PERP", cause: "cooldown" })).to.equal(N - 1);
      await tickBlocks(j, 20, 1);
      const h = j.healthCheck();
      expect(h.healthy).to.equal(false);
      expect(h.reason).to.equal(`cannot act for ${N} ticks (cooldown): preview refused: Vamm_HookCooldown(10, 10)`);
      expect(await gauge("damm_keeper_job_healthy", { market: "ETH-PERP" })).to.equal(0);
      gateway.previewError = undefined;
      await tickBlocks(j, 30, 1);
      expect(j.lastOutcome).to.equal("confirmed");
      expect(j.healthCheck()).to.deep.equal({ healthy: true });
      expect(await gauge("damm_keeper_blocked_ticks", { market: "ETH-PERP", cause: "cooldown" })).to.equal(0);
      expect(await gauge("damm_keeper_job_healthy", { market: "ETH-PERP" })).to.equal(1);
    });
  });

  describe("stale oracle", () => {
    it("is seen from the snapshot even while the policy holds (no preview at all)", async () => {
      const j = job([HOLD]);
      await j.init();
      await tickBlocks(j, 10, N, { oracleUpdatedAt: 1_699_999_000, oracleMaxAgeSec: 60 });
      const h = j.healthCheck();
      expect(h.healthy).to.equal(false);
      expect(h.reason).to.match(/^cannot act for 3 ticks \(stale-oracle\): oracle answer 1\d{3} s old at block 12; hooks accept at most 60 s$/);
      expect(await gauge("damm_keeper_blocked_ticks", { market: "ETH-PERP", cause: "stale-oracle" })).to.equal(N);
    });

    it("an answer within the age limit is not blocked", async () => {
      const j = job([HOLD]);
      await j.init();
      await tickBlocks(j, 10, N + 2, { oracleMaxAgeSec: 60 });
      expect(j.healthCheck()).to.deep.equal({ healthy: true });
    });
  });

  describe("no new block (a node that mines only on transactions)", () => {
    it("N ticks on the same block are unhealthy, naming the block", async () => {
      const j = job([HOLD]);
      await j.init();
      for (let i = 0; i < N + 1; i++) await j.tick(); // the fake's block stays 10
      const h = j.healthCheck();
      expect(h.healthy).to.equal(false);
      expect(h.reason).to.contain("(no-new-block): no block after 10");
    });
  });

  describe("missing role", () => {
    it("start-up check: a live keeper without KEEPER_ROLE is unhealthy before its first tick", async () => {
      gateway.hasKeeperRole = async () => false;
      const j = job([HOLD]);
      await j.init();
      const h = j.healthCheck();
      expect(h.healthy).to.equal(false);
      expect(h.reason).to.equal(`cannot act for ${N} ticks (missing-role): ${KEEPER} lacks KEEPER_ROLE on ETH-PERP (README "Roles": grant it through the timelock)`);
    });

    it("a dry run without the role stays healthy (it sends nothing)", async () => {
      gateway.hasKeeperRole = async () => false;
      const j = job([HOLD], { dryRun: true });
      await j.init();
      await tickBlocks(j, 10, N + 1);
      expect(j.healthCheck()).to.deep.equal({ healthy: true });
    });

    it("a role revoked while the policy holds is found by the periodic check within N ticks", async () => {
      let has = true;
      gateway.hasKeeperRole = async () => has;
      const j = job([HOLD]);
      await j.init();
      await tickBlocks(j, 10, N + 1);
      expect(j.healthCheck().healthy).to.equal(true);
      has = false;
      let ticks = 0;
      while (j.healthCheck().healthy && ticks < 2 * N) {
        await tickBlocks(j, 100 + ticks, 1);
        ticks++;
      }
      expect(ticks).to.be.at.most(N);
      expect(j.healthCheck().reason).to.contain("(missing-role)");
      has = true; // granted again: the next periodic check clears it
      for (let i = 0; i < N; i++) await tickBlocks(j, 200 + i, 1);
      expect(j.healthCheck()).to.deep.equal({ healthy: true });
    });
  });

  it("a hook previewed above the budget is not 'unable to act' (the budget refills): stays healthy", async () => {
    gateway.previewResult = { cost: 10_000n * WAD, newMark: 101n * WAD };
    const j = job([REPEG]);
    await j.init();
    await tickBlocks(j, 10, N + 1);
    expect(j.healthCheck()).to.deep.equal({ healthy: true });
  });
});
