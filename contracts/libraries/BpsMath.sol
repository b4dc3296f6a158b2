// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MulDivFast} from "./MulDivFast.sol";

/// @title BpsMath
/// @notice Basis-point fractions (out of 10_000) with an explicit rounding direction.
library BpsMath {
    uint256 internal constant BPS = 10_000;

    /// @notice `ceil(amount · bps / 1e4)`.
    /// @dev Up for what a trader or the protocol is charged (fees, margin requirements): the
    /// requirement is never understated.
    function mulBpsUp(uint256 amount, uint256 bps) internal pure returns (uint256) {
        return MulDivFast.mulDivUp(amount, bps, BPS);
    }

    /// @notice `floor(amount · bps / 1e4)`.
    /// @dev Down for what may be paid out or spent (reserve split, caps): never more than the share.
    function mulBpsDown(uint256 amount, uint256 bps) internal pure returns (uint256) {
        return MulDivFast.mulDivDown(amount, bps, BPS);
    }
}
