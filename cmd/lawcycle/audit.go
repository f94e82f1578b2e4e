package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/internal/config"
	"github.com/lawcycle/lawcycle/internal/store"
)

func newAuditCommand(cfg *config.Config) *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "audit log tools"}
	cmd.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: "check the audit log's hash chain; exit status 1 if a row was edited or deleted",
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := newLogger(cfg)
			if err != nil {
				return err
			}
			db, target, err := openDB(cmd.Context(), cfg, log)
			if err != nil {
				return err
			}
			defer store.Close(db)
			r, err := audit.Verify(cmd.Context(), db)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "数据库 %s：审计日志共 %d 条记录", target.Display, r.Events)
			if r.Events > 0 {
				fmt.Fprintf(out, "，链尾为第 %d 条，哈希 %s", r.HeadSeq, r.HeadHash)
			}
			fmt.Fprintln(out)
			if r.OK() {
				fmt.Fprintln(out, "校验通过：未发现修改或删除。")
				return nil
			}
			for _, p := range r.Problems {
				fmt.Fprintf(out, "第 %d 条（id %d）：%s\n", p.Seq, p.ID, p.Message)
			}
			return errors.New("audit log verification failed: the chain is broken")
		},
	})
	return cmd
}
