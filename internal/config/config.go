// Package config gathers lawcycle's settings from the environment (README.md#configuration);
// command-line flags override them.
package config

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// Defaults.
const (
	DefaultDataDir   = "./lawcycle-data"
	DefaultHTTPAddr  = ":8080"
	DefaultNamespace = "default"
	// DefaultTemporalPort is Temporal's usual port, so the temporal CLI
	// reaches `lawcycle dev` without flags.
	DefaultTemporalPort = 7233
)

// Config is every setting a subcommand may need.
type Config struct {
	DataDir           string
	DatabaseURL       string
	TemporalAddress   string
	TemporalNamespace string
	HTTPAddr          string
	AdminPassword     string
	AdminToken        string
	LogLevel          string
	LogFormat         string
	// Notifications (package notify): the worker's e-mail and webhook
	// channels, and the address that makes their links absolute.
	SMTPAddr      string
	SMTPUsername  string
	SMTPPassword  string
	SMTPFrom      string
	SMTPTLS       string
	WebhookURL    string
	WebhookSecret string
	PublicURL     string
}

// FromEnv reads the environment, filling defaults.
func FromEnv() Config {
	return Config{
		DataDir:           env("LAWCYCLE_DATA", DefaultDataDir),
		DatabaseURL:       os.Getenv("DATABASE_URL"),
		TemporalAddress:   os.Getenv("TEMPORAL_ADDRESS"),
		TemporalNamespace: env("TEMPORAL_NAMESPACE", DefaultNamespace),
		HTTPAddr:          env("LAWCYCLE_HTTP_ADDR", DefaultHTTPAddr),
		AdminPassword:     os.Getenv("LAWCYCLE_ADMIN_PASSWORD"),
		AdminToken:        os.Getenv("LAWCYCLE_ADMIN_TOKEN"),
		LogLevel:          env("LAWCYCLE_LOG_LEVEL", "info"),
		LogFormat:         env("LAWCYCLE_LOG_FORMAT", "text"),
		SMTPAddr:          strings.TrimSpace(os.Getenv("LAWCYCLE_SMTP_ADDR")),
		SMTPUsername:      os.Getenv("LAWCYCLE_SMTP_USERNAME"),
		SMTPPassword:      os.Getenv("LAWCYCLE_SMTP_PASSWORD"),
		SMTPFrom:          strings.TrimSpace(os.Getenv("LAWCYCLE_SMTP_FROM")),
		SMTPTLS:           env("LAWCYCLE_SMTP_TLS", "starttls"),
		WebhookURL:        strings.TrimSpace(os.Getenv("LAWCYCLE_WEBHOOK_URL")),
		WebhookSecret:     os.Getenv("LAWCYCLE_WEBHOOK_SECRET"),
		PublicURL:         strings.TrimSpace(os.Getenv("LAWCYCLE_PUBLIC_URL")),
	}
}

func env(key, fallback string) string {
	if v := strings.TrimSpace(os.Getenv(key)); v != "" {
		return v
	}
	return fallback
}

// Logger builds the process logger: text for people, json for collectors.
func (c Config) Logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("LAWCYCLE_LOG_LEVEL: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.LogFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("LAWCYCLE_LOG_FORMAT must be text or json, not %q", c.LogFormat)
}
