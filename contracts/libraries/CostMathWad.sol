// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IVammMarketErrors} from "../interfaces/IVammMarketErrors.sol";

/// @title CostMathWad
/// @notice Cost of changing the curve (SPEC §4), by direct valuation of the AMM's liability
/// `L = (y − y_t)·P` before and after. Signed WAD: > 0 the protocol pays, < 0 it earns.
/// @dev Operand widths are those of the market's storage (SPEC §8): reserves < 2^112, peg and sqrtK
/// < 2^96, |d| ≤ 2^97. Every product below is therefore < 2^212 and plain checked arithmetic is
/// exact — no 512-bit mulDiv needed on the hook path.
library CostMathWad {
    uint256 internal constant WAD = 1e18;

    /// @notice `a · b / WAD` rounded toward +∞.
    /// @dev Toward +∞ in both signs: a cost is paid at its ceiling, a revenue is earned at its floor,
    /// so the budget is never credited more than the curve change is worth.
    /// The product stays checked (a terminal quote k/x_t can approach 2^192 when x_t is tiny). The
    /// rest is unchecked: WAD is a positive constant, so neither division can overflow (no
    /// type(int256).min / −1) nor divide by zero; p − 1 with p > 0 and (…)/1e18 + 1 cannot overflow.
    function mulWadUp(int256 a, int256 b) internal pure returns (int256) {
        int256 p = a * b;
        unchecked {
            if (p <= 0) return p / int256(WAD); // truncation toward zero = toward +∞ for a revenue
            return (p - 1) / int256(WAD) + 1;
        }
    }

    /// @notice `y_t = ceil(k / (x + d))`, the quote reserve once every position is closed.
    function terminalQuote(uint256 x, uint256 sqrtK, int256 d) internal pure returns (uint256) {
        uint256 xt;
        if (d >= 0) {
            unchecked {
                // x < 2^113 (a uint112 reserve, or one scaled up by ≤ 10 % in a k change) and
                // 0 ≤ d < 2^96 (longOI, a uint96): the sum is < 2^114, no overflow.
                xt = x + uint256(d);
            }
        } else {
            uint256 short_ = uint256(-d);
            if (short_ >= x) revert IVammMarketErrors.Vamm_InsufficientLiquidity(x, short_);
            unchecked {
                xt = x - short_; // short_ < x checked above
            }
        }
        unchecked {
            // sqrtK² < 2^192 and xt > 0: ceil division without overflow.
            return (sqrtK * sqrtK - 1) / xt + 1;
        }
    }

    /// @notice Repeg cost `(y − y_t)·(P' − P)/WAD` for net position `d`.
    function repegCost(uint256 x, uint256 y, uint256 sqrtK, int256 d, uint256 peg, uint256 newPeg)
        internal
        pure
        returns (int256)
    {
        uint256 yt = terminalQuote(x, sqrtK, d);
        // y < 2^112, yt = ceil(sqrtK²/x_t) < 2^192 and pegs < 2^96: the casts are exact and the
        // differences cannot overflow int256.
        unchecked {
            return mulWadUp(int256(y) - int256(yt), int256(newPeg) - int256(peg));
        }
    }

    /// @notice Reserves after a k change: `x' = ceil(x·s'/s)`, `y' = floor(y·s'/s)`.
    /// @dev Ceil on base and floor on quote lower the mark `y'·P/x'` by at most a wei: in the AMM's
    /// favour for longs, and the cost below is valued on these exact reserves.
    function scaledReserves(uint256 x, uint256 y, uint256 sqrtK, uint256 newSqrtK)
        internal
        pure
        returns (uint256 x1, uint256 y1)
    {
        unchecked {
            // Reserves < 2^112 and newSqrtK < 2^96 (checked by the caller): products < 2^208;
            // sqrtK > 0 (bounded at deploy), so the divisions are defined.
            uint256 px = x * newSqrtK;
            y1 = (y * newSqrtK) / sqrtK;
            x1 = px == 0 ? 0 : (px - 1) / sqrtK + 1;
        }
    }

    /// @notice k-change cost `L(after) − L(before)` = `((y' − y_t') − (y − y_t))·P/WAD`.
    function kCost(uint256 x, uint256 y, uint256 sqrtK, uint256 x1, uint256 y1, uint256 newSqrtK, int256 d, uint256 peg)
        internal
        pure
        returns (int256)
    {
        // Reserves < 2^113 (a k increase of at most 10 % on a uint112) and terminal quotes
        // ceil(sqrtK²/x_t) < 2^192 (sqrtK < 2^96, x_t ≥ 1): the casts are exact and the differences
        // stay below 2^194 in magnitude.
        unchecked {
            int256 before = int256(y) - int256(terminalQuote(x, sqrtK, d));
            int256 after_ = int256(y1) - int256(terminalQuote(x1, newSqrtK, d));
            return mulWadUp(after_ - before, int256(peg));
        }
    }
}
