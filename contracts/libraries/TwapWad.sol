// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title TwapWad
/// @notice Drift-style one-slot TWAP (SPEC §5):
/// `twap' = (twap·max(0, W − dt) + price·dt) / (max(0, W − dt) + dt)`; `dt = 0` leaves it unchanged.
library TwapWad {
    /// @notice Folds `price`, which held since `lastTs`, into `twap`.
    /// @dev Floor division: the TWAP is an estimate that only feeds funding (clamped) and a guard;
    /// one wei either way does not move value. Products stay far below 2^256 (prices < 2^96, times < 2^32).
    function update(uint256 twap, uint256 lastTs, uint256 price, uint256 nowTs, uint256 window)
        internal
        pure
        returns (uint256)
    {
        if (nowTs <= lastTs) return twap;
        uint256 dt;
        uint256 w;
        unchecked {
            dt = nowTs - lastTs; // nowTs > lastTs checked above
            w = window > dt ? window - dt : 0; // window > dt in the subtraction
        }
        return (twap * w + price * dt) / (w + dt);
    }

    /// @notice {update} without overflow checks, for callers that bound the operands.
    /// @dev Preconditions (the caller's comment says why they hold): twap, price < 2^190, window < 2^32
    /// and nowTs < 2^64 (block timestamps are 64-bit in every client). Then twap·w < 2^222,
    /// price·dt < 2^254 and their sum < 2^255; w + dt ≥ dt > 0 (nowTs > lastTs). Same result as {update}.
    function updateBounded(uint256 twap, uint256 lastTs, uint256 price, uint256 nowTs, uint256 window)
        internal
        pure
        returns (uint256)
    {
        if (nowTs <= lastTs) return twap;
        unchecked {
            uint256 dt = nowTs - lastTs; // nowTs > lastTs checked above
            uint256 w = window > dt ? window - dt : 0;
            return (twap * w + price * dt) / (w + dt);
        }
    }
}
