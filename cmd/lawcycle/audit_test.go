package main

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
)

// `lawcycle audit verify` passes on an intact log and fails, naming the
// rows, after one is edited and another deleted.
func TestAuditVerifyCommand(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	dir := t.TempDir()
	db := testdb.Open(t, filepath.Join(dir, "lawcycle.db"))
	require.NoError(t, models.Migrate(db))
	for i := range 5 {
		require.NoError(t, audit.Record(db, time.Now(), audit.System, audit.Event{Action: "test.event", TargetID: string(rune('a' + i))}))
	}
	run := func() (string, error) {
		var out bytes.Buffer
		root := newRootCommand()
		root.SetOut(&out)
		root.SetArgs([]string{"audit", "verify", "--data", dir})
		err := root.Execute()
		return out.String(), err
	}
	out, err := run()
	require.NoError(t, err, out)
	require.Contains(t, out, "审计日志共 5 条记录")
	require.Contains(t, out, "校验通过")

	for _, stmt := range []string{
		"DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete",
		"UPDATE audit_events SET target_id = 'x' WHERE seq = 2", "DELETE FROM audit_events WHERE seq = 4",
	} {
		require.NoError(t, db.Exec(stmt).Error)
	}
	out, err = run()
	require.Error(t, err)
	require.Contains(t, out, "第 2 条（id 2）：记录内容与其哈希不符（记录已被修改）")
	require.Contains(t, out, "第 5 条（id 5）：第 4 至 4 条记录缺失（已被删除）")
}
