// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {DammRoles} from "./access/DammRoles.sol";
import {IClearingHouse} from "./interfaces/IClearingHouse.sol";
import {IVammMarket} from "./interfaces/IVammMarket.sol";
import {BpsMath} from "./libraries/BpsMath.sol";
import {FundingMathWad} from "./libraries/FundingMathWad.sol";
import {MulDivFast} from "./libraries/MulDivFast.sol";

/// @title ClearingHouse
/// @notice Vault, isolated-margin positions, trading, margin, liquidation and bad debt (SPEC §3).
/// @dev A position takes one slot (SPEC §8: size exact, margin and open notional on the collateral's
/// 1e-6 grid, funding as an epoch); a market's registration, funding epoch and collateral account
/// share one slot, so the trade path reads one ClearingHouse slot besides the trader's own and the
/// trader's free collateral (plus two funding-history slots when the position was last touched in an
/// earlier funding epoch: the indices of that epoch and of the current one).
/// The global pause is mirrored into every market's hot slot, so trades check it without an extra
/// read here.
contract ClearingHouse is IClearingHouse, DammRoles, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;
    using SafeCast for int256;

    /// @dev 6-decimal token → WAD; also the storage grid of a position's margin and open notional.
    uint256 private constant COLLATERAL_SCALE = 1e12;
    /// @dev Largest |size| a position slot holds (int96, symmetric so both sides have the same bound).
    uint256 private constant MAX_POSITION_SIZE = uint256(uint96(type(int96).max));
    uint256 private constant WAD = 1e18;
    uint256 private constant BPS = 10_000;
    /// @dev Largest socialisation charge per base (WAD quote per WAD base: 1e12 quote per base, far above
    /// any price). Keeps a dust opposite side from overflowing the int128 funding index (SPEC §3):
    /// type(int128).max / 1e30 ≈ 1.7e8 capped socialisations, each a bankrupt liquidation, before it could.
    uint256 private constant MAX_SOCIALIZED_PER_BASE = 1e30;

    /// @dev One slot. `size` WAD base (exact); `margin6` / `openNotional6` in 1e-6 quote (margin
    /// rounded down, notional against the trader: see _roundForStorage); `fundingEpoch` the market's
    /// funding epoch when the position's funding was last settled.
    struct StoredPosition {
        int96 size;
        int64 margin6;
        uint64 openNotional6;
        uint32 fundingEpoch;
    }

    /// @dev One slot, read by every trade. `epoch` counts funding epochs from 1 (0 = not listed);
    /// `collateral` is the collateral backing the market (SPEC §3, per-market collateral), WAD exact:
    /// every payout from a market is capped by it, so Σ free + Σ collateral ≤ the vault's balance and no
    /// market pays out of another's. uint224 holds 2.7e49 tokens at 18 decimals (SafeCast on credit).
    /// Sharing this slot saves the trade path a cold read (SPEC §8, width analysis).
    struct MarketEntry {
        uint32 epoch;
        uint224 collateral;
    }

    /// @dev The cumulative funding indices in force during one funding epoch, written when the epoch
    /// starts (SPEC §5); an all-zero pair is the mapping's default and is not written.
    struct FundingCheckpoint {
        int128 cumFundingLong;
        int128 cumFundingShort;
    }

    /// @dev What a trade changed, for the event.
    struct Delta {
        int256 base;
        int256 quote;
        int256 pnl;
    }

    /// @inheritdoc IClearingHouse
    IERC20 public immutable override collateral;

    mapping(address account => uint256) private _free;
    mapping(address market => MarketEntry) private _marketEntries;
    mapping(address market => mapping(address trader => StoredPosition)) private _positions;
    mapping(address market => mapping(uint256 epoch => FundingCheckpoint)) private _fundingHistory;
    address[] private _marketList;
    /// @inheritdoc IClearingHouse
    uint256 public override uncoveredBadDebt;
    mapping(address market => uint256) private _uncoveredOf;
    mapping(address market => uint256) private _unsocialized;
    mapping(address market => mapping(address account => uint256)) private _claims;
    mapping(address market => uint256) private _claimsTotal;

    constructor(IERC20 collateral_, address admin) {
        if (address(collateral_) == address(0) || admin == address(0)) revert CH_ZeroAddress();
        uint8 dec = IERC20Metadata(address(collateral_)).decimals();
        if (dec != 6) revert CH_UnsupportedCollateral(dec);
        collateral = collateral_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // =================================================================== vault

    /// @inheritdoc IClearingHouse
    /// @dev Reverts CH_Paused (SPEC §8), not OpenZeppelin's EnforcedPause, while globally paused.
    function deposit(uint256 amount6) external nonReentrant {
        if (paused()) revert CH_Paused();
        if (amount6 == 0) revert CH_ZeroAmount();
        collateral.safeTransferFrom(msg.sender, address(this), amount6);
        _free[msg.sender] += amount6 * COLLATERAL_SCALE;
        emit Deposited(msg.sender, amount6);
    }

    /// @inheritdoc IClearingHouse
    /// @dev Stays open while paused. The ledger is WAD; any remainder below 1e12 is dust that stays.
    function withdraw(uint256 amount6) external nonReentrant {
        if (amount6 == 0) revert CH_ZeroAmount();
        _debitFree(msg.sender, amount6 * COLLATERAL_SCALE);
        collateral.safeTransfer(msg.sender, amount6);
        emit Withdrawn(msg.sender, amount6);
    }

    // =================================================================== trading

    /// @inheritdoc IClearingHouse
    function openPosition(
        address market,
        bool isLong,
        uint256 quoteNotional,
        uint256 marginToAdd,
        uint256 baseLimit,
        uint256 deadline
    ) external nonReentrant returns (int256) {
        _checkDeadline(deadline);
        if (quoteNotional == 0) revert CH_ZeroAmount();
        MarketEntry memory entry = _listed(market);
        StoredPosition storage slot = _positions[market][msg.sender];
        Position memory p = _load(slot);
        if (marginToAdd != 0) {
            _debitFree(msg.sender, marginToAdd);
            _creditMarket(market, entry, marginToAdd);
            p.margin += marginToAdd.toInt256();
        }
        _settleFunding(p, entry, market, msg.sender);
        IVammMarket.TradeResult memory r =
            _trade(market, p.size, isLong, quoteNotional, IVammMarket.TradeKind.OpenQuote);
        Delta memory d = _apply(p, r, isLong);

        {
            uint256 moved = r.closedBase + r.openedBase;
            if (isLong ? moved < baseLimit : (baseLimit != 0 && moved > baseLimit)) revert CH_BaseLimitExceeded(moved, baseLimit);
        }
        // The margin checks see the values that will be stored.
        if (p.size != 0) _roundForStorage(p);
        if (r.openedBase != 0) {
            uint256 required = BpsMath.mulBpsUp(p.openNotional, r.imBps);
            if (p.margin < required.toInt256()) revert CH_BelowInitialMargin(p.margin, required);
        } else if (p.size != 0 && p.margin < 0) {
            revert CH_NegativeMargin(p.margin);
        }
        _finish(slot, market, msg.sender, p, !isLong); // ends at 0 only by closing the other side
        emit PositionChanged(msg.sender, market, d.base, d.quote, r.fee, d.pnl, p.size, p.margin);
        return p.size;
    }

    /// @inheritdoc IClearingHouse
    function closePosition(address market, uint256 baseSize, uint256 quoteLimit, uint256 deadline)
        external
        nonReentrant
        returns (int256)
    {
        _checkDeadline(deadline);
        MarketEntry memory entry = _listed(market);
        StoredPosition storage slot = _positions[market][msg.sender];
        Position memory p = _loadExisting(slot, market, msg.sender);
        uint256 s = _abs(p.size);
        uint256 b = baseSize == 0 ? s : baseSize;
        if (b > s) revert CH_SizeExceedsPosition(b, s);
        _settleFunding(p, entry, market, msg.sender);
        bool wasLong = p.size > 0;
        IVammMarket.TradeResult memory r =
            _trade(market, p.size, !wasLong, b, IVammMarket.TradeKind.CloseBase);
        Delta memory d = _apply(p, r, !wasLong);

        uint256 q = r.closedQuote;
        if (wasLong ? q < quoteLimit : (quoteLimit != 0 && q > quoteLimit)) revert CH_QuoteLimitExceeded(q, quoteLimit);
        if (p.size != 0) {
            _roundForStorage(p); // the margin check sees the value that will be stored
            if (p.margin < 0) revert CH_NegativeMargin(p.margin);
        }
        _finish(slot, market, msg.sender, p, wasLong);
        emit PositionChanged(msg.sender, market, d.base, d.quote, r.fee, d.pnl, p.size, p.margin);
        return p.size;
    }

    /// @inheritdoc IClearingHouse
    function addMargin(address market, uint256 amount) external nonReentrant {
        if (amount == 0) revert CH_ZeroAmount();
        MarketEntry memory entry = _listed(market);
        IVammMarket(market).requireActive();
        StoredPosition storage slot = _positions[market][msg.sender];
        Position memory p = _loadExisting(slot, market, msg.sender);
        _settleFunding(p, entry, market, msg.sender);
        _debitFree(msg.sender, amount);
        _creditMarket(market, entry, amount);
        p.margin += amount.toInt256();
        _store(slot, p);
        emit MarginChanged(msg.sender, market, amount.toInt256(), p.margin);
    }

    /// @inheritdoc IClearingHouse
    function removeMargin(address market, uint256 amount) external nonReentrant {
        if (amount == 0) revert CH_ZeroAmount();
        MarketEntry memory entry = _listed(market);
        IVammMarket m = IVammMarket(market);
        m.requireActive();
        // Needs a valid oracle (SPEC §3): reverts Oracle_* otherwise.
        uint256 price = m.validMarginPrice();
        StoredPosition storage slot = _positions[market][msg.sender];
        Position memory p = _loadExisting(slot, market, msg.sender);
        _settleFunding(p, entry, market, msg.sender);
        p.margin -= amount.toInt256();
        if (p.margin < 0) revert CH_NegativeMargin(p.margin);
        _roundForStorage(p); // the equity checks see the stored margin
        (uint256 imBps,,) = m.marginParams();
        // Initial margin on the worse of the two valuations: the curve's close value and the oracle's.
        (uint256 closeValue,) = m.previewClose(p.size, _abs(p.size));
        _requireInitialMargin(p, closeValue, imBps);
        _requireInitialMargin(p, _marginValue(p, price), imBps);
        _debitMarket(market, amount);
        _free[msg.sender] += amount;
        _storeRounded(slot, p); // rounded before the equity checks
        emit MarginChanged(msg.sender, market, -amount.toInt256(), p.margin);
    }

    /// @dev equity at `value` ≥ ceil(value · imBps / 1e4), else CH_BelowInitialMargin(equity, required).
    function _requireInitialMargin(Position memory p, uint256 value, uint256 imBps) private pure {
        int256 equity = p.margin + _unrealisedPnl(p, value);
        uint256 required = BpsMath.mulBpsUp(value, imBps);
        if (equity < required.toInt256()) revert CH_BelowInitialMargin(equity, required);
    }

    /// @dev A position's value at the margin price (SPEC §3): |size|·price, floor for a long and ceil
    /// for a short (against the trader).
    function _marginValue(Position memory p, uint256 price) private pure returns (uint256) {
        return Math.mulDiv(_abs(p.size), price, WAD, p.size > 0 ? Math.Rounding.Floor : Math.Rounding.Ceil);
    }

    /// @inheritdoc IClearingHouse
    function liquidate(address trader, address market, uint256 baseSize) external nonReentrant returns (uint256) {
        MarketEntry memory entry = _listed(market);
        StoredPosition storage slot = _positions[market][trader];
        Position memory p = _loadExisting(slot, market, trader);
        _settleFunding(p, entry, market, trader);
        (uint256 b, uint256 liqBps) = _liquidationSize(IVammMarket(market), p, baseSize);
        _executeLiquidation(slot, market, trader, p, b, liqBps);
        return b;
    }

    /// @dev Checks maintenance margin and picks the base to close: `baseSize` (0 = all), or the whole
    /// position when a partial close would leave margin ≤ 0.
    function _liquidationSize(IVammMarket m, Position memory p, uint256 baseSize)
        private
        view
        returns (uint256 b, uint256 liqBps)
    {
        uint256 mmBps;
        (, mmBps, liqBps) = m.marginParams();
        uint256 s = _abs(p.size);
        // Eligibility on the margin price (the oracle, or its last valid answer), never the curve.
        (uint256 price,) = m.marginPrice();
        uint256 value = _marginValue(p, price);
        int256 equity = p.margin + _unrealisedPnl(p, value);
        // Liquidatable when equity / value < mmBps / 1e4 (exact comparison).
        if (equity * int256(BPS) >= (mmBps * value).toInt256()) {
            revert CH_NotLiquidatable(equity, BpsMath.mulBpsUp(value, mmBps));
        }
        b = (baseSize == 0 || baseSize >= s) ? s : baseSize;
        if (b < s && _remainingAfterPartial(m, p, b, liqBps) <= 0) b = s;
        // Execution band (SPEC §3): a liquidation may not push the mark more than
        // maxLiquidationSlippageBps beyond the margin price; a larger close is cut to what fits (the
        // rest stays liquidatable, even at a negative margin, and is closed in later blocks).
        uint256 bMax = m.maxLiquidationBase(p.size > 0, price);
        if (bMax == 0) revert CH_LiquidationBeyondBand(m.markPrice(), price);
        if (b > bMax) b = bMax;
    }

    /// @dev Closes b via the curve (exempt from the fluctuation limit), pays the liquidation fee and
    /// settles the position (a full close releases the margin or records bad debt).
    function _executeLiquidation(
        StoredPosition storage slot,
        address market,
        address trader,
        Position memory p,
        uint256 b,
        uint256 liqBps
    ) private {
        bool closeWithLong = p.size < 0;
        IVammMarket.TradeResult memory r =
            _trade(market, p.size, closeWithLong, b, IVammMarket.TradeKind.LiquidateBase);
        Delta memory d = _apply(p, r, closeWithLong);
        _payLiquidationFee(market, trader, p, b, r.closedQuote, liqBps);
        if (p.size != 0) _roundForStorage(p); // a remainder is stored on the grid (_finish)
        _finish(slot, market, trader, p, !closeWithLong);
        emit PositionChanged(trader, market, d.base, d.quote, r.fee, d.pnl, p.size, p.margin);
    }

    /// @dev `ceil(closedQuote · liquidationFeeBps / 1e4)` from the margin: half (floor) to the
    /// liquidator's free collateral, the rest to the market's reserved share.
    function _payLiquidationFee(
        address market,
        address trader,
        Position memory p,
        uint256 b,
        uint256 closedQuote,
        uint256 liqBps
    ) private {
        uint256 liqFee = BpsMath.mulBpsUp(closedQuote, liqBps);
        uint256 toLiquidator = liqFee / 2;
        p.margin -= liqFee.toInt256();
        _payFromMarket(market, msg.sender, toLiquidator);
        if (liqFee != toLiquidator) IVammMarket(market).creditReserve(liqFee - toLiquidator);
        emit Liquidated(trader, market, msg.sender, b, closedQuote, liqFee, toLiquidator, p.margin);
    }

    /// @dev Margin a partial liquidation of b would leave (previewed on the current curve).
    function _remainingAfterPartial(IVammMarket m, Position memory p, uint256 b, uint256 liqBps)
        private
        view
        returns (int256)
    {
        (uint256 q, uint256 fee) = m.previewClose(p.size, b);
        bool isLong = p.size > 0;
        uint256 closedNotional =
            Math.mulDiv(p.openNotional, b, _abs(p.size), isLong ? Math.Rounding.Ceil : Math.Rounding.Floor);
        int256 pnl = isLong ? q.toInt256() - closedNotional.toInt256() : closedNotional.toInt256() - q.toInt256();
        return p.margin + pnl - fee.toInt256() - BpsMath.mulBpsUp(q, liqBps).toInt256();
    }

    /// @inheritdoc IClearingHouse
    /// @dev Paid from the market's own collateral only: first come, first served among that market's
    /// creditors (its open positions' margins and its claims), never from another market's.
    function redeemClaim(address market) external nonReentrant returns (uint256 paid) {
        uint256 claim = _claims[market][msg.sender];
        uint256 held = _marketEntries[market].collateral;
        paid = claim <= held ? claim : held;
        if (paid == 0) revert CH_NoClaim(market, claim, held);
        unchecked {
            // paid ≤ held, paid ≤ claim ≤ _claimsTotal (every claim was added to the total too).
            _marketEntries[market].collateral = uint224(held - paid); // ≤ held, which fits
            _claims[market][msg.sender] = claim - paid;
            _claimsTotal[market] -= paid;
        }
        _free[msg.sender] += paid;
        emit ClaimRedeemed(market, msg.sender, paid, claim - paid);
    }

    // =================================================================== budget, reserve, admin

    /// @inheritdoc IClearingHouse
    function fundBudget(address market, uint256 amount6) external nonReentrant {
        if (amount6 == 0) revert CH_ZeroAmount();
        MarketEntry memory entry = _listed(market);
        _creditMarket(market, entry, amount6 * COLLATERAL_SCALE);
        collateral.safeTransferFrom(msg.sender, address(this), amount6);
        IVammMarket(market).creditBudget(amount6 * COLLATERAL_SCALE);
        emit BudgetFunded(market, msg.sender, amount6);
    }

    /// @inheritdoc IClearingHouse
    function withdrawReserve(address market, uint256 amount6, address to)
        external
        nonReentrant
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        if (amount6 == 0) revert CH_ZeroAmount();
        if (to == address(0)) revert CH_ZeroAddress();
        _listed(market);
        IVammMarket(market).debitReserve(amount6 * COLLATERAL_SCALE);
        _debitMarket(market, amount6 * COLLATERAL_SCALE);
        collateral.safeTransfer(to, amount6);
        emit ReserveWithdrawn(market, to, amount6);
    }

    /// @inheritdoc IClearingHouse
    function addMarket(address market) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (market == address(0)) revert CH_ZeroAddress();
        if (_marketEntries[market].epoch != 0) revert CH_MarketAlreadyAdded(market);
        address trusted = IVammMarket(market).clearingHouse();
        if (trusted != address(this)) revert CH_MarketMismatch(market, trusted);
        _marketEntries[market].epoch = 1; // listed; the first funding epoch
        _marketList.push(market);
        if (paused()) IVammMarket(market).setGlobalPause(true);
        emit MarketAdded(market);
    }

    /// @inheritdoc IClearingHouse
    function pause() external onlyRole(GUARDIAN_ROLE) {
        _pause();
        _mirrorPause(true);
    }

    /// @inheritdoc IClearingHouse
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
        _mirrorPause(false);
    }

    function _mirrorPause(bool paused_) private {
        uint256 n = _marketList.length;
        for (uint256 i; i < n; ++i) {
            IVammMarket(_marketList[i]).setGlobalPause(paused_);
        }
    }

    /// @inheritdoc IClearingHouse
    /// @dev Ends the current epoch: its indices go to the history (one new slot per period), then the
    /// epoch advances and the period's rates are added.
    function recordFunding(int256 fLong, int256 fShort) external {
        if (_marketEntries[msg.sender].epoch == 0) revert CH_UnknownMarket(msg.sender);
        _advanceFunding(msg.sender, fLong, fShort);
    }

    /// @dev Starts the market's next funding epoch with the current indices plus the rates.
    function _advanceFunding(address market, int256 fLong, int256 fShort) private {
        uint256 epoch = _marketEntries[market].epoch;
        FundingCheckpoint memory c = _fundingHistory[market][epoch];
        int256 cumLong = int256(c.cumFundingLong) + fLong;
        int256 cumShort = int256(c.cumFundingShort) + fShort;
        uint256 next = epoch + 1;
        // Epochs only grow, so history[next] was never written: an all-zero pair is already its value.
        if (cumLong != 0 || cumShort != 0) {
            _fundingHistory[market][next] =
                FundingCheckpoint({cumFundingLong: cumLong.toInt128(), cumFundingShort: cumShort.toInt128()});
        }
        _marketEntries[market].epoch = next.toUint32();
        emit FundingIndicesUpdated(market, cumLong, cumShort, next);
    }

    // =================================================================== views

    /// @inheritdoc IClearingHouse
    function freeCollateral(address account) external view returns (uint256) {
        return _free[account];
    }

    /// @inheritdoc IClearingHouse
    function positionOf(address market, address trader) external view returns (Position memory) {
        return _load(market, trader);
    }

    /// @inheritdoc IClearingHouse
    function pendingFunding(address market, address trader) public view returns (int256) {
        Position memory p = _load(market, trader);
        return _owedFunding(p, _marketEntries[market], market);
    }

    /// @inheritdoc IClearingHouse
    /// @dev Returns type(int256).max for an empty position (no requirement).
    function marginRatio(address market, address trader) public view returns (int256) {
        Position memory p = _load(market, trader);
        if (p.size == 0) return type(int256).max;
        (uint256 price,) = IVammMarket(market).marginPrice();
        uint256 value = _marginValue(p, price);
        int256 equity = p.margin + _unrealisedPnl(p, value) - pendingFunding(market, trader);
        if (value == 0) return equity >= 0 ? type(int256).max : type(int256).min;
        return (equity * int256(WAD)) / value.toInt256();
    }

    /// @inheritdoc IClearingHouse
    function isLiquidatable(address market, address trader) external view returns (bool) {
        Position memory p = _load(market, trader);
        if (p.size == 0) return false;
        (uint256 price,) = IVammMarket(market).marginPrice();
        uint256 value = _marginValue(p, price);
        (, uint256 mmBps,) = IVammMarket(market).marginParams();
        int256 equity = p.margin + _unrealisedPnl(p, value) - pendingFunding(market, trader);
        return equity * int256(BPS) < (mmBps * value).toInt256();
    }

    /// @inheritdoc IClearingHouse
    function uncoveredBadDebtOf(address market) external view returns (uint256) {
        return _uncoveredOf[market];
    }

    /// @inheritdoc IClearingHouse
    function unsocializedBadDebt(address market) external view returns (uint256) {
        return _unsocialized[market];
    }

    /// @inheritdoc IClearingHouse
    function marketCollateral(address market) external view returns (uint256) {
        return _marketEntries[market].collateral;
    }

    /// @inheritdoc IClearingHouse
    function claimOf(address market, address account) external view returns (uint256) {
        return _claims[market][account];
    }

    /// @inheritdoc IClearingHouse
    function claimsOf(address market) external view returns (uint256) {
        return _claimsTotal[market];
    }

    /// @inheritdoc IClearingHouse
    function fundingIndices(address market) external view returns (int256, int256, uint256) {
        uint256 epoch = _marketEntries[market].epoch;
        FundingCheckpoint memory c = _fundingHistory[market][epoch];
        return (c.cumFundingLong, c.cumFundingShort, epoch);
    }

    /// @inheritdoc IClearingHouse
    function fundingIndicesAt(address market, uint256 epoch) external view returns (int256, int256) {
        uint256 current = _marketEntries[market].epoch;
        if (epoch == 0 || epoch > current) revert CH_UnknownFundingEpoch(market, epoch, current);
        FundingCheckpoint memory c = _fundingHistory[market][epoch];
        return (c.cumFundingLong, c.cumFundingShort);
    }

    /// @inheritdoc IClearingHouse
    function isMarket(address market) external view returns (bool) {
        return _marketEntries[market].epoch != 0;
    }

    /// @inheritdoc IClearingHouse
    function markets() external view returns (address[] memory) {
        return _marketList;
    }

    // =================================================================== internals

    /// @dev `IVammMarket(market).trade(...)` with the calldata written and the six-word result read
    /// straight into `r` (gas: no ABI encoder / decoder round trip). A market's revert bubbles up
    /// unchanged; a short answer reverts. `market` is a listed market (checked by the caller).
    function _trade(address market, int256 size, bool isLong, uint256 amount, IVammMarket.TradeKind kind)
        private
        returns (IVammMarket.TradeResult memory r)
    {
        bytes4 selector = IVammMarket.trade.selector;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), size)
            mstore(add(ptr, 0x24), isLong)
            mstore(add(ptr, 0x44), amount)
            mstore(add(ptr, 0x64), kind)
            if iszero(call(gas(), market, 0, ptr, 0x84, r, 0xc0)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
            if lt(returndatasize(), 0xc0) { revert(0, 0) }
        }
    }

    function _checkDeadline(uint256 deadline) private view {
        if (block.timestamp > deadline) revert CH_DeadlinePassed(deadline, block.timestamp);
    }

    /// @dev One SLOAD (epoch bits 0–31, collateral bits 32–255, as MarketEntry declares); leaves the
    /// slot warm for the collateral update of the same call.
    function _listed(address market) private view returns (MarketEntry memory e) {
        MarketEntry storage ref = _marketEntries[market];
        uint256 w;
        assembly ("memory-safe") {
            w := sload(ref.slot)
        }
        if (uint32(w) == 0) revert CH_UnknownMarket(market);
        e.epoch = uint32(w);
        e.collateral = uint224(w >> 32);
    }

    /// @dev One SLOAD, unpacked by hand (size bits 0–95, margin6 96–159, openNotional6 160–223,
    /// fundingEpoch 224–255, as StoredPosition declares); margin and notional scaled back to WAD.
    function _load(address market, address trader) private view returns (Position memory p) {
        return _load(_positions[market][trader]);
    }

    /// @dev {_load} from the slot the caller already located (the trade path hashes the mapping key once).
    function _load(StoredPosition storage ref) private view returns (Position memory p) {
        uint256 w;
        assembly ("memory-safe") {
            w := sload(ref.slot)
        }
        p.size = int96(uint96(w));
        // Cannot overflow: |int64| · 1e12 < 2^104 and uint64 · 1e12 < 2^104.
        unchecked {
            p.margin = int256(int64(uint64(w >> 96))) * int256(COLLATERAL_SCALE);
            p.openNotional = uint256(uint64(w >> 160)) * COLLATERAL_SCALE;
        }
        p.fundingEpoch = uint32(w >> 224);
    }

    function _loadExisting(StoredPosition storage ref, address market, address trader)
        private
        view
        returns (Position memory p)
    {
        p = _load(ref);
        if (p.size == 0) revert CH_NoPosition(trader, market);
    }

    /// @dev One whole-word SSTORE. Rounds margin and notional onto the storage grid first (in memory
    /// too, so events report what is stored); every field is range-checked (CH_PositionTooLarge for
    /// the size, SafeCast for the rest) before it is packed.
    function _store(StoredPosition storage ref, Position memory p) private {
        _roundForStorage(p);
        _storeRounded(ref, p);
    }

    /// @dev {_store} for a position its caller already put on the storage grid (_roundForStorage ran
    /// after the last change to margin and notional: the trade paths round before their margin checks).
    function _storeRounded(StoredPosition storage ref, Position memory p) private {
        int256 size = p.size;
        if (_abs(size) > MAX_POSITION_SIZE) revert CH_PositionTooLarge(size, MAX_POSITION_SIZE);
        // Exact divisions: _roundForStorage left both on the 1e12 grid.
        int64 margin6 = (p.margin / int256(COLLATERAL_SCALE)).toInt64();
        uint64 openNotional6 = (p.openNotional / COLLATERAL_SCALE).toUint64();
        uint256 w = uint256(uint96(int96(size))) | (uint256(uint64(margin6)) << 96) | (uint256(openNotional6) << 160)
            | (uint256(p.fundingEpoch.toUint32()) << 224);
        assembly ("memory-safe") {
            sstore(ref.slot, w)
        }
    }

    /// @dev Puts the margin and the open notional on the 1e-6 quote grid of storage (SPEC §8):
    /// margin rounded down (toward −∞: the dust stays in the vault), open notional rounded against
    /// the trader (up for a long, down for a short — the cost-basis rule of _apply). Idempotent.
    function _roundForStorage(Position memory p) private pure {
        p.margin = _floorToGrid(p.margin);
        uint256 n = p.openNotional;
        uint256 rem = n % COLLATERAL_SCALE;
        if (rem != 0) {
            // Cannot overflow: n ≤ 2^208 (the market's quote widths), far from 2^256.
            unchecked {
                p.openNotional = p.size > 0 ? n - rem + COLLATERAL_SCALE : n - rem;
            }
        }
    }

    /// @dev Largest multiple of 1e12 ≤ v (floor toward −∞ for negative v too).
    function _floorToGrid(int256 v) private pure returns (int256) {
        int256 scale = int256(COLLATERAL_SCALE);
        int256 rem = v % scale; // same sign as v
        if (rem == 0) return v;
        // Cannot overflow: v is a margin — the ledger's collateral plus PnL, fees and funding bounded
        // by the market's widths (< 2^210 in size) — so v − rem − scale is far from int256's bounds.
        unchecked {
            return rem > 0 ? v - rem : v - rem - scale;
        }
    }

    /// @dev Writes the position (already on the storage grid: callers round a remaining position first),
    /// or on a full close releases its margin (or records bad debt).
    /// The funding epoch was moved by _settleFunding, which every caller runs first.
    function _finish(StoredPosition storage ref, address market, address trader, Position memory p, bool wasLong)
        private
    {
        if (p.size != 0) {
            _storeRounded(ref, p); // every caller rounded a remaining position already
            return;
        }
        assembly ("memory-safe") {
            sstore(ref.slot, 0) // delete: the whole position slot
        }
        if (p.margin > 0) {
            _payFromMarket(market, trader, uint256(p.margin));
        } else if (p.margin < 0) {
            _coverBadDebt(market, trader, uint256(-p.margin), wasLong);
        }
    }

    /// @dev Reserved share, then budget; what remains is this market's uncovered bad debt: the market
    /// goes reduce-only and the amount is socialised onto its profitable side (SPEC §3), never paid
    /// from collateral backing another market.
    function _coverBadDebt(address market, address trader, uint256 amount, bool wasLong) private {
        (uint256 fromReserve, uint256 fromBudget) = IVammMarket(market).absorbBadDebt(amount);
        uint256 uncovered = amount - fromReserve - fromBudget;
        emit BadDebtRecorded(trader, amount, fromReserve, fromBudget, uncovered);
        if (uncovered == 0) return;
        uncoveredBadDebt += uncovered;
        _uncoveredOf[market] += uncovered;
        IVammMarket(market).enterReduceOnly();
        _socializeBadDebt(market, uncovered, wasLong);
    }

    /// @dev Charges `amount` to the side opposite the bankrupt position (it holds the gain) through a
    /// funding epoch: `ceil(amount·WAD/OI_side)` per base, at most MAX_SOCIALIZED_PER_BASE, paid at each
    /// position's next settlement. What a capped (dust) side or an empty side cannot bear stays in
    /// {unsocializedBadDebt}.
    function _socializeBadDebt(address market, uint256 amount, bool bankruptWasLong) private {
        (uint256 longOI, uint256 shortOI) = IVammMarket(market).openInterest();
        uint256 oi = bankruptWasLong ? shortOI : longOI;
        if (oi == 0) {
            _unsocialized[market] += amount;
            emit BadDebtSocialized(market, 0, amount, 0, 0);
            return;
        }
        uint256 perBaseU = Math.mulDiv(amount, WAD, oi, Math.Rounding.Ceil);
        uint256 socialized = amount;
        if (perBaseU > MAX_SOCIALIZED_PER_BASE) {
            // A dust side bears at most the cap per base; the rest stays unsocialised (SPEC §3).
            perBaseU = MAX_SOCIALIZED_PER_BASE;
            socialized = Math.mulDiv(MAX_SOCIALIZED_PER_BASE, oi, WAD); // < amount: perBase was above the cap
            _unsocialized[market] += amount - socialized;
        }
        int256 perBase = perBaseU.toInt256();
        // fLong is paid by longs; fShort is received by shorts (so a negative one is paid).
        (int256 fLong, int256 fShort) = bankruptWasLong ? (int256(0), -perBase) : (perBase, int256(0));
        _advanceFunding(market, fLong, fShort);
        emit BadDebtSocialized(market, socialized, amount - socialized, fLong, fShort);
    }

    /// @dev Moves `amount` of the market's collateral to `account`'s free collateral, as far as the market
    /// holds it. The rest becomes the account's claim on this market (never paid from another market's
    /// collateral): event MarketPayoutShort, and the market goes reduce-only (it cannot pay its traders).
    function _payFromMarket(address market, address account, uint256 amount) private {
        uint256 held = _marketEntries[market].collateral;
        uint256 paid = amount <= held ? amount : held;
        unchecked {
            _marketEntries[market].collateral = uint224(held - paid); // paid ≤ held, which fits
        }
        _free[account] += paid;
        if (paid == amount) return;
        uint256 short_ = amount - paid;
        _claims[market][account] += short_;
        _claimsTotal[market] += short_;
        emit MarketPayoutShort(market, account, amount, paid);
        IVammMarket(market).enterReduceOnly();
    }

    /// @dev Takes `amount` out of the market's collateral or reverts CH_MarketCollateralShort (margin
    /// removals and reserve withdrawals are refused rather than turned into claims).
    function _debitMarket(address market, uint256 amount) private {
        uint256 held = _marketEntries[market].collateral;
        if (held < amount) revert CH_MarketCollateralShort(market, held, amount);
        unchecked {
            _marketEntries[market].collateral = uint224(held - amount); // held ≥ amount checked above; fits
        }
    }

    /// @dev Adds `amount` to the market's collateral (range-checked: uint224) with one whole-word
    /// SSTORE of the entry `e` that this call loaded by {_listed} (no call in between can change the
    /// slot: the callers make none but view calls), keeping `e` in step.
    function _creditMarket(address market, MarketEntry memory e, uint256 amount) private {
        uint224 c = (uint256(e.collateral) + amount).toUint224();
        e.collateral = c;
        uint256 w = uint256(e.epoch) | (uint256(c) << 32);
        MarketEntry storage ref = _marketEntries[market];
        assembly ("memory-safe") {
            sstore(ref.slot, w)
        }
    }

    function _debitFree(address account, uint256 amount) private {
        uint256 free = _free[account];
        if (free < amount) revert CH_InsufficientCollateral(free, amount);
        unchecked {
            _free[account] = free - amount; // free ≥ amount checked above
        }
    }

    /// @dev Settles the funding owed since the position's epoch into the margin (SPEC §5).
    function _settleFunding(Position memory p, MarketEntry memory e, address market, address trader) private {
        int256 owed = _owedFunding(p, e, market);
        // Settled up to now: addMargin / removeMargin store p without passing through _finish, so
        // the epoch must move here or the same funding would be settled again (parity test).
        p.fundingEpoch = e.epoch;
        if (owed == 0) return;
        p.margin -= owed;
        emit FundingPaid(trader, market, owed);
    }

    /// @dev Funding owed since the position's epoch (> 0 pays): size · (index now − index of that
    /// epoch), both read from the epoch history. A position already settled in the current epoch owes
    /// nothing and reads no history.
    function _owedFunding(Position memory p, MarketEntry memory e, address market) private view returns (int256) {
        if (p.size == 0 || p.fundingEpoch == e.epoch) return 0;
        mapping(uint256 => FundingCheckpoint) storage history = _fundingHistory[market];
        FundingCheckpoint memory now_ = history[e.epoch];
        FundingCheckpoint memory then_ = history[p.fundingEpoch];
        return p.size > 0
            ? FundingMathWad.positionFunding(p.size, now_.cumFundingLong, then_.cumFundingLong)
            : FundingMathWad.positionFunding(p.size, now_.cumFundingShort, then_.cumFundingShort);
    }

    /// @dev Applies a curve result to the position: realised PnL on the closed part (cost basis
    /// charged up for longs, down for shorts: the trader's PnL is never overstated), then the opened
    /// part, then the fee.
    function _apply(Position memory p, IVammMarket.TradeResult memory r, bool tradeIsLong)
        private
        pure
        returns (Delta memory d)
    {
        // Unchecked: the market's results are bounded by its storage widths (bases < 2^112, quotes
        // and fees < 2^208) and the position's fields come from its one slot (size < 2^95, margin
        // and notional < 2^104 once scaled, margin plus at most the ledger's collateral), so no sum
        // or cast here can leave int256; the position is range-checked again when stored (_store).
        unchecked {
            if (r.closedBase != 0) {
                bool posLong = p.size > 0;
                uint256 s = _abs(p.size);
                uint256 b = r.closedBase;
                uint256 closedNotional = b == s
                    ? p.openNotional
                    : posLong ? MulDivFast.mulDivUp(p.openNotional, b, s) : MulDivFast.mulDivDown(p.openNotional, b, s);
                int256 q = int256(r.closedQuote);
                int256 n = int256(closedNotional);
                p.openNotional -= closedNotional; // closedNotional ≤ openNotional (b ≤ s)
                if (posLong) {
                    d.pnl = q - n;
                    p.size -= int256(b);
                    d.base = -int256(b);
                    d.quote = q;
                } else {
                    d.pnl = n - q;
                    p.size += int256(b);
                    d.base = int256(b);
                    d.quote = -q;
                }
            }
            if (r.openedBase != 0) {
                int256 ob = int256(r.openedBase);
                int256 oq = int256(r.openedQuote);
                if (tradeIsLong) {
                    p.size += ob;
                    d.base += ob;
                    d.quote -= oq;
                } else {
                    p.size -= ob;
                    d.base -= ob;
                    d.quote += oq;
                }
                p.openNotional += r.openedQuote;
            }
            p.margin += d.pnl - int256(r.fee);
        }
    }

    /// @dev Long: closeValue − notional; short: notional − closeValue.
    function _unrealisedPnl(Position memory p, uint256 closeValue) private pure returns (int256) {
        int256 cv = closeValue.toInt256();
        int256 n = p.openNotional.toInt256();
        return p.size > 0 ? cv - n : n - cv;
    }

    function _abs(int256 v) private pure returns (uint256) {
        return v >= 0 ? uint256(v) : uint256(-v);
    }
}
