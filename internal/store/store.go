// Package store opens the application database: PostgreSQL in production,
// a SQLite file as the embedded default. Every subcommand selects it the
// same way (README.md#configuration): DATABASE_URL when set, else <data dir>/lawcycle.db.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	// The pure-Go SQLite driver, registered as "sqlite"; the embedded
	// Temporal server uses the same one.
	sqlitedriver "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// Target says which database to open, resolved from DATABASE_URL and the
// data dir.
type Target struct {
	Dialect string
	// DSN is the driver connection string; Display is safe to print.
	DSN     string
	Display string
}

// Resolve turns DATABASE_URL (possibly empty) and the data dir into a target.
// DATABASE_URL may be postgres://…, postgresql://…, sqlite://PATH, file:PATH
// or a plain file path.
func Resolve(databaseURL, dataDir string) (Target, error) {
	switch {
	case databaseURL == "":
		return sqliteTarget(filepath.Join(dataDir, "lawcycle.db")), nil
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		u, err := url.Parse(databaseURL)
		if err != nil {
			return Target{}, fmt.Errorf("parse DATABASE_URL: %w", err)
		}
		return Target{Dialect: Postgres, DSN: databaseURL, Display: u.Redacted()}, nil
	case strings.HasPrefix(databaseURL, "sqlite://"):
		return sqliteTarget(strings.TrimPrefix(databaseURL, "sqlite://")), nil
	case strings.HasPrefix(databaseURL, "file:"):
		return sqliteTarget(strings.TrimPrefix(strings.SplitN(databaseURL, "?", 2)[0], "file:")), nil
	case strings.Contains(databaseURL, "://"):
		return Target{}, fmt.Errorf("DATABASE_URL: unsupported scheme in %q (use postgres:// or a SQLite file path)", strings.SplitN(databaseURL, "://", 2)[0])
	default:
		return sqliteTarget(databaseURL), nil
	}
}

func sqliteTarget(path string) Target {
	q := url.Values{}
	// WAL: readers do not block the writer; busy_timeout: writers queue
	// instead of failing; foreign keys on; immediate transactions take the
	// write lock up front, avoiding deadlocked read-to-write upgrades.
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return Target{Dialect: SQLite, DSN: "file:" + path + "?" + q.Encode(), Display: path}
}

// Options tune the pool.
type Options struct {
	Logger *slog.Logger
	// MaxOpenConns bounds the pool; 0 picks a default per dialect.
	MaxOpenConns int
}

// Open connects to the target and checks the connection.
func Open(ctx context.Context, t Target, opts Options) (*gorm.DB, error) {
	var dialector gorm.Dialector
	maxOpen := opts.MaxOpenConns
	switch t.Dialect {
	case Postgres:
		dialector = postgres.Open(t.DSN)
		if maxOpen == 0 {
			maxOpen = 20
		}
	case SQLite:
		path := strings.TrimPrefix(strings.SplitN(t.DSN, "?", 2)[0], "file:")
		if path != ":memory:" && path != "" {
			if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
				return nil, fmt.Errorf("create database dir: %w", err)
			}
		}
		dialector = sqlite.New(sqlite.Config{DriverName: "sqlite", DSN: t.DSN})
		if maxOpen == 0 {
			maxOpen = 8
		}
	default:
		return nil, fmt.Errorf("unknown database dialect %q", t.Dialect)
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		Logger:         gormLogger(opts.Logger),
		TranslateError: true,
		// SQLite compiles every statement it is given; caching the
		// prepared statements saves about a quarter of a read request
		// (BENCHMARKS.md). PostgreSQL's pgx driver caches them already.
		// The cache is bounded because IN lists of varying length make
		// distinct statements.
		PrepareStmt:        t.Dialect == SQLite,
		PrepareStmtMaxSize: 256,
		PrepareStmtTTL:     time.Hour,
		NowFunc:            func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("open %s database %s: %w", t.Dialect, t.Display, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("database handle: %w", err)
	}
	sqlDB.SetMaxOpenConns(maxOpen)
	sqlDB.SetMaxIdleConns(maxOpen)
	sqlDB.SetConnMaxLifetime(30 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("connect to %s database %s: %w", t.Dialect, t.Display, err)
	}
	return db, nil
}

// Close releases the pool.
func Close(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Dialect reports the dialect of an open database.
func Dialect(db *gorm.DB) string {
	if db.Dialector.Name() == "postgres" {
		return Postgres
	}
	return SQLite
}

func gormLogger(l *slog.Logger) logger.Interface {
	if l == nil {
		return logger.Discard
	}
	// Slow queries and errors only; record-not-found is an expected outcome.
	return logger.NewSlogLogger(l.With("component", "db"), logger.Config{
		SlowThreshold:             500 * time.Millisecond,
		LogLevel:                  logger.Warn,
		IgnoreRecordNotFoundError: true,
		ParameterizedQueries:      true,
	})
}

// IsUniqueViolation reports whether err is a unique-constraint failure on
// either engine. GORM translates PostgreSQL's; the pure-Go SQLite driver's
// errors it does not recognise, so they are checked by extended code.
func IsUniqueViolation(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	var se *sqlitedriver.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}
