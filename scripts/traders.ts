/**
 * `npm run traders -- [--network localhost] [--scenario path] [--days N] [--deployment file]
 *  [--arrivals-per-day N] [--policy path|static] [--feed seconds] [--feed-arb-capital USD]`: drives ≥ 20 trader accounts
 * (informed with probability λ_i), liquidators and funding against a node, the mock oracle
 * following the scenario's path; every op is mirrored into the simulator and the budget compared
 * at the end. Then, on a node, it keeps the oracle fed and the chain mining (`--feed`) so
 * `npm run keeper` has a fresh oracle and new blocks: each second the chain moves `--feed-step`
 * simulated seconds and the oracle the scenario's volatility over them.
 *
 * Addresses: `--deployment` (default out/deploy/<network>.json, as scripts/deploy.ts writes it;
 * the first market and its oracle) when that file exists, else a fresh deployment of its own
 * (in-process network only). Everything is checked before the first transaction: the market has
 * not traded (the mirror starts from its initial state), it starts at the scenario's price
 * (`npm run deploy -- --scenario` puts it there).
 * Accounts: Hardhat's test accounts minus the deployment's keeper and guardian (≥ 27 left). On an
 * existing deployment the keeper is `npm run keeper` (no role is granted); on the in-process
 * network `--policy` runs a keeper in the loop with a random key of its own.
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
  .option("--arrivals-per-day <n>", "trader arrivals per simulated day at the starting depth (one thinning factor of the scenario's rate; arrivals and sizes still respond to depth as in the simulator)", "400")
  .option("--seed <n>", "trader seed", "1")
  .option("--deployment <file>", "deployment record of scripts/deploy.ts (default out/deploy/<network>.json)")
  .option("--policy <path>", "in-process network only: keeper policy in the loop, or static (no keeper)", "policies/default.json")
  .option("--feed <seconds>", "after the episode, feed the oracle and mine for this long (default: until Ctrl-C on a node, 0 in-process)")
  .option("--feed-step <seconds>", "simulated seconds the chain and the oracle move per real second while feeding", "60")
  .option("--feed-arb-capital <usd>", "collateral of the feed's arbitrageur (the informed rule's cap is capital × leverage; the scenario's per-trader capital moves a deep market only a few bps)", "2000000")
  .parse(process.argv);

interface DeployRecord {
  contracts: { usdc: string; clearingHouse: string; marketLib: string };
  oracles: Record<string, string>;
  markets: { name: string; vamm: string; clearingHouse: string }[];
  keeper?: string;
  guardian?: string;
}

/** The market must start where the scenario starts (± 1 %), or the first trades are a crash. */
const START_PRICE_TOLERANCE = 0.01;

function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} ${v}: must be a positive number`);
  return n;
}

async function main(): Promise<void> {
  const opts = program.opts<{ network: string; scenario: string; days: string; arrivalsPerDay: string; seed: string; deployment?: string; policy: string; feed?: string; feedStep: string; feedArbCapital: string }>();
  process.env.HARDHAT_NETWORK = opts.network;
  // Loaded after HARDHAT_NETWORK is set, so the runtime connects to the chosen network.
  const hre = (await import("hardhat")).default;
  const { loadScenario } = await import("../keeper/sim/scenario");
  const { loadKeeperPolicy } = await import("../keeper/service/policy/loadKeeperPolicy");
  const { runChainEpisode, budgetAgrees } = await import("../keeper/onchain/runChain");
  const { hardhatRunEnv } = await import("../keeper/onchain/hardhatRunEnv");
  const { marketHasTraded } = await import("../keeper/onchain/lockstep");
  const { scenarioStartPrice } = await import("../keeper/onchain/scenarioStart");
  const { feedOracle } = await import("../keeper/onchain/oracleFeed");
  const { FeedArbitrageur } = await import("../keeper/onchain/feedArbitrageur");
  const scenario = loadScenario(path.resolve(ROOT, opts.scenario));
  const days = positive("days", opts.days);
  const arrivalsPerDay = positive("arrivals-per-day", opts.arrivalsPerDay);
  const feedStep = positive("feed-step", opts.feedStep);
  const feedArbCapital = positive("feed-arb-capital", opts.feedArbCapital);
  const feedSeconds = opts.feed === undefined ? (opts.network === "hardhat" ? 0 : Infinity) : Number(opts.feed);
  if (!(feedSeconds >= 0)) throw new Error(`--feed ${opts.feed}: must be a number of seconds >= 0`);
  if (opts.network !== "hardhat" && opts.network !== "localhost") throw new Error(`--network ${opts.network}: the traders mint mock tokens, move the mock oracle and use Hardhat's public test accounts; local networks only (hardhat, localhost)`);
  const { deploymentFilePath } = await import("../keeper/service/config/deployment");
  const recordFile = path.resolve(ROOT, opts.deployment ?? deploymentFilePath(opts.network, ROOT));
  let attach;
  let roleHolders: string[] = [];
  // The in-process network starts empty: a record written by an earlier dry run points at nothing.
  if ((opts.network !== "hardhat" || opts.deployment) && fs.existsSync(recordFile)) {
    const rec = JSON.parse(fs.readFileSync(recordFile, "utf8")) as DeployRecord;
    const m = rec.markets?.[0];
    if (!m || !rec.oracles?.[m.name] || !rec.contracts?.usdc) throw new Error(`${recordFile}: expected contracts.usdc, markets[0] and oracles[markets[0].name]`);
    attach = { usdc: rec.contracts.usdc, clearingHouse: m.clearingHouse, marketLib: rec.contracts.marketLib, market: m.vamm, aggregator: rec.oracles[m.name] };
    roleHolders = [rec.keeper, rec.guardian].filter((a): a is string => typeof a === "string");
    // Up front, before any transaction: the market exists, is untraded and starts at the scenario's price.
    if ((await hre.ethers.provider.getCode(m.vamm)) === "0x") throw new Error(`${recordFile}: no contract at ${m.vamm} on ${opts.network} (stale record? re-run npm run deploy)`);
    const market = await hre.ethers.getContractAt("VammMarket", m.vamm);
    const state = await market.marketState();
    if (marketHasTraded(state)) {
      throw new Error(`${m.name} at ${m.vamm} has traded already; the simulator mirror needs an untraded market: npm run deploy -- --network ${opts.network} --scenario ${opts.scenario} --fresh`);
    }
    const start = scenarioStartPrice(scenario);
    const mark = Number(state.mark) / 1e18;
    if (Math.abs(mark - start) / start > START_PRICE_TOLERANCE) {
      throw new Error(`${m.name} starts at ${mark.toFixed(2)} but ${opts.scenario} starts at ${start.toFixed(2)}: deploy it for the scenario (npm run deploy -- --network ${opts.network} --scenario ${opts.scenario})`);
    }
    console.log(`using ${m.name} from ${path.relative(ROOT, recordFile)}: vamm ${m.vamm}, mark ${mark.toFixed(2)} = scenario start ${start.toFixed(2)}`);
  } else if (opts.deployment) {
    throw new Error(`--deployment ${opts.deployment}: file not found`);
  } else if (opts.network !== "hardhat") {
    throw new Error(`no ${path.relative(ROOT, recordFile)}: run npm run deploy -- --network ${opts.network} --scenario ${opts.scenario} first`);
  } else {
    console.log(`no ${path.relative(ROOT, recordFile)}: deploying a fresh market`);
  }
  // On an existing deployment `npm run keeper` is the keeper: the run grants no role.
  const policy = attach || opts.policy === "static" ? null : loadKeeperPolicy(path.resolve(ROOT, opts.policy));
  if (attach) console.log("keeper: none in the loop (run npm run keeper against this deployment)");
  const t0 = Date.now();
  let last = 0;
  const env = await hardhatRunEnv(hre, { exclude: roleHolders });
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
  if (feedSeconds > 0) {
    const stop = new AbortController();
    process.once("SIGINT", () => stop.abort());
    process.once("SIGTERM", () => stop.abort());
    const lastOracle = r.trace.oracle.at(-1) ?? scenarioStartPrice(scenario);
    console.log(`feeding the oracle ${Number.isFinite(feedSeconds) ? `for ${feedSeconds} s` : "until Ctrl-C"}: one block a second, ${feedStep} simulated seconds each; one informed arbitrageur trades the mark toward it`);
    // The script's own first trader account (role holders are excluded from env.traders).
    const arb = await FeedArbitrageur.start(r.contracts, env.traders[0], { ...scenario.traders.informed, capital: feedArbCapital });
    const fed = await feedOracle({
      rpc: env.rpc,
      aggregator: r.contracts.aggregator.connect(env.admin) as never,
      startPrice: lastOracle,
      volPerSqrtDay: feedVolatility(scenario),
      stepSec: feedStep,
      seconds: feedSeconds,
      seed: positive("seed", opts.seed),
      signal: stop.signal,
      onUpdate: (n, price) => {
        if (n % 30 === 0) console.log(`fed ${n} updates; oracle ${price.toFixed(2)}`);
      },
      afterUpdate: () => arb.step(),
    });
    const a = arb.summary();
    console.log(`feed arbitrageur: ${a.trades} trades (${a.refused} refused) over ${a.steps} updates, mean gap ${a.meanGapBps.toFixed(1)} bps`);
    console.log(`feeding stopped after ${fed} updates`);
  }
}

/** The scenario's volatility where it has one (GBM, jump), else 3 %/√day. */
function feedVolatility(sc: { oracle: unknown }): number {
  const v = (sc.oracle as { volPerSqrtDay?: unknown }).volPerSqrtDay;
  return typeof v === "number" && v > 0 ? v : 0.03;
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`traders: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
