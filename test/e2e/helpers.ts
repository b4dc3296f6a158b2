/** Shared set-up of the e2e suites: the in-process network as a ChainRunEnv, and scenario loading. */
import path from "node:path";
import hre from "hardhat";
import type { Eip1193Provider } from "ethers";
import type { ChainRunEnv } from "../../keeper/chain/runChain";
import { loadScenario } from "../../keeper/sim/scenario";
import type { Scenario } from "../../keeper/sim/scenario";

export async function inProcessEnv(): Promise<ChainRunEnv> {
  const signers = await hre.ethers.getSigners();
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

export function scenario(rel: string): Scenario {
  return loadScenario(path.resolve(__dirname, "../..", rel));
}
