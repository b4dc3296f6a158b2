// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title VammMarket errors
/// @notice Every refusal of a market, with the values that caused it (SPEC §6, §7). Amounts are WAD.
interface IVammMarketErrors {
    /// @notice The market is paused by its guardian.
    error Vamm_Paused();

    /// @notice The market is in reduce-only mode and the trade would increase a position.
    error Vamm_ReduceOnly();

    /// @notice The trade moved the mark further than the per-block limit from the block's first mark.
    /// @param moveBps The move from the block-start mark, floor, in bps.
    /// @param limitBps The configured `fluctuationLimitBps`.
    error Vamm_FluctuationLimitExceeded(uint256 moveBps, uint256 limitBps);

    /// @notice Long + short open interest would exceed the cap after an increase.
    /// @param openInterest Long + short OI after the trade (base, WAD).
    /// @param maxOpenInterest The cap (base, WAD).
    error Vamm_OpenInterestCapExceeded(uint256 openInterest, uint256 maxOpenInterest);

    /// @notice A reserve would reach zero (a short or a short close larger than the curve holds).
    /// @param reserve The reserve available (WAD).
    /// @param required The amount the trade needs to take out of it (WAD).
    error Vamm_InsufficientLiquidity(uint256 reserve, uint256 required);

    /// @notice An increase of `quote` moves no base (the notional is below one wei of base).
    /// @param quote The quote notional of the increase (WAD).
    error Vamm_ZeroBaseAmount(uint256 quote);

    /// @notice `settleFunding` before the next funding time.
    /// @param nextFundingTime The earliest time funding can settle.
    /// @param nowTimestamp The current block timestamp.
    error Vamm_FundingNotDue(uint256 nextFundingTime, uint256 nowTimestamp);

    /// @notice The oracle answer is too far from the oracle TWAP for a parameter change.
    /// @param divergenceBps |oracle − TWAP| / TWAP in bps, floor.
    /// @param maxBps The configured `maxOracleTwapDivergenceBps`.
    error Vamm_OracleTwapDivergence(uint256 divergenceBps, uint256 maxBps);

    /// @notice The repeg does not move the mark toward the oracle.
    /// @param mark The current mark (WAD).
    /// @param newMark The mark the new peg would give (WAD).
    /// @param oracle The oracle price (WAD).
    error Vamm_NotTowardOracle(uint256 mark, uint256 newMark, uint256 oracle);

    /// @notice The repeg would move the mark past the oracle.
    /// @param newMark The mark the new peg would give (WAD).
    /// @param oracle The oracle price (WAD).
    error Vamm_PastOracle(uint256 newMark, uint256 oracle);

    /// @notice The peg change exceeds `maxPegChangeBps`.
    /// @param bps |P' − P| / P in bps, ceil.
    /// @param max The configured `maxPegChangeBps`.
    error Vamm_PegChangeTooLarge(uint256 bps, uint256 max);

    /// @notice The new sqrtK is outside `[sqrtK·(1 − maxKDecreaseBps), sqrtK·(1 + maxKIncreaseBps)]`.
    /// @param sqrtK The current sqrtK (WAD).
    /// @param newSqrtK The requested sqrtK (WAD).
    error Vamm_KChangeOutOfBounds(uint256 sqrtK, uint256 newSqrtK);

    /// @notice The new sqrtK is below the absolute net user position |longOI − shortOI|.
    /// @param newSqrtK The requested sqrtK (WAD).
    /// @param netPosition |longOI − shortOI| (base, WAD).
    error Vamm_SqrtKBelowNetPosition(uint256 newSqrtK, uint256 netPosition);

    /// @notice The change costs more than the adjustment budget holds (never partly paid).
    /// @param cost The signed cost (WAD).
    /// @param budget The budget (WAD).
    error Vamm_CostExceedsBudget(int256 cost, uint256 budget);

    /// @notice A hook was called within `hookCooldownBlocks` of the previous one.
    /// @param lastHookBlock The block of the previous repeg / updateK.
    /// @param blockNumber The current block.
    error Vamm_HookCooldown(uint256 lastHookBlock, uint256 blockNumber);

    /// @notice The hook would spend more than the rolling-24h cap.
    /// @param spent What the two current windows have spent (WAD).
    /// @param cost The cost of this call (WAD).
    /// @param cap `budgetAtWindowStart · dailyCostCapBps / 1e4` (WAD).
    error Vamm_DailyCostCapExceeded(uint256 spent, uint256 cost, uint256 cap);

    /// @notice A parameter value outside its hard bounds.
    /// @param name The parameter's name (e.g. "feeBps").
    /// @param value The refused value.
    /// @param min The lowest value allowed.
    /// @param max The highest value allowed.
    error Vamm_InvalidParameter(bytes32 name, uint256 value, uint256 min, uint256 max);

    /// @notice `setParameter` with a name the market does not know.
    /// @param name The unknown name.
    error Vamm_UnknownParameter(bytes32 name);

    /// @notice A ClearingHouse-only entry point called by someone else.
    /// @param caller The caller.
    error Vamm_OnlyClearingHouse(address caller);

    /// @notice The admin tried to take more out of the reserved share than it holds.
    /// @param amount The requested amount (WAD).
    /// @param reservedShare The reserved share (WAD).
    error Vamm_InsufficientReserve(uint256 amount, uint256 reservedShare);

    /// @notice A zero address in the market's configuration.
    /// @param what Which address ("clearingHouse", "oracle", "admin").
    error Vamm_ZeroAddress(bytes32 what);

    /// @notice The k decreases of the rolling 24 h (previous + current day window) would exceed the cap.
    /// @param usedBps Decreases already made in the two windows (bps of sqrtK, each call ceil).
    /// @param bps This call's decrease `ceil((sqrtK − sqrtK')·1e4/sqrtK)`.
    /// @param capBps The configured `maxDailyKDecreaseBps`.
    error Vamm_KDecreaseCapExceeded(uint256 usedBps, uint256 bps, uint256 capBps);

    /// @notice The hook-induced mark moves of the rolling hook window (previous + current window of
    /// `hookWindowSeconds`) would exceed `maxPegChangeBps` (the sandwich bound, SPEC §6).
    /// @param usedBps Moves already made in the two windows (bps).
    /// @param moveBps This call's move (repeg: ceil(|ΔP|·1e4/P); k increase: ceil(2·|d|·ΔsqrtK·1e4/(x·sqrtK'))).
    /// @param capBps The configured `maxPegChangeBps`.
    error Vamm_HookMoveCapExceeded(uint256 usedBps, uint256 moveBps, uint256 capBps);

    /// @notice An opening trade while the volatility breaker is set (the last oracle observation was
    /// more than `oracleBreakerBps` from the oracle TWAP). Closes and liquidations stay open.
    /// @param lastOraclePrice The answer that set the breaker (WAD).
    /// @param oracleTwap The oracle TWAP it was compared with (WAD).
    /// @param breakerBps The configured `oracleBreakerBps`.
    error Vamm_VolatilityBreaker(uint256 lastOraclePrice, uint256 oracleTwap, uint256 breakerBps);

    /// @notice `repegToward` could fit only a step short of the keeper's minimum.
    /// @param fittedPeg The peg the caps allow (WAD).
    /// @param minPeg The keeper's minimum acceptable peg on the way to the target (WAD).
    error Vamm_RepegBelowMinimum(uint256 fittedPeg, uint256 minPeg);
}
