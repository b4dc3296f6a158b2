/**
 * `npm run deploy [-- --network localhost]`: deploys ignition/modules/Damm.ts and writes
 *   out/deploy/<network>.markets.json  the keeper config's `markets` section (a JSON array), and
 *   out/deploy/<network>.json          every address, the chain id and the keeper address.
 * Against `npx hardhat node`, `npm run keeper -- --network localhost` then picks the markets up.
 * On the in-process `hardhat` network the chain disappears when the script exits (a dry run).
 *
 * Environment: DAMM_DEPLOY_PARAMS = path to an Ignition parameters JSON ({ "Damm": { ... } });
 * DAMM_DEPLOY_KEEPER = the keeper address (KEEPER_ROLE), shorthand for Damm.keeper.
 */
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import DammModule, { DEFAULT_MARKETS, marketId } from "../ignition/modules/Damm";
import { deploymentFilePath, marketsFilePath, writeJson } from "../keeper/service/config/deployment";

const ROOT = path.resolve(__dirname, "..");

async function main(): Promise<void> {
  const network = hre.network.name;
  const parameters = loadParameters();
  const chainId = Number((await hre.ethers.provider.getNetwork()).chainId);
  // A persistent node keeps an Ignition journal under ignition/deployments/<id>; keying it on the
  // genesis hash makes a restarted `npx hardhat node` (a new chain) start a fresh deployment
  // instead of failing to reconcile with the old one.
  const genesis = await hre.ethers.provider.getBlock(0);
  const deploymentId = network === "hardhat" ? undefined : `damm-${network}-${chainId}-${genesis?.hash?.slice(2, 10) ?? "x"}`;

  const deployed = await hre.ignition.deploy(DammModule, { parameters: parameters as never, deploymentId, displayUi: false });
  const clearingHouse = await deployed.clearingHouse.getAddress();
  const markets = [];
  const oracles: Record<string, string> = {};
  for (const name of DEFAULT_MARKETS) {
    const id = marketId(name);
    markets.push({ name, vamm: await deployed[`${id}_market`].getAddress(), clearingHouse });
    oracles[name] = await deployed[`${id}_oracle`].getAddress();
  }
  const keeperRole = await deployed.clearingHouse.getFunction("KEEPER_ROLE")();
  const keeper = (parameters.Damm?.keeper as string | undefined) ?? (await hre.ethers.getSigners())[2].address;
  for (const m of markets) {
    const has = await (await hre.ethers.getContractAt("VammMarket", m.vamm)).hasRole(keeperRole, keeper);
    if (!has) throw new Error(`deploy: ${keeper} did not receive KEEPER_ROLE on ${m.name}`);
  }

  const marketsFile = marketsFilePath(network, ROOT);
  const recordFile = deploymentFilePath(network, ROOT);
  writeJson(marketsFile, markets);
  writeJson(recordFile, {
    network,
    chainId,
    deploymentId: deploymentId ?? null,
    deployedAt: new Date().toISOString(),
    keeper,
    contracts: {
      usdc: await deployed.usdc.getAddress(),
      clearingHouse,
      marketLib: await deployed.marketLib.getAddress(),
    },
    oracles,
    markets,
  });
  for (const m of markets) console.log(`${m.name.padEnd(10)} vamm ${m.vamm}  clearingHouse ${m.clearingHouse}  oracle ${oracles[m.name]}`);
  console.log(`keeper (KEEPER_ROLE): ${keeper}`);
  console.log(`markets section: ${marketsFile}`);
  console.log(`deployment record: ${recordFile}`);
  if (network === "hardhat") console.log("(in-process network: these contracts are gone when this script exits; use --network localhost against `npx hardhat node`)");
  else console.log(`next: DAMM_KEEPER_KEY=<key of ${keeper}> npm run keeper -- --network ${network}`);
}

function loadParameters(): { Damm?: Record<string, unknown> } & Record<string, Record<string, unknown>> {
  const file = process.env.DAMM_DEPLOY_PARAMS;
  let params: Record<string, Record<string, unknown>> = {};
  if (file) {
    try {
      // Ignition's file convention: bigints as "123n" strings.
      params = JSON.parse(fs.readFileSync(file, "utf8"), (_k, v: unknown) => (typeof v === "string" && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v)) as Record<string, Record<string, unknown>>;
    } catch (e) {
      throw new Error(`DAMM_DEPLOY_PARAMS: cannot load ${file} (${(e as Error).message})`);
    }
  }
  const keeper = process.env.DAMM_DEPLOY_KEEPER;
  if (keeper) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(keeper)) throw new Error(`DAMM_DEPLOY_KEEPER: must be a 20-byte hex address, got "${keeper}"`);
    params.Damm = { ...(params.Damm ?? {}), keeper };
  }
  return params;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
