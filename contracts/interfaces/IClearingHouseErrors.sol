// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ClearingHouse errors
/// @notice Every refusal of the ClearingHouse, with the values that caused it. Amounts are WAD
/// unless named `amount6` (collateral token units).
interface IClearingHouseErrors {
    /// @notice The protocol is globally paused.
    error CH_Paused();

    /// @notice A zero amount where a positive one is required.
    error CH_ZeroAmount();

    /// @notice `block.timestamp > deadline`.
    /// @param deadline The caller's deadline.
    /// @param nowTimestamp The current block timestamp.
    error CH_DeadlinePassed(uint256 deadline, uint256 nowTimestamp);

    /// @notice Free collateral below the amount needed.
    /// @param available The account's free collateral (WAD).
    /// @param required The amount needed (WAD).
    error CH_InsufficientCollateral(uint256 available, uint256 required);

    /// @notice The trader has no position in the market.
    /// @param trader The trader.
    /// @param market The market.
    error CH_NoPosition(address trader, address market);

    /// @notice Base moved is below the minimum (long) or above the maximum (short).
    /// @param base Base moved by the trade (WAD).
    /// @param limit The caller's limit (WAD).
    error CH_BaseLimitExceeded(uint256 base, uint256 limit);

    /// @notice Quote out below the minimum (closing a long) or quote in above the maximum (closing a short).
    /// @param quote Quote out / in of the close (WAD).
    /// @param limit The caller's limit (WAD).
    error CH_QuoteLimitExceeded(uint256 quote, uint256 limit);

    /// @notice Margin (after an increase) or equity (after removing margin) below the initial margin.
    /// @param value The margin or equity (WAD, signed).
    /// @param required The initial margin required (WAD).
    error CH_BelowInitialMargin(int256 value, uint256 required);

    /// @notice A partial reduce or a margin removal would leave the position's margin negative.
    /// @param margin The margin it would leave (WAD, signed).
    error CH_NegativeMargin(int256 margin);

    /// @notice The position is at or above maintenance margin.
    /// @param equity Margin + unrealised PnL − pending funding (WAD, signed).
    /// @param maintenance The maintenance requirement `ceil(closeValue · mmBps / 1e4)` (WAD).
    error CH_NotLiquidatable(int256 equity, uint256 maintenance);

    /// @notice A close larger than the position.
    /// @param size The requested base size (WAD).
    /// @param position The position's absolute size (WAD).
    error CH_SizeExceedsPosition(uint256 size, uint256 position);

    /// @notice The address is not a market registered in this ClearingHouse.
    /// @param market The address.
    error CH_UnknownMarket(address market);

    /// @notice `addMarket` for a market already registered.
    /// @param market The market.
    error CH_MarketAlreadyAdded(address market);

    /// @notice The market was built for another ClearingHouse.
    /// @param market The market.
    /// @param clearingHouse The ClearingHouse the market trusts.
    error CH_MarketMismatch(address market, address clearingHouse);

    /// @notice The collateral token does not have 6 decimals.
    /// @param decimals The token's decimals.
    error CH_UnsupportedCollateral(uint8 decimals);

    /// @notice A zero address where one is required.
    error CH_ZeroAddress();

    /// @notice The position's size would not fit its storage slot (int96, SPEC §8).
    /// @param size The size the position would have (WAD, signed).
    /// @param maxAbsSize The largest absolute size a position may have (WAD, 2^95 − 1).
    error CH_PositionTooLarge(int256 size, uint256 maxAbsSize);

    /// @notice `fundingIndicesAt` for an epoch the market has not reached (or 0).
    /// @param market The market.
    /// @param epoch The epoch asked for.
    /// @param currentEpoch The market's current funding epoch (0 = not a market).
    error CH_UnknownFundingEpoch(address market, uint256 epoch, uint256 currentEpoch);

    /// @notice A liquidation cannot close any base without pushing the mark beyond the execution band
    /// (`maxLiquidationSlippageBps` from the margin price): the mark is already there. Retry once the
    /// arbitrage has pulled it back.
    /// @param mark The current mark (WAD).
    /// @param marginPrice The margin price the band is centred on (WAD).
    error CH_LiquidationBeyondBand(uint256 mark, uint256 marginPrice);

    /// @notice A margin removal or reserve withdrawal would take more than the collateral that backs the
    /// market (SPEC §3): the market's collateral is for its own traders' closes.
    /// @param market The market.
    /// @param available Its collateral (WAD).
    /// @param required The amount asked (WAD).
    error CH_MarketCollateralShort(address market, uint256 available, uint256 required);

    /// @notice Nothing of the caller's claim on the market can be paid: no claim, or no collateral left.
    /// @param market The market.
    /// @param claim The caller's claim (WAD).
    /// @param available The market's collateral (WAD).
    error CH_NoClaim(address market, uint256 claim, uint256 available);
}
