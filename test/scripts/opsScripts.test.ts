/**
 * The operator scripts as a user runs them (child processes): what a fresh deployment writes,
 * and every refusal — a remote network without its environment, a missing deployment record,
 * conflicting options — comes with a message naming the fix, before anything is sent.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseConfig } from "../../keeper/service/config/loadConfig";
import { tempDir } from "../helpers/tempDir";

const ROOT = path.resolve(__dirname, "../..");

function run(script: string, args: string[], env: Record<string, string | undefined> = {}): { status: number | null; out: string } {
  const base = { ...process.env };
  for (const k of ["DAMM_RPC_URL", "DAMM_DEPLOYER_KEY", "DAMM_KEEPER_KEY", "DAMM_KEEPER_ADDRESS", "HARDHAT_NETWORK"]) delete base[k];
  const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, script), ...args], { cwd: ROOT, env: { ...base, ...env }, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("operator scripts", function () {
  this.timeout(240_000);
  const dir = tempDir("damm-ops-");
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("npm run deploy on the in-process network", () => {
    it("writes the record, the markets section and a keeper config that match keeper.config.example.json's addresses", () => {
      const r = run("scripts/deploy.ts", ["--scenario", "scenarios/train/gbm-calm.json"], { DAMM_DEPLOY_DIR: dir });
      expect(r.status, r.out).to.equal(0);
      const record = JSON.parse(fs.readFileSync(path.join(dir, "hardhat.json"), "utf8")) as { contracts: { timelock: string }; timelockMinDelay: number; keeper: string; guardian: string };
      expect(record.contracts.timelock).to.match(/^0x[0-9a-fA-F]{40}$/);
      expect(record.timelockMinDelay).to.equal(86_400);
      expect(record.keeper).to.not.equal(record.guardian);
      const keeperFile = path.join(dir, "hardhat.keeper.json");
      const cfg = parseConfig(JSON.parse(fs.readFileSync(keeperFile, "utf8")), keeperFile, { DAMM_KEEPER_KEY: `0x${"11".repeat(32)}`, DAMM_RPC_URL: "http://127.0.0.1:8545" });
      // The shipped default by name: the policy selected on validation (policies/selection.json).
      expect(cfg.policyPath).to.equal("default");
      const example = JSON.parse(fs.readFileSync(path.join(ROOT, "keeper.config.example.json"), "utf8")) as { markets: unknown };
      expect(cfg.markets).to.deep.equal(example.markets);
      expect(r.out).to.contain("timelock");
    });

    it("refuses --scenario with --price, and a non-positive --price", () => {
      const both = run("scripts/deploy.ts", ["--scenario", "scenarios/train/gbm-calm.json", "--price", "100"], { DAMM_DEPLOY_DIR: dir });
      expect(both.status).to.equal(1);
      expect(both.out).to.contain("give --scenario or --price, not both");
      const bad = run("scripts/deploy.ts", ["--price", "-5"], { DAMM_DEPLOY_DIR: dir });
      expect(bad.status).to.equal(1);
      expect(bad.out).to.contain("--price -5: must be a positive number");
    });
  });

  describe("a public testnet without its environment", () => {
    it("deploy names the missing variables before connecting", () => {
      const r = run("scripts/deploy.ts", ["--network", "sepolia"], { DAMM_DEPLOY_DIR: dir });
      expect(r.status).to.equal(1);
      expect(r.out).to.contain('deploy --network sepolia: set DAMM_RPC_URL and DAMM_DEPLOYER_KEY in the environment (README "Public testnet")');
    });

    it("deploy refuses Hardhat's public accounts as keeper and guardian on a remote network", () => {
      const r = run("scripts/deploy.ts", ["--network", "sepolia"], { DAMM_DEPLOY_DIR: dir, DAMM_RPC_URL: "http://127.0.0.1:1", DAMM_DEPLOYER_KEY: `0x${"22".repeat(32)}` });
      expect(r.status).to.equal(1);
      expect(r.out).to.contain("name the keeper and guardian (DAMM_DEPLOY_KEEPER / DAMM_DEPLOY_GUARDIAN");
    });

    it("the keeper without --config says which deployment file it needs", () => {
      const r = run("keeper/service/cli.ts", ["--network", "sepolia"], { DAMM_DEPLOY_DIR: dir, DAMM_KEEPER_KEY: `0x${"11".repeat(32)}` });
      expect(r.status).to.equal(2);
      expect(r.out).to.match(/--network sepolia: no keeper config for it; run `npm run deploy -- --network sepolia` \(writes .*sepolia\.keeper\.json\) or pass --config/);
    });

    it("roles names the missing variables", () => {
      const r = run("scripts/roles.ts", ["show", "--network", "sepolia"], { DAMM_DEPLOY_DIR: dir });
      expect(r.status).to.equal(2);
      expect(r.out).to.contain('roles: --network sepolia: set DAMM_RPC_URL and DAMM_DEPLOYER_KEY in the environment (README "Public testnet")');
    });

    it("traders refuse any network but the local ones (mock tokens, public accounts)", () => {
      const r = run("scripts/traders.ts", ["--network", "sepolia"], { DAMM_DEPLOY_DIR: dir });
      expect(r.status).to.equal(1);
      expect(r.out).to.contain("--network sepolia: the traders mint mock tokens, move the mock oracle and use Hardhat's public test accounts; local networks only");
    });
  });

  describe("no deployment record", () => {
    const empty = path.join(dir, "empty");
    it("traders on localhost ask for npm run deploy first", () => {
      const r = run("scripts/traders.ts", ["--network", "localhost"], { DAMM_DEPLOY_DIR: empty, RPC_URL: "http://127.0.0.1:1" });
      expect(r.status).to.equal(1);
      expect(r.out).to.contain("no ");
      expect(r.out).to.contain("run npm run deploy -- --network localhost --scenario scenarios/train/gbm-calm.json first");
    });

    it("roles on the in-process network ask for npm run deploy first", () => {
      const r = run("scripts/roles.ts", ["show", "--network", "hardhat"], { DAMM_DEPLOY_DIR: empty });
      expect(r.status).to.equal(2);
      expect(r.out).to.contain("run npm run deploy -- --network hardhat first");
    });
  });

  describe("npm run train", () => {
    it("refuses to overwrite a shipped policy before training, unless --force", () => {
      const before = fs.readFileSync(path.join(ROOT, "policies", "default.json"), "utf8");
      const r = run("scripts/train.ts", ["--out", "policies/default.json", "--episodes", "1", "--quiet"]);
      expect(r.status).to.equal(2);
      expect(r.out).to.contain("train: refusing to overwrite the shipped policy policies/default.json; choose another --out (e.g. out/policies/mine.json) or pass --force");
      expect(fs.readFileSync(path.join(ROOT, "policies", "default.json"), "utf8")).to.equal(before);
    });
  });
});
