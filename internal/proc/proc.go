// Package proc runs a lawcycle process for tests and benchmarks and
// watches its output for readiness lines.
package proc

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Proc is a child process whose output is watched for readiness lines.
type Proc struct {
	Cmd  *exec.Cmd
	mu   sync.Mutex
	out  strings.Builder
	done chan struct{}
	err  error
}

// Start runs name with args in env (nil: this process's environment).
func Start(env []string, name string, args ...string) (*Proc, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = env
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	p := &Proc{Cmd: cmd, done: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.out.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
		}
	}()
	go func() {
		p.err = cmd.Wait()
		pw.Close()
		close(p.done)
	}()
	return p, nil
}

// Done is closed when the process has exited; Err then holds its status.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Err is the exit status, valid after Done.
func (p *Proc) Err() error { return p.err }

// Kill sends SIGKILL, as a crash would, and waits for the exit.
func (p *Proc) Kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.Cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Interrupt sends SIGINT and waits up to timeout for the exit.
func (p *Proc) Interrupt(timeout time.Duration) error {
	if err := p.Cmd.Process.Signal(os.Interrupt); err != nil {
		return err
	}
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		return fmt.Errorf("still running %s after SIGINT", timeout)
	}
}

// Output is everything printed so far.
func (p *Proc) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// Wait returns the last group of the first match of re in the output.
func (p *Proc) Wait(re *regexp.Regexp, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(p.Output()); m != nil {
			return m[len(m)-1], nil
		}
		select {
		case <-p.done:
			return "", fmt.Errorf("process exited before %s:\n%s", re, p.Output())
		case <-time.After(50 * time.Millisecond):
		}
	}
	return "", fmt.Errorf("no %s within %s:\n%s", re, timeout, p.Output())
}

// Stop interrupts the process, killing it if it does not exit in 30s.
func (p *Proc) Stop() {
	if p.Interrupt(30*time.Second) != nil {
		p.Kill()
	}
}

// Memory reads a process's resident set now and its peak (VmHWM), in bytes.
func Memory(pid int) (rss, peak int64, err error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(fields[1], 10, 64)
		switch fields[0] {
		case "VmRSS:":
			rss = kb * 1024
		case "VmHWM:":
			peak = kb * 1024
		}
	}
	return rss, peak, nil
}
