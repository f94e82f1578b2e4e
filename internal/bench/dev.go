package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lawcycle/lawcycle/internal/proc"
)

// devServer is `lawcycle dev` run as its own process on a fresh data dir,
// as an office would run it, with a Temporal client on its embedded server.
type devServer struct {
	proc     *proc.Proc
	dir      string
	API      API
	Temporal client.Client
	// DataDir holds the embedded Temporal's and the app's SQLite files.
	DataDir string
}

// startDev starts `bin dev` with the app database on SQLite under a fresh
// data dir and waits until its API and Temporal frontend answer.
func startDev(bin string) (*devServer, error) {
	dir, err := os.MkdirTemp("", "lawcycle-bench-")
	if err != nil {
		return nil, err
	}
	d := &devServer{dir: dir, DataDir: filepath.Join(dir, "data")}
	env := append(withoutEnv(os.Environ(), "DATABASE_URL", "TEMPORAL_ADDRESS"),
		"LAWCYCLE_HTTP_ADDR=127.0.0.1:0", "LAWCYCLE_ADMIN_TOKEN="+benchToken, "LAWCYCLE_LOG_LEVEL=warn")
	d.proc, err = proc.Start(env, bin, "dev", "--data", d.DataDir, "--temporal-port", "0")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	base, err := d.proc.Wait(apiPattern, 2*time.Minute)
	if err != nil {
		d.Stop()
		return nil, err
	}
	addr, err := d.proc.Wait(temporalPattern, time.Second)
	if err != nil {
		d.Stop()
		return nil, err
	}
	d.API = API{Base: base, Token: benchToken}
	d.Temporal, err = client.Dial(client.Options{HostPort: addr, Logger: silent{}})
	if err != nil {
		d.Stop()
		return nil, err
	}
	return d, nil
}

// Pid is the process id of `lawcycle dev`.
func (d *devServer) Pid() int { return d.proc.Cmd.Process.Pid }

// AppDB is the app's SQLite file.
func (d *devServer) AppDB() string { return filepath.Join(d.DataDir, "lawcycle.db") }

// Stop closes the client, stops the process and removes the data dir.
func (d *devServer) Stop() {
	if d.Temporal != nil {
		d.Temporal.Close()
	}
	d.proc.Stop()
	os.RemoveAll(d.dir)
}

// WaitIdle waits until the process uses less than a tenth of a core over
// two seconds, so that work left over from the previous phase (deadline
// planning after a launch, visibility updates) is not measured as the
// next phase's cost. It gives up after limit and says so.
func (d *devServer) WaitIdle(limit time.Duration) error {
	const window = 2 * time.Second
	deadline := time.Now().Add(limit)
	prev, err := cpuTime(d.Pid())
	if err != nil {
		return err
	}
	for time.Now().Before(deadline) {
		time.Sleep(window)
		cur, err := cpuTime(d.Pid())
		if err != nil {
			return err
		}
		if cur-prev < window/10 {
			return nil
		}
		prev = cur
	}
	return fmt.Errorf("lawcycle dev still busy after %s", limit)
}

// cpuTime reads the user and system time a process has used so far.
func cpuTime(pid int) (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may contain spaces; the fields after it may not.
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	// Linux reports clock ticks of 1/100 s on every architecture Go
	// supports here (USER_HZ).
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// withoutEnv drops the named variables, so a DATABASE_URL or
// TEMPORAL_ADDRESS in the caller's shell cannot redirect the benchmark
// away from the embedded server and SQLite.
func withoutEnv(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		drop := false
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				drop = true
			}
		}
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}

// loadAvg is the machine's one-minute load average, logged next to each
// phase: the machine is shared, and a phase measured under other
// tenants' load is not comparable with one measured without.
func loadAvg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(raw))[0]
}
