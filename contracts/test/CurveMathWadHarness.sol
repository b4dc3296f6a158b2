// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {CurveMathWad} from "../libraries/CurveMathWad.sol";
import {CostMathWad} from "../libraries/CostMathWad.sol";

/// @title CurveMathWadHarness
/// @notice Test-only: exposes the internal CurveMathWad functions, and the terminal quote the hook
/// costs value (CostMathWad), for exact-value tests.
contract CurveMathWadHarness {
    function markPrice(uint256 x, uint256 y, uint256 peg) external pure returns (uint256) {
        return CurveMathWad.markPrice(x, y, peg);
    }

    function afterLong(uint256 y, uint256 sqrtK, uint256 peg, uint256 q) external pure returns (uint256, uint256) {
        return CurveMathWad.afterLong(y, sqrtK, peg, q);
    }

    function afterShort(uint256 y, uint256 sqrtK, uint256 peg, uint256 q) external pure returns (uint256, uint256) {
        return CurveMathWad.afterShort(y, sqrtK, peg, q);
    }

    function closeLong(uint256 x, uint256 y, uint256 sqrtK, uint256 peg, uint256 b)
        external
        pure
        returns (uint256, uint256, uint256)
    {
        return CurveMathWad.closeLong(x, y, sqrtK, peg, b);
    }

    function closeShort(uint256 x, uint256 y, uint256 sqrtK, uint256 peg, uint256 b)
        external
        pure
        returns (uint256, uint256, uint256)
    {
        return CurveMathWad.closeShort(x, y, sqrtK, peg, b);
    }

    function terminalQuote(uint256 x, uint256 sqrtK, int256 d) external pure returns (uint256) {
        return CostMathWad.terminalQuote(x, sqrtK, d);
    }
}
