// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title MulDivFast
/// @notice `floor(a·b/d)` and `ceil(a·b/d)` with the exact results of OpenZeppelin's `Math.mulDiv`,
/// but a single-word fast path: the hot paths' products (reserves < 2^112 × prices < 2^96, amounts ×
/// bps) almost always fit in 256 bits, and the 512-bit routine is only needed when they do not.
/// @dev Same failure modes as `Math.mulDiv`: `d == 0` panics with 0x12 (checked division), and a
/// result that does not fit reverts inside `Math.mulDiv` (the fast path cannot overflow).
library MulDivFast {
    function mulDivDown(uint256 a, uint256 b, uint256 d) internal pure returns (uint256) {
        uint256 p;
        bool fits;
        assembly ("memory-safe") {
            p := mul(a, b)
            fits := or(iszero(a), eq(div(p, a), b))
        }
        if (fits) return p / d;
        return Math.mulDiv(a, b, d, Math.Rounding.Floor);
    }

    function mulDivUp(uint256 a, uint256 b, uint256 d) internal pure returns (uint256 r) {
        uint256 p;
        bool fits;
        assembly ("memory-safe") {
            p := mul(a, b)
            fits := or(iszero(a), eq(div(p, a), b))
        }
        if (!fits) return Math.mulDiv(a, b, d, Math.Rounding.Ceil);
        r = p / d;
        assembly ("memory-safe") {
            // d != 0 here (the division above would have panicked); r + 1 ≤ p cannot overflow.
            r := add(r, gt(mod(p, d), 0))
        }
    }
}
