// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IVammMarketErrors} from "./IVammMarketErrors.sol";
import {IOracleErrors} from "./IOracleErrors.sol";

/// @title VammMarket
/// @notice One perpetual market: a virtual constant-product curve with a peg, its fees → budget /
/// reserved share, open interest, mark and oracle TWAPs, funding, guards, and the keeper's repeg /
/// updateK hooks (SPEC §2, §4–§6). All amounts, prices and reserves are WAD (1e18).
interface IVammMarket is IVammMarketErrors, IOracleErrors {
    /// @notice What the ClearingHouse asks the curve to do.
    /// @dev OpenQuote: trade `amount` quote in direction `isLong` against the position `size`
    /// (increase, reduce or reverse, SPEC §3). CloseBase: close `amount` base of `size`.
    /// LiquidateBase: like CloseBase, exempt from the fluctuation limit.
    enum TradeKind {
        OpenQuote,
        CloseBase,
        LiquidateBase
    }

    /// @notice Why the adjustment budget changed (fees are reported by {FeeCollected}, hook costs
    /// by {PegUpdated} / {KUpdated}).
    enum BudgetChangeReason {
        Funded,
        Funding,
        BadDebt
    }

    /// @notice Why the reserved share changed (trade fees are reported by {FeeCollected}).
    enum ReserveChangeReason {
        LiquidationFee,
        BadDebt,
        Withdrawn
    }

    /// @notice Outcome of {trade}: the part of the old position closed and the part opened.
    /// @param closedBase Base removed from the existing position (WAD).
    /// @param closedQuote Quote out (closing a long) or in (closing a short) for `closedBase`, before fee.
    /// @param openedBase Base added in the trade's direction (WAD).
    /// @param openedQuote Quote notional of the opened part (WAD).
    /// @param fee Total trading fee, `ceil(quote · feeBps / 1e4)` per curve leg (WAD).
    /// @param imBps The market's initial margin (bps) for the ClearingHouse's check.
    struct TradeResult {
        uint256 closedBase;
        uint256 closedQuote;
        uint256 openedBase;
        uint256 openedQuote;
        uint256 fee;
        uint256 imBps;
    }

    /// @notice Every parameter of SPEC §6 (bps out of 1e4, seconds, blocks; maxOpenInterest is base WAD).
    struct MarketParams {
        uint256 feeBps;
        uint256 reserveShareBps;
        uint256 imBps;
        uint256 mmBps;
        uint256 liquidationFeeBps;
        uint256 fundingPeriod;
        uint256 twapWindow;
        uint256 fundingCapBps;
        uint256 fundingBudgetShareBps;
        uint256 maxOracleAgeHooks;
        uint256 maxOracleAgeMargin;
        uint256 maxOracleTwapDivergenceBps;
        uint256 maxPegChangeBps;
        uint256 maxKIncreaseBps;
        uint256 maxKDecreaseBps;
        uint256 hookCooldownBlocks;
        uint256 dailyCostCapBps;
        uint256 fluctuationLimitBps;
        uint256 maxOpenInterest;
        uint256 maxDailyKDecreaseBps;
        uint256 hookWindowSeconds;
        uint256 oracleBreakerBps;
        uint256 maxLiquidationSlippageBps;
    }

    /// @notice Everything a keeper or the simulator needs, read in one call.
    struct MarketState {
        uint256 baseReserve;
        uint256 quoteReserve;
        uint256 peg;
        uint256 sqrtK;
        uint256 mark;
        uint256 longOI;
        uint256 shortOI;
        uint256 budget;
        uint256 reservedShare;
        uint256 markTwap;
        uint256 markTwapTimestamp;
        uint256 oracleTwap;
        uint256 oracleTwapTimestamp;
        int256 cumFundingLong;
        int256 cumFundingShort;
        uint256 lastFundingTime;
        uint256 nextFundingTime;
        uint256 blockStartMark;
        uint256 blockStartBlock;
        uint256 lastHookBlock;
        uint256 lastHookTimestamp;
        uint256 windowIndex;
        uint256 prevSpent;
        uint256 curSpent;
        uint256 budgetAtWindowStart;
        bool paused;
        bool globalPaused;
        bool reduceOnly;
        MarketParams params;
        /// @dev Last valid oracle answer observed (the TWAP's next fold, the margin price's fallback).
        uint256 lastOraclePrice;
        uint256 moveWindowIndex;
        uint256 prevMoveBps;
        uint256 curMoveBps;
        uint256 prevKDecreaseBps;
        uint256 curKDecreaseBps;
        bool volatilityBreaker;
    }

    /// @notice Deployment configuration.
    /// @param clearingHouse The only caller of the trade / margin entry points.
    /// @param oracle Chainlink feed of the index price.
    /// @param admin Receives DEFAULT_ADMIN_ROLE.
    /// @param sqrtK Initial depth (WAD); both reserves start at sqrtK so the mark starts at `peg`.
    /// @param peg Initial peg (WAD).
    /// @param maxOpenInterest Cap on long + short OI (base, WAD; stored at 1e-6 base resolution, floor).
    struct MarketConfig {
        address clearingHouse;
        address oracle;
        address admin;
        uint256 sqrtK;
        uint256 peg;
        uint256 maxOpenInterest;
    }

    /// @notice A curve trade collected `fee`, split into the budget and the reserved share.
    event FeeCollected(uint256 fee, uint256 toBudget, uint256 toReserve);

    /// @notice The keeper repegged; `cost` > 0 was paid from the budget, < 0 was earned.
    event PegUpdated(uint256 oldPeg, uint256 newPeg, int256 cost, uint256 newMark);

    /// @notice The keeper changed the depth; `cost` > 0 was paid from the budget, < 0 was earned.
    event KUpdated(uint256 oldSqrtK, uint256 newSqrtK, int256 cost, uint256 newMark);

    /// @notice The adjustment budget changed for `reason`.
    event BudgetChanged(uint256 oldBudget, uint256 newBudget, BudgetChangeReason reason);

    /// @notice The reserved share changed for `reason`.
    event ReservedShareChanged(uint256 oldReservedShare, uint256 newReservedShare, ReserveChangeReason reason);

    /// @notice PARAM_ADMIN_ROLE changed a parameter.
    event ParameterChanged(bytes32 indexed name, uint256 oldValue, uint256 newValue);

    /// @notice Funding settled: `f` per base (> 0 longs pay), the rates actually charged / credited,
    /// and the AMM's side.
    event FundingSettled(
        int256 f, int256 fLong, int256 fShort, uint256 ammReceived, uint256 ammPaid, uint256 markTwap, uint256 oracleTwap
    );

    /// @notice Reduce-only mode changed.
    event ReduceOnlySet(bool oldValue, bool newValue);

    /// @notice The market was paused (same signature as OpenZeppelin Pausable).
    event Paused(address account);

    /// @notice The market was unpaused (same signature as OpenZeppelin Pausable).
    event Unpaused(address account);

    /// @notice The ClearingHouse mirrored its global pause into this market.
    event GlobalPauseSet(bool paused);

    /// @notice The volatility breaker was set (opens refused) or cleared by an oracle observation.
    event VolatilityBreakerSet(bool active, uint256 oraclePrice, uint256 oracleTwap);

    // ---------------------------------------------------------------- ClearingHouse only

    /// @notice Executes a curve trade for the ClearingHouse (SPEC §2–§3, §6): fees, OI, TWAP,
    /// reduce-only, OI cap, fluctuation limit.
    /// @param size The trader's current signed position (base, WAD).
    /// @param isLong Direction of an OpenQuote trade (ignored for closes).
    /// @param amount Quote (OpenQuote) or base (CloseBase / LiquidateBase), WAD.
    /// @param kind See {TradeKind}.
    function trade(int256 size, bool isLong, uint256 amount, TradeKind kind) external returns (TradeResult memory);

    /// @notice Adds `amount` (WAD) to the budget (tokens moved in by the ClearingHouse).
    function creditBudget(uint256 amount) external;

    /// @notice Adds `amount` (WAD) to the reserved share (liquidation fees).
    function creditReserve(uint256 amount) external;

    /// @notice Takes `amount` (WAD) out of the reserved share (admin withdrawal).
    function debitReserve(uint256 amount) external;

    /// @notice Covers bad debt from the reserved share, then the budget.
    /// @return fromReserve Taken from the reserved share (WAD).
    /// @return fromBudget Taken from the budget (WAD).
    function absorbBadDebt(uint256 amount) external returns (uint256 fromReserve, uint256 fromBudget);

    /// @notice Switches the market to reduce-only (the ClearingHouse, on uncovered bad debt).
    function enterReduceOnly() external;
    /// @notice Mirrors the ClearingHouse's global pause into the market's hot slot.
    function setGlobalPause(bool paused) external;

    // ---------------------------------------------------------------- keeper hooks

    /// @notice Moves the peg to `newPeg` (KEEPER_ROLE), paying the cost from the budget.
    /// @return cost Signed cost (WAD, > 0 paid).
    function repeg(uint256 newPeg) external returns (int256 cost);

    /// @notice Repegs toward `targetPeg` as far as the oracle, the move caps, the budget and the daily
    /// cost cap allow (KEEPER_ROLE); refuses only when that is short of `minPeg`.
    /// @return cost Signed cost (WAD, > 0 paid).
    /// @return newPeg The peg applied.
    function repegToward(uint256 targetPeg, uint256 minPeg) external returns (int256 cost, uint256 newPeg);
    /// @notice Changes sqrtK to `newSqrtK` (KEEPER_ROLE), scaling both reserves, paying the cost.
    /// @return cost Signed cost (WAD, > 0 paid).
    function updateK(uint256 newSqrtK) external returns (int256 cost);

    /// @notice What {repeg} would do now; reverts with the guard's error when it would refuse.
    function previewRepeg(uint256 newPeg) external view returns (int256 cost, uint256 newMark);

    /// @notice What {updateK} would do now; reverts with the guard's error when it would refuse.
    function previewUpdateK(uint256 newSqrtK) external view returns (int256 cost, uint256 newMark);

    // ---------------------------------------------------------------- anyone

    /// @notice Settles one funding period (SPEC §5) once `now ≥ lastFundingTime + fundingPeriod`.
    /// @return f The funding per base for the period (WAD, > 0 longs pay).
    function settleFunding() external returns (int256 f);

    /// @notice Reads the oracle (max age `maxOracleAgeMargin`) and folds it into the oracle TWAP.
    function observeOracle() external returns (uint256 price, uint256 oracleTwap);

    // ---------------------------------------------------------------- admin

    /// @notice Sets a SPEC §6 parameter within its hard bounds (PARAM_ADMIN_ROLE).
    function setParameter(bytes32 name, uint256 value) external;

    /// @notice Enables / disables reduce-only mode (PARAM_ADMIN_ROLE).
    function setReduceOnly(bool reduceOnly) external;

    /// @notice Pauses the market (GUARDIAN_ROLE).
    function pause() external;

    /// @notice Unpauses the market (DEFAULT_ADMIN_ROLE).
    function unpause() external;

    // ---------------------------------------------------------------- views

    function clearingHouse() external view returns (address);

    function oracle() external view returns (AggregatorV3Interface);

    /// @notice The full state (see {MarketState}).
    function marketState() external view returns (MarketState memory);

    /// @notice Mark price `y · P / x` (WAD, floor).
    function markPrice() external view returns (uint256);

    /// @notice Latest oracle answer scaled to WAD and its timestamp (validity not checked).
    function oracleLatest() external view returns (uint256 priceWad, uint256 updatedAt);

    /// @notice Quote out (long) / in (short) and trading fee of closing `base` of a position `size`.
    function previewClose(int256 size, uint256 base) external view returns (uint256 quote, uint256 fee);

    /// @notice The price positions are valued at for margin and liquidation (SPEC §3): the oracle
    /// answer when valid under `maxOracleAgeMargin`, else the last valid answer the market observed.
    function marginPrice() external view returns (uint256 price, bool oracleValid);
    /// @notice The oracle answer (WAD), reverting Oracle_* when it is not valid under `maxOracleAgeMargin`.
    function validMarginPrice() external view returns (uint256 price);
    /// @notice The largest base a liquidation of a long (`closeLong`) or short may close without moving
    /// the mark beyond `price·(1 ∓ maxLiquidationSlippageBps/1e4)` (SPEC §3; 0 = none).
    function maxLiquidationBase(bool closeLong, uint256 price) external view returns (uint256);
    /// @notice Long and short open interest (base, WAD).
    function openInterest() external view returns (uint256 longOI, uint256 shortOI);
    /// @notice Margin parameters the ClearingHouse applies (bps).
    function marginParams() external view returns (uint256 imBps, uint256 mmBps, uint256 liquidationFeeBps);

    /// @notice Reverts `Vamm_Paused` / `CH_Paused` when trading is paused.
    function requireActive() external view;
}
