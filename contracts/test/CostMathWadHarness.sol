// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {CostMathWad} from "../libraries/CostMathWad.sol";
import {BpsMath} from "../libraries/BpsMath.sol";
import {MulDivFast} from "../libraries/MulDivFast.sol";
import {HookGuards} from "../libraries/HookGuards.sol";

/// @title CostMathWadHarness
/// @notice Test-only: exposes the internal CostMathWad, BpsMath, MulDivFast and HookGuards window
/// functions, so the keeper's WAD module (keeper/core/math/wad) is held to them to the wei.
contract CostMathWadHarness {
    function mulWadUp(int256 a, int256 b) external pure returns (int256) {
        return CostMathWad.mulWadUp(a, b);
    }

    function terminalQuote(uint256 x, uint256 sqrtK, int256 d) external pure returns (uint256) {
        return CostMathWad.terminalQuote(x, sqrtK, d);
    }

    function repegCost(uint256 x, uint256 y, uint256 sqrtK, int256 d, uint256 peg, uint256 newPeg)
        external
        pure
        returns (int256)
    {
        return CostMathWad.repegCost(x, y, sqrtK, d, peg, newPeg);
    }

    function scaledReserves(uint256 x, uint256 y, uint256 sqrtK, uint256 newSqrtK)
        external
        pure
        returns (uint256, uint256)
    {
        return CostMathWad.scaledReserves(x, y, sqrtK, newSqrtK);
    }

    function kCost(uint256 x, uint256 y, uint256 sqrtK, uint256 x1, uint256 y1, uint256 newSqrtK, int256 d, uint256 peg)
        external
        pure
        returns (int256)
    {
        return CostMathWad.kCost(x, y, sqrtK, x1, y1, newSqrtK, d, peg);
    }

    function mulBpsUp(uint256 amount, uint256 bps) external pure returns (uint256) {
        return BpsMath.mulBpsUp(amount, bps);
    }

    function mulBpsDown(uint256 amount, uint256 bps) external pure returns (uint256) {
        return BpsMath.mulBpsDown(amount, bps);
    }

    function mulDivDown(uint256 a, uint256 b, uint256 d) external pure returns (uint256) {
        return MulDivFast.mulDivDown(a, b, d);
    }

    function mulDivUp(uint256 a, uint256 b, uint256 d) external pure returns (uint256) {
        return MulDivFast.mulDivUp(a, b, d);
    }

    function rolledWindow(uint256 storedIndex, uint256 storedPrev, uint256 storedCur, uint256 idx)
        external
        pure
        returns (HookGuards.Window memory)
    {
        return HookGuards.rolledWindow(storedIndex, storedPrev, storedCur, idx);
    }

    function spendRoom(HookGuards.Window memory spend, uint256 budgetAtWindowStart, uint256 dailyCapBps)
        external
        pure
        returns (uint256)
    {
        return HookGuards.spendRoom(spend, budgetAtWindowStart, dailyCapBps);
    }

    function kDecreaseBps(uint256 sqrtK, uint256 newSqrtK) external pure returns (uint256) {
        return HookGuards.kDecreaseBps(sqrtK, newSqrtK);
    }

    function pegMoveBps(uint256 peg, uint256 newPeg) external pure returns (uint256) {
        return HookGuards.pegMoveBps(peg, newPeg);
    }

    function kIncreaseMoveBps(uint256 x, uint256 sqrtK, uint256 newSqrtK, uint256 absD) external pure returns (uint256) {
        return HookGuards.kIncreaseMoveBps(x, sqrtK, newSqrtK, absD);
    }
}
