package main

import (
	"github.com/spf13/cobra"

	"github.com/lawcycle/lawcycle/internal/config"
	"github.com/lawcycle/lawcycle/internal/store"
)

func newServerCommand(cfg *config.Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "server",
		Short: "HTTP API and web UI, against TEMPORAL_ADDRESS and DATABASE_URL (scale horizontally)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			log, err := newLogger(cfg)
			if err != nil {
				return err
			}
			db, target, err := openDB(ctx, cfg, log)
			if err != nil {
				return err
			}
			defer store.Close(db)
			if err := requireMigrated(db); err != nil {
				return err
			}
			c, err := dialTemporal(ctx, cfg.TemporalAddress, cfg.TemporalNamespace, log)
			if err != nil {
				return err
			}
			defer c.Close()
			svc := newService(db, c, log)
			if cfg.AdminPassword != "" || cfg.AdminToken != "" {
				if _, err := bootstrapAdmin(ctx, svc, cfg); err != nil {
					return err
				}
			}
			ln, err := listenHTTP(cfg.HTTPAddr)
			if err != nil {
				return err
			}
			log.Info("lawcycle server listening", "url", httpURL(ln.Addr()), "database", target.Display,
				"temporal", cfg.TemporalAddress, "namespace", cfg.TemporalNamespace)
			return serveHTTP(ctx, ln, svc, db, c, log)
		},
	}
	cmd.Flags().StringVar(&cfg.HTTPAddr, "http", cfg.HTTPAddr, "HTTP listen address (env LAWCYCLE_HTTP_ADDR)")
	cmd.Flags().StringVar(&cfg.TemporalAddress, "temporal-address", cfg.TemporalAddress, "Temporal frontend host:port (env TEMPORAL_ADDRESS)")
	cmd.Flags().StringVar(&cfg.TemporalNamespace, "temporal-namespace", cfg.TemporalNamespace, "Temporal namespace (env TEMPORAL_NAMESPACE)")
	return cmd
}
