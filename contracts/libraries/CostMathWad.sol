// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {CurveMathWad} from "./CurveMathWad.sol";

/// @title CostMathWad
/// @notice Cost of changing the curve (SPEC §4), by direct valuation of the AMM's liability
/// `L = (y − y_t)·P` before and after. Signed WAD: > 0 the protocol pays, < 0 it earns.
library CostMathWad {
    uint256 internal constant WAD = 1e18;

    /// @notice `a · b / WAD` rounded toward +∞.
    /// @dev Toward +∞ in both signs: a cost is paid at its ceiling, a revenue is earned at its floor,
    /// so the budget is never credited more than the curve change is worth.
    function mulWadUp(int256 a, int256 b) internal pure returns (int256) {
        if (a == 0 || b == 0) return 0;
        uint256 mag = Math.mulDiv(_abs(a), _abs(b), WAD, (a > 0) == (b > 0) ? Math.Rounding.Ceil : Math.Rounding.Floor);
        int256 m = SafeCast.toInt256(mag);
        return (a > 0) == (b > 0) ? m : -m;
    }

    /// @notice Repeg cost `(y − y_t)·(P' − P)/WAD` for net position `d`.
    function repegCost(uint256 x, uint256 y, uint256 sqrtK, int256 d, uint256 peg, uint256 newPeg)
        internal
        pure
        returns (int256)
    {
        uint256 yt = CurveMathWad.terminalQuote(x, sqrtK, d);
        return mulWadUp(SafeCast.toInt256(y) - SafeCast.toInt256(yt), SafeCast.toInt256(newPeg) - SafeCast.toInt256(peg));
    }

    /// @notice Reserves after a k change: `x' = ceil(x·s'/s)`, `y' = floor(y·s'/s)`.
    /// @dev Ceil on base and floor on quote lower the mark `y'·P/x'` by at most a wei: in the AMM's
    /// favour for longs, and the cost below is valued on these exact reserves.
    function scaledReserves(uint256 x, uint256 y, uint256 sqrtK, uint256 newSqrtK)
        internal
        pure
        returns (uint256 x1, uint256 y1)
    {
        x1 = Math.mulDiv(x, newSqrtK, sqrtK, Math.Rounding.Ceil);
        y1 = Math.mulDiv(y, newSqrtK, sqrtK, Math.Rounding.Floor);
    }

    /// @notice k-change cost `L(after) − L(before)` = `((y' − y_t') − (y − y_t))·P/WAD`.
    function kCost(uint256 x, uint256 y, uint256 sqrtK, uint256 x1, uint256 y1, uint256 newSqrtK, int256 d, uint256 peg)
        internal
        pure
        returns (int256)
    {
        int256 before = SafeCast.toInt256(y) - SafeCast.toInt256(CurveMathWad.terminalQuote(x, sqrtK, d));
        int256 after_ = SafeCast.toInt256(y1) - SafeCast.toInt256(CurveMathWad.terminalQuote(x1, newSqrtK, d));
        return mulWadUp(after_ - before, SafeCast.toInt256(peg));
    }

    function _abs(int256 v) private pure returns (uint256) {
        // int256.min cannot occur: every operand is a difference of two values below 2^128.
        return v >= 0 ? uint256(v) : uint256(-v);
    }
}
