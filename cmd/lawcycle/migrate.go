package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lawcycle/lawcycle/internal/config"
	"github.com/lawcycle/lawcycle/internal/store"
	"github.com/lawcycle/lawcycle/models"
)

func newMigrateCommand(cfg *config.Config) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "apply database migrations (and LAWCYCLE_ADMIN_* bootstrap), then exit",
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
			pending, err := models.Pending(db)
			if err != nil {
				return err
			}
			if err := models.Migrate(db); err != nil {
				return err
			}
			for _, id := range pending {
				fmt.Fprintf(cmd.OutOrStdout(), "applied %s\n", id)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "database %s is up to date (%d migrations applied now)\n", target.Display, len(pending))
			if cfg.AdminPassword != "" || cfg.AdminToken != "" {
				if _, err := bootstrapAdmin(ctx, newService(db, nil, log), cfg); err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), "admin bootstrapped from LAWCYCLE_ADMIN_*")
			}
			return nil
		},
	}
}
