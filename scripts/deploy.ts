/**
 * `npm run deploy -- [--network localhost] [--scenario scenarios/train/gbm-calm.json | --price 2000] [--fresh]`:
 * deploys ignition/modules/Damm.ts and writes, under out/deploy/:
 *   <network>.json          every address (timelock included), the chain id, the roles' holders
 *   <network>.markets.json  the keeper config's `markets` section (a JSON array)
 *   <network>.keeper.json   a complete keeper config for this deployment (`npm run keeper -- --network <network>` uses it)
 *
 * A scenario sets the market where `npm run traders` will start it: peg and oracle answer at the
 * scenario's start price, its sqrtK (open-interest cap 10 × sqrtK, as the simulator) and its budget.
 * `--price` sets only the peg and the oracle answer. DAMM_DEPLOY_PARAMS (an Ignition parameters
 * JSON, { "Damm": { ... } }) overrides both; DAMM_DEPLOY_KEEPER / DAMM_DEPLOY_GUARDIAN are
 * shorthands for Damm.keeper / Damm.guardian.
 *
 * Ignition deployment id: the chain (genesis hash) plus a hash of the parameters, so re-running
 * the same deployment resumes / returns it, and a different scenario or price on the same node is
 * a new deployment instead of Ignition's reconciliation error. `--fresh` forces a new one.
 *
 * Networks other than hardhat / localhost (hardhat.config.ts: sepolia, remote) read DAMM_RPC_URL
 * and DAMM_DEPLOYER_KEY from the environment and need the keeper and guardian named explicitly.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { keeperConfigForDeployment, isLocalNetwork, type DeploymentRecord } from "../keeper/service/config/deployment";

const ROOT = path.resolve(__dirname, "..");

const program = new Command()
  .name("deploy")
  .option("--network <name>", "Hardhat network (hardhat = in-process, a dry run)", "hardhat")
  .option("--scenario <file>", "start the market where this scenario starts (price, sqrtK, budget)")
  .option("--price <p>", "start price (peg and oracle answer) without a scenario")
  .option("--fresh", "always a new Ignition deployment, even with parameters deployed before", false)
  .parse(process.argv);

type Params = Record<string, Record<string, unknown>>;

async function main(): Promise<void> {
  const opts = program.opts<{ network: string; scenario?: string; price?: string; fresh: boolean }>();
  if (opts.scenario && opts.price) throw new Error("deploy: give --scenario or --price, not both");
  checkNetworkEnvironment(opts.network, process.env);
  process.env.HARDHAT_NETWORK = opts.network;
  const hre = (await import("hardhat")).default;
  const { default: DammModule, DEFAULT_MARKETS, marketId } = await import("../ignition/modules/Damm");
  const network = opts.network;

  const parameters: Params = { Damm: { ...(await marketParameters(opts, DEFAULT_MARKETS.map(marketId))), ...loadParameterFile().Damm } };
  for (const [env, key] of [["DAMM_DEPLOY_KEEPER", "keeper"], ["DAMM_DEPLOY_GUARDIAN", "guardian"]] as const) {
    const v = process.env[env];
    if (v === undefined || v === "") continue;
    if (!/^0x[0-9a-fA-F]{40}$/.test(v)) throw new Error(`${env}: must be a 20-byte hex address, got "${v}"`);
    parameters.Damm[key] = v;
  }
  if (!isLocalNetwork(network)) {
    const missing = ["keeper", "guardian"].filter((k) => typeof parameters.Damm[k] !== "string");
    if (missing.length > 0) throw new Error(`deploy --network ${network}: name the ${missing.join(" and ")} (DAMM_DEPLOY_KEEPER / DAMM_DEPLOY_GUARDIAN or Damm.${missing[0]} in DAMM_DEPLOY_PARAMS); the local defaults are Hardhat's public test accounts`);
  }

  const chainId = Number((await hre.ethers.provider.getNetwork()).chainId);
  const genesis = await hre.ethers.provider.getBlock(0);
  // The in-process network keeps no journal; a node (or a testnet) does, under ignition/deployments/<id>.
  const deploymentId =
    network === "hardhat" ? undefined : `damm-${network}-${chainId}-${genesis?.hash?.slice(2, 10) ?? "x"}-${paramsHash(parameters)}${opts.fresh ? `-${Date.now()}` : ""}`;
  const existed = deploymentId !== undefined && fs.existsSync(path.join(ROOT, "ignition", "deployments", deploymentId));
  if (existed) console.log(`Ignition deployment ${deploymentId} exists for these parameters: resuming it (pass --fresh for a new one)`);

  const deployed = await hre.ignition.deploy(DammModule, { parameters: parameters as never, deploymentId, displayUi: false }).catch((e: Error) => {
    // A journal left by an older version of the module (same chain, same parameters) cannot be resumed.
    if (/reconcil/i.test(e.message)) throw new Error(`Ignition cannot resume deployment ${deploymentId} (the module changed since it ran): pass --fresh for a new deployment\n${e.message}`);
    throw e;
  });
  const clearingHouse = await deployed.clearingHouse.getAddress();
  const timelock = await deployed.timelock.getAddress();
  const markets = [];
  const oracles: Record<string, string> = {};
  for (const name of DEFAULT_MARKETS) {
    const id = marketId(name);
    markets.push({ name, vamm: await deployed[`${id}_market`].getAddress(), clearingHouse });
    oracles[name] = await deployed[`${id}_oracle`].getAddress();
  }
  const signers = await hre.ethers.getSigners();
  const keeper = (parameters.Damm.keeper as string | undefined) ?? signers[2].address;
  const guardian = (parameters.Damm.guardian as string | undefined) ?? signers[1].address;
  const ch = await hre.ethers.getContractAt("ClearingHouse", clearingHouse);
  const [keeperRole, paramRole, adminRole] = [await ch.KEEPER_ROLE(), await ch.PARAM_ADMIN_ROLE(), await ch.DEFAULT_ADMIN_ROLE()];
  for (const m of markets) {
    const market = await hre.ethers.getContractAt("VammMarket", m.vamm);
    if (!(await market.hasRole(keeperRole, keeper))) throw new Error(`deploy: ${keeper} did not receive KEEPER_ROLE on ${m.name}`);
    if (!(await market.hasRole(paramRole, timelock)) || !(await market.hasRole(adminRole, timelock))) throw new Error(`deploy: the timelock ${timelock} does not hold PARAM_ADMIN_ROLE and DEFAULT_ADMIN_ROLE on ${m.name}`);
  }

  const record: DeploymentRecord = {
    network,
    chainId,
    deploymentId: deploymentId ?? null,
    deployedAt: new Date().toISOString(),
    scenario: opts.scenario ?? null,
    keeper,
    guardian,
    deployer: signers[0].address,
    contracts: { usdc: await deployed.usdc.getAddress(), clearingHouse, marketLib: await deployed.marketLib.getAddress(), timelock },
    timelockMinDelay: Number(await deployed.timelock.getFunction("getMinDelay")()),
    oracles,
    markets,
  };
  const { writeJson, deploymentFilePath, marketsFilePath, keeperConfigFilePath } = await import("../keeper/service/config/deployment");
  const files = { record: deploymentFilePath(network, ROOT), markets: marketsFilePath(network, ROOT), keeper: keeperConfigFilePath(network, ROOT) };
  writeJson(files.markets, markets);
  writeJson(files.record, record);
  const localUrl = isLocalNetwork(network) && "url" in hre.network.config ? hre.network.config.url : undefined;
  writeJson(files.keeper, keeperConfigForDeployment(record, path.dirname(files.keeper), ROOT, localUrl));

  for (const m of markets) console.log(`${m.name.padEnd(10)} vamm ${m.vamm}  clearingHouse ${m.clearingHouse}  oracle ${oracles[m.name]}`);
  console.log(`timelock ${timelock} (min delay ${record.timelockMinDelay} s): DEFAULT_ADMIN_ROLE + PARAM_ADMIN_ROLE`);
  console.log(`guardian (GUARDIAN_ROLE): ${guardian}`);
  console.log(`keeper (KEEPER_ROLE): ${keeper}`);
  console.log(`deployment record: ${path.relative(ROOT, files.record)}; keeper config: ${path.relative(ROOT, files.keeper)}`);
  if (network === "hardhat") console.log("(in-process network: these contracts are gone when this script exits; use --network localhost against `npx hardhat node`)");
  else console.log(`next: DAMM_KEEPER_KEY=<key of ${keeper}> npm run keeper -- --network ${network}`);
}

/** Refuses a remote network whose RPC URL or deployer key is missing, before anything connects. */
function checkNetworkEnvironment(network: string, env: NodeJS.ProcessEnv): void {
  if (isLocalNetwork(network)) return;
  const missing = ["DAMM_RPC_URL", "DAMM_DEPLOYER_KEY"].filter((k) => !env[k]);
  if (missing.length > 0) throw new Error(`deploy --network ${network}: set ${missing.join(" and ")} in the environment (README "Public testnet")`);
}

/** Ignition parameters for the markets from --scenario / --price (every market alike). */
async function marketParameters(opts: { scenario?: string; price?: string }, ids: readonly string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  let price: number | undefined;
  let sqrtK: number | undefined;
  let budget: number | undefined;
  if (opts.scenario) {
    const { loadScenario } = await import("../keeper/sim/scenario");
    const { scenarioStartPrice } = await import("../keeper/onchain/scenarioStart");
    const sc = loadScenario(path.resolve(opts.scenario));
    price = scenarioStartPrice(sc);
    sqrtK = sc.market.sqrtK;
    budget = sc.market.budget;
  } else if (opts.price !== undefined) {
    price = Number(opts.price);
    if (!Number.isFinite(price) || price <= 0) throw new Error(`--price ${opts.price}: must be a positive number`);
  }
  const { toWad, toOracleAnswer } = await import("../keeper/onchain/wad");
  for (const id of ids) {
    if (price !== undefined) {
      out[`${id}_peg`] = toWad(price);
      out[`${id}_oracleAnswer`] = toOracleAnswer(price);
    }
    if (sqrtK !== undefined) {
      out[`${id}_sqrtK`] = toWad(sqrtK);
      out[`${id}_maxOpenInterest`] = toWad(sqrtK * 10);
    }
    if (budget !== undefined) out[`${id}_budget6`] = BigInt(Math.round(budget * 1e6));
  }
  return out;
}

function loadParameterFile(): Params {
  const file = process.env.DAMM_DEPLOY_PARAMS;
  if (!file) return {};
  try {
    // Ignition's file convention: bigints as "123n" strings.
    return JSON.parse(fs.readFileSync(file, "utf8"), (_k, v: unknown) => (typeof v === "string" && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v)) as Params;
  } catch (e) {
    throw new Error(`DAMM_DEPLOY_PARAMS: cannot load ${file} (${(e as Error).message})`);
  }
}

function paramsHash(p: Params): string {
  const text = JSON.stringify(p, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
  return crypto.createHash("sha256").update(text).digest("hex").slice(0, 8);
}

main().catch((e: unknown) => {
  console.error(`deploy: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
