package store_test

import (
	"strings"
	"testing"

	"github.com/lawcycle/lawcycle/internal/store"
)

func TestResolve(t *testing.T) {
	cases := []struct {
		url, dataDir     string
		dialect, display string
		errContains      string
	}{
		{"", "/data", store.SQLite, "/data/lawcycle.db", ""},
		{"postgres://u:secret@db:5432/lawcycle?sslmode=disable", "", store.Postgres, "postgres://u:xxxxx@db:5432/lawcycle?sslmode=disable", ""},
		{"postgresql://db/lawcycle", "", store.Postgres, "postgresql://db/lawcycle", ""},
		{"sqlite:///var/lib/lawcycle.db", "", store.SQLite, "/var/lib/lawcycle.db", ""},
		{"file:/tmp/x.db?mode=rwc", "", store.SQLite, "/tmp/x.db", ""},
		{"./local.db", "", store.SQLite, "./local.db", ""},
		{"mysql://db/x", "", "", "", "unsupported scheme"},
	}
	for _, tc := range cases {
		got, err := store.Resolve(tc.url, tc.dataDir)
		if tc.errContains != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errContains) {
				t.Errorf("Resolve(%q) error = %v, want %q", tc.url, err, tc.errContains)
			}
			continue
		}
		if err != nil || got.Dialect != tc.dialect || got.Display != tc.display {
			t.Errorf("Resolve(%q) = %+v, %v", tc.url, got, err)
		}
		if strings.Contains(got.Display, "secret") {
			t.Errorf("display leaks the password: %s", got.Display)
		}
	}
}
