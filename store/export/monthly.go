package export

import (
	"fmt"
	"strings"
	"time"

	"medinventory/store/stock"
)

// MonthlyColumns are the monthly report's columns: its CSV header and its JSON keys.
var MonthlyColumns = []string{"product", "gtin", "unit", "opening_balance", "received", "dispensed", "losses_adjustments",
	"closing_balance", "stock_out_days", "amc", "months_of_stock", "max_quantity", "order_quantity", "ordered", "reason"}

// MonthlyTable is the monthly report and requisition of month (stock.Monthly's rows): per product
// the stock summary, the average monthly consumption (AMC), months of stock, the maximum and the
// suggested order, and the quantity ordered with its reason. clinic names the clinic ("" when not
// set); maxMonths is the maximum months of stock the maximum was computed with. AMC, months of
// stock and the maximum are decimals, written as stock.Decimal does (one decimal).
func MonthlyTable(rows []stock.MonthlyRow, month time.Time, clinic string, maxMonths int) Table {
	sub := fmt.Sprintf("%s. AMC over %d months, adjusted for days out of stock; maximum = AMC × %d months.",
		month.Format("January 2006"), stock.AMCMonths, maxMonths)
	if clinic = strings.TrimSpace(clinic); clinic != "" {
		sub = clinic + ". " + sub
	}
	t := Table{Title: "Monthly report and requisition", Subtitle: sub, Sheet: "Monthly " + month.Format("2006-01"),
		Columns: MonthlyColumns,
		Widths:  []float64{24, 14, 6, 8, 8, 9, 11, 8, 7, 6, 8, 8, 8, 8, 18}}
	for _, r := range rows {
		mos := textCell("")
		if r.HasMonthsOfStock {
			mos = textCell(stock.Decimal(r.MonthsOfStock))
		}
		t.add(textCell(productName(r.Product)), textCell(r.Product.GTIN), textCell(r.Product.Unit),
			numCell(r.Opening), numCell(r.Received), numCell(r.Dispensed), numCell(r.LossesAdjustments),
			numCell(r.Closing), numCell(int64(r.StockOutDays)), textCell(stock.Decimal(r.AMC)), mos,
			textCell(stock.Decimal(r.MaxQuantity)), numCell(r.OrderQuantity), numCell(r.Ordered), textCell(r.Reason))
	}
	return t
}
