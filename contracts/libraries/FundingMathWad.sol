// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {BpsMath} from "./BpsMath.sol";

/// @title FundingMathWad
/// @notice Funding of SPEC §5: premium from the TWAPs, the payers' rate, the AMM's side (it holds
/// −d) capped at a share of the budget, the receivers' rate scaled so received = paid + ammPaid; and
/// the per-position settlement against cumulative indices.
library FundingMathWad {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant DAY = 86_400;

    struct Input {
        uint256 markTwap;
        uint256 oracleTwap;
        uint256 longOI;
        uint256 shortOI;
        uint256 budget;
        uint256 fundingPeriod;
        uint256 fundingCapBps;
        uint256 fundingBudgetShareBps;
        /// @dev What the rolling daily cost cap still allows the budget to spend (SPEC §5).
        uint256 spendRoom;
    }

    /// @param f Quote per base for the period (> 0 longs pay).
    /// @param fLong Paid per base by longs (signed).
    /// @param fShort Received per base by shorts (signed).
    struct Output {
        int256 f;
        int256 fLong;
        int256 fShort;
        uint256 ammReceived;
        uint256 ammPaid;
    }

    /// @notice The period's funding.
    /// @dev `f` truncates toward zero (symmetric for both signs). The AMM receives the floor of what
    /// it is owed and pays the ceiling (capped); receivers get the floor of (payers' floor + AMM paid)
    /// per base, while each payer settles at the ceiling: what is credited never exceeds what is
    /// collected.
    function compute(Input memory i) internal pure returns (Output memory o) {
        int256 capAbs = SafeCast.toInt256(BpsMath.mulBpsDown(i.oracleTwap, i.fundingCapBps));
        int256 premium = SafeCast.toInt256(i.markTwap) - SafeCast.toInt256(i.oracleTwap);
        if (premium > capAbs) premium = capAbs;
        else if (premium < -capAbs) premium = -capAbs;
        o.f = (premium * SafeCast.toInt256(i.fundingPeriod)) / int256(DAY);
        o.fLong = o.f;
        o.fShort = o.f;
        if (o.f == 0 || i.longOI == i.shortOI) return o;

        uint256 absF = o.f > 0 ? uint256(o.f) : uint256(-o.f);
        bool netLong = i.longOI > i.shortOI;
        uint256 absD;
        unchecked {
            absD = netLong ? i.longOI - i.shortOI : i.shortOI - i.longOI; // larger minus smaller
        }
        // The AMM holds −d: it receives when the net side pays.
        if ((o.f > 0) == netLong) {
            o.ammReceived = Math.mulDiv(absF, absD, WAD, Math.Rounding.Floor);
            return o;
        }
        uint256 owed = Math.mulDiv(absF, absD, WAD, Math.Rounding.Ceil);
        uint256 cap = BpsMath.mulBpsDown(i.budget, i.fundingBudgetShareBps);
        if (i.spendRoom < cap) cap = i.spendRoom;
        o.ammPaid = owed < cap ? owed : cap;
        if (o.f > 0) {
            // Longs pay f·L; shorts (the larger side, so shortOI > 0) share f·L + ammPaid.
            uint256 paid = Math.mulDiv(absF, i.longOI, WAD, Math.Rounding.Floor);
            o.fShort = SafeCast.toInt256(Math.mulDiv(paid + o.ammPaid, WAD, i.shortOI, Math.Rounding.Floor));
        } else {
            // Shorts pay |f|·S; longs (the larger side) share it plus ammPaid; fLong is "paid", so negative.
            uint256 paid = Math.mulDiv(absF, i.shortOI, WAD, Math.Rounding.Floor);
            o.fLong = -SafeCast.toInt256(Math.mulDiv(paid + o.ammPaid, WAD, i.longOI, Math.Rounding.Floor));
        }
    }

    /// @notice Funding a position owes since its snapshot (> 0 the trader pays).
    /// @dev Longs owe `size·Δlong`, shorts receive `|size|·Δshort`. Ceil when the trader owes, floor
    /// when the trader receives: the protocol never pays out more than it collects.
    function positionFunding(int256 size, int256 cumNow, int256 snapshot) internal pure returns (int256) {
        int256 delta = cumNow - snapshot;
        if (delta == 0 || size == 0) return 0;
        uint256 s = size > 0 ? uint256(size) : uint256(-size);
        uint256 ad = delta > 0 ? uint256(delta) : uint256(-delta);
        // A long owes when its index rose; a short owes when its (received) index fell.
        bool owes = (size > 0) == (delta > 0);
        uint256 amount = Math.mulDiv(s, ad, WAD, owes ? Math.Rounding.Ceil : Math.Rounding.Floor);
        int256 signed = SafeCast.toInt256(amount);
        return owes ? signed : -signed;
    }
}
