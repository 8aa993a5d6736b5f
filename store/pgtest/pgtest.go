// Package pgtest starts a real, private PostgreSQL for tests: a cluster in a temporary folder
// (initdb, pg_ctl), reached through a Unix socket only, never a mock. As root (CI) the server runs
// as the `postgres` user, which initdb requires. One cluster serves a whole test binary when the
// package's TestMain calls Main; each Start then gets a fresh database in it (fast). Without Main,
// each Start makes its own cluster, stopped when the test ends.
//
// Under `-tags ci` a missing PostgreSQL fails the test with a plain message; otherwise it skips.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// cluster is one running PostgreSQL server.
type cluster struct {
	dir   string // holds data/ and the socket
	bin   string // the folder of initdb and pg_ctl
	cred  *runAs // the postgres user, when this process is root
	owned bool   // dir made here (removed at stop)
}

var (
	shared     *cluster
	sharedErr  error
	sharedOnce sync.Once
	useShared  atomic.Bool
	dbCount    atomic.Int64
)

// Main runs a package's tests with one shared cluster (started on the first Start) and stops it
// after them. Use it from TestMain: `func TestMain(m *testing.M) { pgtest.Main(m) }`.
func Main(m *testing.M) {
	useShared.Store(true)
	code := m.Run()
	if shared != nil {
		shared.stop()
	}
	os.Exit(code)
}

// Start returns the URL of a new, empty database on a running PostgreSQL, for pgx
// (postgres:///NAME?host=SOCKETDIR&user=postgres).
func Start(t testing.TB) string {
	t.Helper()
	var c *cluster
	if useShared.Load() {
		sharedOnce.Do(func() { shared, sharedErr = startCluster() })
		if sharedErr != nil {
			missing(t, sharedErr)
		}
		c = shared
	} else {
		var err error
		c, err = startCluster()
		if err != nil {
			missing(t, err)
		}
		t.Cleanup(c.stop)
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), dbCount.Add(1))
	if err := c.createDB(name); err != nil {
		t.Fatalf("pgtest: cannot make a test database: %v", err)
	}
	return c.url(name)
}

// errMissing: PostgreSQL's programs are not installed.
var errMissing = errors.New("PostgreSQL is not installed: initdb and pg_ctl were not found on PATH or in /usr/lib/postgresql/*/bin. On Debian/Ubuntu: apt-get install postgresql (make deps-test does it)")

func missing(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, errMissing) && !mustRun {
		t.Skip(err.Error())
	}
	t.Fatalf("pgtest: %v", err)
}

// findBin finds the folder holding initdb and pg_ctl.
func findBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Sort(sort.Reverse(sort.StringSlice(dirs)))
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errMissing
}

func startCluster() (*cluster, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	reapOrphans(bin)
	// Under os.TempDir, not t.TempDir: the postgres user must be able to reach it, and the test's
	// own temp folders are private to root.
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, err
	}
	// The test process that owns the cluster, for reapOrphans.
	if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c := &cluster{dir: dir, bin: bin, owned: true}
	if c.cred, err = asPostgres(dir); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run("initdb", "-D", data, "--auth=trust", "-U", "postgres", "--no-locale", "-E", "UTF8", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb failed: %v\n%s", err, out)
	}
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", dir)
	if out, err := c.run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pg_ctl start failed: %v\n%s\n%s", err, out, log)
	}
	return c, nil
}

// run runs one of PostgreSQL's programs, as the postgres user when this process is root, in the
// cluster's folder (a working directory that user can read).
func (c *cluster) run(prog string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(c.bin, prog), args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	setRunAs(cmd, c.cred)
	return cmd.CombinedOutput()
}

func (c *cluster) stop() {
	c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	if c.owned {
		os.RemoveAll(c.dir)
	}
}

// reapOrphans stops and removes the clusters of test processes that died without stopping them
// (killed, timed out): a crashed test binary leaves no PostgreSQL running for the next run.
func reapOrphans(bin string) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "pgtest-*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, "owner.pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(string(b))
		if err != nil || pid <= 0 || !processGone(pid) {
			continue // its owner is alive (or the file is not ours)
		}
		c := &cluster{dir: dir, bin: bin, owned: true, cred: ownerOf(dir)}
		c.stop()
	}
}

func (c *cluster) url(db string) string {
	return "postgres:///" + db + "?host=" + url.QueryEscape(c.dir) + "&user=postgres&sslmode=disable"
}

func (c *cluster) createDB(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.url("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	return err
}
