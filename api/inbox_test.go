package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/service"
)

// Each caller's inbox holds its own notifications and its organisation's,
// newest first; nobody sees, or marks read, anyone else's.
func TestInboxIsScopedToTheCaller(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		root := newClient(t, db)
		seedOffice(t, root)
		alice := loginAs(t, root, "alice", "reviewer", "fzb")
		bob := loginAs(t, root, "bob", "admin", "fzb")
		carol := loginAs(t, root, "carol", "bureau", "rsj")
		dave := loginAs(t, root, "dave", "admin", "other")
		vic := loginAs(t, root, "vic", "viewer", "")
		userID := func(name string) *uint {
			var u models.User
			require.NoError(t, db.Take(&u, "username = ?", name).Error)
			return &u.ID
		}
		msg := func(key, org string, user *uint) notify.Message {
			return notify.Message{Key: key, Kind: notify.KindNotice, OrgCode: org, UserID: user,
				Subject: "消息 " + key, Body: "正文", Link: "/cycles/2024-abcdef"}
		}
		require.NoError(t, db.Transaction(func(tx *gorm.DB) error {
			return notify.Enqueue(tx,
				msg("to-fzb", "fzb", nil),
				msg("to-alice", "", userID("alice")),
				msg("to-bob", "fzb", userID("bob")), // bob's own, in the office's context
				msg("to-rsj", "rsj", nil),
				msg("to-other", "other", nil),
				msg("to-vic", "", userID("vic")),
			)
		}))
		ids := map[string]uint{}
		var rows []models.Notification
		require.NoError(t, db.Find(&rows).Error)
		for _, r := range rows {
			ids[r.IdempotencyKey] = r.ID
		}

		inbox := func(c apitest.Client, query string) []service.InboxItem {
			t.Helper()
			r := c.Do("GET", "/api/v1/inbox"+query, nil)
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
			var items []service.InboxItem
			r.JSON(t, &items)
			return items
		}
		keys := func(items []service.InboxItem) []string {
			out := []string{}
			for _, it := range items {
				out = append(out, it.Subject[len("消息 "):])
			}
			return out
		}
		require.Equal(t, []string{"to-alice", "to-fzb"}, keys(inbox(alice, "")))
		require.Equal(t, []string{"to-bob", "to-fzb"}, keys(inbox(bob, "")))
		require.Equal(t, []string{"to-rsj"}, keys(inbox(carol, "")))
		require.Equal(t, []string{"to-other"}, keys(inbox(dave, "")))
		require.Equal(t, []string{"to-vic"}, keys(inbox(vic, "")))
		require.Empty(t, inbox(root, ""), "the platform admin sees no one else's messages")

		items := inbox(alice, "")
		require.Equal(t, "user", items[0].To)
		require.Empty(t, items[0].OrgCode)
		require.Equal(t, "organisation", items[1].To)
		require.Equal(t, "fzb", items[1].OrgCode)
		require.Equal(t, "notice", items[1].Kind)
		require.Equal(t, "/cycles/2024-abcdef", items[1].Link)
		require.Nil(t, items[1].ReadAt)

		// Someone else's item is 404, exactly like one that does not exist.
		for _, c := range []struct {
			who apitest.Client
			key string
		}{{alice, "to-bob"}, {carol, "to-fzb"}, {dave, "to-fzb"}, {vic, "to-alice"}, {root, "to-vic"}, {alice, "to-rsj"}} {
			r := c.who.Do("POST", fmt.Sprintf("/api/v1/inbox/%d/read", ids[c.key]), nil)
			require.Equal(t, http.StatusNotFound, r.Status, "%s: %s", c.key, r.Body)
		}
		for _, path := range []string{"/api/v1/inbox/999999/read", "/api/v1/inbox/abc/read", "/api/v1/inbox/0/read"} {
			require.Equal(t, http.StatusNotFound, alice.Do("POST", path, nil).Status, path)
		}
		var read int64
		require.NoError(t, db.Model(&models.Notification{}).Where("read_at IS NOT NULL").Count(&read).Error)
		require.Zero(t, read)

		// Alice reads the office's message: it is read for Bob too.
		for range 2 {
			r := alice.Do("POST", fmt.Sprintf("/api/v1/inbox/%d/read", ids["to-fzb"]), nil)
			require.Equal(t, http.StatusNoContent, r.Status, string(r.Body))
		}
		require.Equal(t, []string{"to-bob"}, keys(inbox(bob, "?unread=true")))
		require.Equal(t, []string{"to-bob", "to-fzb"}, keys(inbox(bob, "?unread=false")))
		require.NotNil(t, inbox(bob, "")[1].ReadAt)
		var note models.Notification
		require.NoError(t, db.Take(&note, ids["to-fzb"]).Error)
		require.Equal(t, userID("alice"), note.ReadByID)
	})
}

func TestInboxPagesAndRefusesBadQueries(t *testing.T) {
	t.Parallel()
	db := testdb.SQLite(t)
	root := newClient(t, db)
	seedOffice(t, root)
	carol := loginAs(t, root, "carol", "bureau", "rsj")
	var msgs []notify.Message
	for i := range 5 {
		msgs = append(msgs, notify.Message{Key: fmt.Sprintf("page/%d", i), Kind: notify.KindReminder, OrgCode: "rsj",
			Subject: fmt.Sprintf("提醒 %d", i), Body: "正文"})
	}
	require.NoError(t, notify.Enqueue(db, msgs...))

	page := func(query string) []service.InboxItem {
		r := carol.Do("GET", "/api/v1/inbox"+query, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var items []service.InboxItem
		r.JSON(t, &items)
		return items
	}
	first := page("?limit=2")
	require.Len(t, first, 2)
	require.Equal(t, "提醒 4", first[0].Subject)
	require.Equal(t, "提醒 3", first[1].Subject)
	second := page(fmt.Sprintf("?limit=2&before_id=%d", first[1].ID))
	require.Equal(t, "提醒 2", second[0].Subject)
	require.Equal(t, "提醒 1", second[1].Subject)
	last := page(fmt.Sprintf("?limit=2&before_id=%d", second[1].ID))
	require.Len(t, last, 1)
	require.Len(t, page(""), 5)

	for _, q := range []string{"?limit=0", "?limit=201", "?limit=x", "?before_id=-1", "?before_id=x", "?unread=maybe"} {
		r := carol.Do("GET", "/api/v1/inbox"+q, nil)
		require.Equal(t, http.StatusBadRequest, r.Status, "%s: %s", q, r.Body)
		require.Equal(t, "invalid_input", r.Err(t).Error.Code)
	}
}
