package export

import (
	"fmt"
	"medinventory/assets/i18n"
	"time"

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
	sub := fmt.Sprintf("AMC over %d months, adjusted for days out of stock; maximum = AMC × %d months.",
		stock.AMCMonths, maxMonths)
	t := Table{Title: "Monthly report and requisition", Subtitle: sub, Sheet: "Monthly " + month.Format("2006-01"),
		Clinic: clinic, Period: month.Format("January 2006"),
		Headers: map[string]string{"product": "Product", "gtin": "GTIN", "unit": "Unit", "opening_balance": "Opening balance",
			"received": "Received", "dispensed": "Dispensed", "losses_adjustments": "Losses and adjustments",
			"closing_balance": "Closing balance", "stock_out_days": "Days out of stock", "amc": "AMC",
			"months_of_stock": "Months of stock", "max_quantity": "Maximum", "order_quantity": "Suggested order",
			"ordered": "Ordered", "reason": "Reason", "losses_adjustments_why": "Why (losses and adjustments)",
			"pack_size": packHeaders()["pack_size"], "ordered_packs": i18n.T("Ordered in packs")},
		Columns: MonthlyColumns,
		Widths:  []float64{24, 14, 6, 8, 8, 9, 11, 8, 7, 6, 8, 8, 8, 8, 18, 22, 7, 8}}
	anyPacks := false
	for _, r := range rows {
		mos := textCell("")
		if r.HasMonthsOfStock {
			mos = textCell(stock.Decimal(r.MonthsOfStock))
		}
		t.add(textCell(productName(r.Product)), textCell(r.Product.GTIN), textCell(r.Product.Unit),
			numCell(r.Opening), numCell(r.Received), numCell(r.Dispensed), numCell(r.LossesAdjustments),
			numCell(r.Closing), numCell(int64(r.StockOutDays)), textCell(stock.Decimal(r.AMC)), mos,
			textCell(stock.Decimal(r.MaxQuantity)), numCell(r.OrderQuantity), numCell(r.Ordered), textCell(r.Reason),
			textCell(stock.LossReasonWords(r.LossReasons)), numCell(max(r.Product.PackSize, 1)), orderedPacks(r))
		anyPacks = anyPacks || r.Product.PackSize > 1
	}
	t.hidePacks(anyPacks, "pack_size", "ordered_packs")
	return t
}

// orderedPacks is the quantity ordered in whole packs of the product's usual size, rounded up (a
// supplier sends whole packs); empty for a product counted in packs.
func orderedPacks(r stock.MonthlyRow) cell {
	if r.Product.PackSize <= 1 {
		return cell{}
	}
	return numCell(stock.PacksToOrder(r.Ordered, r.Product.PackSize))
}
