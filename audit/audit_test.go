package audit_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
)

func record(t *testing.T, db *gorm.DB, n int) {
	t.Helper()
	id := uint(7)
	for i := range n {
		require.NoError(t, audit.Record(db, time.Now(), audit.Actor{UserID: &id, Name: "alice", Role: "admin", OrgCode: "fzb", RequestID: "req-1"},
			audit.Event{Action: "org.created", TargetType: "organisation", TargetID: fmt.Sprintf("b%02d", i),
				After: map[string]string{"name": "人社局<script>"}}))
	}
}

// tamper runs SQL as a privileged hand would: with the append-only
// triggers out of the way.
func tamper(t *testing.T, db *gorm.DB, stmt string, args ...any) {
	t.Helper()
	if db.Dialector.Name() == "postgres" {
		require.NoError(t, db.Exec("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update").Error)
		defer db.Exec("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update")
	} else {
		require.NoError(t, db.Exec("DROP TRIGGER IF EXISTS audit_events_no_update").Error)
		require.NoError(t, db.Exec("DROP TRIGGER IF EXISTS audit_events_no_delete").Error)
	}
	require.NoError(t, db.Exec(stmt, args...).Error)
}

func TestVerifyFindsEditedAndDeletedRows(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		r, err := audit.Verify(ctx, db)
		require.NoError(t, err)
		require.True(t, r.OK())
		require.Zero(t, r.Events)

		record(t, db, 10)
		r, err = audit.Verify(ctx, db)
		require.NoError(t, err)
		require.True(t, r.OK(), "%+v", r.Problems)
		require.Equal(t, int64(10), r.Events)
		require.Equal(t, int64(10), r.HeadSeq)

		// The log refuses changes outright.
		require.Error(t, db.Exec("UPDATE audit_events SET actor_name = 'mallory' WHERE seq = 3").Error)
		require.Error(t, db.Exec("DELETE FROM audit_events WHERE seq = 6").Error)

		tamper(t, db, "UPDATE audit_events SET actor_name = 'mallory' WHERE seq = 3")
		tamper(t, db, "DELETE FROM audit_events WHERE seq = 6")
		r, err = audit.Verify(ctx, db)
		require.NoError(t, err)
		require.False(t, r.OK())
		var msgs []string
		for _, p := range r.Problems {
			msgs = append(msgs, fmt.Sprintf("%d:%s", p.Seq, p.Message))
		}
		require.Equal(t, []string{"3:记录内容与其哈希不符（记录已被修改）", "7:第 6 至 6 条记录缺失（已被删除）"}, msgs)
	})
}

// Rewriting a row's hash to match its new content breaks the next link.
func TestVerifyFindsRehashedRow(t *testing.T) {
	t.Parallel()
	db := testdb.SQLite(t)
	record(t, db, 4)
	var ev models.AuditEvent
	require.NoError(t, db.Take(&ev, "seq = 2").Error)
	ev.TargetID = "forged"
	tamper(t, db, "UPDATE audit_events SET target_id = ?, hash = ? WHERE seq = 2", ev.TargetID, ev.ChainHash(ev.PrevHash))
	r, err := audit.Verify(context.Background(), db)
	require.NoError(t, err)
	require.Len(t, r.Problems, 1)
	require.Equal(t, int64(3), r.Problems[0].Seq)
	require.True(t, strings.Contains(r.Problems[0].Message, "哈希链接不符"))
}

// Concurrent writers never fork the chain.
func TestRecordConcurrentlyKeepsOneChain(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 10 {
					err := db.Transaction(func(tx *gorm.DB) error {
						return audit.Record(tx, time.Now(), audit.System, audit.Event{Action: "test.concurrent"})
					})
					if err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		r, err := audit.Verify(context.Background(), db)
		require.NoError(t, err)
		require.True(t, r.OK(), "%+v", r.Problems)
		require.Equal(t, int64(40), r.Events)
	})
}

// Events written before the chain existed are chained by the migration.
func TestMigrationChainsExistingEvents(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t, t.TempDir()+"/old.db")
	require.NoError(t, models.MigrateTo(db, "0003_audit_events"))
	for i := range 3 {
		require.NoError(t, db.Exec("INSERT INTO audit_events (at, actor_name, action, target_id) VALUES (?, 'system', 'old.event', ?)",
			time.Date(2025, 1, 1, 0, 0, i, 123456789, time.UTC), fmt.Sprint(i)).Error)
	}
	require.NoError(t, models.Migrate(db))
	r, err := audit.Verify(context.Background(), db)
	require.NoError(t, err)
	require.True(t, r.OK(), "%+v", r.Problems)
	require.Equal(t, int64(3), r.Events)
	record(t, db, 2)
	r, err = audit.Verify(context.Background(), db)
	require.NoError(t, err)
	require.True(t, r.OK(), "%+v", r.Problems)
	require.Equal(t, int64(5), r.HeadSeq)
}
