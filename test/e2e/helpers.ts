/** Shared set-up of the e2e suites: the in-process network as a ChainRunEnv, and scenario loading. */
import path from "node:path";
import hre from "hardhat";
import type { ChainRunEnv } from "../../keeper/onchain/runChain";
import { hardhatRunEnv } from "../../keeper/onchain/hardhatRunEnv";
import { loadScenario } from "../../keeper/sim/scenario";
import type { Scenario } from "../../keeper/sim/scenario";

export async function inProcessEnv(): Promise<ChainRunEnv> {
  return hardhatRunEnv(hre);
}

export function scenario(rel: string): Scenario {
  return loadScenario(path.resolve(__dirname, "../..", rel));
}
