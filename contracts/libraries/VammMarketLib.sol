// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IVammMarket} from "../interfaces/IVammMarket.sol";
import {IVammMarketErrors} from "../interfaces/IVammMarketErrors.sol";
import {IClearingHouse} from "../interfaces/IClearingHouse.sol";
import {CurveMathWad} from "./CurveMathWad.sol";
import {FundingMathWad} from "./FundingMathWad.sol";
import {TwapWad} from "./TwapWad.sol";
import {OracleLib} from "./OracleLib.sol";
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
    FundingParams,
    HookLimits
} from "./MarketStorage.sol";
import {HookGuards} from "./HookGuards.sol";
import {HookPath} from "./HookPath.sol";

/// @title VammMarketLib
/// @notice The market's cold paths — funding settlement, parameter changes, the full state view, the
/// hook previews, the ClearingHouse's rare ledger calls (budget funding, reserve withdrawal, bad debt),
/// oracle observation, reduce-only and the liquidation bound — as external functions, deployed once and
/// linked (they run by DELEGATECALL in the market's storage). Keeps VammMarket, with its trade path and
/// keeper hooks inline, under the 24 KB limit; a liquidation pays one call here (maxLiquidationBase).
library VammMarketLib {
    using SafeCast for uint256;

    uint256 private constant WAD = 1e18;
    uint256 private constant BPS = 10_000;
    uint256 private constant DAY = 86_400;

    // =================================================================== funding

    /// @notice SPEC §5: once `now ≥ lastFundingTime + fundingPeriod`, reads the oracle (max age
    /// `maxOracleAgeMargin`), updates both TWAPs, computes the rates, moves the AMM's side through the
    /// budget and hands the rates to the ClearingHouse's indices.
    function settleFunding(MarketLayout storage s, AggregatorV3Interface feed, uint256 scale, address clearingHouse)
        external
        returns (int256)
    {
        Book memory book = s.book;
        MarketStorage.requireActive(book.flags);
        FundingParams memory hp = s.params;
        {
            uint256 next = uint256(hp.lastFundingTime) + hp.fundingPeriod;
            if (block.timestamp < next) revert IVammMarketErrors.Vamm_FundingNotDue(next, block.timestamp);
        }
        uint256 oracleTwap = MarketStorage.observeOracle(s, OracleLib.readWad(feed, scale, s.curve.maxOracleAgeMargin));
        Pool memory pool = s.pool;
        uint256 markTwap;
        {
            Reserves memory res = s.reserves;
            uint256 mark = CurveMathWad.markPrice(res.base, res.quote, s.curve.peg);
            markTwap = TwapWad.update(pool.markTwap, pool.markTwapTs, mark, block.timestamp, book.twapWindow);
            pool.markTwap = markTwap.toUint96();
            pool.markTwapTs = uint32(block.timestamp);
        }
        FundingMathWad.Output memory o = _fundingOf(s, book, hp, pool.budget, markTwap, oracleTwap);
        uint256 oldBudget = pool.budget;
        // ammPaid ≤ budget · share / 1e4 ≤ budget: no underflow.
        uint256 newBudget = oldBudget + o.ammReceived - o.ammPaid;
        pool.budget = newBudget.toUint96();
        s.pool = pool;
        s.params.lastFundingTime = uint32(block.timestamp);
        IClearingHouse(clearingHouse).recordFunding(o.fLong, o.fShort);
        emit IVammMarket.FundingSettled(o.f, o.fLong, o.fShort, o.ammReceived, o.ammPaid, markTwap, oracleTwap);
        if (newBudget != oldBudget) {
            emit IVammMarket.BudgetChanged(oldBudget, newBudget, IVammMarket.BudgetChangeReason.Funding);
        }
        return o.f;
    }

    /// @dev The period's funding; the AMM's payment shares the hooks' rolling daily cost cap (SPEC §5)
    /// and is recorded in its day window.
    function _fundingOf(
        MarketLayout storage s,
        Book memory book,
        FundingParams memory hp,
        uint256 budget,
        uint256 markTwap,
        uint256 oracleTwap
    ) private returns (FundingMathWad.Output memory o) {
        (HookGuards.Window memory spend, uint256 budgetAtWindowStart) = _rolledSpend(s, budget);
        o = FundingMathWad.compute(
            FundingMathWad.Input({
                markTwap: markTwap,
                oracleTwap: oracleTwap,
                longOI: book.longOI,
                shortOI: book.shortOI,
                budget: budget,
                fundingPeriod: hp.fundingPeriod,
                fundingCapBps: hp.fundingCapBps,
                fundingBudgetShareBps: hp.fundingBudgetShareBps,
                spendRoom: HookGuards.spendRoom(spend, budgetAtWindowStart, MarketStorage.dailyCostCapBps(s.windowStart))
            })
        );
        if (o.ammPaid != 0) _recordSpend(s, spend, budgetAtWindowStart, o.ammPaid);
    }

    /// @dev The day window of spends as a hook at `now` would see it, and its start budget.
    function _rolledSpend(MarketLayout storage s, uint256 budget)
        private
        view
        returns (HookGuards.Window memory spend, uint256 budgetAtWindowStart)
    {
        WindowStart memory ws = s.windowStart;
        spend = HookGuards.rolledWindow(s.limits.spendWindowIndex, ws.prevSpent, s.hookWindow.curSpent, block.timestamp / DAY);
        budgetAtWindowStart = spend.rolled ? budget : ws.budgetAtWindowStart;
    }

    /// @dev Commits a funding payment to the day window (rolling it, and its k-decrease sums, first).
    function _recordSpend(MarketLayout storage s, HookGuards.Window memory spend, uint256 budgetAtWindowStart, uint256 paid)
        private
    {
        spend.cur += paid;
        s.hookWindow.curSpent = spend.cur.toUint96();
        if (spend.rolled) {
            HookLimits memory lim = s.limits;
            HookGuards.Window memory kDec =
                HookGuards.rolledWindow(lim.spendWindowIndex, lim.prevKDecreaseBps, lim.curKDecreaseBps, spend.index);
            lim.spendWindowIndex = spend.index.toUint32();
            lim.prevKDecreaseBps = kDec.prev.toUint16();
            lim.curKDecreaseBps = kDec.cur.toUint16();
            s.limits = lim;
            s.windowStart.prevSpent = spend.prev.toUint96();
            s.windowStart.budgetAtWindowStart = budgetAtWindowStart.toUint96();
        }
    }

    // =================================================================== keeper hook previews (SPEC §6)
    // The hooks themselves run in VammMarket (HookPath inlined there, no DELEGATECALL on the keeper's
    // path); the previews run the same HookPath code here.

    /// @notice What `repeg(newPeg)` would do now (HookPath, the same checks); reverts with the refusal.
    function previewRepeg(MarketLayout storage s, AggregatorV3Interface feed, uint256 scale, uint256 newPeg)
        external
        view
        returns (int256 cost, uint256 newMark)
    {
        return HookPath.checkRepeg(HookPath.load(s, feed, scale), newPeg);
    }

    /// @notice What `updateK(newSqrtK)` would do now (HookPath, the same checks); reverts with the refusal.
    function previewUpdateK(MarketLayout storage s, AggregatorV3Interface feed, uint256 scale, uint256 newSqrtK)
        external
        view
        returns (int256 cost, uint256 newMark)
    {
        HookPath.Hook memory h = HookPath.load(s, feed, scale);
        (int256 c, uint256 x1, uint256 y1) = HookPath.checkUpdateK(h, newSqrtK);
        return (c, (y1 * h.curve.peg) / x1);
    }

    // =================================================================== ledgers and oracle (cold paths)
    // Called by VammMarket after its own access check (ClearingHouse only, or anyone for observeOracle).

    /// @notice Adds `amount` (WAD) to the budget (fundBudget).
    function creditBudget(MarketLayout storage s, uint256 amount) external {
        uint256 old = s.pool.budget;
        uint256 next = old + amount;
        s.pool.budget = next.toUint96();
        emit IVammMarket.BudgetChanged(old, next, IVammMarket.BudgetChangeReason.Funded);
    }

    /// @notice Takes `amount` out of the reserved share (withdrawReserve).
    function debitReserve(MarketLayout storage s, uint256 amount) external {
        uint256 old = s.ledger.reservedShare;
        if (amount > old) revert IVammMarketErrors.Vamm_InsufficientReserve(amount, old);
        unchecked {
            s.ledger.reservedShare = uint96(old - amount); // amount ≤ old checked above; fits as old did
        }
        emit IVammMarket.ReservedShareChanged(old, old - amount, IVammMarket.ReserveChangeReason.Withdrawn);
    }

    /// @notice Covers bad debt from the reserved share, then the budget; returns what each paid.
    function absorbBadDebt(MarketLayout storage s, uint256 amount)
        external
        returns (uint256 fromReserve, uint256 fromBudget)
    {
        uint256 reserved = s.ledger.reservedShare;
        uint256 budget = s.pool.budget;
        fromReserve = amount < reserved ? amount : reserved;
        uint256 rest = amount - fromReserve;
        fromBudget = rest < budget ? rest : budget;
        // Both take at most what the slot holds, so the new values fit.
        s.ledger.reservedShare = uint96(reserved - fromReserve);
        s.pool.budget = uint96(budget - fromBudget);
        if (fromReserve != 0) {
            emit IVammMarket.ReservedShareChanged(reserved, reserved - fromReserve, IVammMarket.ReserveChangeReason.BadDebt);
        }
        if (fromBudget != 0) {
            emit IVammMarket.BudgetChanged(budget, budget - fromBudget, IVammMarket.BudgetChangeReason.BadDebt);
        }
    }

    /// @notice Permissionless oracle observation (SPEC §5): reads the feed (max age maxOracleAgeMargin)
    /// and folds it into the oracle TWAP, setting or clearing the volatility breaker.
    function observeOracle(MarketLayout storage s, AggregatorV3Interface feed, uint256 scale)
        external
        returns (uint256 price, uint256 oracleTwap)
    {
        price = OracleLib.readWad(feed, scale, s.curve.maxOracleAgeMargin);
        oracleTwap = MarketStorage.observeOracle(s, price);
    }

    /// @notice The largest base a liquidation may close at `price` within maxLiquidationSlippageBps
    /// (SPEC §3). The mark is `y·P/x` with `y ≈ sqrtK²/x`, so the base reserve at which the mark reaches a
    /// bound `m` is `x_m = sqrtK·sqrt(P/m)`: closing a long adds base (mark falls) up to `x_m − x` for
    /// `m = price·(1 − bps)`; closing a short removes base (mark rises) up to `x − x_m` for
    /// `m = price·(1 + bps)`. Floors throughout (the bound is a soft one: ≤ 1 wei of base either way).
    function maxLiquidationBase(MarketLayout storage s, bool closeLong, uint256 price) external view returns (uint256) {
        uint256 bps = s.params.maxLiquidationSlippageBps;
        uint256 bound = closeLong ? (price * (BPS - bps)) / BPS : (price * (BPS + bps)) / BPS;
        if (bound == 0) return type(uint256).max;
        Curve memory c = s.curve;
        uint256 x = s.reserves.base;
        uint256 xm = Math.mulDiv(c.sqrtK, Math.sqrt(Math.mulDiv(c.peg, WAD * WAD, bound)), WAD);
        if (closeLong) return xm > x ? xm - x : 0;
        return x > xm ? x - xm : 0;
    }

    /// @notice Sets or clears reduce-only (PARAM_ADMIN, checked by the market).
    function setReduceOnly(MarketLayout storage s, bool reduceOnly) external {
        uint8 flags = s.book.flags;
        bool old = flags & MarketStorage.FLAG_REDUCE_ONLY != 0;
        s.book.flags = reduceOnly ? flags | MarketStorage.FLAG_REDUCE_ONLY : flags & ~MarketStorage.FLAG_REDUCE_ONLY;
        emit IVammMarket.ReduceOnlySet(old, reduceOnly);
    }

    // =================================================================== parameters

    /// @notice Sets a SPEC §6 parameter within its hard bounds and emits ParameterChanged.
    /// @dev imBps / mmBps bound each other; maxOpenInterest is re-encoded; every other parameter is a
    /// plain bit field located by {_paramField}. The caller checks PARAM_ADMIN_ROLE.
    function setParameter(MarketLayout storage s, bytes32 name, uint256 value) external {
        uint256 old;
        if (name == "maxOpenInterest") {
            old = uint256(s.ledger.maxOpenInterestMicro) * MarketStorage.OI_UNIT;
            s.ledger.maxOpenInterestMicro = MarketStorage.toOiMicro(value);
        } else {
            (uint256 offset, uint256 shift, uint256 bits, uint256 min, uint256 max) = _paramField(name);
            if (name == "imBps") {
                uint256 mm = s.params.mmBps;
                if (mm > min) min = mm;
            } else if (name == "mmBps") {
                max = s.pool.imBps;
            } else if (name == "maxPegChangeBps") {
                // Sandwich bound (SPEC §6): a move s never beats the round-trip fees fee·(2 − s),
                // i.e. maxPegChangeBps·(1e4 + feeBps) ≤ 2·feeBps·1e4 (floor: the largest such cap).
                uint256 fee = s.book.feeBps;
                uint256 capByFee = (2 * fee * BPS) / (BPS + fee);
                if (capByFee < max) max = capByFee;
            } else if (name == "feeBps") {
                // The same bound solved for the fee: feeBps·(2e4 − peg) ≥ peg·1e4 (ceil: the smallest
                // such fee). peg ≤ 2000 < 2e4, so the divisor is positive.
                uint256 peg = MarketStorage.maxPegChangeBps(s.windowStart);
                uint256 feeByCap = (peg * BPS + (2 * BPS - peg) - 1) / (2 * BPS - peg);
                if (feeByCap > min) min = feeByCap;
            }
            MarketStorage.checkBounds(name, value, min, max);
            uint256 slot;
            assembly ("memory-safe") {
                slot := add(s.slot, offset)
            }
            old = _writeField(slot, shift, bits, value);
        }
        emit IVammMarket.ParameterChanged(name, old, value);
    }

    /// @dev Where a parameter lives (slot offset in MarketLayout, bit offset, width) and its hard
    /// bounds (SPEC §6). Bit offsets follow Solidity's packing: members fill a slot from the
    /// low-order bits in declaration order.
    function _paramField(bytes32 name)
        private
        pure
        returns (uint256 slot, uint256 shift, uint256 bits, uint256 min, uint256 max)
    {
        // Book: longOI 0, shortOI 96, feeBps 192, fluctuationLimitBps 208, flags 224, twapWindow 232.
        uint256 book = MarketStorage.SLOT_BOOK;
        if (name == "feeBps") return (book, 192, 16, 1, 100);
        if (name == "fluctuationLimitBps") return (book, 208, 16, 10, 5000);
        if (name == "twapWindow") return (book, 232, 24, 1, 7 * DAY);
        // Pool: budget 0, markTwap 96, markTwapTs 192, reserveShareBps 224, imBps 240.
        uint256 pool = MarketStorage.SLOT_POOL;
        if (name == "reserveShareBps") return (pool, 224, 16, 1000, 9000);
        if (name == "imBps") return (pool, 240, 16, 200, 5000);
        // Curve: peg 0, sqrtK 96, lastHookBlock 192, maxOracleAgeMargin 224 (read by opening trades).
        if (name == "maxOracleAgeMargin") return (MarketStorage.SLOT_CURVE, 224, 32, 10, DAY);
        // FundingParams: fundingPeriod 0, fundingCapBps 32, fundingBudgetShareBps 48, mmBps 64,
        // liquidationFeeBps 80, lastFundingTime 96, maxDailyKDecreaseBps 128, hookWindowSeconds 144,
        // oracleBreakerBps 176, maxLiquidationSlippageBps 192.
        uint256 fp = MarketStorage.SLOT_PARAMS;
        if (name == "fundingPeriod") return (fp, 0, 32, 600, DAY);
        if (name == "fundingCapBps") return (fp, 32, 16, 10, 5000);
        if (name == "fundingBudgetShareBps") return (fp, 48, 16, 0, BPS);
        if (name == "mmBps") return (fp, 64, 16, 100, 5000);
        if (name == "liquidationFeeBps") return (fp, 80, 16, 50, 1000);
        if (name == "maxDailyKDecreaseBps") return (fp, 128, 16, 1, 2000);
        if (name == "hookWindowSeconds") return (fp, 144, 32, 60, DAY);
        if (name == "oracleBreakerBps") return (fp, 176, 16, 50, 5000);
        if (name == "maxLiquidationSlippageBps") return (fp, 192, 16, 100, 5000);
        // Hook parameters: bit fields in the spare bits of hookWindow / windowStart; each width
        // holds its upper bound.
        uint256 hw = MarketStorage.SLOT_HOOK_WINDOW;
        uint256 ws = MarketStorage.SLOT_WINDOW_START;
        if (name == "maxOracleAgeHooks") {
            return (hw, MarketStorage.SHIFT_MAX_ORACLE_AGE_HOOKS, MarketStorage.BITS_MAX_ORACLE_AGE_HOOKS, 10, DAY);
        }
        if (name == "maxOracleTwapDivergenceBps") {
            return (hw, MarketStorage.SHIFT_DIVERGENCE, MarketStorage.BITS_DIVERGENCE, 100, 5000);
        }
        if (name == "maxPegChangeBps") return (ws, MarketStorage.SHIFT_MAX_PEG, MarketStorage.BITS_MAX_PEG, 1, 2000);
        if (name == "maxKIncreaseBps") return (ws, MarketStorage.SHIFT_K_INC, MarketStorage.BITS_K_INC, 1, 1000);
        if (name == "maxKDecreaseBps") return (ws, MarketStorage.SHIFT_K_DEC, MarketStorage.BITS_K_DEC, 1, 1000);
        if (name == "hookCooldownBlocks") {
            return (ws, MarketStorage.SHIFT_COOLDOWN, MarketStorage.BITS_COOLDOWN, 1, 7200);
        }
        if (name == "dailyCostCapBps") return (ws, MarketStorage.SHIFT_DAILY_CAP, MarketStorage.BITS_DAILY_CAP, 0, BPS);
        revert IVammMarketErrors.Vamm_UnknownParameter(name);
    }

    /// @dev Replaces the `bits`-wide field at `shift` of `slot` with `value` (bounds-checked, so it
    /// fits the field), returning the old value.
    function _writeField(uint256 slot, uint256 shift, uint256 bits, uint256 value) private returns (uint256 old) {
        assembly ("memory-safe") {
            let mask := sub(shl(bits, 1), 1)
            let word := sload(slot)
            old := and(shr(shift, word), mask)
            sstore(slot, or(and(word, not(shl(shift, mask))), shl(shift, value)))
        }
    }

    // =================================================================== views

    /// @notice Everything a keeper or the simulator needs (see IVammMarket.MarketState).
    function marketState(MarketLayout storage s, address clearingHouse)
        external
        view
        returns (IVammMarket.MarketState memory st)
    {
        Reserves memory res = s.reserves;
        Book memory book = s.book;
        Pool memory pool = s.pool;
        Curve memory c = s.curve;
        Ledger memory lg = s.ledger;
        HookWindow memory hw = s.hookWindow;
        WindowStart memory ws = s.windowStart;
        st.baseReserve = res.base;
        st.quoteReserve = res.quote;
        st.peg = c.peg;
        st.sqrtK = c.sqrtK;
        st.mark = CurveMathWad.markPrice(res.base, res.quote, c.peg);
        st.longOI = book.longOI;
        st.shortOI = book.shortOI;
        st.budget = pool.budget;
        st.reservedShare = lg.reservedShare;
        st.markTwap = pool.markTwap;
        st.markTwapTimestamp = pool.markTwapTs;
        st.oracleTwap = hw.oracleTwap;
        st.oracleTwapTimestamp = hw.oracleTwapTs;
        (st.cumFundingLong, st.cumFundingShort,) = IClearingHouse(clearingHouse).fundingIndices(address(this));
        FundingParams memory fp = s.params;
        st.lastFundingTime = fp.lastFundingTime;
        st.nextFundingTime = uint256(fp.lastFundingTime) + fp.fundingPeriod;
        st.blockStartMark = lg.blockStartMark;
        st.blockStartBlock = res.blockStartBlock;
        st.lastHookBlock = c.lastHookBlock;
        st.lastHookTimestamp = s.limits.lastHookTimestamp;
        HookLimits memory lim = s.limits;
        st.windowIndex = lim.spendWindowIndex;
        st.lastOraclePrice = lim.lastOraclePrice;
        st.moveWindowIndex = lim.moveWindowIndex;
        st.prevMoveBps = lim.prevMoveBps;
        st.curMoveBps = lim.curMoveBps;
        st.prevKDecreaseBps = lim.prevKDecreaseBps;
        st.curKDecreaseBps = lim.curKDecreaseBps;
        st.volatilityBreaker = book.flags & MarketStorage.FLAG_VOLATILE != 0;
        st.prevSpent = ws.prevSpent;
        st.curSpent = hw.curSpent;
        st.budgetAtWindowStart = ws.budgetAtWindowStart;
        st.paused = book.flags & MarketStorage.FLAG_PAUSED != 0;
        st.globalPaused = book.flags & MarketStorage.FLAG_GLOBAL_PAUSED != 0;
        st.reduceOnly = book.flags & MarketStorage.FLAG_REDUCE_ONLY != 0;
        st.params = _parameters(s);
    }

    function _parameters(MarketLayout storage s) private view returns (IVammMarket.MarketParams memory p) {
        Book memory book = s.book;
        Pool memory pool = s.pool;
        FundingParams memory hp = s.params;
        uint256 hwWord = MarketStorage.word(s, MarketStorage.SLOT_HOOK_WINDOW);
        uint256 wsWord = MarketStorage.word(s, MarketStorage.SLOT_WINDOW_START);
        p.feeBps = book.feeBps;
        p.reserveShareBps = pool.reserveShareBps;
        p.imBps = pool.imBps;
        p.mmBps = hp.mmBps;
        p.liquidationFeeBps = hp.liquidationFeeBps;
        p.fundingPeriod = hp.fundingPeriod;
        p.twapWindow = book.twapWindow;
        p.fundingCapBps = hp.fundingCapBps;
        p.fundingBudgetShareBps = hp.fundingBudgetShareBps;
        p.maxOracleAgeHooks = MarketStorage.field(
            hwWord, MarketStorage.SHIFT_MAX_ORACLE_AGE_HOOKS, MarketStorage.BITS_MAX_ORACLE_AGE_HOOKS
        );
        p.maxOracleAgeMargin = s.curve.maxOracleAgeMargin;
        p.maxOracleTwapDivergenceBps =
            MarketStorage.field(hwWord, MarketStorage.SHIFT_DIVERGENCE, MarketStorage.BITS_DIVERGENCE);
        p.maxPegChangeBps = MarketStorage.field(wsWord, MarketStorage.SHIFT_MAX_PEG, MarketStorage.BITS_MAX_PEG);
        p.maxKIncreaseBps = MarketStorage.field(wsWord, MarketStorage.SHIFT_K_INC, MarketStorage.BITS_K_INC);
        p.maxKDecreaseBps = MarketStorage.field(wsWord, MarketStorage.SHIFT_K_DEC, MarketStorage.BITS_K_DEC);
        p.hookCooldownBlocks = MarketStorage.field(wsWord, MarketStorage.SHIFT_COOLDOWN, MarketStorage.BITS_COOLDOWN);
        p.dailyCostCapBps = MarketStorage.field(wsWord, MarketStorage.SHIFT_DAILY_CAP, MarketStorage.BITS_DAILY_CAP);
        p.fluctuationLimitBps = book.fluctuationLimitBps;
        p.maxOpenInterest = uint256(s.ledger.maxOpenInterestMicro) * MarketStorage.OI_UNIT;
        p.maxDailyKDecreaseBps = hp.maxDailyKDecreaseBps;
        p.hookWindowSeconds = hp.hookWindowSeconds;
        p.oracleBreakerBps = hp.oracleBreakerBps;
        p.maxLiquidationSlippageBps = hp.maxLiquidationSlippageBps;
    }
}
