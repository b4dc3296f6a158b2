/**
 * `npm run traders -- [--network localhost] [--scenario path] [--days N] [--deployment file]
 *  [--arrivals-per-day N] [--policy path|static]`: drives ≥ 20 trader accounts (informed with
 * probability λ_i), liquidators and funding against a node, the mock oracle following the
 * scenario's path, with the real keeper ticking in the loop; every op is mirrored into the
 * simulator and the budget compared at the end.
 *
 * Addresses: `--deployment` (default out/deploy/<network>.json, as scripts/deploy.ts writes it;
 * the first market and its oracle) when that file exists, else a fresh deployment of its own.
 * The market must not have traded yet (the simulator mirror starts from its initial state).
 * Against `npx hardhat node` the node must use Hardhat's default accounts (≥ 27).
 */
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";

const ROOT = path.resolve(__dirname, "..");

const program = new Command()
  .name("traders")
  .option("--network <name>", "Hardhat network (hardhat = in-process)", "hardhat")
  .option("--scenario <file>", "scenario JSON (oracle path, trader mix, market)", "scenarios/train/gbm-calm.json")
  .option("--days <n>", "simulated days", "1")
  .option("--arrivals-per-day <n>", "trader arrivals per simulated day", "400")
  .option("--seed <n>", "trader seed", "1")
  .option("--deployment <file>", "deployment record of scripts/deploy.ts (default out/deploy/<network>.json)")
  .option("--policy <path>", "keeper policy file or baseline name (static = no keeper)", "policies/default.json")
  .parse(process.argv);

interface DeployRecord {
  contracts: { usdc: string; clearingHouse: string; marketLib: string };
  oracles: Record<string, string>;
  markets: { name: string; vamm: string; clearingHouse: string }[];
}

function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} ${v}: must be a positive number`);
  return n;
}

async function main(): Promise<void> {
  const opts = program.opts<{ network: string; scenario: string; days: string; arrivalsPerDay: string; seed: string; deployment?: string; policy: string }>();
  process.env.HARDHAT_NETWORK = opts.network;
  // Loaded after HARDHAT_NETWORK is set, so the runtime connects to the chosen network.
  const hre = (await import("hardhat")).default;
  const { loadScenario } = await import("../keeper/sim/scenario");
  const { loadKeeperPolicy } = await import("../keeper/service/policy/loadKeeperPolicy");
  const { runChainEpisode, budgetAgrees } = await import("../keeper/chain/runChain");
  const { hardhatRunEnv } = await import("../keeper/chain/hardhatRunEnv");
  const scenario = loadScenario(path.resolve(ROOT, opts.scenario));
  const days = positive("days", opts.days);
  const arrivalsPerDay = positive("arrivals-per-day", opts.arrivalsPerDay);
  const policy = opts.policy === "static" ? null : loadKeeperPolicy(path.resolve(ROOT, opts.policy));
  const recordFile = path.resolve(ROOT, opts.deployment ?? path.join("out", "deploy", `${opts.network}.json`));
  let attach;
  // The in-process network starts empty: a record written by an earlier dry run points at nothing.
  if ((opts.network !== "hardhat" || opts.deployment) && fs.existsSync(recordFile)) {
    const rec = JSON.parse(fs.readFileSync(recordFile, "utf8")) as DeployRecord;
    const m = rec.markets?.[0];
    if (!m || !rec.oracles?.[m.name] || !rec.contracts?.usdc) throw new Error(`${recordFile}: expected contracts.usdc, markets[0] and oracles[markets[0].name]`);
    attach = { usdc: rec.contracts.usdc, clearingHouse: m.clearingHouse, marketLib: rec.contracts.marketLib, market: m.vamm, aggregator: rec.oracles[m.name] };
    if ((await hre.ethers.provider.getCode(m.vamm)) === "0x") throw new Error(`${recordFile}: no contract at ${m.vamm} on ${opts.network} (stale record? re-run npm run deploy)`);
    console.log(`using ${m.name} from ${path.relative(ROOT, recordFile)}: vamm ${m.vamm}`);
  } else if (opts.deployment) {
    throw new Error(`--deployment ${opts.deployment}: file not found`);
  } else {
    console.log(`no ${path.relative(ROOT, recordFile)}: deploying a fresh market`);
  }
  const t0 = Date.now();
  let last = 0;
  const env = await hardhatRunEnv(hre);
  const r = await runChainEpisode(
    env,
    {
      scenario,
      days,
      seed: positive("seed", opts.seed),
      policy,
      arrivalsPerDay,
      attach,
      onProgress: (done, total, info) => {
        const pct = Math.floor((100 * done) / total);
        if (pct >= last + 10) {
          last = pct;
          console.log(`${pct}%  gap ${info.gapBps.toFixed(1)} bps  budget ${info.budget.toFixed(0)}  updates ${info.updates}`);
        }
      },
    },
    "traders",
  );
  console.log(
    JSON.stringify(
      {
        network: opts.network,
        market: r.contracts.addresses.market,
        trades: r.trades,
        liquidations: r.liquidations,
        volume: Math.round(r.volume),
        fees: r.fees,
        updatesSent: r.updatesSent,
        gapMeanBps: r.gapMeanBps,
        gapP95Bps: r.gapP95Bps,
        budget: r.budgetEnd,
        simulatorBudget: r.simBudgetEnd,
        budgetAgrees: budgetAgrees(r),
        parityMismatches: r.parityMismatches.length,
        seconds: (Date.now() - t0) / 1000,
      },
      null,
      2,
    ),
  );
  for (const m of r.parityMismatches.slice(0, 5)) console.log(`parity: ${m}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
