import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { ConfigError, loadConfig, parseConfig } from "../../../keeper/service/config/loadConfig";
import { jobSettings, jobSettingsFromConfig } from "../../../keeper/service/config/jobSettings";
import { tempDir } from "../../helpers/tempDir";

const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"; // hardhat account #1
const VAMM = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const CH = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

function validConfig(): Record<string, unknown> {
  return {
    network: "localhost",
    rpcUrl: "http://127.0.0.1:8545",
    markets: [{ name: "ETH-PERP", vamm: VAMM, clearingHouse: CH }],
    policyPath: "policies/default.json",
    intervalMs: 5000,
    journalPath: "out/keeper/journal.sqlite",
  };
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    return [...(e as ConfigError).problems];
  }
  expect.fail("expected a ConfigError");
}

describe("keeper config", () => {
  const env = { DAMM_KEEPER_KEY: KEY };

  describe("a valid file", () => {
    it("parses, applies defaults and resolves paths against the file's directory", () => {
      const cfg = parseConfig(validConfig(), "/etc/damm/keeper.json", env);
      expect(cfg.intervalMs).to.equal(5000);
      expect(cfg.dryRun).to.equal(false);
      expect(cfg.gas.maxGasPerTx).to.equal(500_000);
      expect(cfg.backoff).to.deep.equal({ baseMs: 1_000, capMs: 60_000 });
      expect(cfg.policyPath).to.equal("/etc/damm/policies/default.json");
      expect(cfg.journalPath).to.equal("/etc/damm/out/keeper/journal.sqlite");
      expect(cfg.keeperKey).to.equal(KEY);
      expect(cfg.keeperAddress).to.equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    });

    it("gives code-built keepers (jobSettings) the defaults a file without those fields gets", () => {
      const { intervalMs: _omitted, ...withoutInterval } = validConfig();
      // The planner options are left to planHookCall's own defaults in code-built keepers.
      const { fitToBudget: _f, minRepegBps: _r, minFitFraction: _m, ...fromFile } = jobSettingsFromConfig(parseConfig(withoutInterval, "/x/k.json", env));
      expect(jobSettings()).to.deep.equal(fromFile);
      expect(jobSettings({ intervalMs: 250, backoff: { baseMs: 10, capMs: 20 } })).to.deep.equal({ ...fromFile, intervalMs: 250, backoff: { baseMs: 10, capMs: 20 } });
    });

    it("keeps a baseline policy name as a name", () => {
      const cfg = parseConfig({ ...validConfig(), policyPath: "threshold" }, "/x/k.json", env);
      expect(cfg.policyPath).to.equal("threshold");
    });

    it("lets the environment override rpcUrl, journalPath and metricsPort, and --dry-run set dryRun", () => {
      const cfg = parseConfig(validConfig(), "/x/k.json", { ...env, DAMM_RPC_URL: "http://10.0.0.1:8545", DAMM_METRICS_PORT: "9999", DAMM_JOURNAL_PATH: "/tmp/j.db" }, { dryRun: true });
      expect(cfg.rpcUrl).to.equal("http://10.0.0.1:8545");
      expect(cfg.metricsPort).to.equal(9999);
      expect(cfg.journalPath).to.equal("/tmp/j.db");
      expect(cfg.dryRun).to.equal(true);
    });

    it("takes the RPC URL of --network and a deployment's markets section over the file's (DAMM_RPC_URL still wins)", () => {
      const markets = [{ name: "BTC-PERP", vamm: CH, clearingHouse: VAMM }];
      const cfg = parseConfig(validConfig(), "/x/k.json", env, { network: "localhost", rpcUrl: "http://127.0.0.1:9545", markets });
      expect(cfg.rpcUrl).to.equal("http://127.0.0.1:9545");
      expect(cfg.markets).to.deep.equal(markets);
      expect(parseConfig(validConfig(), "/x/k.json", { ...env, DAMM_RPC_URL: "http://10.0.0.2:8545" }, { rpcUrl: "http://127.0.0.1:9545" }).rpcUrl).to.equal("http://10.0.0.2:8545");
      expect(problemsOf(() => parseConfig(validConfig(), "/x/k.json", env, { markets: [{ name: "A" }] })).map((p) => p.split(":")[0])).to.have.members(["markets.0.vamm", "markets.0.clearingHouse"]);
    });

    it("loads from a file on disk", () => {
      const dir = tempDir("keeper-cfg-");
      const file = path.join(dir, "keeper.config.json");
      fs.writeFileSync(file, JSON.stringify(validConfig()));
      expect(loadConfig(file, env).markets[0].name).to.equal("ETH-PERP");
    });
  });

  describe("the private key", () => {
    it("is required from DAMM_KEEPER_KEY", () => {
      expect(problemsOf(() => parseConfig(validConfig(), "k.json", {}))).to.deep.equal([
        "DAMM_KEEPER_KEY: missing; the keeper's private key must be set in the environment",
      ]);
    });

    it("may be replaced by DAMM_KEEPER_ADDRESS in a dry run only", () => {
      const addr = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
      const cfg = parseConfig({ ...validConfig(), dryRun: true }, "k.json", { DAMM_KEEPER_ADDRESS: addr });
      expect(cfg.keeperKey).to.equal(undefined);
      expect(cfg.keeperAddress).to.equal(addr);
      expect(problemsOf(() => parseConfig(validConfig(), "k.json", { DAMM_KEEPER_ADDRESS: addr }))[0]).to.match(/^DAMM_KEEPER_KEY: missing/);
    });

    it("is rejected in the file under a key-like field name, naming the field", () => {
      const problems = problemsOf(() => parseConfig({ ...validConfig(), privateKey: KEY }, "k.json", env));
      expect(problems).to.deep.equal(["privateKey: a private key must not be in the config file; set DAMM_KEEPER_KEY in the environment"]);
      const nested = problemsOf(() => parseConfig({ ...validConfig(), gas: { mnemonic: "test test" } }, "k.json", env));
      expect(nested[0]).to.match(/^gas\.mnemonic: a private key must not be in the config file/);
    });

    it("is rejected in the file under any name when the value looks like a key", () => {
      const problems = problemsOf(() => parseConfig({ ...validConfig(), markets: [{ name: "A", vamm: VAMM, clearingHouse: CH, signer: KEY.slice(2) }] }, "k.json", env));
      expect(problems).to.deep.equal(["markets.0.signer: looks like a private key (32-byte hex); keys come only from DAMM_KEEPER_KEY"]);
    });

    it("is validated without echoing it", () => {
      const problems = problemsOf(() => parseConfig(validConfig(), "k.json", { DAMM_KEEPER_KEY: "0xnotakey-secret" }));
      expect(problems).to.deep.equal(["DAMM_KEEPER_KEY: must be a 32-byte hex private key (64 hex digits, optional 0x)"]);
      expect(problems.join()).not.to.contain("secret");
    });
  });

  describe("the shared journal of redundant keepers", () => {
    it("defaults to the embedded SQLite journal with no URL", () => {
      const cfg = parseConfig(validConfig(), "/etc/damm/keeper.json", { ...env, DAMM_JOURNAL_URL: "postgres://x@h/db" });
      expect([cfg.journalBackend, cfg.journalUrl, cfg.lease]).to.deep.equal(["sqlite", undefined, { name: "damm-keeper", ttlMs: 15_000, renewMs: 5_000 }]);
    });

    it("takes the PostgreSQL URL from DAMM_JOURNAL_URL only, with the lease settings from the file", () => {
      const url = "postgresql://keeper:pw@db.internal:5432/damm";
      const cfg = parseConfig({ ...validConfig(), journalBackend: "postgres", lease: { ttlMs: 9_000, renewMs: 3_000 }, replicaId: "eu-1" }, "/k.json", { ...env, DAMM_JOURNAL_URL: url });
      expect([cfg.journalBackend, cfg.journalUrl, cfg.lease, cfg.replicaId]).to.deep.equal(["postgres", url, { name: "damm-keeper", ttlMs: 9_000, renewMs: 3_000 }, "eu-1"]);
    });

    it("names a missing or malformed URL without echoing it, and a lease renewed too rarely for its ttl", () => {
      const pg = { ...validConfig(), journalBackend: "postgres" };
      expect(problemsOf(() => parseConfig(pg, "/k.json", env))).to.deep.equal([
        `DAMM_JOURNAL_URL: missing; journalBackend "postgres" needs the shared journal's URL (postgres://user@host:port/db) in the environment`,
      ]);
      const bad = problemsOf(() => parseConfig(pg, "/k.json", { ...env, DAMM_JOURNAL_URL: "mysql://u:topsecret@h/db" }));
      expect(bad).to.deep.equal(["DAMM_JOURNAL_URL: must be a postgres:// or postgresql:// URL"]);
      expect(problemsOf(() => parseConfig({ ...pg, lease: { ttlMs: 1_000, renewMs: 500 }, journalBackend: "sqlite" }, "/k.json", env))).to.deep.equal([
        "lease.renewMs: renewMs must be at most a third of ttlMs",
      ]);
    });
  });

  describe("malformed files", () => {
    it("reports unreadable and non-JSON files", () => {
      expect(problemsOf(() => loadConfig("/nonexistent/keeper.json", env))[0]).to.match(/^file: cannot read \(ENOENT\)/);
      const dir = tempDir("keeper-cfg-");
      const file = path.join(dir, "bad.json");
      fs.writeFileSync(file, "{ rpcUrl: ");
      expect(problemsOf(() => loadConfig(file, env))[0]).to.match(/^file: not valid JSON/);
    });

    it("names every bad field at once", () => {
      const bad = {
        ...validConfig(),
        rpcUrl: "localhost:8545",
        intervalMs: -5,
        markets: [{ name: "ETH PERP!", vamm: "0x1234", clearingHouse: CH }],
        backoff: { baseMs: 5000, capMs: 100 },
        gas: { maxGasPerTx: 1.5 },
      };
      const problems = problemsOf(() => parseConfig(bad, "k.json", env));
      const fields = problems.map((p) => p.split(":")[0]).sort();
      expect(fields).to.deep.equal(["backoff.capMs", "gas.maxGasPerTx", "intervalMs", "markets.0.name", "markets.0.vamm", "rpcUrl"]);
      expect(problems).to.include("markets.0.vamm: must be a 20-byte hex address (0x + 40 hex digits)");
      expect(problems).to.include("backoff.capMs: capMs must be >= baseMs");
    });

    it("rejects unknown fields (typos) by name instead of defaulting", () => {
      const { intervalMs: _dropped, ...rest } = validConfig();
      const problems = problemsOf(() => parseConfig({ ...rest, intervalMS: 5000, gas: { maxFeeGwei: 3 } }, "k.json", env));
      expect(problems).to.have.members(["intervalMS: unknown field", "gas.maxFeeGwei: unknown field"]);
    });

    it("requires the fields without defaults, naming each", () => {
      const problems = problemsOf(() => parseConfig({}, "k.json", env));
      expect(problems.map((p) => p.split(":")[0])).to.have.members(["rpcUrl", "markets", "policyPath", "journalPath"]);
    });

    it("rejects an empty market list and duplicate market names", () => {
      expect(problemsOf(() => parseConfig({ ...validConfig(), markets: [] }, "k.json", env))).to.deep.equal(["markets: must list at least one market"]);
      const m = { name: "A", vamm: VAMM, clearingHouse: CH };
      expect(problemsOf(() => parseConfig({ ...validConfig(), markets: [m, m] }, "k.json", env))).to.deep.equal(['markets.1.name: duplicate market name "A"']);
    });

    it("rejects a non-integer DAMM_METRICS_PORT and a --network that the file is not for", () => {
      expect(problemsOf(() => parseConfig(validConfig(), "k.json", { ...env, DAMM_METRICS_PORT: "abc" }))).to.deep.equal([
        'DAMM_METRICS_PORT: must be an integer, got "abc"',
      ]);
      expect(problemsOf(() => parseConfig(validConfig(), "k.json", env, { network: "sepolia" }))).to.deep.equal([
        'network: the file is for "localhost" but --network is "sepolia"',
      ]);
    });

    it("validates the fitted-repeg minimums (defaults 1 bp and 0.1 of the gap)", () => {
      const cfg = parseConfig(validConfig(), "k.json", env);
      expect([cfg.minRepegBps, cfg.minFitFraction]).to.deep.equal([1, 0.1]);
      expect(problemsOf(() => parseConfig({ ...validConfig(), minRepegBps: -1, minFitFraction: 1.5 }, "k.json", env))).to.have.members([
        "minRepegBps: must be >= 0",
        "minFitFraction: must be <= 1",
      ]);
    });

    it("says so when the root is not an object", () => {
      expect(problemsOf(() => parseConfig([1, 2], "k.json", env))[0]).to.match(/^\(root\): /);
    });
  });
});
