// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IVammMarket} from "../interfaces/IVammMarket.sol";
import {IVammMarketErrors} from "../interfaces/IVammMarketErrors.sol";
import {IClearingHouseErrors} from "../interfaces/IClearingHouseErrors.sol";
import {TwapWad} from "./TwapWad.sol";

// Storage of a VammMarket, packed by access path. A trade reads and writes reserves, book, pool and
// ledger and reads curve; a hook reads reserves and book and reads and writes pool, curve, hookWindow
// and windowStart (its parameters live in the spare bits of the last two), so a hook touches six
// market slots and no slot a trade alone needs. Widths: reserves uint112; peg, sqrtK, OI, budget,
// prices, spends uint96 (7.9e10 units at 18 decimals); times uint32 (until 2106); the hook
// parameters are bit fields just wide enough for their hard bounds (SPEC §6). Every downcast of a
// computed value goes through SafeCast, so an out-of-range value reverts.

/// @dev Slot 0. Written by every trade and updateK; read by repeg.
struct Reserves {
    uint112 base;
    uint112 quote;
    uint32 blockStartBlock;
}

/// @dev Slot 1. Written by every trade; read by hooks. Also carries trade-path parameters and flags.
struct Book {
    uint96 longOI;
    uint96 shortOI;
    uint16 feeBps;
    uint16 fluctuationLimitBps;
    uint8 flags;
    uint24 twapWindow;
}

/// @dev Slot 2. Written by every trade, hook and funding settlement.
struct Pool {
    uint96 budget;
    uint96 markTwap;
    uint32 markTwapTs;
    uint16 reserveShareBps;
    uint16 imBps;
}

/// @dev Slot 3. Read by trades, written by hooks (the cooldown stamp rides along). maxOracleAgeMargin
/// lives here, not in FundingParams, because an opening trade needs it and already reads this slot.
struct Curve {
    uint96 peg;
    uint96 sqrtK;
    uint32 lastHookBlock;
    uint32 maxOracleAgeMargin;
}

/// @dev Slot 4. Written by every trade (fees, block-start mark); never touched by hooks.
struct Ledger {
    uint96 reservedShare;
    uint96 blockStartMark;
    uint64 maxOpenInterestMicro;
}

/// @dev Slot 5. Written by hooks and oracle reads. `hookParamsA`: maxOracleAgeHooks (bits 224–240 of
/// the slot, 17 bits), maxOracleTwapDivergenceBps (241–253, 13 bits).
struct HookWindow {
    uint96 oracleTwap;
    uint96 curSpent;
    uint32 oracleTwapTs;
    uint32 hookParamsA;
}

/// @dev Slot 6. Read by every hook, written on a window roll. `hookParamsB`: maxPegChangeBps (bits
/// 192–202, 11 bits), maxKIncreaseBps (203–212, 10), maxKDecreaseBps (213–222, 10),
/// hookCooldownBlocks (223–235, 13), dailyCostCapBps (236–249, 14).
struct WindowStart {
    uint96 prevSpent;
    uint96 budgetAtWindowStart;
    uint64 hookParamsB;
}

/// @dev Slot 7. Read by funding settlement, liquidation and hooks (SPEC §6).
struct FundingParams {
    uint32 fundingPeriod;
    uint16 fundingCapBps;
    uint16 fundingBudgetShareBps;
    uint16 mmBps;
    uint16 liquidationFeeBps;
    uint32 lastFundingTime;
    uint16 maxDailyKDecreaseBps;
    uint32 hookWindowSeconds;
    uint16 oracleBreakerBps;
    uint16 maxLiquidationSlippageBps;
}

/// @dev The hook's view of FundingParams (slot 7): only the fields a hook reads, decoded from one word.
struct HookParams {
    uint256 maxDailyKDecreaseBps;
    uint256 hookWindowSeconds;
    uint256 oracleBreakerBps;
}

/// @dev Slot 9. Read and written by hooks and oracle observations (SPEC §5, §6): the last valid oracle
/// answer the market observed (the value the oracle TWAP folds next, and the margin price's fallback),
/// the rolling day window of budget spends (hooks and funding) with its k-decrease sums, and the
/// rolling hook window of mark moves. Window indices: 0 = no window yet.
struct HookLimits {
    uint96 lastOraclePrice;
    uint32 spendWindowIndex;
    uint32 moveWindowIndex;
    uint16 prevMoveBps;
    uint16 curMoveBps;
    uint16 prevKDecreaseBps;
    uint16 curKDecreaseBps;
    uint32 lastHookTimestamp;
}

/// @dev The whole market state; slot i of the layout = field i below (MarketStorage.SLOT_*).
struct MarketLayout {
    Reserves reserves;
    Book book;
    Pool pool;
    Curve curve;
    Ledger ledger;
    HookWindow hookWindow;
    WindowStart windowStart;
    FundingParams params;
    /// @dev Block in which the one reducing trade beyond the fluctuation limit was used.
    uint256 overLimitReduceBlock;
    HookLimits limits;
}

/// @title MarketStorage
/// @notice Constants and small helpers shared by VammMarket and VammMarketLib.
library MarketStorage {
    uint8 internal constant FLAG_PAUSED = 1;
    uint8 internal constant FLAG_GLOBAL_PAUSED = 2;
    uint8 internal constant FLAG_REDUCE_ONLY = 4;
    /// @dev maxOpenInterest is stored at 1e-6 base resolution to fit the ledger slot.
    uint256 internal constant OI_UNIT = 1e12;

    uint256 internal constant SLOT_RESERVES = 0;
    uint256 internal constant SLOT_BOOK = 1;
    uint256 internal constant SLOT_POOL = 2;
    uint256 internal constant SLOT_CURVE = 3;
    uint256 internal constant SLOT_LEDGER = 4;
    uint256 internal constant SLOT_HOOK_WINDOW = 5;
    uint256 internal constant SLOT_WINDOW_START = 6;
    uint256 internal constant SLOT_PARAMS = 7;
    uint256 internal constant SLOT_LIMITS = 9;
    /// @dev Set while the last oracle observation was more than `oracleBreakerBps` from the oracle
    /// TWAP: opens are refused (SPEC §6, crash breaker).
    uint8 internal constant FLAG_VOLATILE = 8;

    /// @dev Hook parameter bit fields (absolute bit offset in their slot, width), see the structs.
    uint256 internal constant SHIFT_MAX_ORACLE_AGE_HOOKS = 224; // slot 5, 17 bits
    uint256 internal constant BITS_MAX_ORACLE_AGE_HOOKS = 17;
    uint256 internal constant SHIFT_DIVERGENCE = 241; // slot 5, 13 bits
    uint256 internal constant BITS_DIVERGENCE = 13;
    uint256 internal constant SHIFT_MAX_PEG = 192; // slot 6, 11 bits
    uint256 internal constant BITS_MAX_PEG = 11;
    uint256 internal constant SHIFT_K_INC = 203; // slot 6, 10 bits
    uint256 internal constant BITS_K_INC = 10;
    uint256 internal constant SHIFT_K_DEC = 213; // slot 6, 10 bits
    uint256 internal constant BITS_K_DEC = 10;
    uint256 internal constant SHIFT_COOLDOWN = 223; // slot 6, 13 bits
    uint256 internal constant BITS_COOLDOWN = 13;
    uint256 internal constant SHIFT_DAILY_CAP = 236; // slot 6, 14 bits
    uint256 internal constant BITS_DAILY_CAP = 14;

    /// @dev The `bits`-wide field at absolute bit `shift` of `word`.
    function field(uint256 w, uint256 shift, uint256 bits) internal pure returns (uint256) {
        return (w >> shift) & ((1 << bits) - 1);
    }

    /// @dev Whole word at `offset` slots into the layout.
    function word(MarketLayout storage s, uint256 offset) internal view returns (uint256 w) {
        assembly ("memory-safe") {
            w := sload(add(s.slot, offset))
        }
    }

    /// @dev Default hook parameters as the two packed fields (SPEC §6 defaults).
    function defaultHookParams() internal pure returns (uint32 a, uint64 b) {
        // maxOracleAgeHooks 60, maxOracleTwapDivergenceBps 1000.
        a = uint32(60 | (1000 << 17));
        // maxPegChangeBps 19, maxKIncreaseBps 100, maxKDecreaseBps 220, hookCooldownBlocks 1,
        // dailyCostCapBps 2000 (offsets relative to bit 192).
        b = uint64(19 | (100 << 11) | (220 << 21) | (1 << 31) | (2000 << 44));
    }

    // ---------------------------------------------------------------- typed hook-parameter accessors
    // The hook parameters are bit fields of HookWindow.hookParamsA (bits 224+ of slot 5) and
    // WindowStart.hookParamsB (bits 192+ of slot 6); offsets below are relative to those fields.

    function maxOracleAgeHooks(HookWindow memory hw) internal pure returns (uint256) {
        return field(hw.hookParamsA, SHIFT_MAX_ORACLE_AGE_HOOKS - 224, BITS_MAX_ORACLE_AGE_HOOKS);
    }

    function maxOracleTwapDivergenceBps(HookWindow memory hw) internal pure returns (uint256) {
        return field(hw.hookParamsA, SHIFT_DIVERGENCE - 224, BITS_DIVERGENCE);
    }

    function maxPegChangeBps(WindowStart memory ws) internal pure returns (uint256) {
        return field(ws.hookParamsB, SHIFT_MAX_PEG - 192, BITS_MAX_PEG);
    }

    function maxKIncreaseBps(WindowStart memory ws) internal pure returns (uint256) {
        return field(ws.hookParamsB, SHIFT_K_INC - 192, BITS_K_INC);
    }

    function maxKDecreaseBps(WindowStart memory ws) internal pure returns (uint256) {
        return field(ws.hookParamsB, SHIFT_K_DEC - 192, BITS_K_DEC);
    }

    function hookCooldownBlocks(WindowStart memory ws) internal pure returns (uint256) {
        return field(ws.hookParamsB, SHIFT_COOLDOWN - 192, BITS_COOLDOWN);
    }

    function dailyCostCapBps(WindowStart memory ws) internal pure returns (uint256) {
        return field(ws.hookParamsB, SHIFT_DAILY_CAP - 192, BITS_DAILY_CAP);
    }

    // ---------------------------------------------------------------- whole-slot codecs (hook path)
    // A storage-to-memory struct copy reads the slot once per field, and a memory-to-storage copy
    // reads and writes it once per field; the hook path instead reads and writes each slot as one
    // word. Offsets are the bit positions Solidity's packing gives the struct fields above.

    uint256 private constant OFF_RES_QUOTE = 112;
    uint256 private constant OFF_RES_BLOCK_START = 224;
    uint256 private constant OFF_BOOK_SHORT_OI = 96;
    uint256 private constant OFF_BOOK_FEE = 192;
    uint256 private constant OFF_BOOK_FLUCTUATION = 208;
    uint256 private constant OFF_BOOK_FLAGS = 224;
    uint256 private constant OFF_BOOK_TWAP_WINDOW = 232;
    uint256 private constant OFF_POOL_MARK_TWAP = 96;
    uint256 private constant OFF_POOL_MARK_TWAP_TS = 192;
    uint256 private constant OFF_POOL_RESERVE_SHARE = 224;
    uint256 private constant OFF_POOL_IM = 240;
    uint256 private constant OFF_CURVE_SQRT_K = 96;
    uint256 private constant OFF_CURVE_LAST_HOOK_BLOCK = 192;
    uint256 private constant OFF_CURVE_MAX_ORACLE_AGE_MARGIN = 224;
    uint256 private constant OFF_HW_CUR_SPENT = 96;
    uint256 private constant OFF_HW_ORACLE_TWAP_TS = 192;
    uint256 private constant OFF_HW_PARAMS_A = 224;
    uint256 private constant OFF_WS_BUDGET_AT_START = 96;
    uint256 private constant OFF_WS_PARAMS_B = 192;
    // FundingParams: only the fields a hook reads (loadHookParams); funding and liquidation read the struct.
    uint256 private constant OFF_FP_K_DEC_CAP = 128;
    uint256 private constant OFF_FP_HOOK_WINDOW = 144;
    uint256 private constant OFF_FP_BREAKER = 176;
    uint256 private constant OFF_LIM_SPEND_WINDOW = 96;
    uint256 private constant OFF_LIM_MOVE_WINDOW = 128;
    uint256 private constant OFF_LIM_PREV_MOVE = 160;
    uint256 private constant OFF_LIM_CUR_MOVE = 176;
    uint256 private constant OFF_LIM_PREV_K_DEC = 192;
    uint256 private constant OFF_LIM_CUR_K_DEC = 208;
    uint256 private constant OFF_LIM_LAST_HOOK_TS = 224;

    function _store(MarketLayout storage s, uint256 offset, uint256 w) private {
        assembly ("memory-safe") {
            sstore(add(s.slot, offset), w)
        }
    }

    function loadReserves(MarketLayout storage s) internal view returns (Reserves memory r) {
        uint256 w = word(s, SLOT_RESERVES);
        r.base = uint112(w);
        r.quote = uint112(w >> OFF_RES_QUOTE);
        r.blockStartBlock = uint32(w >> OFF_RES_BLOCK_START);
    }

    function storeReserves(MarketLayout storage s, Reserves memory r) internal {
        _store(s, SLOT_RESERVES, uint256(r.base) | (uint256(r.quote) << OFF_RES_QUOTE)
            | (uint256(r.blockStartBlock) << OFF_RES_BLOCK_START));
    }

    function loadBook(MarketLayout storage s) internal view returns (Book memory b) {
        uint256 w = word(s, SLOT_BOOK);
        b.longOI = uint96(w);
        b.shortOI = uint96(w >> OFF_BOOK_SHORT_OI);
        b.feeBps = uint16(w >> OFF_BOOK_FEE);
        b.fluctuationLimitBps = uint16(w >> OFF_BOOK_FLUCTUATION);
        b.flags = uint8(w >> OFF_BOOK_FLAGS);
        b.twapWindow = uint24(w >> OFF_BOOK_TWAP_WINDOW);
    }

    function loadPool(MarketLayout storage s) internal view returns (Pool memory p) {
        uint256 w = word(s, SLOT_POOL);
        p.budget = uint96(w);
        p.markTwap = uint96(w >> OFF_POOL_MARK_TWAP);
        p.markTwapTs = uint32(w >> OFF_POOL_MARK_TWAP_TS);
        p.reserveShareBps = uint16(w >> OFF_POOL_RESERVE_SHARE);
        p.imBps = uint16(w >> OFF_POOL_IM);
    }

    function storePool(MarketLayout storage s, Pool memory p) internal {
        _store(s, SLOT_POOL, uint256(p.budget) | (uint256(p.markTwap) << OFF_POOL_MARK_TWAP)
            | (uint256(p.markTwapTs) << OFF_POOL_MARK_TWAP_TS) | (uint256(p.reserveShareBps) << OFF_POOL_RESERVE_SHARE)
            | (uint256(p.imBps) << OFF_POOL_IM));
    }

    function loadCurve(MarketLayout storage s) internal view returns (Curve memory c) {
        uint256 w = word(s, SLOT_CURVE);
        c.peg = uint96(w);
        c.sqrtK = uint96(w >> OFF_CURVE_SQRT_K);
        c.lastHookBlock = uint32(w >> OFF_CURVE_LAST_HOOK_BLOCK);
        c.maxOracleAgeMargin = uint32(w >> OFF_CURVE_MAX_ORACLE_AGE_MARGIN);
    }

    function storeCurve(MarketLayout storage s, Curve memory c) internal {
        _store(s, SLOT_CURVE, uint256(c.peg) | (uint256(c.sqrtK) << OFF_CURVE_SQRT_K)
            | (uint256(c.lastHookBlock) << OFF_CURVE_LAST_HOOK_BLOCK)
            | (uint256(c.maxOracleAgeMargin) << OFF_CURVE_MAX_ORACLE_AGE_MARGIN));
    }

    function loadHookWindow(MarketLayout storage s) internal view returns (HookWindow memory hw) {
        uint256 w = word(s, SLOT_HOOK_WINDOW);
        hw.oracleTwap = uint96(w);
        hw.curSpent = uint96(w >> OFF_HW_CUR_SPENT);
        hw.oracleTwapTs = uint32(w >> OFF_HW_ORACLE_TWAP_TS);
        hw.hookParamsA = uint32(w >> OFF_HW_PARAMS_A);
    }

    function storeHookWindow(MarketLayout storage s, HookWindow memory hw) internal {
        _store(s, SLOT_HOOK_WINDOW, uint256(hw.oracleTwap) | (uint256(hw.curSpent) << OFF_HW_CUR_SPENT)
            | (uint256(hw.oracleTwapTs) << OFF_HW_ORACLE_TWAP_TS) | (uint256(hw.hookParamsA) << OFF_HW_PARAMS_A));
    }

    function loadWindowStart(MarketLayout storage s) internal view returns (WindowStart memory ws) {
        uint256 w = word(s, SLOT_WINDOW_START);
        ws.prevSpent = uint96(w);
        ws.budgetAtWindowStart = uint96(w >> OFF_WS_BUDGET_AT_START);
        ws.hookParamsB = uint64(w >> OFF_WS_PARAMS_B);
    }

    function storeWindowStart(MarketLayout storage s, WindowStart memory ws) internal {
        _store(s, SLOT_WINDOW_START, uint256(ws.prevSpent) | (uint256(ws.budgetAtWindowStart) << OFF_WS_BUDGET_AT_START)
            | (uint256(ws.hookParamsB) << OFF_WS_PARAMS_B));
    }

    /// @dev The three FundingParams fields a hook reads (slot 7): the rolling k-decrease cap, the move
    /// window's length and the volatility breaker's band.
    function loadHookParams(MarketLayout storage s) internal view returns (HookParams memory hp) {
        uint256 w = word(s, SLOT_PARAMS);
        hp.maxDailyKDecreaseBps = uint16(w >> OFF_FP_K_DEC_CAP);
        hp.hookWindowSeconds = uint32(w >> OFF_FP_HOOK_WINDOW);
        hp.oracleBreakerBps = uint16(w >> OFF_FP_BREAKER);
    }

    function loadLimits(MarketLayout storage s) internal view returns (HookLimits memory l) {
        uint256 w = word(s, SLOT_LIMITS);
        l.lastOraclePrice = uint96(w);
        l.spendWindowIndex = uint32(w >> OFF_LIM_SPEND_WINDOW);
        l.moveWindowIndex = uint32(w >> OFF_LIM_MOVE_WINDOW);
        l.prevMoveBps = uint16(w >> OFF_LIM_PREV_MOVE);
        l.curMoveBps = uint16(w >> OFF_LIM_CUR_MOVE);
        l.prevKDecreaseBps = uint16(w >> OFF_LIM_PREV_K_DEC);
        l.curKDecreaseBps = uint16(w >> OFF_LIM_CUR_K_DEC);
        l.lastHookTimestamp = uint32(w >> OFF_LIM_LAST_HOOK_TS);
    }

    function storeLimits(MarketLayout storage s, HookLimits memory l) internal {
        _store(s, SLOT_LIMITS, uint256(l.lastOraclePrice) | (uint256(l.spendWindowIndex) << OFF_LIM_SPEND_WINDOW)
            | (uint256(l.moveWindowIndex) << OFF_LIM_MOVE_WINDOW) | (uint256(l.prevMoveBps) << OFF_LIM_PREV_MOVE)
            | (uint256(l.curMoveBps) << OFF_LIM_CUR_MOVE) | (uint256(l.prevKDecreaseBps) << OFF_LIM_PREV_K_DEC)
            | (uint256(l.curKDecreaseBps) << OFF_LIM_CUR_K_DEC) | (uint256(l.lastHookTimestamp) << OFF_LIM_LAST_HOOK_TS));
    }

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

    /// @dev An oracle observation (SPEC §5): folds the answer that held since the last observation
    /// (`lastOraclePrice`) into the oracle TWAP, then records `price` as the last answer and sets or
    /// clears the volatility breaker (|price − TWAP| > oracleBreakerBps·TWAP). Returns the folded TWAP.
    function observeOracle(MarketLayout storage s, uint256 price) internal returns (uint256 twap) {
        HookWindow memory hw = s.hookWindow;
        twap = TwapWad.update(hw.oracleTwap, hw.oracleTwapTs, s.limits.lastOraclePrice, block.timestamp, s.book.twapWindow);
        hw.oracleTwap = SafeCast.toUint96(twap);
        hw.oracleTwapTs = uint32(block.timestamp);
        s.hookWindow = hw;
        s.limits.lastOraclePrice = SafeCast.toUint96(price);
        setBreaker(s, s.book.flags, s.params.oracleBreakerBps, price, twap);
    }

    /// @dev Sets FLAG_VOLATILE when `price` is more than `breakerBps` (oracleBreakerBps) from `twap`,
    /// clears it otherwise. `flags` is the book's current flags byte (the caller has it loaded).
    function setBreaker(MarketLayout storage s, uint8 flags, uint256 breakerBps, uint256 price, uint256 twap) internal {
        uint256 diff = price > twap ? price - twap : twap - price;
        bool volatile_ = diff * 10_000 > breakerBps * twap;
        bool was = flags & FLAG_VOLATILE != 0;
        if (volatile_ == was) return;
        s.book.flags = volatile_ ? flags | FLAG_VOLATILE : flags & ~FLAG_VOLATILE;
        emit IVammMarket.VolatilityBreakerSet(volatile_, price, twap);
    }}
