package jobs

// Test hooks for package jobs_test (compiled only with the tests).

// OnIdle calls f each time a dispatcher of p has made a whole pass over its queue (claimed what it
// could) and goes to sleep. Call it before Start.
func OnIdle(p *Pool, f func(queue string)) { p.hooks.idle = f }

// OnStopWaits calls f when Stop begins waiting for p's running jobs. Call it before Stop.
func OnStopWaits(p *Pool, f func()) { p.hooks.stopWaits = f }

// OnRenewed calls f each time p has extended the lease of a running job (the new end is in the
// table). Call it before Start.
func OnRenewed(p *Pool, f func(job int64)) { p.hooks.renewed = f }
