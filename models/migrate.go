package models

import (
	"fmt"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// migrationOptions: each migration runs in its own transaction (both
// PostgreSQL and SQLite have transactional DDL), and a database carrying a
// migration this binary does not know is refused rather than silently used.
var migrationOptions = &gormigrate.Options{
	TableName:                 "schema_migrations",
	IDColumnName:              "id",
	IDColumnSize:              64,
	UseTransaction:            true,
	ValidateUnknownMigrations: true,
}

// migrations is the ordered history of the schema. Each step uses its own
// snapshot types (migrations_*.go) so that later edits to the models above
// never change what an old step does. Append, never edit.
func migrations() []*gormigrate.Migration {
	return []*gormigrate.Migration{
		migration0001,
		migration0002,
		migration0003,
		migration0004,
		migration0005,
		migration0006,
		migration0007,
		migration0008,
		migration0009,
		migration0010,
		migration0011,
		migration0012,
		migration0013,
		migration0014,
	}
}

// Migrate brings the schema up to date.
func Migrate(db *gorm.DB) error {
	if err := gormigrate.New(db, migrationOptions, migrations()).Migrate(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// MigrateTo applies migrations up to and including id; used by upgrade tests.
func MigrateTo(db *gorm.DB, id string) error {
	if err := gormigrate.New(db, migrationOptions, migrations()).MigrateTo(id); err != nil {
		return fmt.Errorf("migrate to %s: %w", id, err)
	}
	return nil
}

// MigrationIDs lists every known migration in order.
func MigrationIDs() []string {
	ms := migrations()
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return ids
}

// Pending lists migrations not yet applied. Servers and workers refuse to
// start on a database with pending migrations instead of racing each other
// to apply them; `lawcycle migrate` applies them.
func Pending(db *gorm.DB) ([]string, error) {
	applied := map[string]bool{}
	if db.Migrator().HasTable(migrationOptions.TableName) {
		var ids []string
		if err := db.Table(migrationOptions.TableName).Pluck(migrationOptions.IDColumnName, &ids).Error; err != nil {
			return nil, fmt.Errorf("read applied migrations: %w", err)
		}
		for _, id := range ids {
			applied[id] = true
		}
	}
	var pending []string
	for _, id := range MigrationIDs() {
		if !applied[id] {
			pending = append(pending, id)
		}
	}
	return pending, nil
}
