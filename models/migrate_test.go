package models_test

import (
	"reflect"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// Every model's columns and indexes exist after the migrations: a model
// edited without a migration fails here.
func TestMigrationsMatchModels(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		for _, m := range []any{&models.Organisation{}, &models.User{}, &models.APIToken{},
			&models.Cycle{}, &models.Participant{}, &models.Notice{}, &models.AuditEvent{}, &models.LoginFailure{},
			&models.Blob{}, &models.Submission{}, &models.CataloguePart{}, &models.CycleViewer{}, &models.WebSession{}, &models.Notification{},
			&models.CalendarDay{}, &models.CalendarYear{}, &models.CalendarRevision{},
			&models.Review{}, &models.ReviewComment{}, &models.Extension{}, &models.CycleExtension{}, &models.Publication{},
			&models.IndexSerial{}, &models.DeadlineStep{}, &models.Milestone{},
			&models.RectItem{}, &models.RectNote{}, &models.RectEvidence{}, &models.RectCarry{}, &models.RectRequest{}} {
			stmt := &gorm.Statement{DB: db}
			if err := stmt.Parse(m); err != nil {
				t.Fatal(err)
			}
			name := reflect.TypeOf(m).Elem().Name()
			if !db.Migrator().HasTable(m) {
				t.Errorf("%s: table %s missing", name, stmt.Schema.Table)
				continue
			}
			for _, f := range stmt.Schema.Fields {
				if f.DBName != "" && !db.Migrator().HasColumn(m, f.DBName) {
					t.Errorf("%s: column %s.%s missing", name, stmt.Schema.Table, f.DBName)
				}
			}
			for _, idx := range stmt.Schema.ParseIndexes() {
				if !db.Migrator().HasIndex(m, idx.Name) {
					t.Errorf("%s: index %s missing", name, idx.Name)
				}
			}
		}
		pending, err := models.Pending(db)
		if err != nil || len(pending) != 0 {
			t.Fatalf("pending after migrate = %v, %v", pending, err)
		}
	})
}

// A database created by an older release upgrades without losing rows.
func TestMigrationsUpgradeKeepsData(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, db *gorm.DB) {
		ids := models.MigrationIDs()
		if err := models.MigrateTo(db, ids[0]); err != nil {
			t.Fatal(err)
		}
		pending, err := models.Pending(db)
		if err != nil || len(pending) != len(ids)-1 {
			t.Fatalf("pending after first migration = %v, %v", pending, err)
		}
		credit := "11331002002673575G"
		office := models.Organisation{Code: "office", Name: "法治办", Kind: models.KindOffice}
		// Columns added by later migrations are left out of the old schema's rows.
		if err := db.Omit("ContactEmail").Create(&office).Error; err != nil {
			t.Fatal(err)
		}
		bureau := models.Organisation{Code: "rsj", Name: "人社局", Kind: models.KindBureau, ParentID: &office.ID, CreditCode: &credit, Sector: "hrss"}
		if err := db.Omit("ContactEmail").Create(&bureau).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Omit("Email").Create(&models.User{Username: "alice", PasswordHash: "x", Role: wire.ActorRoleAdmin, OrgID: &office.ID}).Error; err != nil {
			t.Fatal(err)
		}

		if err := models.Migrate(db); err != nil {
			t.Fatal(err)
		}
		// Running again is a no-op.
		if err := models.Migrate(db); err != nil {
			t.Fatal(err)
		}
		var got models.Organisation
		if err := db.Take(&got, "code = ?", "rsj").Error; err != nil {
			t.Fatal(err)
		}
		if got.Name != "人社局" || got.CreditCode == nil || *got.CreditCode != credit || *got.ParentID != office.ID || got.Sector != "hrss" {
			t.Errorf("organisation after upgrade = %+v", got)
		}
		var users int64
		db.Model(&models.User{}).Count(&users)
		if users != 1 {
			t.Errorf("users after upgrade = %d, want 1", users)
		}
		// The new tables work.
		c := models.Cycle{ID: "2024-abcdef", Year: 2024, Title: "t", OfficeID: office.ID, Status: models.CycleDraft,
			SubmissionDue: time.Now(), PublicationDue: time.Now()}
		if err := db.Create(&c).Error; err != nil {
			t.Fatal(err)
		}
	})
}

// each runs on bare (unmigrated) databases of every engine.
func each(t *testing.T, fn func(t *testing.T, db *gorm.DB)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, testdb.Open(t, t.TempDir()+"/upgrade.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		db, _ := testdb.PostgresSchema(t)
		fn(t, db)
	})
}

// A database migrated by a newer release is refused, not silently used.
func TestMigrateRefusesUnknownMigration(t *testing.T) {
	t.Parallel()
	db := testdb.SQLite(t)
	if err := db.Exec("INSERT INTO schema_migrations (id) VALUES ('9999_from_the_future')").Error; err != nil {
		t.Fatal(err)
	}
	if err := models.Migrate(db); err == nil {
		t.Fatal("Migrate accepted a database with an unknown migration")
	}
}
