package export

import (
	"fmt"
	"strings"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// MonthlyColumns are the monthly report's columns: its CSV header and its JSON keys.
var MonthlyColumns = []string{"product", "gtin", "unit", "opening_balance", "received", "dispensed", "losses_adjustments",
	"closing_balance", "stock_out_days", "amc", "months_of_stock", "max_quantity", "order_quantity", "ordered", "reason",
	"losses_adjustments_why", "pack_size", "ordered_packs"}

// MonthlyTable is the monthly report and requisition of month (stock.Monthly's rows): per product
// the stock summary, the average monthly consumption (AMC), months of stock, the maximum and the
// suggested order, and the quantity ordered with its reason. clinic is printed on every page of the
// PDF and XLSX (with the month as the period); maxMonths is the maximum months of stock the maximum
// was computed with. AMC, months of stock and the maximum are decimals, written as stock.Decimal
// does (one decimal).
func MonthlyTable(rows []stock.MonthlyRow, month time.Time, clinic Clinic, maxMonths int) Table {
	sub := i18n.T("AMC over %d months, adjusted for days out of stock; maximum = AMC × %d months.",
		stock.AMCMonths, maxMonths)
	t := Table{Title: i18n.T("Monthly report and requisition"), Subtitle: sub, Sheet: i18n.T("Monthly %s", month.Format("2006-01")),
		Clinic: clinic, Period: i18n.Month(month),
		Headers: map[string]string{"product": i18n.T("Product"), "gtin": i18n.T("GTIN"), "unit": i18n.T("Unit"),
			"opening_balance": i18n.T("Opening balance"), "received": i18n.T("Received"), "dispensed": i18n.T("Dispensed"),
			"losses_adjustments": i18n.T("Losses and adjustments"), "closing_balance": i18n.T("Closing balance"),
			"stock_out_days": i18n.T("Days out of stock"), "amc": i18n.T("AMC"), "months_of_stock": i18n.T("Months of stock"),
			"max_quantity": i18n.T("Maximum"), "order_quantity": i18n.T("Suggested order"), "ordered": i18n.T("Ordered"),
			"reason": i18n.T("Reason"), "losses_adjustments_why": i18n.T("Why (losses and adjustments)"),
			"pack_size": packHeaders()["pack_size"], "ordered_packs": i18n.T("Ordered in packs")},
		Columns: MonthlyColumns,
		Widths:  []float64{24, 14, 6, 8, 8, 9, 11, 8, 7, 6, 8, 8, 8, 8, 18, 22, 7, 8}}
	anyPacks := false
	for _, r := range rows {
		mos := textCell("")
		if r.HasMonthsOfStock {
			mos = decCell(r.MonthsOfStock, stock.Decimal(r.MonthsOfStock))
		}
		t.add(productCell(r.Product), textCell(r.Product.GTIN), textCell(r.Product.Unit),
			numCell(r.Opening), numCell(r.Received), numCell(r.Dispensed), numCell(r.LossesAdjustments),
			numCell(r.Closing), numCell(int64(r.StockOutDays)), decCell(r.AMC, stock.Decimal(r.AMC)), mos,
			decCell(r.MaxQuantity, stock.Decimal(r.MaxQuantity)), numCell(r.OrderQuantity), numCell(r.Ordered), textCell(r.Reason),
			sayCell(stock.LossReasonWords(r.LossReasons), lossReasonSay(r.LossReasons)), numCell(max(r.Product.PackSize, 1)), orderedPacks(r))
		anyPacks = anyPacks || r.Product.PackSize > 1
	}
	t.hidePacks(anyPacks, "pack_size", "ordered_packs")
	return t
}

// lossReasonSay is stock.LossReasonWords in the reader's language: "count correction +3, no
// reason given -2".
func lossReasonSay(rs []stock.ReasonQuantity) string {
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteString(", ")
		}
		w := i18n.T(stock.ReasonWords(r.Reason))
		if r.Reason == stock.NoReason {
			w = i18n.T("no reason given")
		}
		fmt.Fprintf(&b, "%s %+d", w, r.Quantity)
	}
	return b.String()
}

// orderedPacks is the quantity ordered in whole packs of the product's usual size, rounded up (a
// supplier sends whole packs); empty for a product counted in packs.
func orderedPacks(r stock.MonthlyRow) cell {
	if r.Product.PackSize <= 1 {
		return cell{}
	}
	return numCell(stock.PacksToOrder(r.Ordered, r.Product.PackSize))
}
