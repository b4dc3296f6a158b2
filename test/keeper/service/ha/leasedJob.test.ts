import { expect } from "chai";
import { LeasedJob } from "../../../../keeper/service/ha/leasedJob";
import type { PgLease } from "../../../../keeper/service/ha/lease";
import type { ServiceJob } from "../../../../keeper/service/job";
import { silentLogger } from "../../../../keeper/service/logger";
import { KeeperMetrics } from "../../../../keeper/service/metrics";

/** A lease the test hands out and takes back (epoch 0 = not held). */
function fakeLease() {
  const state = { epoch: 0 };
  const lease = {
    settings: { name: "l", replica: "r1", ttlMs: 3_000, renewMs: 1_000 },
    get currentEpoch() {
      return state.epoch;
    },
    hold: async () => state.epoch > 0,
  } as unknown as PgLease;
  return { lease, state };
}

function recordingJob(calls: string[]): ServiceJob {
  return {
    name: "ETH-PERP",
    init: async () => void calls.push("init"),
    tick: async () => (calls.push("tick"), { nextDelayMs: 100 }),
    healthCheck: () => ({ healthy: true }),
    stop: async () => void calls.push("stop"),
  };
}

describe("leased market job (redundant keepers)", () => {
  it("stands by without touching the market until it holds the lease, then reconciles once per term before ticking", async () => {
    const calls: string[] = [];
    const { lease, state } = fakeLease();
    const metrics = new KeeperMetrics();
    const job = new LeasedJob(recordingJob(calls), lease, silentLogger(), metrics);
    await job.init();
    expect(await job.tick()).to.deep.equal({ nextDelayMs: 1_000 }); // standby: retry every renewMs
    expect(calls).to.deep.equal([]);
    expect(job.healthCheck()).to.deep.equal({ healthy: true, reason: "standby: replica r1 does not hold the lease" });
    expect((await metrics.registry.getSingleMetricAsString("damm_keeper_lease_active"))).to.contain('damm_keeper_lease_active{replica="r1"} 0');

    state.epoch = 3;
    await job.tick();
    await job.tick();
    expect(calls).to.deep.equal(["init", "tick", "tick"]);
    expect([job.active, job.healthCheck()]).to.deep.equal([true, { healthy: true }]);
    expect((await metrics.registry.getSingleMetricAsString("damm_keeper_lease_active"))).to.contain('damm_keeper_lease_active{replica="r1"} 1');

    state.epoch = 0; // lost it
    await job.tick();
    state.epoch = 5; // a new term: what happened in between must be reconciled first
    await job.tick();
    expect(calls).to.deep.equal(["init", "tick", "tick", "init", "tick"]);
  });
});
