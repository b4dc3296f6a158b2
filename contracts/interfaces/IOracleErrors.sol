// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Oracle errors
/// @notice Reverts of {OracleLib} when a Chainlink answer cannot be used.
interface IOracleErrors {
    /// @notice The feed answered zero or a negative price.
    /// @param answer The raw answer of the feed.
    error Oracle_NonPositiveAnswer(int256 answer);

    /// @notice The latest round is not complete (`updatedAt == 0` or `answeredInRound < roundId`).
    /// @param roundId The latest round id.
    /// @param answeredInRound The round in which the answer was computed.
    error Oracle_IncompleteRound(uint80 roundId, uint80 answeredInRound);

    /// @notice The answer is older than the caller allows.
    /// @param updatedAt When the answer was last updated (seconds).
    /// @param maxAge The maximum age the caller accepts (seconds).
    error Oracle_StaleAnswer(uint256 updatedAt, uint256 maxAge);

    /// @notice The feed reports more than 18 decimals, which cannot be scaled up to WAD.
    /// @param decimals The feed's decimals.
    error Oracle_UnsupportedDecimals(uint8 decimals);
}
