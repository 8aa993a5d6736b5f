// Package bench compares the jobs package with maragu.dev/goqite on the same workload. It is a
// separate module so that the app's go.mod does not carry goqite.
//
//	cd bench && go test -run '^$' -bench . -benchmem
package bench
