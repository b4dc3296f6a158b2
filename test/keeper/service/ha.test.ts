/**
 * Redundant keepers (keeper/service/ha): two replicas — the real keeper CLI as two child
 * processes — against one node (the in-process Hardhat network over HTTP, behind a fault proxy
 * that lets the test act on a given JSON-RPC call) and one PostgreSQL journal. Three times, the
 * active replica is SIGKILLed mid-tick (right after broadcasting a hook transaction, after signing
 * one whose broadcast never reaches the node, while simulating); each time the standby must take
 * the lease within the stated bound (ttlMs + renewMs, plus its own reaction), reconcile what the
 * dead one left open and keep the market tracking; the killed replica is restarted as the new
 * standby. Finally the journal is audited against the chain (helpers/audit.ts): no decision left
 * open or lost, every hook event exactly one confirmed row, no adjustment sent twice.
 * Needs PostgreSQL (test/helpers/postgres.ts).
 */
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Client } from "pg";
import type { DashboardData } from "../../../keeper/service/dashboard/dashboardData";
import { PgJournal } from "../../../keeper/service/journal/pgJournal";
import { freshDatabase, postgresAvailable } from "../../helpers/postgres";
import { auditJournalAgainstChain, statusHistogram } from "./helpers/audit";
import { FaultProxy, mulberry32 } from "./helpers/faultProxy";
import { logged, spawnKeeperCli, type KeeperProcess } from "./helpers/keeperProcess";
import { deployKeeperFixture, setOracle, startRpcServer } from "./helpers/onchain";
import { tempDir } from "../../helpers/tempDir";

type Fixture = Awaited<ReturnType<typeof deployKeeperFixture>>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LEASE = { name: "ha-test", ttlMs: 2_000, renewMs: 500 };
/** The documented bound (ttlMs + renewMs) plus slack for a loaded 2-core machine (process wake-up, one PostgreSQL round trip). */
const TAKEOVER_BOUND_MS = LEASE.ttlMs + LEASE.renewMs;
const SLACK_MS = 2_000;

/**
 * Moves the oracle ±0.5 % around the mark (seeded): the "threshold" baseline repegs on the next block.
 * Each nudge is two hook windows later on the chain (evm_increaseTime, carried by the oracle's own
 * block so the answer is never stale): under the issue-13 move cap (SPEC §6, maxPegChangeBps per two
 * windows of hookWindowSeconds) only one cap-sized repeg lands per window, as in production where the
 * keeper decides once per window; without the jump the test's few seconds of chain time would allow
 * one repeg in all, and the replicas' "applies updates" checks would test the cap, not the failover.
 */
async function nudgeOracle(f: Fixture, rand: () => number): Promise<void> {
  const window = (await f.market.marketState()).params.hookWindowSeconds;
  await ethers.provider.send("evm_increaseTime", [Number(2n * window)]);
  const mark = Number(await f.market.markPrice()) / 1e18;
  await setOracle(f.oracle, mark * (rand() < 0.5 ? 0.995 : 1.005));
}

async function leaseHolder(url: string): Promise<{ holder: string; epoch: number } | undefined> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(`SELECT holder, epoch FROM keeper_lease WHERE name = $1 AND expires_at > now()`, [LEASE.name]);
    return r.rows[0] ? { holder: r.rows[0].holder as string, epoch: Number(r.rows[0].epoch) } : undefined;
  } finally {
    await c.end();
  }
}

/** Pino's "time" of the first line with `msg` at or after `since` (ms), if any. */
function loggedAt(p: KeeperProcess, msg: string, since: number): number | undefined {
  for (const l of logged(p, msg)) {
    const time = (JSON.parse(l) as { time: number | string }).time;
    const t = typeof time === "number" ? time : Date.parse(time);
    if (t >= since) return t;
  }
  return undefined;
}

describe("redundant keepers sharing a PostgreSQL journal", function () {
  this.timeout(300_000);
  if (!postgresAvailable("redundant-keepers (HA) test")) return;

  it("kill -9 of the active replica mid-tick, three times: the standby takes over within the bound; nothing lost, nothing sent twice", async () => {
    const f = await loadFixture(deployKeeperFixture);
    const rpc = await startRpcServer();
    const proxy = new FaultProxy(rpc.url, 20_261_201);
    await proxy.start();
    const db = await freshDatabase("damm_ha");
    const dir = tempDir("keeper-ha-");
    const configOf = (replica: string): string => {
      const file = path.join(dir, `${replica}.json`);
      fs.writeFileSync(
        file,
        JSON.stringify({
          rpcUrl: proxy.url,
          chainId: 31337,
          markets: f.markets,
          policyPath: "threshold",
          intervalMs: 100,
          journalPath: path.join(dir, "unused.sqlite"),
          journalBackend: "postgres",
          lease: LEASE,
          replicaId: replica,
          metricsPort: 0,
          backoff: { baseMs: 50, capMs: 500 },
          maxConsecutiveFailures: 50,
          logLevel: "info",
        }),
      );
      return file;
    };
    const env = { DAMM_JOURNAL_URL: db.url };
    const replicas = new Map<string, KeeperProcess>();
    const start = async (id: string): Promise<KeeperProcess> => {
      const p = spawnKeeperCli(configOf(id), env);
      replicas.set(id, p);
      await Promise.race([p.started, p.exited.then((c) => Promise.reject(new Error(`replica ${id} exited ${c}: ${p.lines.slice(-5).join("\n")}`)))]);
      return p;
    };
    const confirmedBy = async (): Promise<number> => {
      const c = new Client({ connectionString: db.url });
      await c.connect();
      try {
        return Number((await c.query(`SELECT COUNT(*) AS n FROM decisions WHERE status = 'confirmed'`)).rows[0].n);
      } finally {
        await c.end();
      }
    };

    const rand = mulberry32(5);
    const nonce0 = await ethers.provider.getTransactionCount(f.keeper.address);
    const fromBlock = (await ethers.provider.getBlockNumber()) + 1;
    let driving = true;
    const driver = (async () => {
      while (driving) {
        await nudgeOracle(f, rand);
        await sleep(300);
      }
    })();
    const takeovers: { killed: string; by: string; at: string; ms: number }[] = [];
    try {
      await start("a");
      await start("b");
      // One of them is active and applying updates.
      for (let i = 0; i < 100 && (await confirmedBy()) < 2; i++) await sleep(200);
      expect(await confirmedBy(), "the active replica applies updates").to.be.at.least(2);

      const killPoints: [method: string, reach: boolean][] = [
        ["eth_sendRawTransaction", true], // broadcast lands while its sender is dead
        ["eth_sendRawTransaction", false], // signed and journaled `sent`, never reaches the node
        ["eth_estimateGas", false], // decided, not signed
      ];
      for (const [method, reach] of killPoints) {
        const before = (await leaseHolder(db.url))!;
        const active = replicas.get(before.holder)!;
        const standbyId = before.holder === "a" ? "b" : "a";
        const standby = replicas.get(standbyId)!;
        let killedAt = 0;
        proxy.intercept = (methods) => {
          if (killedAt || !methods.includes(method)) return undefined;
          killedAt = Date.now();
          active.child.kill("SIGKILL");
          return reach ? "forward" : "drop";
        };
        const code = await Promise.race([active.exited, sleep(60_000).then(() => "timeout" as const)]);
        proxy.intercept = undefined;
        expect(code, `the active replica (${before.holder}) was killed at ${method}`).to.equal(null);

        // The standby takes the lease (a new epoch) and acts.
        let acquiredAt: number | undefined;
        for (let i = 0; i < 100 && acquiredAt === undefined; i++) {
          await sleep(100);
          acquiredAt = loggedAt(standby, "lease acquired: this replica is active", killedAt);
        }
        expect(acquiredAt, `standby ${standbyId} took over; its log:\n${standby.lines.slice(-5).join("\n")}`).to.not.equal(undefined);
        const ms = acquiredAt! - killedAt;
        takeovers.push({ killed: before.holder, by: standbyId, at: method, ms });
        expect(ms, `takeover after ${ms} ms`).to.be.at.most(TAKEOVER_BOUND_MS + SLACK_MS);
        const after = (await leaseHolder(db.url))!;
        expect([after.holder, after.epoch]).to.deep.equal([standbyId, before.epoch + 1]);

        // The killed replica comes back as the standby.
        await start(before.holder);
        const confirmed = await confirmedBy();
        for (let i = 0; i < 100 && (await confirmedBy()) < confirmed + 2; i++) await sleep(200);
        expect(await confirmedBy(), "the new active replica applies updates").to.be.at.least(confirmed + 2);
      }

      // What an operator sees: exactly one replica says it is active (the lease holder), the other
      // is a healthy standby.
      const holder = (await leaseHolder(db.url))!.holder;
      const views = await Promise.all(
        [...replicas].map(async ([id, p]) => {
          const port = (JSON.parse(logged(p, "ops server listening on 127.0.0.1")[0]) as { port: number }).port;
          const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { healthy: boolean; jobs: { reason?: string }[] };
          const data = (await (await fetch(`http://127.0.0.1:${port}/dashboard/data.json`)).json()) as DashboardData;
          return { id, health, data };
        }),
      );
      for (const v of views) {
        expect(v.health.healthy, `${v.id}: ${JSON.stringify(v.health)}`).to.equal(true);
        expect([v.data.replica?.replica, v.data.replica?.active]).to.deep.equal([v.id, v.id === holder]);
        if (v.id !== holder) expect(v.health.jobs[0].reason).to.equal(`standby: replica ${v.id} does not hold the lease`);
      }
    } finally {
      driving = false;
      await driver;
      proxy.intercept = undefined;
      for (const p of replicas.values()) p.child.kill("SIGTERM");
      const codes = await Promise.all([...replicas.values()].map((p) => p.exited));
      await proxy.stop();
      await rpc.close();
      console.log(`      takeovers (bound ${TAKEOVER_BOUND_MS} ms + ${SLACK_MS} ms slack): ${takeovers.map((t) => `${t.killed}→${t.by} at ${t.at}: ${t.ms} ms`).join("; ")}`);
      expect(codes.filter((c) => c !== null && c !== 0), "graceful stops exit 0").to.deep.equal([]);
    }

    const reader = await PgJournal.open(db.url, { ...LEASE, replica: "auditor" });
    const rows = await reader.list(undefined, 100_000);
    await reader.close();
    await db.drop();
    const journaled = `journal (${rows.length} rows):\n${statusHistogram(rows)}`;
    await auditJournalAgainstChain(f, rows, nonce0, fromBlock);
    const reasons = rows.map((r) => r.skipReason ?? "");
    expect(reasons.some((r) => r.startsWith("interrupted before the transaction was signed")), `killed before signing; ${journaled}`).to.equal(true);
    expect(reasons.some((r) => r.startsWith("dropped: not found and nonce")), `killed before the broadcast arrived; ${journaled}`).to.equal(true);
    // The broadcast that landed while its sender was dead was confirmed by the other replica's reconciler.
    const byReplica = (id: string) => rows.filter((r) => r.replica === id && r.status === "confirmed").length;
    expect(byReplica("a"), journaled).to.be.greaterThan(0);
    expect(byReplica("b"), journaled).to.be.greaterThan(0);
    expect(takeovers).to.have.length(3);
  });
});
