package pgtest

import (
	"os"
	"os/exec"
)

// runAs: on Windows PostgreSQL's programs run as this process's user.
type runAs struct{}

func asPostgres(string) (*runAs, error) { return nil, nil }

func setRunAs(*exec.Cmd, *runAs) {}

// processGone says whether no process has this pid.
func processGone(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return true
	}
	p.Release()
	return false
}

func ownerOf(string) *runAs { return nil }
