// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {MulDivFast} from "./MulDivFast.sol";
import {IVammMarketErrors} from "../interfaces/IVammMarketErrors.sol";

/// @title HookGuards
/// @notice The hook guard rails of SPEC §6 as pure functions, one for one with `keeper/sim/guards.ts`
/// (same names, same check order: oracle (OracleLib), divergence, shape, spend (budget, cooldown,
/// daily cost cap), k-decrease cap, move cap). Each reverts with the refusal the simulator reports.
/// @dev Ceil divisions use MulDivFast (exact: full precision only when a product overflows).
/// Operands are the market's stored widths (prices, reserves, spends < 2^112), so plain checked
/// arithmetic cannot overflow; rounding of reported bps is stated per function.
library HookGuards {
    uint256 internal constant BPS = 10_000;
    uint256 internal constant DAY = 86_400;

    /// @notice Rolling windows (SPEC §6): `index` is the window of `now`; on a new window the
    /// previous sum is the old current one when the windows are consecutive, else 0.
    struct Window {
        uint256 index;
        uint256 prev;
        uint256 cur;
        bool rolled;
    }

    /// @notice The window a call at window index `idx` sees, given the stored one.
    function rolledWindow(uint256 storedIndex, uint256 storedPrev, uint256 storedCur, uint256 idx)
        internal
        pure
        returns (Window memory w)
    {
        if (idx == storedIndex) return Window(idx, storedPrev, storedCur, false);
        return Window(idx, idx == storedIndex + 1 ? storedCur : 0, 0, true);
    }

    /// @notice |oracle − twap| ≤ maxBps·twap, else Vamm_OracleTwapDivergence (bps floor).
    function checkDivergence(uint256 oracle, uint256 oracleTwap, uint256 maxBps) internal pure {
        uint256 diff = oracle > oracleTwap ? oracle - oracleTwap : oracleTwap - oracle;
        if (diff * BPS > maxBps * oracleTwap) {
            revert IVammMarketErrors.Vamm_OracleTwapDivergence((diff * BPS) / oracleTwap, maxBps);
        }
    }

    /// @notice Repeg direction and size (SPEC §6): toward the oracle and never past it, judged on the
    /// spot mark or, when the two sit across the oracle from each other, on the reference mark (the
    /// mark TWAP folded to now, scaled with the peg), and |ΔP|/P ≤ maxPegChangeBps. The reference keeps
    /// possible a repeg that a push held for a block hides from the spot mark; it moves at the TWAP's
    /// pace, so a push cannot move it cheaply. A repeg neither reading allows reverts with the spot
    /// figures.
    /// @return newMark floor(y·P'/x).
    function checkRepegShape(
        uint256 x,
        uint256 y,
        uint256 peg,
        uint256 newPeg,
        uint256 oracle,
        uint256 referenceMark,
        uint256 maxPegBps
    ) internal pure returns (uint256 newMark) {
        uint256 mark = (y * peg) / x;
        newMark = (y * newPeg) / x;
        bool up = oracle > mark && newMark > mark;
        bool down = oracle < mark && newMark < mark;
        bool spotPast = (up && newMark > oracle) || (down && newMark < oracle);
        if ((!up && !down) || spotPast) {
            // The reference is read only when it sits across the oracle from the spot mark (or the
            // mark is on it): where both agree, the spot rule alone holds, so a repeg never carries
            // the spot mark past the oracle on the reference's say-so.
            bool across = mark == oracle || (mark > oracle) != (referenceMark > oracle);
            if (!across || referenceMark == oracle || !_towardOnReference(peg, newPeg, oracle, referenceMark)) {
                if (!up && !down) revert IVammMarketErrors.Vamm_NotTowardOracle(mark, newMark, oracle);
                revert IVammMarketErrors.Vamm_PastOracle(newMark, oracle);
            }
        }
        uint256 dp = newPeg > peg ? newPeg - peg : peg - newPeg;
        if (dp * BPS > maxPegBps * peg) {
            revert IVammMarketErrors.Vamm_PegChangeTooLarge(Math.mulDiv(dp, BPS, peg, Math.Rounding.Ceil), maxPegBps);
        }
    }

    /// @dev The reference moves with the peg: ref' = ref·P'/P, rounded away from the reference (up
    /// going up, down going down) so a repeg at the boundary is judged past the oracle, never short.
    function _towardOnReference(uint256 peg, uint256 newPeg, uint256 oracle, uint256 ref) private pure returns (bool) {
        if (oracle > ref && newPeg > peg) return Math.mulDiv(ref, newPeg, peg, Math.Rounding.Ceil) <= oracle;
        if (oracle < ref && newPeg < peg) return Math.mulDiv(ref, newPeg, peg) >= oracle;
        return false;
    }

    /// @notice k bounds: sqrtK' in [sqrtK·(1−dec), sqrtK·(1+inc)] and sqrtK' ≥ |d|.
    function checkKShape(uint256 sqrtK, uint256 newSqrtK, uint256 absD, uint256 incBps, uint256 decBps) internal pure {
        if (newSqrtK * BPS < sqrtK * (BPS - decBps) || newSqrtK * BPS > sqrtK * (BPS + incBps)) {
            revert IVammMarketErrors.Vamm_KChangeOutOfBounds(sqrtK, newSqrtK);
        }
        if (newSqrtK < absD) revert IVammMarketErrors.Vamm_SqrtKBelowNetPosition(newSqrtK, absD);
    }

    /// @notice Cost ≤ budget, cooldown, rolling daily cost cap (cost > 0 only; revenue never refills it).
    /// @param spend The rolled day window of spends (prev, cur); `cur` is raised by the cost here.
    /// @param budgetAtWindowStart The budget at the start of the (rolled) day window.
    function checkSpend(
        int256 cost,
        uint256 budget,
        uint256 lastHookBlock,
        uint256 cooldownBlocks,
        Window memory spend,
        uint256 budgetAtWindowStart,
        uint256 dailyCapBps
    ) internal view {
        if (cost > 0 && uint256(cost) > budget) revert IVammMarketErrors.Vamm_CostExceedsBudget(cost, budget);
        // lastHookBlock 0 = never (no cooldown).
        if (lastHookBlock != 0 && block.number < lastHookBlock + cooldownBlocks) {
            revert IVammMarketErrors.Vamm_HookCooldown(lastHookBlock, block.number);
        }
        if (cost > 0) {
            uint256 cap = dailyCap(budgetAtWindowStart, dailyCapBps);
            uint256 spent = spend.prev + spend.cur;
            if (spent + uint256(cost) > cap) revert IVammMarketErrors.Vamm_DailyCostCapExceeded(spent, uint256(cost), cap);
            spend.cur += uint256(cost);
        }
    }

    /// @notice `floor(budgetAtWindowStart · dailyCostCapBps / 1e4)`.
    function dailyCap(uint256 budgetAtWindowStart, uint256 dailyCapBps) internal pure returns (uint256) {
        return (budgetAtWindowStart * dailyCapBps) / BPS;
    }

    /// @notice What the rolling daily cap still allows (0 when spent).
    function spendRoom(Window memory spend, uint256 budgetAtWindowStart, uint256 dailyCapBps)
        internal
        pure
        returns (uint256)
    {
        uint256 cap = dailyCap(budgetAtWindowStart, dailyCapBps);
        uint256 spent = spend.prev + spend.cur;
        return cap > spent ? cap - spent : 0;
    }

    /// @notice `ceil((sqrtK − sqrtK')·1e4/sqrtK)` for a decrease, 0 otherwise.
    function kDecreaseBps(uint256 sqrtK, uint256 newSqrtK) internal pure returns (uint256) {
        if (newSqrtK >= sqrtK) return 0;
        return MulDivFast.mulDivUp(sqrtK - newSqrtK, BPS, sqrtK);
    }

    /// @notice Rolling-24 h cap on k decreases: prev + cur + bps ≤ maxDailyKDecreaseBps.
    function checkKDecreaseCap(Window memory kDec, uint256 bps, uint256 capBps) internal pure {
        if (bps == 0) return;
        uint256 used = kDec.prev + kDec.cur;
        if (used + bps > capBps) revert IVammMarketErrors.Vamm_KDecreaseCapExceeded(used, bps, capBps);
        kDec.cur += bps;
    }

    /// @notice A repeg's mark move `ceil(|P' − P|·1e4/P)`.
    function pegMoveBps(uint256 peg, uint256 newPeg) internal pure returns (uint256) {
        uint256 dp = newPeg > peg ? newPeg - peg : peg - newPeg;
        return MulDivFast.mulDivUp(dp, BPS, peg);
    }

    /// @notice A k increase's value transfer to the net position per unit of notional, doubled for
    /// the marginal position (SPEC §6): `ceil(2·|d|·(sqrtK' − sqrtK)·1e4 / (x·sqrtK'))`; 0 for a decrease.
    function kIncreaseMoveBps(uint256 x, uint256 sqrtK, uint256 newSqrtK, uint256 absD) internal pure returns (uint256) {
        if (newSqrtK <= sqrtK || absD == 0) return 0;
        return MulDivFast.mulDivUp(2 * absD * (newSqrtK - sqrtK), BPS, x * newSqrtK);
    }

    /// @notice Sandwich bound: prev + cur + moveBps ≤ maxPegChangeBps over the rolling hook window.
    function checkMoveCap(Window memory move, uint256 moveBps, uint256 capBps) internal pure {
        if (moveBps == 0) return;
        uint256 used = move.prev + move.cur;
        if (used + moveBps > capBps) revert IVammMarketErrors.Vamm_HookMoveCapExceeded(used, moveBps, capBps);
        move.cur += moveBps;
    }
}
