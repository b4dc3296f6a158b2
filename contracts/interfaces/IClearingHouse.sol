// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IClearingHouseErrors} from "./IClearingHouseErrors.sol";

/// @title ClearingHouse
/// @notice Vault ledger and token custody, isolated-margin positions per (trader, market), trading,
/// margin, liquidation, bad debt and the global pause (SPEC §1, §3). Internal amounts are WAD; the
/// collateral token (6 decimals) is converted only at the vault boundary (`amount6`).
interface IClearingHouse is IClearingHouseErrors {
    /// @notice A position as stored, scaled to WAD (SPEC §8: one slot).
    /// @param size Signed base size (> 0 long), exact; |size| ≤ 2^95 − 1.
    /// @param margin Isolated margin, signed (funding / losses can push it below zero until closed);
    /// a multiple of 1e12 (stored at 1e-6 quote, rounded down).
    /// @param openNotional Quote cost basis of the open size; a multiple of 1e12 (stored at 1e-6
    /// quote, rounded up for a long, down for a short).
    /// @param fundingEpoch The market's funding epoch at the position's last funding settlement: it
    /// owes `size · (index now − {fundingIndicesAt}(market, fundingEpoch))` of its side.
    struct Position {
        int256 size;
        int256 margin;
        uint256 openNotional;
        uint256 fundingEpoch;
    }

    event Deposited(address indexed account, uint256 amount6);
    event Withdrawn(address indexed account, uint256 amount6);
    event MarginChanged(address indexed trader, address indexed market, int256 delta, int256 newMargin);
    /// @notice A position changed. `quoteDelta` is the quote the trader received from the curve
    /// (< 0 paid); `realisedPnl` excludes fee and funding.
    event PositionChanged(
        address indexed trader,
        address indexed market,
        int256 baseDelta,
        int256 quoteDelta,
        uint256 fee,
        int256 realisedPnl,
        int256 newSize,
        int256 newMargin
    );
    /// @notice Funding settled into a position's margin (`amount` > 0 paid by the trader).
    event FundingPaid(address indexed trader, address indexed market, int256 amount);
    event Liquidated(
        address indexed trader,
        address indexed market,
        address indexed liquidator,
        uint256 baseClosed,
        uint256 quoteClosed,
        uint256 liquidationFee,
        uint256 toLiquidator,
        int256 remainingMargin
    );
    /// @notice Negative margin left by a closed position, covered by the reserved share, then the
    /// budget; `uncovered` is recorded in {uncoveredBadDebt}.
    event BadDebtRecorded(address indexed trader, uint256 amount, uint256 fromReserve, uint256 fromBudget, uint256 uncovered);
    /// @notice A market's uncovered bad debt was charged to its profitable side through a funding
    /// epoch (`fLong` paid per base by longs, `fShort` received per base by shorts, so < 0 is paid);
    /// `unsocialized` could not be charged (no open interest on that side) and is recorded.
    event BadDebtSocialized(address indexed market, uint256 socialized, uint256 unsocialized, int256 fLong, int256 fShort);
    event MarketAdded(address indexed market);
    event BudgetFunded(address indexed market, address indexed from, uint256 amount6);
    event ReserveWithdrawn(address indexed market, address indexed to, uint256 amount6);
    /// @notice A market's funding settlement: the new cumulative indices, which hold during `epoch`.
    event FundingIndicesUpdated(address indexed market, int256 cumFundingLong, int256 cumFundingShort, uint256 epoch);
    /// @notice A payout from `market` (a closed position's margin, a liquidator's fee share) exceeded the
    /// collateral that backs the market: `paid` was paid, `owed − paid` became the account's claim on the
    /// market ({claimOf}), payable only from that market's collateral (SPEC §3, per-market collateral).
    event MarketPayoutShort(address indexed market, address indexed account, uint256 owed, uint256 paid);
    /// @notice Part of a claim on `market` was paid from the market's collateral; `remaining` is still owed.
    event ClaimRedeemed(address indexed market, address indexed account, uint256 paid, uint256 remaining);

    // ---------------------------------------------------------------- vault
    function deposit(uint256 amount6) external;
    function withdraw(uint256 amount6) external;

    // ---------------------------------------------------------------- trading
    /// @notice Moves `marginToAdd` (WAD) from free collateral into the position, then trades
    /// `quoteNotional` (WAD) in direction `isLong`: increase, reduce or reverse (SPEC §3).
    /// @param baseLimit Min base moved (long) / max base moved (short; 0 = no limit).
    /// @return newSize The position's size after the trade.
    function openPosition(
        address market,
        bool isLong,
        uint256 quoteNotional,
        uint256 marginToAdd,
        uint256 baseLimit,
        uint256 deadline
    ) external returns (int256 newSize);

    /// @notice Closes `baseSize` (0 = all) of the position.
    /// @param quoteLimit Min quote out (long) / max quote in (short; 0 = no limit).
    /// @return newSize The position's size after the close.
    function closePosition(address market, uint256 baseSize, uint256 quoteLimit, uint256 deadline)
        external
        returns (int256 newSize);

    function addMargin(address market, uint256 amount) external;
    function removeMargin(address market, uint256 amount) external;

    /// @notice Liquidates `baseSize` (0 = all) of a position under maintenance margin.
    /// @return baseClosed Base actually closed (the whole position when the rest would be ≤ 0).
    function liquidate(address trader, address market, uint256 baseSize) external returns (uint256 baseClosed);

    // ---------------------------------------------------------------- budget / reserve / admin
    /// @notice Moves `amount6` tokens from the caller into `market`'s adjustment budget.
    function fundBudget(address market, uint256 amount6) external;
    /// @notice Admin withdrawal of `amount6` tokens from `market`'s reserved share to `to`.
    function withdrawReserve(address market, uint256 amount6, address to) external;
    function addMarket(address market) external;
    function pause() external;
    function unpause() external;

    /// @notice Called by a market when funding settles: starts the next epoch with the current indices
    /// plus the period's rates (recorded under the new epoch; the ending epoch's stay readable).
    function recordFunding(int256 fLong, int256 fShort) external;

    // ---------------------------------------------------------------- views
    function collateral() external view returns (IERC20);
    function freeCollateral(address account) external view returns (uint256);
    function positionOf(address market, address trader) external view returns (Position memory);
    /// @notice Funding the position owes now (> 0 pays), not yet settled into its margin.
    function pendingFunding(address market, address trader) external view returns (int256);
    /// @notice Margin ratio `(margin + unrealisedPnl − pendingFunding) / closeValue` (WAD, signed).
    function marginRatio(address market, address trader) external view returns (int256);
    function isLiquidatable(address market, address trader) external view returns (bool);
    /// @notice The current cumulative funding indices and funding epoch (1 + settlements so far; 0 = not a market).
    function fundingIndices(address market)
        external
        view
        returns (int256 cumFundingLong, int256 cumFundingShort, uint256 epoch);
    /// @notice The cumulative funding indices that held during `epoch` (1 … the current epoch).
    function fundingIndicesAt(address market, uint256 epoch)
        external
        view
        returns (int256 cumFundingLong, int256 cumFundingShort);
    function isMarket(address market) external view returns (bool);
    function markets() external view returns (address[] memory);
    /// @notice Bad debt not covered by reserved shares and budgets, all markets (WAD).
    function uncoveredBadDebt() external view returns (uint256);
    /// @notice One market's uncovered bad debt so far (socialised or not, WAD).
    function uncoveredBadDebtOf(address market) external view returns (uint256);
    /// @notice The part of a market's uncovered bad debt that found no open interest to charge (WAD).
    function unsocializedBadDebt(address market) external view returns (uint256);
    /// @notice Pays the caller's claim on `market` as far as the market's collateral allows (never from
    /// another market's). Reverts CH_NoClaim when there is nothing to pay.
    function redeemClaim(address market) external returns (uint256 paid);
    /// @notice The collateral that backs `market` (WAD): margins moved into its positions and budget
    /// funded, minus what its closes, margin removals, liquidators and reserve withdrawals took out.
    function marketCollateral(address market) external view returns (uint256);
    /// @notice What `market` still owes `account` beyond its collateral (WAD).
    function claimOf(address market, address account) external view returns (uint256);
    /// @notice Σ claims on `market` still owed (WAD): the public figure of its unpaid shortfall.
    function claimsOf(address market) external view returns (uint256);
}
