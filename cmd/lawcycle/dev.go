package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"

	"github.com/spf13/cobra"

	"github.com/lawcycle/lawcycle/internal/config"
	"github.com/lawcycle/lawcycle/internal/store"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/service"
)

func newDevCommand(cfg *config.Config) *cobra.Command {
	var temporalPort int
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "everything in one process: embedded Temporal, database, worker, API and web UI",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDev(cmd.Context(), cfg, temporalPort, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&cfg.HTTPAddr, "http", cfg.HTTPAddr, "HTTP listen address (env LAWCYCLE_HTTP_ADDR)")
	cmd.Flags().IntVar(&temporalPort, "temporal-port", config.DefaultTemporalPort, "embedded Temporal frontend port (0 picks a free one)")
	return cmd
}

// runDev starts the pieces in dependency order and stops them in reverse.
// Both SQLite files live under the data dir, so a restart resumes every
// cycle and every running workflow.
func runDev(ctx context.Context, cfg *config.Config, temporalPort int, out io.Writer) error {
	log, err := newLogger(cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	ln, err := listenHTTP(cfg.HTTPAddr)
	if err != nil {
		return err
	}
	defer ln.Close()

	srv, err := startEmbeddedTemporal(cfg, "127.0.0.1", temporalPort, log)
	if err != nil {
		return fmt.Errorf("%w (is another lawcycle dev or Temporal running? try --temporal-port 0)", err)
	}
	defer func() {
		if err := srv.Stop(); err != nil {
			log.Warn("stop temporal", "error", err)
		}
	}()

	db, target, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close(db)
	if err := models.Migrate(db); err != nil {
		return err
	}

	c, err := dialTemporal(ctx, srv.Address(), srv.Namespace(), log)
	if err != nil {
		return err
	}
	defer c.Close()
	svc := newService(db, c, log)
	boot, err := bootstrapAdmin(ctx, svc, cfg)
	if err != nil {
		return err
	}

	stopNotify, err := startNotifications(ctx, cfg, db, log)
	if err != nil {
		return err
	}
	defer stopNotify()
	ensureSearchAttributes(ctx, c, srv.Namespace(), log)
	w := newWorker(c, db, log)
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	defer w.Stop()

	var wg sync.WaitGroup
	errc := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		errc <- serveHTTP(ctx, ln, svc, db, c, log)
	}()
	printBanner(out, cfg, ln.Addr(), srv.Address(), target, boot)
	err = <-errc
	wg.Wait()
	log.Info("lawcycle dev stopped")
	return err
}

func printBanner(out io.Writer, cfg *config.Config, httpAddr net.Addr, temporalAddr string, target store.Target, boot service.Bootstrap) {
	base := httpURL(httpAddr)
	dataDir, _ := filepath.Abs(cfg.DataDir)
	fmt.Fprintf(out, "\nlawcycle 开发模式已启动 / lawcycle dev is running\n")
	fmt.Fprintf(out, "  网页界面:    %s/\n", base)
	fmt.Fprintf(out, "  API:         %s/api/v1   (OpenAPI: %s/api/v1/openapi.json)\n", base, base)
	fmt.Fprintf(out, "  健康检查:    %s/readyz\n", base)
	fmt.Fprintf(out, "  Temporal:    %s (namespace %s)\n", temporalAddr, cfg.TemporalNamespace)
	fmt.Fprintf(out, "  数据库:      %s\n", target.Display)
	fmt.Fprintf(out, "  数据目录:    %s\n", dataDir)
	fmt.Fprintf(out, "\n登录 / Log in（浏览器打开 %s/ ）:\n", base)
	switch {
	case boot.GeneratedPassword != "":
		fmt.Fprintf(out, "  用户名 admin，初始密码 %s （仅显示这一次 / shown once）\n", boot.GeneratedPassword)
	case boot.PasswordSet:
		fmt.Fprintf(out, "  用户名 admin，密码为 LAWCYCLE_ADMIN_PASSWORD 的值\n")
	default:
		fmt.Fprintf(out, "  用户名 admin，密码为首次启动时显示的密码；设置 LAWCYCLE_ADMIN_PASSWORD 后重启即可重置\n")
	}
	token := "<令牌>"
	switch {
	case boot.GeneratedToken != "":
		token = boot.GeneratedToken
		fmt.Fprintf(out, "  API 令牌 %s （仅显示这一次 / shown once）\n", token)
	case boot.TokenSet:
		token = "$LAWCYCLE_ADMIN_TOKEN"
		fmt.Fprintf(out, "  API 令牌为 LAWCYCLE_ADMIN_TOKEN 的值\n")
	default:
		fmt.Fprintf(out, "  获取 API 令牌：curl -X POST %s/api/v1/tokens -H 'Content-Type: application/json' -d '{\"username\":\"admin\",\"password\":\"…\"}'\n", base)
	}
	fmt.Fprintf(out, "  示例 / example: curl -H \"Authorization: Bearer %s\" %s/api/v1/cycles\n\n", token, base)
}
