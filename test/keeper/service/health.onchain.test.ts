import { expect } from "chai";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { HOLD } from "../../../keeper/core/policyTypes";
import { createKeeperApp } from "../../../keeper/service/app";
import { silentLogger } from "../../../keeper/service/logger";
import { ScriptedPolicy } from "./helpers/fakes";
import { deployKeeperFixture, setOracle, startRpcServer, testKeeperConfig } from "./helpers/onchain";

const N = 3;

/** /healthz over HTTP against the real contracts: a stale oracle and a revoked role turn it 503 within N ticks. */
describe("keeper /healthz on the in-process Hardhat network", function () {
  this.timeout(120_000);
  let rpc: Awaited<ReturnType<typeof startRpcServer>>;
  let app: Awaited<ReturnType<typeof createKeeperApp>> | undefined;
  let base = "";

  before(async () => {
    rpc = await startRpcServer();
  });
  after(async () => {
    await rpc.close();
  });
  afterEach(async () => {
    await app?.keeper.stop();
    app = undefined;
  });

  /** The keeper with a holding policy (so only the health checks can notice anything), its ops server on a free port. */
  async function startKeeper(f: Awaited<ReturnType<typeof deployKeeperFixture>>): Promise<NonNullable<typeof app>> {
    app = await createKeeperApp(testKeeperConfig(rpc.url, f.markets, { unhealthyAfterTicks: N }), silentLogger(), { policy: new ScriptedPolicy([HOLD]) });
    await app.jobs[0].init();
    base = `http://127.0.0.1:${await app.ops.start(0)}`;
    return app;
  }

  async function healthz(): Promise<{ status: number; body: { healthy: boolean; jobs: { name: string; healthy: boolean; reason?: string }[] } }> {
    const res = await fetch(`${base}/healthz`);
    return { status: res.status, body: (await res.json()) as never };
  }

  /** One tick per new block; returns the tick count at which /healthz first answered 503 (or null). */
  async function ticksUntilUnhealthy(a: NonNullable<typeof app>, max: number): Promise<number | null> {
    for (let i = 1; i <= max; i++) {
      await mine(1);
      await a.jobs[0].tick();
      if ((await healthz()).status === 503) return i;
    }
    return null;
  }

  it("healthy while the oracle is fresh and the role held", async () => {
    const f = await loadFixture(deployKeeperFixture);
    const a = await startKeeper(f);
    for (let i = 0; i < N + 1; i++) {
      await setOracle(f.oracle, 100);
      await a.jobs[0].tick();
    }
    expect(await healthz()).to.deep.equal({ status: 200, body: { healthy: true, jobs: [{ name: "ETH-PERP", healthy: true }] } });
  });

  it("stale oracle: 503 at the N-th tick with the oracle's age, 200 again once it is fed", async () => {
    const f = await loadFixture(deployKeeperFixture);
    const a = await startKeeper(f);
    await time.increase(120); // maxOracleAgeHooks is 60 s
    expect(await ticksUntilUnhealthy(a, 2 * N)).to.equal(N);
    const h = await healthz();
    expect(h.body.healthy).to.equal(false);
    expect(h.body.jobs[0].reason).to.match(/^cannot act for 3 ticks \(stale-oracle\): oracle answer \d+ s old at block \d+; hooks accept at most 60 s$/);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).to.contain('damm_keeper_blocked_ticks{market="ETH-PERP",cause="stale-oracle"} 3');
    expect(metrics).to.contain('damm_keeper_job_healthy{market="ETH-PERP"} 0');
    await setOracle(f.oracle, 100);
    await a.jobs[0].tick();
    expect((await healthz()).status).to.equal(200);
  });

  it("missing role: a revoked KEEPER_ROLE turns /healthz 503 within N ticks while the policy only holds", async () => {
    const f = await loadFixture(deployKeeperFixture);
    const a = await startKeeper(f);
    for (let i = 0; i < N; i++) {
      await setOracle(f.oracle, 100);
      await a.jobs[0].tick();
    }
    await (await f.market.revokeRole(await f.market.KEEPER_ROLE(), f.keeper.address)).wait();
    let ticks = 0;
    while ((await healthz()).status === 200 && ticks < 2 * N) {
      await setOracle(f.oracle, 100); // fresh oracle, new block: only the role is wrong
      await a.jobs[0].tick();
      ticks++;
    }
    expect(ticks).to.be.at.most(N);
    const h = await healthz();
    expect(h.status).to.equal(503);
    expect(h.body.jobs[0].reason).to.equal(`cannot act for ${N} ticks (missing-role): ${f.keeper.address} lacks KEEPER_ROLE on ETH-PERP (README "Roles": grant it through the timelock)`);
  });

  it("missing role at start-up: 503 before the first tick", async () => {
    const f = await loadFixture(deployKeeperFixture);
    await (await f.market.revokeRole(await f.market.KEEPER_ROLE(), f.keeper.address)).wait();
    await startKeeper(f);
    const h = await healthz();
    expect(h.status).to.equal(503);
    expect(h.body.jobs[0].reason).to.contain("(missing-role)");
  });
});
