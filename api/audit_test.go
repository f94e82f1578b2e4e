package api_test

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/testdb"
)

type auditEntry struct {
	Seq       int64  `json:"seq"`
	ActorName string `json:"actor_name"`
	OrgCode   string `json:"org_code"`
	Action    string `json:"action"`
	TargetID  string `json:"target_id"`
}

func loginAs(t *testing.T, c apitest.Client, user, role, org string) apitest.Client {
	t.Helper()
	r := c.Do("POST", "/api/v1/users", map[string]any{"username": user, "password": user + "-password", "role": role, "org_code": org})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	r = c.With("").Do("POST", "/api/v1/tokens", map[string]any{"username": user, "password": user + "-password"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var tok struct{ Token string }
	r.JSON(t, &tok)
	return c.With(tok.Token)
}

// Admins read the audit log of their own office only; the platform admin
// reads all of it; the export is a CSV Excel opens safely.
func TestAuditReadAndExport(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		root := newClient(t, db)
		seedOffice(t, root)
		own := loginAs(t, root, "own-admin", "admin", "fzb")
		other := loginAs(t, root, "other-admin", "admin", "other")
		r := own.Do("POST", "/api/v1/orgs", map[string]any{"code": "own-new", "name": "=HYPERLINK(\"x\")", "kind": "bureau", "parent_code": "fzb"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		r = other.Do("POST", "/api/v1/orgs", map[string]any{"code": "other-new", "name": "另一新局", "kind": "bureau", "parent_code": "other"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))

		list := func(c apitest.Client, query string) []auditEntry {
			r := c.Do("GET", "/api/v1/audit"+query, nil)
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
			var out []auditEntry
			r.JSON(t, &out)
			return out
		}
		created := func(es []auditEntry) []string {
			var ids []string
			for _, e := range es {
				if e.Action == "org.created" {
					ids = append(ids, e.TargetID)
				}
			}
			return ids
		}
		// What an anonymous caller types as a username lands in the log.
		require.Equal(t, http.StatusUnauthorized, root.With("").Do("POST", "/api/v1/tokens", map[string]any{"username": "=cmd|calc", "password": "x"}).Status)
		// Each office sees what its own people did and what anyone (here the
		// platform admin who set the offices up) did to its organisations.
		require.Equal(t, []string{"fzb", "rsj", "scj", "own-new"}, created(list(own, "")))
		require.Equal(t, []string{"other", "other-rsj", "other-new"}, created(list(other, "")))
		r = root.Do("POST", "/api/v1/cycles", map[string]any{"year": 2025, "office_code": "fzb", "bureau_codes": []string{"rsj"},
			"submission_due": "2027-03-01", "publication_due": "2027-03-31"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var cyc struct{ ID string }
		r.JSON(t, &cyc)
		require.Len(t, list(own, "?action=cycle.created&target_id="+cyc.ID), 1, "the platform admin's cycle for this office")
		require.Empty(t, list(other, "?action=cycle.created"), "another office's cycle")
		all := list(root, "?action=org.created")
		require.Equal(t, []string{"fzb", "rsj", "scj", "other", "other-rsj", "own-new", "other-new"}, created(all))

		// Paging by sequence.
		page := list(root, "?action=org.created&limit=2")
		require.Len(t, page, 2)
		next := list(root, "?action=org.created&limit=2&after_seq="+itoa(page[1].Seq))
		require.Equal(t, "scj", next[0].TargetID)
		require.Equal(t, http.StatusBadRequest, root.Do("GET", "/api/v1/audit?limit=5000", nil).Status)
		require.Equal(t, http.StatusBadRequest, root.Do("GET", "/api/v1/audit?after_seq=x", nil).Status)

		export := func(c apitest.Client) [][]string {
			r := c.Do("GET", "/api/v1/audit/export", nil)
			require.Equal(t, http.StatusOK, r.Status)
			require.Contains(t, r.Header.Get("Content-Disposition"), "attachment; filename=\"audit-")
			body := string(r.Body)
			require.True(t, strings.HasPrefix(body, "\ufeff序号,时间,操作人"), body[:40])
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
			require.NoError(t, err)
			return rows[1:]
		}
		var found bool
		for _, row := range export(own) {
			require.NotEqual(t, "other-new", row[7], "another office's event leaked into the export")
			require.NotEqual(t, "login.failed", row[5], "an anonymous event leaked into an office's export")
			found = found || (row[5] == "org.created" && row[7] == "own-new")
		}
		require.True(t, found)
		found = false
		for _, row := range export(root) {
			if row[5] == "login.failed" {
				found = true
				require.Equal(t, "'=cmd|calc", row[2], "formula in the actor defused")
				require.Equal(t, "'=cmd|calc", row[7], "formula in the target defused")
			}
		}
		require.True(t, found)
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
