package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/activities"
	"github.com/lawcycle/lawcycle/calendar/source"
	"github.com/lawcycle/lawcycle/internal/config"
	"github.com/lawcycle/lawcycle/internal/store"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/wire"
	"github.com/lawcycle/lawcycle/workflows"
)

// openDB opens the database chosen by DATABASE_URL or the data dir.
func openDB(ctx context.Context, cfg *config.Config, log *slog.Logger) (*gorm.DB, store.Target, error) {
	target, err := store.Resolve(cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, target, err
	}
	db, err := store.Open(ctx, target, store.Options{Logger: log})
	return db, target, err
}

// requireMigrated refuses to run on a schema that `lawcycle migrate` has
// not brought up to date, so that scaled-out servers and workers never
// race each other to change it.
func requireMigrated(db *gorm.DB) error {
	pending, err := models.Pending(db)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return fmt.Errorf("database has %d pending migrations (%s); run `lawcycle migrate` first",
			len(pending), strings.Join(pending, ", "))
	}
	return nil
}

// dialTemporal connects, retrying for a while: in compose or Kubernetes the
// Temporal frontend often comes up after lawcycle does.
func dialTemporal(ctx context.Context, address, namespace string, log *slog.Logger) (client.Client, error) {
	if address == "" {
		return nil, errors.New("TEMPORAL_ADDRESS is not set (host:port of the Temporal frontend)")
	}
	deadline := time.Now().Add(2 * time.Minute)
	for wait := 500 * time.Millisecond; ; wait = min(wait*2, 10*time.Second) {
		c, err := client.DialContext(ctx, client.Options{
			HostPort:  address,
			Namespace: namespace,
			Logger:    sdklog.NewStructuredLogger(log.With("component", "temporal-sdk")),
		})
		if err == nil {
			return c, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return nil, fmt.Errorf("connect to Temporal at %s: %w", address, err)
		}
		log.Warn("Temporal not reachable yet; retrying", "address", address, "error", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// newWorker registers lawcycle's workflows and activities on the task queue.
func newWorker(c client.Client, db *gorm.DB, log *slog.Logger) worker.Worker {
	w := worker.New(c, wire.TaskQueue, worker.Options{})
	workflows.Register(w, &activities.Activities{
		DB: db, Logger: log.With("component", "activities"),
		Calendars: source.New(db), Temporal: c,
	})
	return w
}

// startNotifications runs the notification dispatcher (package notify)
// beside the worker until ctx ends; stop waits for it to finish.
func startNotifications(ctx context.Context, cfg *config.Config, db *gorm.DB, log *slog.Logger) (stop func(), err error) {
	channels, err := notify.Settings{
		SMTP: notify.SMTPSettings{Addr: cfg.SMTPAddr, Username: cfg.SMTPUsername, Password: cfg.SMTPPassword,
			From: cfg.SMTPFrom, TLS: cfg.SMTPTLS},
		Webhook: notify.WebhookSettings{URL: cfg.WebhookURL, Secret: cfg.WebhookSecret},
	}.Channels()
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	d := &notify.Dispatcher{DB: db, Channels: channels, PublicURL: cfg.PublicURL, Logger: log.With("component", "notify")}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(ctx)
	}()
	return func() { cancel(); <-done }, nil
}

func newService(db *gorm.DB, c client.Client, log *slog.Logger) *service.Service {
	return &service.Service{DB: db, Temporal: c, Logger: log}
}

// bootstrapAdmin applies LAWCYCLE_ADMIN_PASSWORD / LAWCYCLE_ADMIN_TOKEN.
func bootstrapAdmin(ctx context.Context, svc *service.Service, cfg *config.Config) (service.Bootstrap, error) {
	b, err := svc.EnsureAdmin(ctx, cfg.AdminPassword, cfg.AdminToken)
	if err != nil {
		return b, fmt.Errorf("bootstrap admin: %w", err)
	}
	return b, nil
}

func newLogger(cfg *config.Config) (*slog.Logger, error) {
	return cfg.Logger(os.Stderr)
}
