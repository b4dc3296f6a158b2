/** The keeper bench's deployment (Ignition module DammBench) and the addresses the bench needs. */
import hre from "hardhat";
import { buildDammModule, marketId } from "../../ignition/modules/Damm";

export interface BenchMarket {
  readonly name: string;
  readonly vamm: string;
  readonly oracle: string;
}

export interface BenchDeployment {
  readonly clearingHouse: string;
  readonly markets: readonly BenchMarket[];
}

/** Deploys the clearing house and one market + mock oracle per name on hre's network. */
export async function deployBench(names: readonly string[]): Promise<BenchDeployment> {
  const deployed = await hre.ignition.deploy(buildDammModule(names, "DammBench"), { displayUi: false });
  const markets: BenchMarket[] = [];
  for (const name of names) {
    const id = marketId(name);
    markets.push({ name, vamm: await deployed[`${id}_market`].getAddress(), oracle: await deployed[`${id}_oracle`].getAddress() });
  }
  return { clearingHouse: await deployed.clearingHouse.getAddress(), markets };
}
