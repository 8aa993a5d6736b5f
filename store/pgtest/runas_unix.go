//go:build unix

package pgtest

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
)

// runAs is the user PostgreSQL's programs run as.
type runAs = syscall.Credential

// asPostgres: as root, initdb refuses to run, so the cluster runs as the postgres user, which
// then owns dir; otherwise as this process's user (nil).
func asPostgres(dir string) (*runAs, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, PostgreSQL must run as the postgres user, which does not exist: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func setRunAs(cmd *exec.Cmd, r *runAs) {
	if r != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: r}
	}
}

// processGone says whether no process has this pid.
func processGone(pid int) bool { return syscall.Kill(pid, 0) == syscall.ESRCH }

// ownerOf is the user owning dir when this process is root (a cluster's postgres user).
func ownerOf(dir string) *runAs {
	if os.Geteuid() != 0 {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	return &syscall.Credential{Uid: st.Uid, Gid: st.Gid}
}
