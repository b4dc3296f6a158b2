// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Compiles OpenZeppelin's TimelockController for the deployment path of SPEC §6 (PARAM_ADMIN_ROLE and
// DEFAULT_ADMIN_ROLE held by a timelock) and its test; the contracts need nothing else from it.
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
