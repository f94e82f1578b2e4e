package main

import (
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/lawcycle/lawcycle/internal/config"
	"github.com/lawcycle/lawcycle/internal/embedtemporal"
)

// newTemporalCommand runs only the embedded Temporal server, so the
// production topology (separate server and worker processes) can run on
// one machine without a Temporal cluster. Not for production use.
func newTemporalCommand(cfg *config.Config) *cobra.Command {
	var ip string
	var port int
	cmd := &cobra.Command{
		Use:   "temporal",
		Short: "embedded Temporal server only (SQLite under --data), for local and test topologies",
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := newLogger(cfg)
			if err != nil {
				return err
			}
			srv, err := startEmbeddedTemporal(cfg, ip, port, log)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "temporal listening on %s (namespace %s)\n", srv.Address(), srv.Namespace())
			<-cmd.Context().Done()
			log.Info("stopping temporal server")
			return srv.Stop()
		},
	}
	cmd.Flags().StringVar(&ip, "ip", "127.0.0.1", "IP to bind")
	cmd.Flags().IntVar(&port, "port", config.DefaultTemporalPort, "frontend gRPC port (0 picks a free one)")
	cmd.Flags().StringVar(&cfg.TemporalNamespace, "temporal-namespace", cfg.TemporalNamespace, "namespace to create (env TEMPORAL_NAMESPACE)")
	return cmd
}

func startEmbeddedTemporal(cfg *config.Config, ip string, port int, log *slog.Logger) (*embedtemporal.Server, error) {
	return embedtemporal.Start(embedtemporal.Options{
		DatabaseFile: filepath.Join(cfg.DataDir, "temporal.db"),
		IP:           ip,
		Port:         port,
		Namespace:    cfg.TemporalNamespace,
		Logger:       log,
		LogLevel:     slog.LevelWarn,
	})
}
