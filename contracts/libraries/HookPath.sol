// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {CostMathWad} from "./CostMathWad.sol";
import {CurveMathWad} from "./CurveMathWad.sol";
import {HookGuards} from "./HookGuards.sol";
import {OracleLib} from "./OracleLib.sol";
import {TwapWad} from "./TwapWad.sol";
import {
    MarketLayout,
    MarketStorage,
    Reserves,
    Book,
    Pool,
    Curve,
    HookWindow,
    WindowStart,
    HookParams,
    HookLimits
} from "./MarketStorage.sol";

/// @title HookPath
/// @notice The keeper hooks' path (SPEC §6), readable: the slots a hook needs are read as the typed
/// MarketStorage structs, checked by the pure HookGuards library (one function per keeper/sim/guards.ts
/// check) and written back whole. Internal functions: inlined into VammMarket (repeg, updateK,
/// repegToward) and into VammMarketLib (the previews), so both run the same code.
library HookPath {
    using SafeCast for uint256;

    uint256 private constant WAD = 1e18;
    uint256 private constant BPS = 10_000;
    uint256 private constant DAY = 86_400;

    /// @dev Everything a hook reads, and the windows it would commit.
    struct Hook {
        Reserves res;
        Book book;
        Pool pool;
        Curve curve;
        HookWindow hw;
        WindowStart ws;
        HookParams fp;
        HookLimits lim;
        uint256 oraclePrice;
        uint256 oracleTwap;
        uint256 mark;
        /// @dev The mark TWAP folded through now with the spot mark: the repeg's slow reference, and
        /// the value the commit stores.
        uint256 referenceMark;
        int256 d;
        uint256 absD;
        HookGuards.Window spend;
        uint256 budgetAtWindowStart;
        HookGuards.Window kDec;
        HookGuards.Window move;
    }

    /// @dev Loads what a hook reads; checks pause, the oracle (valid, fresh under maxOracleAgeHooks) and
    /// its divergence from the oracle TWAP folded through now with the previous answer (SPEC §5, §6);
    /// rolls the day window (spends, k decreases) and the hook window (moves) in memory.
    function load(MarketLayout storage s, AggregatorV3Interface feed, uint256 scale) internal view returns (Hook memory h) {
        h.book = MarketStorage.loadBook(s);
        MarketStorage.requireActive(h.book.flags);
        h.hw = MarketStorage.loadHookWindow(s);
        h.lim = MarketStorage.loadLimits(s);
        uint256 price = OracleLib.readWad(feed, scale, MarketStorage.maxOracleAgeHooks(h.hw));
        uint256 twap = TwapWad.update(h.hw.oracleTwap, h.hw.oracleTwapTs, h.lim.lastOraclePrice, block.timestamp, h.book.twapWindow);
        HookGuards.checkDivergence(price, twap, MarketStorage.maxOracleTwapDivergenceBps(h.hw));
        h.oraclePrice = price;
        h.oracleTwap = twap;
        h.res = MarketStorage.loadReserves(s);
        h.curve = MarketStorage.loadCurve(s);
        h.pool = MarketStorage.loadPool(s);
        h.ws = MarketStorage.loadWindowStart(s);
        h.fp = MarketStorage.loadHookParams(s);
        h.mark = CurveMathWad.markPrice(h.res.base, h.res.quote, h.curve.peg);
        h.referenceMark = TwapWad.update(h.pool.markTwap, h.pool.markTwapTs, h.mark, block.timestamp, h.book.twapWindow);
        h.d = int256(uint256(h.book.longOI)) - int256(uint256(h.book.shortOI));
        h.absD = h.d >= 0 ? uint256(h.d) : uint256(-h.d);
        uint256 day = block.timestamp / DAY;
        h.spend = HookGuards.rolledWindow(h.lim.spendWindowIndex, h.ws.prevSpent, h.hw.curSpent, day);
        h.budgetAtWindowStart = h.spend.rolled ? h.pool.budget : h.ws.budgetAtWindowStart;
        h.kDec = HookGuards.rolledWindow(h.lim.spendWindowIndex, h.lim.prevKDecreaseBps, h.lim.curKDecreaseBps, day);
        h.move = HookGuards.rolledWindow(
            h.lim.moveWindowIndex, h.lim.prevMoveBps, h.lim.curMoveBps, block.timestamp / h.fp.hookWindowSeconds
        );
    }

    /// @dev SPEC §6 repeg checks in order: shape (toward, not past, on the spot or the reference mark;
    /// size), spend, move cap.
    function checkRepeg(Hook memory h, uint256 newPeg) internal view returns (int256 cost, uint256 newMark) {
        newPeg.toUint96();
        uint256 maxPeg = MarketStorage.maxPegChangeBps(h.ws);
        newMark = HookGuards.checkRepegShape(
            h.res.base, h.res.quote, h.curve.peg, newPeg, h.oraclePrice, h.referenceMark, maxPeg
        );
        cost = CostMathWad.repegCost(h.res.base, h.res.quote, h.curve.sqrtK, h.d, h.curve.peg, newPeg);
        _checkSpend(h, cost);
        HookGuards.checkMoveCap(h.move, HookGuards.pegMoveBps(h.curve.peg, newPeg), maxPeg);
    }

    /// @dev SPEC §6 updateK checks in order: shape, spend, k-decrease cap, move cap.
    function checkUpdateK(Hook memory h, uint256 newSqrtK) internal view returns (int256 cost, uint256 x1, uint256 y1) {
        newSqrtK.toUint96();
        uint256 sqrtK = h.curve.sqrtK;
        HookGuards.checkKShape(
            sqrtK, newSqrtK, h.absD, MarketStorage.maxKIncreaseBps(h.ws), MarketStorage.maxKDecreaseBps(h.ws)
        );
        (x1, y1) = CostMathWad.scaledReserves(h.res.base, h.res.quote, sqrtK, newSqrtK);
        cost = CostMathWad.kCost(h.res.base, h.res.quote, sqrtK, x1, y1, newSqrtK, h.d, h.curve.peg);
        _checkSpend(h, cost);
        HookGuards.checkKDecreaseCap(h.kDec, HookGuards.kDecreaseBps(sqrtK, newSqrtK), h.fp.maxDailyKDecreaseBps);
        HookGuards.checkMoveCap(
            h.move,
            HookGuards.kIncreaseMoveBps(h.res.base, sqrtK, newSqrtK, h.absD),
            MarketStorage.maxPegChangeBps(h.ws)
        );
    }

    function _checkSpend(Hook memory h, int256 cost) private view {
        HookGuards.checkSpend(
            cost,
            h.pool.budget,
            h.curve.lastHookBlock,
            MarketStorage.hookCooldownBlocks(h.ws),
            h.spend,
            h.budgetAtWindowStart,
            MarketStorage.dailyCostCapBps(h.ws)
        );
    }

    /// @dev The largest step toward `targetPeg` that the oracle (not past it), the per-call and
    /// rolling move caps, the budget and the rolling cost cap allow (SPEC §6, keeper griefing).
    function fitRepeg(Hook memory h, uint256 targetPeg) internal pure returns (uint256) {
        uint256 peg = h.curve.peg;
        bool up = h.oraclePrice > h.mark;
        uint256 step = _stepToOracle(h, targetPeg, up);
        uint256 maxPeg = MarketStorage.maxPegChangeBps(h.ws);
        uint256 usedMove = h.move.prev + h.move.cur;
        uint256 byMove = maxPeg > usedMove ? (peg * (maxPeg - usedMove)) / BPS : 0;
        if (byMove < step) step = byMove;
        uint256 byCost = _stepByCost(h, up);
        if (byCost < step) step = byCost;
        return up ? peg + step : peg - step;
    }

    /// @dev |P' − P| toward `targetPeg`, no further than the peg that puts the mark on the oracle
    /// (floor going up, ceil going down: never past it).
    function _stepToOracle(Hook memory h, uint256 targetPeg, bool up) private pure returns (uint256 step) {
        uint256 peg = h.curve.peg;
        uint256 oraclePeg = Math.mulDiv(h.oraclePrice, h.res.base, h.res.quote, up ? Math.Rounding.Floor : Math.Rounding.Ceil);
        if (up) {
            step = targetPeg > peg ? targetPeg - peg : 0;
            uint256 toOracle = oraclePeg > peg ? oraclePeg - peg : 0;
            if (toOracle < step) step = toOracle;
        } else {
            step = peg > targetPeg ? peg - targetPeg : 0;
            uint256 toOracle = peg > oraclePeg ? peg - oraclePeg : 0;
            if (toOracle < step) step = toOracle;
        }
    }

    /// @dev The largest |ΔP| whose cost `ceil((y − y_t)·ΔP/WAD)` fits min(budget, cost-cap room):
    /// `floor(room·WAD/|y − y_t|)`; unbounded when the step earns.
    function _stepByCost(Hook memory h, bool up) private pure returns (uint256) {
        int256 a = int256(uint256(h.res.quote)) - int256(CostMathWad.terminalQuote(h.res.base, h.curve.sqrtK, h.d));
        if (a == 0 || (a > 0) != up) return type(uint256).max;
        uint256 room = HookGuards.spendRoom(h.spend, h.budgetAtWindowStart, MarketStorage.dailyCostCapBps(h.ws));
        if (h.pool.budget < room) room = h.pool.budget;
        return Math.mulDiv(room, WAD, a > 0 ? uint256(a) : uint256(-a));
    }

    /// @dev Writes a successful hook: mark TWAP (with the mark that held), budget, oracle TWAP and
    /// last answer, both windows, the cooldown stamp and the new curve; then the volatility breaker.
    function commit(MarketLayout storage s, Hook memory h, int256 cost) internal {
        Pool memory pool = h.pool;
        if (block.timestamp != pool.markTwapTs) {
            pool.markTwap = h.referenceMark.toUint96();
            pool.markTwapTs = uint32(block.timestamp);
        }
        // cost ≤ budget when positive (checked); a revenue is range-checked by the casts.
        pool.budget = SafeCast.toUint256(int256(uint256(pool.budget)) - cost).toUint96();
        MarketStorage.storePool(s, pool);

        HookWindow memory hw = h.hw;
        hw.oracleTwap = h.oracleTwap.toUint96();
        hw.oracleTwapTs = uint32(block.timestamp);
        hw.curSpent = h.spend.cur.toUint96();
        MarketStorage.storeHookWindow(s, hw);
        if (h.spend.rolled) {
            WindowStart memory ws = h.ws;
            ws.prevSpent = h.spend.prev.toUint96();
            ws.budgetAtWindowStart = h.budgetAtWindowStart.toUint96();
            MarketStorage.storeWindowStart(s, ws);
        }
        MarketStorage.storeLimits(s, HookLimits({
            lastOraclePrice: h.oraclePrice.toUint96(),
            spendWindowIndex: h.spend.index.toUint32(),
            moveWindowIndex: h.move.index.toUint32(),
            prevMoveBps: h.move.prev.toUint16(),
            curMoveBps: h.move.cur.toUint16(),
            prevKDecreaseBps: h.kDec.prev.toUint16(),
            curKDecreaseBps: h.kDec.cur.toUint16(),
            lastHookTimestamp: uint32(block.timestamp)
        }));
        Curve memory c = h.curve;
        // uint32 block numbers and timestamps: the cooldown compares them; they hold until 2106.
        c.lastHookBlock = uint32(block.number);
        MarketStorage.storeCurve(s, c);
        // Nothing between load and here changes the flags: the loaded byte is current.
        MarketStorage.setBreaker(s, h.book.flags, h.fp.oracleBreakerBps, h.oraclePrice, h.oracleTwap);
    }
}
