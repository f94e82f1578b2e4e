// Command lawcycle runs the yearly supervision cycle of 法治政府建设年度报告.
// One binary, several roles: dev (everything embedded), server, worker,
// migrate, and temporal (an embedded Temporal server on its own).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/lawcycle/lawcycle/internal/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCommand().ExecuteContext(ctx); err != nil {
		if !errors.Is(err, errReturnInvalid) {
			fmt.Fprintln(os.Stderr, "lawcycle:", err)
		}
		os.Exit(1)
	}
}

func newRootCommand() *cobra.Command {
	cfg := config.FromEnv()
	root := &cobra.Command{
		Use:           "lawcycle",
		Short:         "法治政府建设年度报告督察周期系统 / rule-of-law annual report cycles",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory for SQLite files (env LAWCYCLE_DATA)")
	root.PersistentFlags().StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "debug, info, warn or error (env LAWCYCLE_LOG_LEVEL)")
	root.PersistentFlags().StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "text or json (env LAWCYCLE_LOG_FORMAT)")
	root.AddCommand(
		newDevCommand(&cfg),
		newServerCommand(&cfg),
		newWorkerCommand(&cfg),
		newMigrateCommand(&cfg),
		newTemporalCommand(&cfg),
		newAuditCommand(&cfg),
		newTemplateCommand(),
		newCheckCommand(),
	)
	return root
}
