// Package e2e runs lawcycle end to end against the embedded Temporal
// server: in-process (the real API, worker and database) and, in
// process_test.go, as separate `lawcycle` processes.
package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"

	"go.temporal.io/sdk/client"

	"github.com/lawcycle/lawcycle/internal/embedtemporal"
	"github.com/lawcycle/lawcycle/workflows"
)

// temporalServer is shared by every in-process test; each test isolates
// itself with its own task queue and database.
var (
	temporalServer *embedtemporal.Server
	temporalClient client.Client
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := embedtemporal.Start(embedtemporal.Options{Logger: log, LogLevel: slog.LevelError})
	if err != nil {
		fmt.Fprintln(os.Stderr, "start embedded temporal:", err)
		return 1
	}
	defer srv.Stop()
	c, err := client.Dial(client.Options{HostPort: srv.Address(), Namespace: srv.Namespace(), Logger: quietSDKLogger{}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "dial temporal:", err)
		return 1
	}
	defer c.Close()
	if err := workflows.EnsureSearchAttributes(context.Background(), c, srv.Namespace()); err != nil {
		fmt.Fprintln(os.Stderr, "register search attributes:", err)
		return 1
	}
	temporalServer, temporalClient = srv, c
	defer func() {
		if binDir != "" {
			_ = os.RemoveAll(binDir)
		}
	}()
	return m.Run()
}

// quietSDKLogger drops the SDK's chatter from test output.
type quietSDKLogger struct{}

func (quietSDKLogger) Debug(string, ...interface{}) {}
func (quietSDKLogger) Info(string, ...interface{})  {}
func (quietSDKLogger) Warn(string, ...interface{})  {}
func (quietSDKLogger) Error(string, ...interface{}) {}
