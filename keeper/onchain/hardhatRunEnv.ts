/**
 * The Hardhat runtime's selected network (in-process or `--network localhost`) as a ChainRunEnv:
 * one admin, two liquidators and 24 trader accounts from its signers (never `exclude`d ones). Shared by `npm run demo`,
 * `npm run traders` and the e2e suites.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Eip1193Provider } from "ethers";
import type { ChainRunEnv } from "./runChain";

export async function hardhatRunEnv(hre: HardhatRuntimeEnvironment, opts: { exclude?: readonly string[] } = {}): Promise<ChainRunEnv> {
  // Accounts that hold a role (the keeper, the guardian) never trade or liquidate.
  const excluded = new Set((opts.exclude ?? []).map((a) => a.toLowerCase()));
  const signers = (await hre.ethers.getSigners()).filter((s) => !excluded.has(s.address.toLowerCase()));
  if (signers.length < 27) throw new Error(`network ${hre.network.name} exposes ${signers.length} accounts besides the role holders; 27 are needed (admin, 2 liquidators, 24 traders)`);
  return {
    eip1193: hre.network.provider as unknown as Eip1193Provider,
    rpc: hre.network.provider as unknown as ChainRunEnv["rpc"],
    admin: signers[0],
    liquidators: signers.slice(1, 3),
    traders: signers.slice(3, 27),
    latestBlock: async () => {
      const b = await hre.ethers.provider.getBlock("latest");
      return { number: b!.number, timestamp: b!.timestamp };
    },
  };
}
