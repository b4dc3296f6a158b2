// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {DammRoles} from "./access/DammRoles.sol";
import {IVammMarket} from "./interfaces/IVammMarket.sol";
import {IClearingHouse} from "./interfaces/IClearingHouse.sol";
import {IClearingHouseErrors} from "./interfaces/IClearingHouseErrors.sol";
import {BpsMath} from "./libraries/BpsMath.sol";
import {CurveMathWad} from "./libraries/CurveMathWad.sol";
import {TwapWad} from "./libraries/TwapWad.sol";
import {OracleLib} from "./libraries/OracleLib.sol";
import {
    MarketLayout,
    MarketStorage,
    Reserves,
    Book,
    Pool,
    Curve,
    Ledger,
    HookWindow,
    WindowStart,
    FundingParams
} from "./libraries/MarketStorage.sol";
import {VammMarketLib} from "./libraries/VammMarketLib.sol";
import {HookPath} from "./libraries/HookPath.sol";

/// @title VammMarket
/// @notice One perpetual market (SPEC §1–§7). The ClearingHouse holds the tokens and the positions;
/// this contract holds the curve, the budget / reserved share ledgers, OI, TWAPs, guards and hooks.
/// @dev Storage layout and packing: see MarketStorage. The hot paths (trade, keeper hooks) are inline;
/// the cold ones (funding settlement, marketState, setParameter, the hook previews, observeOracle,
/// maxLiquidationBase, setReduceOnly, creditBudget, debitReserve, absorbBadDebt) live in
/// the linked library VammMarketLib, which keeps this contract under the 24 KB limit.
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
    uint8 private constant FLAG_VOLATILE = MarketStorage.FLAG_VOLATILE;
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
            mmBps: 625,
            liquidationFeeBps: 250,
            lastFundingTime: uint32(block.timestamp),
            maxDailyKDecreaseBps: 500,
            hookWindowSeconds: 3600,
            oracleBreakerBps: 500,
            maxLiquidationSlippageBps: 500
        });
        uint256 oraclePrice = OracleLib.readWad(feed, scale, 3600);
        // uint32 timestamps hold until 2106.
        uint32 nowTs = uint32(block.timestamp);
        _s.reserves = Reserves(cfg.sqrtK.toUint112(), cfg.sqrtK.toUint112(), 0);
        _s.book = Book(0, 0, 10, 200, 0, 3600);
        _s.pool = Pool(0, cfg.peg.toUint96(), nowTs, 5000, 1000);
        _s.ledger = Ledger(0, cfg.peg.toUint96(), MarketStorage.toOiMicro(cfg.maxOpenInterest));
        // maxOracleAgeMargin 3600 s. Spend window index 0 (limits) = "no window yet": the first hook rolls a
        // window and takes its budget as budgetAtWindowStart (the simulator's windowIndex −1).
        _s.curve = Curve(cfg.peg.toUint96(), cfg.sqrtK.toUint96(), 0, 3600);
        (uint32 hookParamsA, uint64 hookParamsB) = MarketStorage.defaultHookParams();
        _s.hookWindow = HookWindow(oraclePrice.toUint96(), 0, nowTs, hookParamsA);
        _s.windowStart = WindowStart(0, 0, hookParamsB);
        _s.limits.lastOraclePrice = oraclePrice.toUint96();
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
        uint256 book;
        uint256 pool;
        uint256 ledger;
        uint256 curve;
        uint256 res;
        // Cannot overflow: the layout's base slot plus an offset below 10.
        unchecked {
            book = _sload(base + SLOT_BOOK);
            pool = _sload(base + SLOT_POOL);
            ledger = _sload(base + SLOT_LEDGER);
            curve = _sload(base + SLOT_CURVE);
            res = _sload(base + SLOT_RESERVES);
        }
        _requireActive(uint8(book >> 224));
        Amm memory a;
        uint256 blockStartMark;
        {
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
            uint8 flags = uint8(book >> 224);
            if (flags & FLAG_REDUCE_ONLY != 0) revert Vamm_ReduceOnly();
            if (flags & FLAG_VOLATILE != 0) _revertVolatile();
            uint256 oi = a.longOI + a.shortOI;
            uint256 maxOi = uint256(uint64(ledger >> 192)) * OI_UNIT;
            if (oi > maxOi) revert Vamm_OpenInterestCapExceeded(oi, maxOi);
            // Opens need a valid oracle (SPEC §6): positive, complete, not older than maxOracleAgeMargin
            // (Curve bits 224–255). Reduces, closes and liquidations do not read it.
            OracleLib.readWad(oracle, _oracleScale, curve >> 224);
        }
        if (kind != TradeKind.LiquidateBase) _checkFluctuation(a, blockStartMark, uint16(book >> 208), r.openedBase);

        res = uint256(a.x.toUint112()) | (uint256(a.y.toUint112()) << 112) | (uint256(uint32(block.number)) << 224);
        book = (book & ~MASK192) | a.longOI.toUint96() | (uint256(a.shortOI.toUint96()) << 96);
        ledger = (ledger & ~(MASK96 << 96)) | (blockStartMark << 96);
        // Cannot overflow: as for the reads above.
        unchecked {
            _sstore(base + SLOT_RESERVES, res);
            _sstore(base + SLOT_BOOK, book);
            _sstore(base + SLOT_POOL, pool);
            _sstore(base + SLOT_LEDGER, ledger);
        }
        r.imBps = uint16(pool >> 240);
    }

    /// @dev Off the happy path: reads what the breaker compared, for the error's arguments.
    function _revertVolatile() private view {
        revert Vamm_VolatilityBreaker(_s.limits.lastOraclePrice, _s.hookWindow.oracleTwap, _s.params.oracleBreakerBps);
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
        VammMarketLib.creditBudget(_s, amount);
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
        VammMarketLib.debitReserve(_s, amount);
    }

    /// @inheritdoc IVammMarket
    function absorbBadDebt(uint256 amount) external onlyClearingHouse returns (uint256 fromReserve, uint256 fromBudget) {
        return VammMarketLib.absorbBadDebt(_s, amount);
    }

    /// @inheritdoc IVammMarket
    function enterReduceOnly() external onlyClearingHouse {
        uint8 flags = _s.book.flags;
        if (flags & FLAG_REDUCE_ONLY != 0) return;
        _s.book.flags = flags | FLAG_REDUCE_ONLY;
        emit ReduceOnlySet(false, true);
    }

    /// @inheritdoc IVammMarket
    function setGlobalPause(bool paused) external onlyClearingHouse {
        uint8 flags = _s.book.flags;
        _s.book.flags = paused ? flags | FLAG_GLOBAL_PAUSED : flags & ~FLAG_GLOBAL_PAUSED;
        emit GlobalPauseSet(paused);
    }

    // =================================================================== keeper hooks
    //
    // The market checks KEEPER_ROLE and runs the hook here (no DELEGATECALL into the cold library: −2.6k
    // per hook): HookPath reads the slots as typed MarketStorage structs, checks them with the pure
    // HookGuards library (one function per keeper/sim/guards.ts check) and writes them back (SPEC §6, §8).
    // The previews run the same HookPath code in VammMarketLib.

    /// @inheritdoc IVammMarket
    function repeg(uint256 newPeg) external returns (int256 cost) {
        _checkKeeper();
        return _repeg(HookPath.load(_s, oracle, _oracleScale), newPeg);
    }

    /// @inheritdoc IVammMarket
    function repegToward(uint256 targetPeg, uint256 minPeg) external returns (int256 cost, uint256 newPeg) {
        _checkKeeper();
        HookPath.Hook memory h = HookPath.load(_s, oracle, _oracleScale);
        newPeg = HookPath.fitRepeg(h, targetPeg);
        uint256 oldPeg = h.curve.peg;
        if (newPeg > oldPeg ? newPeg < minPeg : newPeg > minPeg) revert Vamm_RepegBelowMinimum(newPeg, minPeg);
        cost = _repeg(h, newPeg);
    }

    /// @inheritdoc IVammMarket
    function updateK(uint256 newSqrtK) external returns (int256 cost) {
        _checkKeeper();
        HookPath.Hook memory h = HookPath.load(_s, oracle, _oracleScale);
        uint256 x1;
        uint256 y1;
        (cost, x1, y1) = HookPath.checkUpdateK(h, newSqrtK);
        uint256 oldSqrtK = h.curve.sqrtK;
        h.res.base = x1.toUint112();
        h.res.quote = y1.toUint112();
        h.curve.sqrtK = newSqrtK.toUint96();
        MarketStorage.storeReserves(_s, h.res);
        HookPath.commit(_s, h, cost);
        emit KUpdated(oldSqrtK, newSqrtK, cost, (y1 * h.curve.peg) / x1);
    }

    /// @dev The repeg checks on the loaded hook state, then the commit (SPEC §6).
    function _repeg(HookPath.Hook memory h, uint256 newPeg) private returns (int256 cost) {
        uint256 newMark;
        (cost, newMark) = HookPath.checkRepeg(h, newPeg);
        uint256 oldPeg = h.curve.peg;
        h.curve.peg = newPeg.toUint96();
        HookPath.commit(_s, h, cost);
        emit PegUpdated(oldPeg, newPeg, cost, newMark);
    }

    /// @inheritdoc IVammMarket
    function previewRepeg(uint256 newPeg) external view returns (int256 cost, uint256 newMark) {
        return VammMarketLib.previewRepeg(_s, oracle, _oracleScale, newPeg);
    }

    /// @inheritdoc IVammMarket
    function previewUpdateK(uint256 newSqrtK) external view returns (int256 cost, uint256 newMark) {
        return VammMarketLib.previewUpdateK(_s, oracle, _oracleScale, newSqrtK);
    }

    /// @dev `onlyRole(KEEPER_ROLE)` as a function: the same AccessControlUnauthorizedAccount(account, role).
    function _checkKeeper() private view {
        if (!hasRole(KEEPER_ROLE, msg.sender)) revert AccessControlUnauthorizedAccount(msg.sender, KEEPER_ROLE);
    }

    // =================================================================== funding & oracle

    /// @inheritdoc IVammMarket
    function settleFunding() external returns (int256) {
        return VammMarketLib.settleFunding(_s, oracle, _oracleScale, clearingHouse);
    }

    /// @inheritdoc IVammMarket
    function observeOracle() external returns (uint256 price, uint256 oracleTwap) {
        return VammMarketLib.observeOracle(_s, oracle, _oracleScale);
    }

    // =================================================================== admin

    /// @inheritdoc IVammMarket
    function setParameter(bytes32 name, uint256 value) external onlyRole(PARAM_ADMIN_ROLE) {
        VammMarketLib.setParameter(_s, name, value);
    }

    /// @inheritdoc IVammMarket
    function setReduceOnly(bool reduceOnly) external onlyRole(PARAM_ADMIN_ROLE) {
        VammMarketLib.setReduceOnly(_s, reduceOnly);
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
    function marginPrice() external view returns (uint256 price, bool oracleValid) {
        (price, oracleValid) = OracleLib.tryReadWad(oracle, _oracleScale, _s.curve.maxOracleAgeMargin);
        if (!oracleValid) price = _s.limits.lastOraclePrice;
    }

    /// @inheritdoc IVammMarket
    function validMarginPrice() external view returns (uint256) {
        return OracleLib.readWad(oracle, _oracleScale, _s.curve.maxOracleAgeMargin);
    }

    /// @inheritdoc IVammMarket
    /// @dev In the linked library (cold, liquidation only): keeps the hooks inline under 24 KB.
    function maxLiquidationBase(bool closeLong, uint256 price) external view returns (uint256) {
        return VammMarketLib.maxLiquidationBase(_s, closeLong, price);
    }

    /// @inheritdoc IVammMarket
    function openInterest() external view returns (uint256 longOI, uint256 shortOI) {
        Book memory book = _s.book;
        return (book.longOI, book.shortOI);
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
