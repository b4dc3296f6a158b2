// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title MockAggregator
/// @notice Chainlink `AggregatorV3Interface` with a round history, for local networks and tests.
/// `setAnswer` publishes a normal round at `block.timestamp`; `setRound` crafts stale, incomplete
/// (`answeredInRound < roundId`) or non-positive rounds.
contract MockAggregator is AggregatorV3Interface {
    /// @dev One slot per round; startedAt is reported equal to updatedAt.
    struct Round {
        int128 answer;
        uint48 updatedAt;
        uint40 roundId;
        uint40 answeredInRound;
    }

    /// @notice getRoundData for a round that was never published.
    error MockAggregator_NoRound(uint80 roundId);
    /// @notice setRound with a lag larger than the round id.
    error MockAggregator_LagTooLarge(uint80 roundId, uint80 lag);

    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    uint8 public immutable override decimals;
    /// @dev The latest round in one slot (its id included), so `latestRoundData` costs one SLOAD
    /// like a production feed's hot path; the history serves `getRoundData`.
    Round private _latest;
    mapping(uint80 roundId => Round) private _rounds;

    constructor(uint8 decimals_, int256 initialAnswer) {
        decimals = decimals_;
        _publish(initialAnswer, block.timestamp, 0);
    }

    /// @notice Publishes a complete round with `answer` at `block.timestamp`.
    function setAnswer(int256 answer) external {
        _publish(answer, block.timestamp, 0);
    }

    /// @notice Publishes a round with any `updatedAt` (0 = incomplete) and
    /// `answeredInRound = roundId − answeredInRoundLag` (lag > 0 = incomplete round).
    function setRound(int256 answer, uint256 updatedAt, uint80 answeredInRoundLag) external {
        _publish(answer, updatedAt, answeredInRoundLag);
    }

    /// @notice The id of the latest published round.
    function latestRound() external view returns (uint80) {
        return _latest.roundId;
    }

    function description() external pure override returns (string memory) {
        return "MockAggregator";
    }

    function version() external pure override returns (uint256) {
        return 4;
    }

    function getRoundData(uint80 roundId)
        external
        view
        override
        returns (uint80, int256, uint256, uint256, uint80)
    {
        if (roundId == 0 || roundId > _latest.roundId) revert MockAggregator_NoRound(roundId);
        return _roundData(_rounds[roundId]);
    }

    function latestRoundData() external view override returns (uint80, int256, uint256, uint256, uint80) {
        return _roundData(_latest);
    }

    function _roundData(Round memory r) private pure returns (uint80, int256, uint256, uint256, uint80) {
        return (r.roundId, r.answer, r.updatedAt, r.updatedAt, r.answeredInRound);
    }

    function _publish(int256 answer, uint256 updatedAt, uint80 lag) private {
        uint80 id = uint80(_latest.roundId) + 1;
        if (lag > id) revert MockAggregator_LagTooLarge(id, lag);
        Round memory r = Round(SafeCast.toInt128(answer), SafeCast.toUint48(updatedAt), SafeCast.toUint40(id), uint40(id - lag));
        _latest = r;
        _rounds[id] = r;
        emit AnswerUpdated(answer, id, updatedAt);
    }
}
