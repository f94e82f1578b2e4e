// Package testdb gives each test its own migrated database on every
// available engine: a SQLite file always, and a PostgreSQL schema whenever
// the server is reachable (required when LAWCYCLE_TEST_REQUIRE_POSTGRES=1,
// as in CI). Databases are dropped when the test ends, so tests can run in
// parallel and leave nothing behind.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/store"
	"github.com/lawcycle/lawcycle/models"
)

// DefaultPostgresURL is the machine's local server (trust auth).
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL is the server tests use: LAWCYCLE_TEST_POSTGRES_URL or the default.
func PostgresURL() string {
	if u := os.Getenv("LAWCYCLE_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

var (
	pgOnce      sync.Once
	pgReachable error
)

// postgresAvailable reports whether PostgreSQL answers; it skips or fails
// the test when it does not, depending on LAWCYCLE_TEST_REQUIRE_POSTGRES.
func postgresAvailable(t testing.TB) bool {
	pgOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		target, err := store.Resolve(PostgresURL(), "")
		if err == nil {
			var db *gorm.DB
			if db, err = store.Open(ctx, target, store.Options{MaxOpenConns: 1}); err == nil {
				_ = store.Close(db)
			}
		}
		pgReachable = err
	})
	if pgReachable == nil {
		return true
	}
	if os.Getenv("LAWCYCLE_TEST_REQUIRE_POSTGRES") == "1" {
		t.Fatalf("PostgreSQL required but unreachable at %s: %v", PostgresURL(), pgReachable)
	}
	t.Logf("skipping PostgreSQL: %v", pgReachable)
	return false
}

// Each runs fn as a subtest per engine ("sqlite", "postgres"), each with a
// fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, SQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		if !postgresAvailable(t) {
			t.Skip("PostgreSQL unreachable")
		}
		fn(t, Postgres(t))
	})
}

// SQLite returns a migrated database in a fresh file under t.TempDir().
func SQLite(t testing.TB) *gorm.DB {
	t.Helper()
	db := open(t, filepath.Join(t.TempDir(), "lawcycle.db"))
	migrate(t, db)
	return db
}

// Postgres returns a migrated database in a fresh schema, dropped at cleanup.
func Postgres(t testing.TB) *gorm.DB {
	t.Helper()
	db, _ := PostgresSchema(t)
	migrate(t, db)
	return db
}

// PostgresSchema creates an empty schema and returns a pool bound to it and
// the DATABASE_URL that selects it (for subprocess tests).
func PostgresSchema(t testing.TB) (*gorm.DB, string) {
	t.Helper()
	if !postgresAvailable(t) {
		t.Skip("PostgreSQL unreachable")
	}
	schema := "lctest_" + randomHex(6)
	admin := open(t, PostgresURL())
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if err := admin.Exec("DROP SCHEMA " + schema + " CASCADE").Error; err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return open(t, u.String()), u.String()
}

// Open opens an existing database URL without migrating it.
func Open(t testing.TB, databaseURL string) *gorm.DB { return open(t, databaseURL) }

func open(t testing.TB, databaseURL string) *gorm.DB {
	t.Helper()
	target, err := store.Resolve(databaseURL, "")
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), target, store.Options{MaxOpenConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close(db) })
	return db
}

func migrate(t testing.TB, db *gorm.DB) {
	t.Helper()
	if err := models.Migrate(db); err != nil {
		t.Fatalf("migrate: %v", err)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("random: %v", err))
	}
	return hex.EncodeToString(b)
}
