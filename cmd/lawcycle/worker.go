package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lawcycle/lawcycle/internal/config"
	"github.com/lawcycle/lawcycle/internal/store"
)

func newWorkerCommand(cfg *config.Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Temporal worker only, against TEMPORAL_ADDRESS and DATABASE_URL (scale horizontally)",
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
			stopNotify, err := startNotifications(ctx, cfg, db, log)
			if err != nil {
				return err
			}
			defer stopNotify()
			ensureSearchAttributes(ctx, c, cfg.TemporalNamespace, log)
			w := newWorker(c, db, log)
			if err := w.Start(); err != nil {
				return fmt.Errorf("start worker: %w", err)
			}
			log.Info("lawcycle worker running", "database", target.Display, "temporal", cfg.TemporalAddress)
			<-ctx.Done()
			log.Info("stopping worker")
			w.Stop()
			return nil
		},
	}
	cmd.Flags().StringVar(&cfg.TemporalAddress, "temporal-address", cfg.TemporalAddress, "Temporal frontend host:port (env TEMPORAL_ADDRESS)")
	cmd.Flags().StringVar(&cfg.TemporalNamespace, "temporal-namespace", cfg.TemporalNamespace, "Temporal namespace (env TEMPORAL_NAMESPACE)")
	return cmd
}
