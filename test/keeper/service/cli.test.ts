import { expect } from "chai";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseConfig } from "../../../keeper/service/config/loadConfig";

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
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keeper-cli-"));
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
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keeper-cli-"));
    const file = path.join(dir, "k.json");
    const example = JSON.parse(fs.readFileSync(path.join(ROOT, "keeper.config.example.json"), "utf8")) as Record<string, unknown>;
    fs.writeFileSync(file, JSON.stringify({ ...example, rpcUrl: "http://127.0.0.1:1", policyPath: "static", metricsPort: 0, journalPath: path.join(dir, "j.sqlite") }));
    const r = runCli(["--config", file, "--dry-run"], { DAMM_KEEPER_KEY: `0x${"11".repeat(32)}` });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/keeper failed to start: rpcUrl: cannot reach http:\/\/127\.0\.0\.1:1/);
  });
});
