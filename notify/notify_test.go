package notify_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
)

func count(t *testing.T, db *gorm.DB) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.Model(&models.Notification{}).Count(&n).Error)
	return n
}

// The same key enqueued again, in another transaction or in the same call,
// adds nothing, and the caller's transaction goes on (on PostgreSQL a
// unique violation would have aborted it).
func TestEnqueueIsIdempotent(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		s := seed(t, db)
		key := notify.Key("cycle", "2024-abcdef", "bureau", "rsj", "reminder", "submission", "-2d")
		require.Equal(t, "cycle/2024-abcdef/bureau/rsj/reminder/submission/-2d", key)
		enqueue(t, db, reminder(key))

		again := reminder(key)
		again.Subject = "另一个标题"
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := notify.Enqueue(tx, again, again, reminder("other")); err != nil {
				return err
			}
			// The transaction is still usable after the skipped duplicate.
			return tx.Model(&models.Organisation{}).Where("id = ?", s.bureau.ID).Update("sector", "hrss").Error
		})
		require.NoError(t, err)
		require.EqualValues(t, 2, count(t, db))

		n := load(t, db, key)
		require.Equal(t, "关于报送2024年度法治政府建设年度报告的提醒", n.Subject, "the first message stays")
		require.Equal(t, models.NotificationPending, n.Status)
		require.Equal(t, string(notify.KindReminder), n.Kind)
		require.NotNil(t, n.RecipientOrgID)
		require.Equal(t, s.bureau.ID, *n.RecipientOrgID)
		require.Nil(t, n.RecipientUserID)
		require.Equal(t, "{}", n.Channels)
		require.WithinDuration(t, n.CreatedAt, n.NextAttemptAt, 0)
	})
}

// Notifications commit with the change they report, or not at all.
func TestEnqueueFollowsTheCallersTransaction(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		seed(t, db)
		boom := errors.New("read model update failed")
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := notify.Enqueue(tx, reminder("rolled-back")); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		require.EqualValues(t, 0, count(t, db))
	})
}

func TestEnqueueRefusesBadMessages(t *testing.T) {
	t.Parallel()
	db := testdb.SQLite(t)
	s := seed(t, db)
	uid := s.bureauUser.ID
	cases := map[string]func(m *notify.Message){
		"no key":          func(m *notify.Message) { m.Key = "" },
		"long key":        func(m *notify.Message) { m.Key = strings.Repeat("k", 256) },
		"unknown kind":    func(m *notify.Message) { m.Kind = "spam" },
		"no recipient":    func(m *notify.Message) { m.OrgCode = "" },
		"unknown org":     func(m *notify.Message) { m.OrgCode = "nowhere" },
		"empty subject":   func(m *notify.Message) { m.Subject = " " },
		"two-line title":  func(m *notify.Message) { m.Subject = "第一行\n第二行" },
		"long subject":    func(m *notify.Message) { m.Subject = strings.Repeat("长", 201) },
		"empty body":      func(m *notify.Message) { m.Body = "" },
		"long link":       func(m *notify.Message) { m.Link = "/" + strings.Repeat("x", 500) },
		"invalid UTF-8":   func(m *notify.Message) { m.Body = "\xff" },
		"user and no org": nil, // valid: addressed to one user
	}
	for name, mut := range cases {
		m := reminder("bad/" + name)
		if mut == nil {
			m.OrgCode, m.UserID = "", &uid
			require.NoError(t, notify.Enqueue(db, m), name)
			continue
		}
		mut(&m)
		require.Error(t, notify.Enqueue(db, m), name)
	}
	require.EqualValues(t, 1, count(t, db))
}
