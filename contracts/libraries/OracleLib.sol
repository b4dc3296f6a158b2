// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IOracleErrors} from "../interfaces/IOracleErrors.sol";

/// @title OracleLib
/// @notice The OracleAdapter of SPEC §1: reads a Chainlink `AggregatorV3Interface`, rejects
/// non-positive, incomplete and stale answers, and scales to WAD.
library OracleLib {
    /// @notice `10^(18 − decimals)`, the factor from the feed's decimals to WAD.
    function scaleOf(AggregatorV3Interface feed) internal view returns (uint256) {
        uint8 dec = feed.decimals();
        if (dec > 18) revert IOracleErrors.Oracle_UnsupportedDecimals(dec);
        return 10 ** (18 - dec);
    }

    /// @notice The latest answer as a WAD price, or a revert naming what is wrong with it.
    /// @param scale `scaleOf(feed)`, cached by the caller.
    /// @param maxAge Oldest acceptable answer, seconds. A timestamp in the future counts as fresh.
    /// @dev A raw STATICCALL decoding the five words in place (the hooks' hot path): a reverting feed's
    /// reason is bubbled up, a short answer reverts like a high-level call would. Out-of-range words
    /// for the uint80 round ids are not re-validated: they only feed the completeness comparison.
    function readWad(AggregatorV3Interface feed, uint256 scale, uint256 maxAge) internal view returns (uint256) {
        uint256 roundId;
        int256 answer;
        uint256 updatedAt;
        uint256 answeredInRound;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, 0xfeaf968c00000000000000000000000000000000000000000000000000000000) // latestRoundData()
            let ok := staticcall(gas(), feed, ptr, 4, ptr, 0xa0)
            if iszero(ok) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
            if lt(returndatasize(), 0xa0) { revert(0, 0) }
            roundId := mload(ptr)
            answer := mload(add(ptr, 0x20))
            updatedAt := mload(add(ptr, 0x60))
            answeredInRound := mload(add(ptr, 0x80))
        }
        if (answer <= 0) revert IOracleErrors.Oracle_NonPositiveAnswer(answer);
        if (updatedAt == 0 || answeredInRound < roundId) {
            revert IOracleErrors.Oracle_IncompleteRound(uint80(roundId), uint80(answeredInRound));
        }
        if (block.timestamp > updatedAt) {
            unchecked {
                if (block.timestamp - updatedAt > maxAge) revert IOracleErrors.Oracle_StaleAnswer(updatedAt, maxAge); // > checked
            }
        }
        return uint256(answer) * scale;
    }

    /// @notice The latest answer as a WAD price and whether it is valid (positive, complete, not older
    /// than `maxAge`); a reverting or malformed feed counts as invalid. Never reverts (cold paths:
    /// margin valuation falls back on the last observed answer).
    function tryReadWad(AggregatorV3Interface feed, uint256 scale, uint256 maxAge)
        internal
        view
        returns (uint256 price, bool valid)
    {
        try feed.latestRoundData() returns (uint80 roundId, int256 answer, uint256, uint256 updatedAt, uint80 answeredInRound) {
            if (answer <= 0 || updatedAt == 0 || answeredInRound < roundId) return (0, false);
            if (block.timestamp > updatedAt && block.timestamp - updatedAt > maxAge) return (0, false);
            return (uint256(answer) * scale, true);
        } catch {
            return (0, false);
        }
    }
}
