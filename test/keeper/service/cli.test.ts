import { expect } from "chai";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseConfig } from "../../../keeper/service/config/loadConfig";
import { tempDir } from "../../helpers/tempDir";

const ROOT = path.resolve(__dirname, "../../..");

function runCli(args: string[], env: Record<string, string> = {}): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "keeper/service/cli.ts"), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr };
}

describe("keeper CLI", function () {
  this.timeout(120_000);

  it("the example config at the repo root is valid", () => {
    const raw = JSON.parse(fs.readFileSync(path.join(ROOT, "keeper.config.example.json"), "utf8")) as unknown;
    const cfg = parseConfig(raw, path.join(ROOT, "keeper.config.example.json"), { DAMM_KEEPER_KEY: `0x${"11".repeat(32)}` });
    expect(cfg.markets.map((m) => m.name)).to.deep.equal(["ETH-PERP"]);
  });

  it("fails fast with exit code 2 and every bad field named", () => {
    const dir = tempDir("keeper-cli-");
    const file = path.join(dir, "bad.json");
    fs.writeFileSync(file, JSON.stringify({ rpcUrl: "nope", markets: [], policyPath: "static", journalPath: "j.sqlite", privateKey: "0xabc" }));
    const r = runCli(["--config", file, "--network", "localhost"]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain("privateKey: a private key must not be in the config file");
    fs.writeFileSync(file, JSON.stringify({ rpcUrl: "nope", markets: [], policyPath: "static", journalPath: "j.sqlite" }));
    const r2 = runCli(["--config", file]);
    expect(r2.status).to.equal(2);
    expect(r2.stderr).to.contain("rpcUrl: must be an http(s):// or ws(s):// URL");
    expect(r2.stderr).to.contain("markets: must list at least one market");
    expect(r2.stderr).to.contain("DAMM_KEEPER_KEY: missing");
  });

  it("exits 2 when the RPC cannot be reached", () => {
    const dir = tempDir("keeper-cli-");
    const file = path.join(dir, "k.json");
    const example = JSON.parse(fs.readFileSync(path.join(ROOT, "keeper.config.example.json"), "utf8")) as Record<string, unknown>;
    fs.writeFileSync(file, JSON.stringify({ ...example, rpcUrl: "http://127.0.0.1:1", policyPath: "static", metricsPort: 0, journalPath: path.join(dir, "j.sqlite") }));
    const r = runCli(["--config", file, "--dry-run"], { DAMM_KEEPER_KEY: `0x${"11".repeat(32)}` });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/keeper failed to start: rpcUrl: cannot reach http:\/\/127\.0\.0\.1:1/);
  });

  describe("fails fast with a clear message and exit code 2", () => {
    const KEY = { DAMM_KEEPER_KEY: `0x${"11".repeat(32)}` };
    function configFile(over: Record<string, unknown> = {}): { dir: string; file: string } {
      const dir = tempDir("keeper-cli-");
      const file = path.join(dir, "k.json");
      const example = JSON.parse(fs.readFileSync(path.join(ROOT, "keeper.config.example.json"), "utf8")) as Record<string, unknown>;
      fs.writeFileSync(file, JSON.stringify({ ...example, rpcUrl: "http://127.0.0.1:1", policyPath: path.join(ROOT, "policies/default.json"), metricsPort: 0, journalPath: path.join(dir, "j.sqlite"), ...over }));
      return { dir, file };
    }

    it("a config file that is not JSON", () => {
      const { file } = configFile();
      fs.writeFileSync(file, '{ "rpcUrl": "http://127.0.0.1:8545", ');
      const r = runCli(["--config", file], KEY);
      expect(r.status).to.equal(2);
      expect(r.stderr).to.contain(`invalid keeper config (${file})`);
      expect(r.stderr).to.match(/file: not valid JSON/);
    });

    it("a missing private key", () => {
      const { file } = configFile();
      const r = runCli(["--config", file]);
      expect(r.status).to.equal(2);
      expect(r.stderr).to.contain("DAMM_KEEPER_KEY: missing; the keeper's private key must be set in the environment");
    });

    it("a corrupt policy file (truncated, or edited so its checksum no longer matches)", () => {
      const { dir, file } = configFile({ policyPath: "policy.json" });
      const text = fs.readFileSync(path.join(ROOT, "policies/default.json"), "utf8");
      fs.writeFileSync(path.join(dir, "policy.json"), text.slice(0, 300));
      const truncated = runCli(["--config", file], KEY);
      expect(truncated.status).to.equal(2);
      expect(truncated.stderr).to.match(/keeper failed to start: .*policy/i);
      expect(truncated.stderr).to.contain(path.join(dir, "policy.json"));
      const tampered = JSON.parse(text) as { qTable: number[] };
      tampered.qTable[1] += 1;
      fs.writeFileSync(path.join(dir, "policy.json"), JSON.stringify(tampered));
      const edited = runCli(["--config", file], KEY);
      expect(edited.status).to.equal(2);
      expect(edited.stderr).to.match(/keeper failed to start: .*checksum/i);
    });

    it("an unreachable RPC named by --network localhost (RPC_URL), with the markets from a deployment file", () => {
      const { dir, file } = configFile({ rpcUrl: "http://127.0.0.1:8545" });
      const markets = path.join(dir, "localhost.markets.json");
      fs.writeFileSync(markets, JSON.stringify([{ name: "BTC-PERP", vamm: `0x${"12".repeat(20)}`, clearingHouse: `0x${"34".repeat(20)}` }]));
      const r = runCli(["--config", file, "--network", "localhost", "--markets", markets], { ...KEY, RPC_URL: "http://127.0.0.1:1" });
      expect(r.status).to.equal(2);
      expect(r.stderr).to.contain("keeper failed to start: rpcUrl: cannot reach http://127.0.0.1:1");
      const missing = runCli(["--config", file, "--markets", path.join(dir, "nope.json")], KEY);
      expect(missing.status).to.equal(2);
      expect(missing.stderr).to.contain(`--markets ${path.join(dir, "nope.json")}: cannot read (ENOENT)`);
    });
  });
});

