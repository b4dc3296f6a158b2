// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title DammRoles
/// @notice The role set shared by the ClearingHouse and every market (SPEC §1).
abstract contract DammRoles is AccessControl {
    /// @notice Sets SPEC §6 parameters within their hard bounds and reduce-only mode.
    bytes32 public constant PARAM_ADMIN_ROLE = keccak256("PARAM_ADMIN_ROLE");
    /// @notice May call only `repeg` and `updateK`.
    bytes32 public constant KEEPER_ROLE = keccak256("KEEPER_ROLE");
    /// @notice May pause; only DEFAULT_ADMIN_ROLE unpauses.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
}
