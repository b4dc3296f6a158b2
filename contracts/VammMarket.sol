// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {DammRoles} from "./access/DammRoles.sol";
import {IVammMarket} from "./interfaces/IVammMarket.sol";
import {IClearingHouse} from "./interfaces/IClearingHouse.sol";
import {IClearingHouseErrors} from "./interfaces/IClearingHouseErrors.sol";
import {BpsMath} from "./libraries/BpsMath.sol";
import {CurveMathWad} from "./libraries/CurveMathWad.sol";
import {CostMathWad} from "./libraries/CostMathWad.sol";
import {TwapWad} from "./libraries/TwapWad.sol";
import {OracleLib} from "./libraries/OracleLib.sol";
import {
    MarketLayout, MarketStorage, Reserves, Book, Pool, Curve, Ledger, HookWindow, WindowStart, FundingParams
} from "./libraries/MarketStorage.sol";
import {VammMarketLib} from "./libraries/VammMarketLib.sol";

/// @title VammMarket
/// @notice One perpetual market (SPEC §1–§7). The ClearingHouse holds the tokens and the positions;
/// this contract holds the curve, the budget / reserved share ledgers, OI, TWAPs, guards and hooks.
/// @dev Storage layout and packing: see MarketStorage. The hot paths (trade, hooks) are inline; the
/// cold ones (funding settlement, marketState, setParameter) live in the linked library
/// VammMarketLib, which keeps this contract under the 24 KB limit.
contract VammMarket is IVammMarket, DammRoles {
    using SafeCast for uint256;

    uint256 private constant WAD = 1e18;
    uint256 private constant BPS = 10_000;
    uint256 private constant DAY = 86_400;
    uint8 private constant FLAG_PAUSED = MarketStorage.FLAG_PAUSED;
    uint8 private constant FLAG_GLOBAL_PAUSED = MarketStorage.FLAG_GLOBAL_PAUSED;
    uint8 private constant FLAG_REDUCE_ONLY = MarketStorage.FLAG_REDUCE_ONLY;
    uint256 private constant OI_UNIT = MarketStorage.OI_UNIT;
    /// @dev Slot offsets in MarketLayout and field masks, for the trade path's whole-word access.
    uint256 private constant SLOT_RESERVES = MarketStorage.SLOT_RESERVES;
    uint256 private constant SLOT_BOOK = MarketStorage.SLOT_BOOK;
    uint256 private constant SLOT_POOL = MarketStorage.SLOT_POOL;
    uint256 private constant SLOT_CURVE = MarketStorage.SLOT_CURVE;
    uint256 private constant SLOT_LEDGER = MarketStorage.SLOT_LEDGER;
    uint256 private constant MASK32 = type(uint32).max;
    uint256 private constant MASK96 = type(uint96).max;
    uint256 private constant MASK192 = type(uint192).max;

    /// @dev Curve values a trade works on, in memory.
    struct Amm {
        uint256 x;
        uint256 y;
        uint256 sqrtK;
        uint256 peg;
        uint256 longOI;
        uint256 shortOI;
    }

    /// @dev Everything a hook reads (raw storage words and the values decoded from them), and the
    /// window it would commit.
    struct HookCtx {
        uint256 reserves;
        uint256 pool;
        uint256 curve;
        uint256 hookWindow;
        uint256 windowStart;
        uint256 x;
        uint256 y;
        uint256 peg;
        uint256 sqrtK;
        uint256 twapWindow;
        uint256 oraclePrice;
        uint256 newOracleTwap;
        uint256 mark;
        int256 d;
        uint256 prevSpent;
        uint256 curSpent;
        uint256 budgetAtWindowStart;
        bool rolled;
    }

    /// @inheritdoc IVammMarket
    address public immutable override clearingHouse;
    /// @inheritdoc IVammMarket
    AggregatorV3Interface public immutable override oracle;
    uint256 private immutable _oracleScale;

    MarketLayout private _s;

    modifier onlyClearingHouse() {
        if (msg.sender != clearingHouse) revert Vamm_OnlyClearingHouse(msg.sender);
        _;
    }

    constructor(MarketConfig memory cfg) {
        if (cfg.clearingHouse == address(0)) revert Vamm_ZeroAddress("clearingHouse");
        if (cfg.oracle == address(0)) revert Vamm_ZeroAddress("oracle");
        if (cfg.admin == address(0)) revert Vamm_ZeroAddress("admin");
        _checkBounds("sqrtK", cfg.sqrtK, 1, type(uint96).max);
        _checkBounds("peg", cfg.peg, 1, type(uint96).max);
        clearingHouse = cfg.clearingHouse;
        AggregatorV3Interface feed = AggregatorV3Interface(cfg.oracle);
        oracle = feed;
        uint256 scale = OracleLib.scaleOf(feed);
        _oracleScale = scale;

        // lastFundingTime starts at deployment.
        _s.params = FundingParams({
            fundingPeriod: 3600,
            fundingCapBps: 1000,
            fundingBudgetShareBps: 3333,
            maxOracleAgeMargin: 3600,
            mmBps: 625,
            liquidationFeeBps: 250,
            lastFundingTime: uint32(block.timestamp)
        });
        uint256 oraclePrice = OracleLib.readWad(feed, scale, 3600);
        // uint32 timestamps hold until 2106.
        uint32 nowTs = uint32(block.timestamp);
        _s.reserves = Reserves(cfg.sqrtK.toUint112(), cfg.sqrtK.toUint112(), 0);
        _s.book = Book(0, 0, 10, 200, 0, 3600);
        _s.pool = Pool(0, cfg.peg.toUint96(), nowTs, 5000, 1000);
        _s.ledger = Ledger(0, cfg.peg.toUint96(), MarketStorage.toOiMicro(cfg.maxOpenInterest));
        // lastHookTimestamp 0 = window index 0 = "no window yet": the first hook rolls a window and
        // takes its budget as budgetAtWindowStart (the simulator's windowIndex −1).
        _s.curve = Curve(cfg.peg.toUint96(), cfg.sqrtK.toUint96(), 0, 0);
        (uint32 hookParamsA, uint64 hookParamsB) = MarketStorage.defaultHookParams();
        _s.hookWindow = HookWindow(oraclePrice.toUint96(), 0, nowTs, hookParamsA);
        _s.windowStart = WindowStart(0, 0, hookParamsB);
        _grantRole(DEFAULT_ADMIN_ROLE, cfg.admin);
    }

    // =================================================================== trading (ClearingHouse)

    /// @inheritdoc IVammMarket
    /// @dev Gas: the five slots a trade touches are read once and written once as whole words
    /// (layout: MarketStorage; bit offsets below), instead of member-wise struct copies.
    function trade(int256 size, bool isLong, uint256 amount, TradeKind kind)
        external
        onlyClearingHouse
        returns (TradeResult memory r)
    {
        uint256 base;
        assembly ("memory-safe") {
            base := _s.slot
        }
        uint256 book = _sload(base + SLOT_BOOK);
        _requireActive(uint8(book >> 224));
        uint256 pool = _sload(base + SLOT_POOL);
        uint256 ledger = _sload(base + SLOT_LEDGER);
        Amm memory a;
        uint256 blockStartMark;
        {
            uint256 res = _sload(base + SLOT_RESERVES);
            uint256 curve = _sload(base + SLOT_CURVE);
            a = Amm(uint112(res), uint112(res >> 112), uint96(curve >> 96), uint96(curve), uint96(book), uint96(book >> 96));
            uint256 markBefore = CurveMathWad.markPrice(a.x, a.y, a.peg);
            uint256 markTwapTs = uint32(pool >> 192);
            if (block.timestamp != markTwapTs) {
                uint256 twap = TwapWad.update(uint96(pool >> 96), markTwapTs, markBefore, block.timestamp, uint24(book >> 232));
                pool = (pool & ~(MASK96 << 96 | MASK32 << 192)) | (uint256(twap.toUint96()) << 96)
                    | (uint256(uint32(block.timestamp)) << 192);
            }
            // uint32 block numbers: wraps after 4e9 blocks; a wrap only re-arms the block-start mark.
            blockStartMark = uint32(res >> 224) != uint32(block.number) ? markBefore.toUint96() : uint96(ledger >> 96);
        }

        if (kind == TradeKind.OpenQuote) {
            _tradeQuote(a, r, size, isLong, amount);
        } else {
            r.closedBase = amount;
            r.closedQuote = _close(a, size > 0, amount);
        }

        {
            uint256 feeBps = uint16(book >> 192);
            uint256 fee;
            // A fee is at most 1 % of its leg's quote, and the ledgers are < 2^96: none of the sums
            // below can overflow 256 bits; the ledgers are range-checked (SafeCast) before the write.
            if (r.closedQuote != 0) fee = BpsMath.mulBpsUp(r.closedQuote, feeBps);
            if (r.openedQuote != 0) {
                unchecked {
                    fee += BpsMath.mulBpsUp(r.openedQuote, feeBps);
                }
            }
            r.fee = fee;
            if (fee != 0) {
                uint256 toReserve = BpsMath.mulBpsDown(fee, uint16(pool >> 224));
                uint256 toBudget;
                uint256 budget;
                uint256 reserved;
                unchecked {
                    toBudget = fee - toReserve; // toReserve ≤ fee (bps ≤ 1e4)
                    budget = uint96(pool) + toBudget;
                    reserved = uint96(ledger) + toReserve;
                }
                pool = (pool & ~MASK96) | budget.toUint96();
                ledger = (ledger & ~MASK96) | reserved.toUint96();
                emit FeeCollected(fee, toBudget, toReserve);
            }
        }

        if (r.openedBase != 0) {
            if (uint8(book >> 224) & FLAG_REDUCE_ONLY != 0) revert Vamm_ReduceOnly();
            uint256 oi = a.longOI + a.shortOI;
            uint256 maxOi = uint256(uint64(ledger >> 192)) * OI_UNIT;
            if (oi > maxOi) revert Vamm_OpenInterestCapExceeded(oi, maxOi);
        }
        if (kind != TradeKind.LiquidateBase) _checkFluctuation(a, blockStartMark, uint16(book >> 208), r.openedBase);

        _sstore(
            base + SLOT_RESERVES,
            uint256(a.x.toUint112()) | (uint256(a.y.toUint112()) << 112) | (uint256(uint32(block.number)) << 224)
        );
        _sstore(base + SLOT_BOOK, (book & ~MASK192) | a.longOI.toUint96() | (uint256(a.shortOI.toUint96()) << 96));
        _sstore(base + SLOT_POOL, pool);
        _sstore(base + SLOT_LEDGER, (ledger & ~(MASK96 << 96)) | (blockStartMark << 96));
        r.imBps = uint16(pool >> 240);
    }

    function _sload(uint256 slot) private view returns (uint256 w) {
        assembly ("memory-safe") {
            w := sload(slot)
        }
    }

    function _sstore(uint256 slot, uint256 w) private {
        assembly ("memory-safe") {
            sstore(slot, w)
        }
    }

    /// @dev OpenQuote: increase, reduce by the base the opposite trade of q would move, or close
    /// fully and open the rest the other way (SPEC §3).
    function _tradeQuote(Amm memory a, TradeResult memory r, int256 size, bool isLong, uint256 q) private pure {
        if (size == 0 || (size > 0) == isLong) {
            uint256 base = _open(a, isLong, q);
            if (base == 0) revert Vamm_ZeroBaseAmount(q);
            r.openedBase = base;
            r.openedQuote = q;
            return;
        }
        bool posLong = size > 0;
        uint256 s = posLong ? uint256(size) : uint256(-size);
        uint256 closeValue = _closeQuoteView(a, posLong, s);
        if (q < closeValue) {
            uint256 b = _quoteToBase(a, isLong, q);
            if (b > s) b = s;
            if (b == 0) revert Vamm_ZeroBaseAmount(q);
            r.closedBase = b;
            r.closedQuote = _close(a, posLong, b);
        } else {
            r.closedBase = s;
            r.closedQuote = _close(a, posLong, s);
            uint256 rest = q - r.closedQuote; // closedQuote == closeValue ≤ q
            if (rest != 0) {
                uint256 base = _open(a, isLong, rest);
                if (base != 0) {
                    r.openedBase = base;
                    r.openedQuote = rest;
                }
            }
        }
    }

    /// @dev Applies an increase of quote q; returns the base moved (0 = nothing applied).
    function _open(Amm memory a, bool isLong, uint256 q) private pure returns (uint256 base) {
        (uint256 x1, uint256 y1) =
            isLong ? CurveMathWad.afterLong(a.y, a.sqrtK, a.peg, q) : CurveMathWad.afterShort(a.y, a.sqrtK, a.peg, q);
        unchecked {
            // Each subtraction is guarded by its comparison.
            base = isLong ? (a.x > x1 ? a.x - x1 : 0) : (x1 > a.x ? x1 - a.x : 0);
        }
        if (base == 0) return 0;
        a.x = x1;
        a.y = y1;
        unchecked {
            // OI < 2^96 (stored width) and base < 2^112: no overflow; the sum is range-checked on store.
            if (isLong) a.longOI += base;
            else a.shortOI += base;
        }
    }

    /// @dev Applies a close of b base of the long (posLong) or short side; returns quote out / in.
    function _close(Amm memory a, bool posLong, uint256 b) private pure returns (uint256 quote) {
        uint256 x1;
        uint256 y1;
        if (posLong) {
            (x1, y1, quote) = CurveMathWad.closeLong(a.x, a.y, a.sqrtK, a.peg, b);
            a.longOI -= b;
        } else {
            (x1, y1, quote) = CurveMathWad.closeShort(a.x, a.y, a.sqrtK, a.peg, b);
            a.shortOI -= b;
        }
        a.x = x1;
        a.y = y1;
    }

    function _closeQuoteView(Amm memory a, bool posLong, uint256 b) private pure returns (uint256 quote) {
        (,, quote) = posLong
            ? CurveMathWad.closeLong(a.x, a.y, a.sqrtK, a.peg, b)
            : CurveMathWad.closeShort(a.x, a.y, a.sqrtK, a.peg, b);
    }

    /// @dev Base the trade of quote q in direction isLong would move (received for long, owed for short).
    function _quoteToBase(Amm memory a, bool isLong, uint256 q) private pure returns (uint256) {
        if (isLong) {
            (uint256 x1,) = CurveMathWad.afterLong(a.y, a.sqrtK, a.peg, q);
            return a.x > x1 ? a.x - x1 : 0;
        }
        (uint256 x2,) = CurveMathWad.afterShort(a.y, a.sqrtK, a.peg, q);
        return x2 > a.x ? x2 - a.x : 0;
    }

    /// @dev Beyond the limit only one purely reducing trade per block passes (SPEC §6).
    function _checkFluctuation(Amm memory a, uint256 startMark, uint256 limitBps, uint256 openedBase) private {
        uint256 newMark = CurveMathWad.markPrice(a.x, a.y, a.peg);
        uint256 diff = newMark > startMark ? newMark - startMark : startMark - newMark;
        if (diff * BPS <= limitBps * startMark) return;
        if (openedBase != 0 || _s.overLimitReduceBlock == block.number) {
            revert Vamm_FluctuationLimitExceeded((diff * BPS) / startMark, limitBps);
        }
        _s.overLimitReduceBlock = block.number;
    }

    // =================================================================== ledgers (ClearingHouse)

    /// @inheritdoc IVammMarket
    function creditBudget(uint256 amount) external onlyClearingHouse {
        uint256 old = _s.pool.budget;
        uint256 next = old + amount;
        _s.pool.budget = next.toUint96();
        emit BudgetChanged(old, next, BudgetChangeReason.Funded);
    }

    /// @inheritdoc IVammMarket
    function creditReserve(uint256 amount) external onlyClearingHouse {
        uint256 old = _s.ledger.reservedShare;
        uint256 next = old + amount;
        _s.ledger.reservedShare = next.toUint96();
        emit ReservedShareChanged(old, next, ReserveChangeReason.LiquidationFee);
    }

    /// @inheritdoc IVammMarket
    function debitReserve(uint256 amount) external onlyClearingHouse {
        uint256 old = _s.ledger.reservedShare;
        if (amount > old) revert Vamm_InsufficientReserve(amount, old);
        unchecked {
            _s.ledger.reservedShare = uint96(old - amount); // amount ≤ old checked above; fits as old did
        }
        emit ReservedShareChanged(old, old - amount, ReserveChangeReason.Withdrawn);
    }

    /// @inheritdoc IVammMarket
    function absorbBadDebt(uint256 amount) external onlyClearingHouse returns (uint256 fromReserve, uint256 fromBudget) {
        uint256 reserved = _s.ledger.reservedShare;
        uint256 budget = _s.pool.budget;
        fromReserve = amount < reserved ? amount : reserved;
        uint256 rest = amount - fromReserve;
        fromBudget = rest < budget ? rest : budget;
        // Both take at most what the slot holds, so the new values fit.
        _s.ledger.reservedShare = uint96(reserved - fromReserve);
        _s.pool.budget = uint96(budget - fromBudget);
        if (fromReserve != 0) emit ReservedShareChanged(reserved, reserved - fromReserve, ReserveChangeReason.BadDebt);
        if (fromBudget != 0) emit BudgetChanged(budget, budget - fromBudget, BudgetChangeReason.BadDebt);
    }

    /// @inheritdoc IVammMarket
    function setGlobalPause(bool paused) external onlyClearingHouse {
        uint8 flags = _s.book.flags;
        _s.book.flags = paused ? flags | FLAG_GLOBAL_PAUSED : flags & ~FLAG_GLOBAL_PAUSED;
        emit GlobalPauseSet(paused);
    }

    // =================================================================== keeper hooks
    //
    // The hook path reads and writes whole storage words (one SLOAD / SSTORE per slot, no struct
    // copies): the bit offsets below are Solidity's packing of the MarketStorage structs (members
    // fill a slot from the low-order bits in declaration order), relative to `_s.slot`: reserves (0)
    // base 0, quote 112; book (1) longOI 0, shortOI 96, flags 224, twapWindow 232; pool (2) budget 0,
    // markTwap 96, markTwapTs 192; curve (3) peg 0, sqrtK 96, lastHookBlock 192, lastHookTimestamp 224;
    // hookWindow (5) oracleTwap 0, curSpent 96, oracleTwapTs 192, hook parameters A 224;
    // windowStart (6) prevSpent 0, budgetAtWindowStart 96, hook parameters B 192. A hook touches these
    // six slots only (and the role); the window index is `lastHookTimestamp / 1 days`.

    uint256 private constant SLOT_HOOK_WINDOW = MarketStorage.SLOT_HOOK_WINDOW;
    uint256 private constant SLOT_WINDOW_START = MarketStorage.SLOT_WINDOW_START;
    uint256 private constant M32 = type(uint32).max;
    uint256 private constant M96 = type(uint96).max;
    uint256 private constant M112 = type(uint112).max;

    /// @inheritdoc IVammMarket
    function repeg(uint256 newPeg) external returns (int256 cost) {
        _checkKeeper();
        HookCtx memory h = _hookCtxAllocator()();
        _hookPrelude(h);
        uint256 newMark;
        (cost, newMark) = _repegCost(h, newPeg);
        _checkSpend(h, cost);
        // newPeg ≤ uint96 (checked in _repegCost); sqrtK keeps its bits.
        _commitHook(h, cost, newPeg | (h.sqrtK << 96));
        emit PegUpdated(h.peg, newPeg, cost, newMark);
    }

    /// @inheritdoc IVammMarket
    function updateK(uint256 newSqrtK) external returns (int256 cost) {
        _checkKeeper();
        HookCtx memory h = _hookCtxAllocator()();
        _hookPrelude(h);
        (uint256 x1, uint256 y1) = _checkKShape(h, newSqrtK);
        cost = CostMathWad.kCost(h.x, h.y, h.sqrtK, x1, y1, newSqrtK, h.d, h.peg);
        _checkSpend(h, cost);
        _hookStore(SLOT_RESERVES, x1.toUint112() | (uint256(y1.toUint112()) << 112) | (h.reserves & ~(M112 | (M112 << 112))));
        // newSqrtK ≤ uint96 (checked in _checkKShape).
        _commitHook(h, cost, h.peg | (newSqrtK << 96));
        uint256 newMark;
        unchecked {
            newMark = (y1 * h.peg) / x1; // y1 < 2^112 (stored above), peg < 2^96; x1 > 0 (ceil of a positive)
        }
        emit KUpdated(h.sqrtK, newSqrtK, cost, newMark);
    }

    /// @inheritdoc IVammMarket
    function previewRepeg(uint256 newPeg) external view returns (int256 cost, uint256 newMark) {
        HookCtx memory h = _hookCtxAllocator()();
        _hookPrelude(h);
        (cost, newMark) = _repegCost(h, newPeg);
        _checkSpend(h, cost);
    }

    /// @inheritdoc IVammMarket
    function previewUpdateK(uint256 newSqrtK) external view returns (int256 cost, uint256 newMark) {
        HookCtx memory h = _hookCtxAllocator()();
        _hookPrelude(h);
        (uint256 x1, uint256 y1) = _checkKShape(h, newSqrtK);
        cost = CostMathWad.kCost(h.x, h.y, h.sqrtK, x1, y1, newSqrtK, h.d, h.peg);
        _checkSpend(h, cost);
        newMark = (y1 * h.peg) / x1;
    }

    /// @dev `onlyRole(KEEPER_ROLE)` without the modifier's two internal hops: the same role read and
    /// the same AccessControlUnauthorizedAccount(account, role) error.
    function _checkKeeper() private view {
        if (!hasRole(KEEPER_ROLE, msg.sender)) revert AccessControlUnauthorizedAccount(msg.sender, KEEPER_ROLE);
    }

    /// @dev A HookCtx allocator that skips Solidity's zero-initialisation of the 18 words (gas): a
    /// raw word allocator, called through its function pointer retyped to return a HookCtx. Sound
    /// because every field is written before it is read: _hookPrelude writes all but the window
    /// fields, and _checkSpend (always before _commitHook) writes prevSpent, budgetAtWindowStart,
    /// curSpent and rolled on every path that does not revert.
    function _hookCtxAllocator() private pure returns (function() pure returns (HookCtx memory) alloc) {
        function() pure returns (uint256) raw = _allocHookCtxWords;
        assembly ("memory-safe") {
            alloc := raw
        }
    }

    /// @dev Reserves the 18 words of a HookCtx past the free memory pointer, unzeroed.
    function _allocHookCtxWords() private pure returns (uint256 ptr) {
        assembly ("memory-safe") {
            ptr := mload(0x40)
            mstore(0x40, add(ptr, 0x240))
        }
    }

    /// @dev Loads what a hook reads into `h`; checks pause, oracle validity / freshness and the
    /// divergence of the answer from the oracle TWAP as it stood before this read.
    function _hookPrelude(HookCtx memory h) private view {
        uint256 book = _hookLoad(SLOT_BOOK);
        _requireActive(uint8(book >> 224));
        uint256 hw = _hookLoad(SLOT_HOOK_WINDOW);
        h.hookWindow = hw;
        uint256 price = OracleLib.readWad(
            oracle,
            _oracleScale,
            ((hw >> MarketStorage.SHIFT_MAX_ORACLE_AGE_HOOKS) & ((1 << MarketStorage.BITS_MAX_ORACLE_AGE_HOOKS) - 1))
        );
        h.oraclePrice = price;
        uint256 twap = hw & M96;
        uint256 maxDiv = ((hw >> MarketStorage.SHIFT_DIVERGENCE) & ((1 << MarketStorage.BITS_DIVERGENCE) - 1));
        uint256 diff;
        unchecked {
            // Each subtraction is guarded by its comparison.
            diff = price > twap ? price - twap : twap - price;
        }
        bool diverged;
        unchecked {
            // maxDiv ≤ 5000 < BPS, so diff ≥ twap always diverges; otherwise diff < twap < 2^96 and
            // maxDiv < 2^13: neither product can overflow. Same comparison as diff·1e4 > maxDiv·twap.
            diverged = diff >= twap || diff * BPS > maxDiv * twap;
        }
        if (diverged) revert Vamm_OracleTwapDivergence((diff * BPS) / twap, maxDiv);
        uint256 twapWindow = book >> 232;
        h.twapWindow = twapWindow;
        // Not diverged: price < 2·twap < 2^97; twapWindow < 2^24 (TwapWad.updateBounded's bounds).
        h.newOracleTwap = TwapWad.updateBounded(twap, uint32(hw >> 192), price, block.timestamp, twapWindow);
        uint256 res = _hookLoad(SLOT_RESERVES);
        h.reserves = res;
        uint256 x = res & M112;
        uint256 y = (res >> 112) & M112;
        h.x = x;
        h.y = y;
        uint256 c = _hookLoad(SLOT_CURVE);
        h.curve = c;
        uint256 peg = c & M96;
        h.peg = peg;
        h.sqrtK = (c >> 96) & M96;
        h.pool = _hookLoad(SLOT_POOL);
        h.windowStart = _hookLoad(SLOT_WINDOW_START);
        unchecked {
            // y < 2^112, peg < 2^96: no overflow; x > 0 (reserves never reach zero): floor(y·P/x)
            // exactly as markPrice.
            h.mark = (y * peg) / x;
            // OIs < 2^96: the difference fits.
            h.d = int256(book & M96) - int256((book >> 96) & M96);
        }
    }

    /// @dev Direction, size and cost of a repeg (SPEC §6 order: toward oracle, not past, size).
    function _repegCost(HookCtx memory h, uint256 newPeg) private pure returns (int256 cost, uint256 newMark) {
        newPeg.toUint96();
        unchecked {
            newMark = (h.y * newPeg) / h.x; // y < 2^112, newPeg < 2^96 (checked), x > 0
        }
        {
            uint256 mark = h.mark;
            uint256 o = h.oraclePrice;
            bool up = o > mark && newMark > mark;
            bool down = o < mark && newMark < mark;
            if (!up && !down) revert Vamm_NotTowardOracle(mark, newMark, o);
            if ((up && newMark > o) || (down && newMark < o)) revert Vamm_PastOracle(newMark, o);
        }
        uint256 peg = h.peg;
        {
            uint256 dp;
            unchecked {
                // Guarded subtractions; dp, peg < 2^96 and bps < 2^11: the products fit.
                dp = newPeg > peg ? newPeg - peg : peg - newPeg;
                uint256 maxPeg = ((h.windowStart >> MarketStorage.SHIFT_MAX_PEG) & ((1 << MarketStorage.BITS_MAX_PEG) - 1));
                if (dp * BPS > maxPeg * peg) {
                    revert Vamm_PegChangeTooLarge(Math.mulDiv(dp, BPS, peg, Math.Rounding.Ceil), maxPeg);
                }
            }
        }
        cost = CostMathWad.repegCost(h.x, h.y, h.sqrtK, h.d, peg, newPeg);
    }

    /// @dev k bounds and the net-position floor; returns the scaled reserves.
    function _checkKShape(HookCtx memory h, uint256 newSqrtK) private pure returns (uint256 x1, uint256 y1) {
        newSqrtK.toUint96();
        uint256 sqrtK = h.sqrtK;
        uint256 ws = h.windowStart;
        unchecked {
            // sqrtK, newSqrtK < 2^96 and the bps fields ≤ 1000: every product fits; BPS − dec ≥ 9000.
            if (
                newSqrtK * BPS < sqrtK * (BPS - ((ws >> MarketStorage.SHIFT_K_DEC) & ((1 << MarketStorage.BITS_K_DEC) - 1)))
                    || newSqrtK * BPS
                        > sqrtK * (BPS + ((ws >> MarketStorage.SHIFT_K_INC) & ((1 << MarketStorage.BITS_K_INC) - 1)))
            ) revert Vamm_KChangeOutOfBounds(sqrtK, newSqrtK);
        }
        uint256 absD = h.d >= 0 ? uint256(h.d) : uint256(-h.d);
        if (newSqrtK < absD) revert Vamm_SqrtKBelowNetPosition(newSqrtK, absD);
        (x1, y1) = CostMathWad.scaledReserves(h.x, h.y, sqrtK, newSqrtK);
    }

    /// @dev Cost ≤ budget, cooldown, rolling daily cap (SPEC §6); records the rolled window in `h`.
    function _checkSpend(HookCtx memory h, int256 cost) private view {
        uint256 budget = h.pool & M96;
        if (cost > 0 && uint256(cost) > budget) revert Vamm_CostExceedsBudget(cost, budget);
        uint256 ws = h.windowStart;
        uint256 c = h.curve;
        uint256 last = uint32(c >> 192);
        if (last != 0) {
            uint256 cooldown = ((ws >> MarketStorage.SHIFT_COOLDOWN) & ((1 << MarketStorage.BITS_COOLDOWN) - 1));
            unchecked {
                // last < 2^32, cooldown < 2^13: no overflow.
                if (block.number < last + cooldown) revert Vamm_HookCooldown(last, block.number);
            }
        }
        uint256 idx;
        uint256 hwIndex;
        unchecked {
            // Division by the nonzero constant DAY: neither can overflow nor divide by zero.
            idx = block.timestamp / DAY;
            // The window of the last hook (0 before the first one, the simulator's −1).
            hwIndex = (c >> 224) / DAY;
        }
        uint256 oldCur = (h.hookWindow >> 96) & M96;
        uint256 curSpent;
        uint256 prevSpent;
        uint256 windowBudget;
        if (idx == hwIndex) {
            h.rolled = false; // written on both paths: the context is not zero-initialised
            curSpent = oldCur;
            prevSpent = ws & M96;
            windowBudget = (ws >> 96) & M96;
        } else {
            h.rolled = true;
            unchecked {
                prevSpent = idx == hwIndex + 1 ? oldCur : 0; // hwIndex < 2^32 / 86400: no overflow
            }
            windowBudget = budget;
        }
        h.prevSpent = prevSpent;
        h.budgetAtWindowStart = windowBudget;
        if (cost > 0) {
            uint256 spend = uint256(cost);
            uint256 cap;
            uint256 spent;
            unchecked {
                // budgetAtWindowStart < 2^96, bps < 2^14: floor(b·bps/1e4) exactly; spends < 2^96.
                cap = (windowBudget * ((ws >> MarketStorage.SHIFT_DAILY_CAP) & ((1 << MarketStorage.BITS_DAILY_CAP) - 1))) / BPS;
                spent = prevSpent + curSpent;
            }
            unchecked {
                // spent = prevSpent + curSpent < 2^97 (two uint96 fields) and spend ≤ budget < 2^96
                // (checked above): the sum is < 2^98, no overflow.
                if (spent + spend > cap) revert Vamm_DailyCostCapExceeded(spent, spend, cap);
                curSpent += spend; // ≤ cap < 2^96 (checked just above)
            }
        }
        h.curSpent = curSpent;
    }

    /// @dev Writes a successful hook: mark TWAP (with the mark that held), budget, oracle TWAP,
    /// window, cooldown stamp and the new peg / sqrtK (`curveLow`: bits 0–191 of the curve slot).
    function _commitHook(HookCtx memory h, int256 cost, uint256 curveLow) private {
        uint256 now_ = block.timestamp & M32;
        uint256 pool = h.pool;
        uint256 markTwap = (pool >> 96) & M96;
        uint256 markTwapTs = uint32(pool >> 192);
        if (now_ != markTwapTs) {
            // markTwap < 2^96 and now_ < 2^32: updateBounded holds for a mark < 2^190; a larger mark
            // (y·P/x < 2^208) takes the checked path, so behaviour is unchanged for any state.
            markTwap = h.mark < (1 << 190)
                ? TwapWad.updateBounded(markTwap, markTwapTs, h.mark, now_, h.twapWindow).toUint96()
                : TwapWad.update(markTwap, markTwapTs, h.mark, now_, h.twapWindow).toUint96();
        }
        int256 budgetAfter;
        unchecked {
            // budget < 2^96 and |cost| < 2^210 (CostMathWad bounds): the difference fits int256.
            budgetAfter = int256(pool & M96) - cost;
        }
        // cost ≤ budget when positive (checked), so ≥ 0; a revenue is range-checked by the cast.
        uint256 budget = SafeCast.toUint256(budgetAfter).toUint96();
        // uint32 timestamps hold until 2106; block numbers wrap after 4e9 blocks (cooldown only).
        _hookStore(SLOT_POOL, (pool & ~(M96 | (M96 << 96) | (M32 << 192))) | budget | (markTwap << 96) | (now_ << 192));
        // curSpent ≤ the cap < 2^96 (checked in _checkSpend); the hook parameters keep their bits.
        _hookStore(
            SLOT_HOOK_WINDOW,
            h.newOracleTwap.toUint96() | (h.curSpent << 96) | (now_ << 192) | (h.hookWindow & (M32 << 224))
        );
        if (h.rolled) {
            // prevSpent ≤ the old curSpent and budgetAtWindowStart = budget: both < 2^96.
            _hookStore(
                SLOT_WINDOW_START,
                h.prevSpent | (h.budgetAtWindowStart << 96) | (h.windowStart & ~(M96 | (M96 << 96)))
            );
        }
        _hookStore(SLOT_CURVE, curveLow | ((block.number & M32) << 192) | (now_ << 224));
    }

    /// @dev The word at `offset` slots into the market layout.
    function _hookLoad(uint256 offset) private view returns (uint256 word) {
        assembly ("memory-safe") {
            word := sload(add(_s.slot, offset))
        }
    }

    function _hookStore(uint256 offset, uint256 word) private {
        assembly ("memory-safe") {
            sstore(add(_s.slot, offset), word)
        }
    }

    // =================================================================== funding & oracle

    /// @inheritdoc IVammMarket
    function settleFunding() external returns (int256) {
        return VammMarketLib.settleFunding(_s, oracle, _oracleScale, clearingHouse);
    }

    /// @inheritdoc IVammMarket
    function observeOracle() external returns (uint256 price, uint256 oracleTwap) {
        price = OracleLib.readWad(oracle, _oracleScale, _s.params.maxOracleAgeMargin);
        oracleTwap = MarketStorage.foldOracle(_s, price, _s.book.twapWindow);
    }

    // =================================================================== admin

    /// @inheritdoc IVammMarket
    function setParameter(bytes32 name, uint256 value) external onlyRole(PARAM_ADMIN_ROLE) {
        VammMarketLib.setParameter(_s, name, value);
    }

    /// @inheritdoc IVammMarket
    function setReduceOnly(bool reduceOnly) external onlyRole(PARAM_ADMIN_ROLE) {
        uint8 flags = _s.book.flags;
        bool old = flags & FLAG_REDUCE_ONLY != 0;
        _s.book.flags = reduceOnly ? flags | FLAG_REDUCE_ONLY : flags & ~FLAG_REDUCE_ONLY;
        emit ReduceOnlySet(old, reduceOnly);
    }

    /// @inheritdoc IVammMarket
    function pause() external onlyRole(GUARDIAN_ROLE) {
        _s.book.flags |= FLAG_PAUSED;
        emit Paused(msg.sender);
    }

    /// @inheritdoc IVammMarket
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _s.book.flags &= ~FLAG_PAUSED;
        emit Unpaused(msg.sender);
    }

    // =================================================================== views

    /// @inheritdoc IVammMarket
    function marketState() external view returns (MarketState memory) {
        return VammMarketLib.marketState(_s, clearingHouse);
    }

    /// @inheritdoc IVammMarket
    function markPrice() external view returns (uint256) {
        Reserves memory res = _s.reserves;
        return CurveMathWad.markPrice(res.base, res.quote, _s.curve.peg);
    }

    /// @inheritdoc IVammMarket
    function oracleLatest() external view returns (uint256 priceWad, uint256 updatedAt) {
        int256 answer;
        (, answer,, updatedAt,) = oracle.latestRoundData();
        if (answer <= 0) revert Oracle_NonPositiveAnswer(answer);
        priceWad = uint256(answer) * _oracleScale;
    }

    /// @inheritdoc IVammMarket
    function previewClose(int256 size, uint256 base) external view returns (uint256 quote, uint256 fee) {
        if (base == 0 || size == 0) return (0, 0);
        Reserves memory res = _s.reserves;
        Curve memory c = _s.curve;
        (,, quote) = size > 0
            ? CurveMathWad.closeLong(res.base, res.quote, c.sqrtK, c.peg, base)
            : CurveMathWad.closeShort(res.base, res.quote, c.sqrtK, c.peg, base);
        fee = BpsMath.mulBpsUp(quote, _s.book.feeBps);
    }

    /// @inheritdoc IVammMarket
    function marginParams() external view returns (uint256 imBps, uint256 mmBps, uint256 liquidationFeeBps) {
        FundingParams memory fp = _s.params;
        return (_s.pool.imBps, fp.mmBps, fp.liquidationFeeBps);
    }

    /// @inheritdoc IVammMarket
    function requireActive() external view {
        _requireActive(_s.book.flags);
    }

    // =================================================================== internals

    function _requireActive(uint8 flags) private pure {
        MarketStorage.requireActive(flags);
    }

    function _checkBounds(bytes32 name, uint256 value, uint256 min, uint256 max) private pure {
        MarketStorage.checkBounds(name, value, min, max);
    }
}
