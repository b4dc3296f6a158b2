// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MulDivFast} from "./MulDivFast.sol";
import {IVammMarketErrors} from "../interfaces/IVammMarketErrors.sol";

/// @title CurveMathWad
/// @notice Constant-product curve with a peg (SPEC §2), all values WAD. `k·WAD/v` is computed as
/// `mulDiv(sqrtK, sqrtK, v)`: the same number without forming k. Every rounding favours the AMM.
/// mulDiv is MulDivFast (exactly OpenZeppelin's results, single-word fast path).
library CurveMathWad {
    uint256 internal constant WAD = 1e18;

    /// @notice Mark price `y · P / x`.
    /// @dev Floor: the mark is only displayed and compared by guards; one wei either way is immaterial.
    function markPrice(uint256 x, uint256 y, uint256 peg) internal pure returns (uint256) {
        return MulDivFast.mulDivDown(y, peg, x);
    }

    /// @notice Reserves after a long of quote `q`: `y' = y + floor(q·WAD/P)`, `x' = ceil(k/y')`.
    /// @dev Floor on the quote added and ceil on the base left: the trader receives `x − x'`, the floor.
    function afterLong(uint256 y, uint256 sqrtK, uint256 peg, uint256 q) internal pure returns (uint256 x1, uint256 y1) {
        y1 = y + MulDivFast.mulDivDown(q, WAD, peg);
        x1 = MulDivFast.mulDivUp(sqrtK, sqrtK, y1);
    }

    /// @notice Reserves after a short of quote `q`: `y' = y − ceil(q·WAD/P)`, `x' = ceil(k/y')`.
    /// @dev Ceil on the quote removed and on the new base: the trader owes `x' − x`, the ceiling.
    function afterShort(uint256 y, uint256 sqrtK, uint256 peg, uint256 q) internal pure returns (uint256 x1, uint256 y1) {
        uint256 dy = MulDivFast.mulDivUp(q, WAD, peg);
        if (dy >= y) revert IVammMarketErrors.Vamm_InsufficientLiquidity(y, dy);
        unchecked {
            y1 = y - dy; // dy < y checked above
        }
        x1 = MulDivFast.mulDivUp(sqrtK, sqrtK, y1);
    }

    /// @notice Close a long of `b`: `x' = x + b`, `y' = ceil(k/x')`, quote out `floor((y − y')·P/WAD)`.
    /// @dev Ceil on y' and floor on the payout: the trader receives the floor. If rounding after a
    /// k change leaves `y' ≥ y`, the payout is zero rather than negative.
    function closeLong(uint256 x, uint256 y, uint256 sqrtK, uint256 peg, uint256 b)
        internal
        pure
        returns (uint256 x1, uint256 y1, uint256 quoteOut)
    {
        x1 = x + b;
        y1 = MulDivFast.mulDivUp(sqrtK, sqrtK, x1);
        if (y1 < y) {
            unchecked {
                quoteOut = MulDivFast.mulDivDown(y - y1, peg, WAD); // y1 < y checked above
            }
        }
    }

    /// @notice Close a short of `b`: `x' = x − b`, `y' = ceil(k/x')`, quote in `ceil((y' − y)·P/WAD)`.
    /// @dev Ceil on y' and on the quote the trader pays: the trader pays the ceiling.
    function closeShort(uint256 x, uint256 y, uint256 sqrtK, uint256 peg, uint256 b)
        internal
        pure
        returns (uint256 x1, uint256 y1, uint256 quoteIn)
    {
        if (b >= x) revert IVammMarketErrors.Vamm_InsufficientLiquidity(x, b);
        unchecked {
            x1 = x - b; // b < x checked above
        }
        y1 = MulDivFast.mulDivUp(sqrtK, sqrtK, x1);
        if (y1 > y) {
            unchecked {
                quoteIn = MulDivFast.mulDivUp(y1 - y, peg, WAD); // y1 > y checked above
            }
        }
    }
}
