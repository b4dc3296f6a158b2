// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IVammMarketErrors} from "../interfaces/IVammMarketErrors.sol";
import {IClearingHouseErrors} from "../interfaces/IClearingHouseErrors.sol";
import {TwapWad} from "./TwapWad.sol";

// Storage of a VammMarket, packed by access path: a trade writes reserves, book, pool and marks and
// reads curve; a hook writes curve, pool, marks and hookWindow and reads the rest. Widths: reserves
// uint112; peg, sqrtK, OI, budget, prices uint96 (7.9e10 units at 18 decimals); times uint32 (until
// 2106). Every downcast of a computed value goes through SafeCast, so an out-of-range value reverts.

/// @dev Written by every trade (and updateK).
struct Reserves {
    uint112 base;
    uint112 quote;
    uint32 blockStartBlock;
}

/// @dev Written by every trade; also carries the trade-path parameters and flags.
struct Book {
    uint96 longOI;
    uint96 shortOI;
    uint16 feeBps;
    uint16 fluctuationLimitBps;
    uint8 flags;
    uint24 twapWindow;
}

/// @dev Written by every trade and hook.
struct Pool {
    uint96 budget;
    uint96 reservedShare;
    uint32 markTwapTs;
    uint16 reserveShareBps;
    uint16 imBps;
}

/// @dev Written by every trade and hook.
struct Marks {
    uint96 markTwap;
    uint96 blockStartMark;
    uint64 maxOpenInterestMicro;
}

/// @dev Read by trades, written by hooks.
struct Curve {
    uint96 peg;
    uint96 sqrtK;
    uint32 lastHookBlock;
    uint32 lastHookTimestamp;
}

/// @dev Written by hooks and oracle reads.
struct HookWindow {
    uint96 oracleTwap;
    uint96 curSpent;
    uint32 oracleTwapTs;
    uint32 windowIndex;
}

/// @dev Read by hooks, written on a window roll and by funding.
struct WindowStart {
    uint96 prevSpent;
    uint96 budgetAtWindowStart;
    uint32 lastFundingTime;
}

/// @dev Read by hooks, funding and liquidation.
struct HookParams {
    uint32 fundingPeriod;
    uint16 fundingCapBps;
    uint16 fundingBudgetShareBps;
    uint32 maxOracleAgeHooks;
    uint32 maxOracleAgeMargin;
    uint16 maxOracleTwapDivergenceBps;
    uint16 maxPegChangeBps;
    uint16 maxKIncreaseBps;
    uint16 maxKDecreaseBps;
    uint16 hookCooldownBlocks;
    uint16 dailyCostCapBps;
    uint16 mmBps;
    uint16 liquidationFeeBps;
}

/// @dev The whole market state; slot i of the layout = field i below (MarketStorage.SLOT_*).
struct MarketLayout {
    Reserves reserves;
    Book book;
    Pool pool;
    Marks marks;
    Curve curve;
    HookWindow hookWindow;
    WindowStart windowStart;
    HookParams params;
    /// @dev Block in which the one reducing trade beyond the fluctuation limit was used.
    uint256 overLimitReduceBlock;
}

/// @title MarketStorage
/// @notice Constants and small helpers shared by VammMarket and VammMarketLib.
library MarketStorage {
    uint8 internal constant FLAG_PAUSED = 1;
    uint8 internal constant FLAG_GLOBAL_PAUSED = 2;
    uint8 internal constant FLAG_REDUCE_ONLY = 4;
    /// @dev maxOpenInterest is stored at 1e-6 base resolution to fit the marks slot.
    uint256 internal constant OI_UNIT = 1e12;

    uint256 internal constant SLOT_BOOK = 1;
    uint256 internal constant SLOT_POOL = 2;
    uint256 internal constant SLOT_PARAMS = 7;

    function requireActive(uint8 flags) internal pure {
        if (flags & FLAG_GLOBAL_PAUSED != 0) revert IClearingHouseErrors.CH_Paused();
        if (flags & FLAG_PAUSED != 0) revert IVammMarketErrors.Vamm_Paused();
    }

    function checkBounds(bytes32 name, uint256 value, uint256 min, uint256 max) internal pure {
        if (value < min || value > max) revert IVammMarketErrors.Vamm_InvalidParameter(name, value, min, max);
    }

    /// @dev Floor to 1e-6 base: the encoding never raises the cap.
    function toOiMicro(uint256 maxOpenInterest) internal pure returns (uint64) {
        checkBounds("maxOpenInterest", maxOpenInterest, OI_UNIT, uint256(type(uint64).max) * OI_UNIT);
        return uint64(maxOpenInterest / OI_UNIT);
    }

    /// @dev Folds an oracle answer into the oracle TWAP and stores it.
    function foldOracle(MarketLayout storage s, uint256 price, uint256 window) internal returns (uint256 twap) {
        HookWindow memory hw = s.hookWindow;
        twap = TwapWad.update(hw.oracleTwap, hw.oracleTwapTs, price, block.timestamp, window);
        hw.oracleTwap = SafeCast.toUint96(twap);
        hw.oracleTwapTs = uint32(block.timestamp);
        s.hookWindow = hw;
    }
}
