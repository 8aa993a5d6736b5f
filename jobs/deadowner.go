package jobs

import (
	"context"
	"os"
	"strconv"
	"strings"
)

// A lease names its owner "host:pid:random/seq" (see New). When the owner is a process of this
// host that no longer runs (killed with kill -9, crashed, the laptop's power cut), waiting for the
// lease to expire (LeaseDuration, 60 s by default) only leaves the user looking at a silent
// command: expireDeadOwners ends such leases at once, so recoverExpired takes the jobs back on the
// next start. A live owner's lease, or another host's (a shared folder), is left to expire as usual.

// parseOwner splits a lease owner into its host and process id.
func parseOwner(owner string) (host string, pid int, ok bool) {
	owner, _, _ = strings.Cut(owner, "/")
	i := strings.LastIndexByte(owner, ':') // before the random part
	if i < 0 {
		return "", 0, false
	}
	rest := owner[:i]
	j := strings.LastIndexByte(rest, ':')
	if j < 0 {
		return "", 0, false
	}
	pid, err := strconv.Atoi(rest[j+1:])
	if err != nil || pid <= 0 {
		return "", 0, false
	}
	return rest[:j], pid, true
}

// expireDeadOwners ends the unexpired leases of this host's processes that are gone. It returns
// how many it ended.
func (p *Pool) expireDeadOwners(ctx context.Context) (int, error) {
	host, _ := os.Hostname()
	now := p.now().UnixMilli()
	rows, err := p.db.QueryContext(ctx, `SELECT id, lease_owner FROM jobs WHERE state = 'running' AND lease_until >= ? AND lease_owner IS NOT NULL`, now)
	if err != nil {
		return 0, err
	}
	type lease struct {
		id    int64
		owner string
	}
	var dead []lease
	for rows.Next() {
		var l lease
		if err := rows.Scan(&l.id, &l.owner); err != nil {
			rows.Close()
			return 0, err
		}
		h, pid, ok := parseOwner(l.owner)
		if ok && h == host && pid != os.Getpid() && !processAlive(pid) {
			dead = append(dead, l)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, l := range dead {
		res, err := p.db.ExecContext(ctx, `UPDATE jobs SET lease_until = 0 WHERE id = ? AND lease_owner = ? AND state = 'running'`, l.id, l.owner)
		if err != nil {
			return n, err
		}
		if k, _ := res.RowsAffected(); k > 0 {
			n++
		}
	}
	return n, nil
}
