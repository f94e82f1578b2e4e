package service_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/wire"
)

// rowCounter is a GORM logger that adds up the rows every statement
// returned: what a call read from the database, whatever its speed.
type rowCounter struct {
	mu   sync.Mutex
	rows int64
}

func (r *rowCounter) LogMode(logger.LogLevel) logger.Interface { return r }
func (r *rowCounter) Info(context.Context, string, ...any)     {}
func (r *rowCounter) Warn(context.Context, string, ...any)     {}
func (r *rowCounter) Error(context.Context, string, ...any)    {}
func (r *rowCounter) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	_, n := fc()
	if n > 0 {
		r.mu.Lock()
		r.rows += n
		r.mu.Unlock()
	}
}

// read runs fn on a service whose database counts rows, and returns how
// many fn read.
func (r *rowCounter) read(svc *service.Service, fn func(*service.Service)) int64 {
	counted := &service.Service{DB: svc.DB.Session(&gorm.Session{Logger: r}), Logger: svc.Logger, Temporal: svc.Temporal, Now: svc.Now}
	r.mu.Lock()
	r.rows = 0
	r.mu.Unlock()
	fn(counted)
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rows
}

// installation is many offices with two cycles each, and one office with
// 10,000 bureaus in one cycle, each bureau with a publication.
type installation struct {
	svc     *service.Service
	root    service.Principal
	county  service.Principal // admin of county-07
	big     service.Principal // admin of the office with 10,000 bureaus
	viewer  service.Principal // granted one cycle of county-07
	bigID   string
	county7 []string
}

const (
	counties    = 30
	bigBureaus  = 10000
	stageGroups = 7 // at most one count row per stage and cycle
)

func newInstallation(t *testing.T, db *gorm.DB) *installation {
	t.Helper()
	ctx := t.Context()
	svc := &service.Service{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	_, err := svc.EnsureAdmin(ctx, "", rootToken)
	require.NoError(t, err)
	root, err := svc.Authenticate(ctx, rootToken)
	require.NoError(t, err)
	in := &installation{svc: svc, root: root}

	orgs := []service.OrgInput{{Code: "city", Name: "某市法治办", Kind: models.KindOffice}}
	for i := range counties {
		orgs = append(orgs, service.OrgInput{Code: fmt.Sprintf("county-%02d", i), Name: fmt.Sprintf("某县%02d法治办", i), Kind: models.KindOffice, ParentCode: "city"},
			service.OrgInput{Code: fmt.Sprintf("county-%02d-rsj", i), Name: fmt.Sprintf("某县%02d人社局", i), Kind: models.KindBureau, ParentCode: fmt.Sprintf("county-%02d", i)})
	}
	orgs = append(orgs, service.OrgInput{Code: "big", Name: "某大市法治办", Kind: models.KindOffice})
	_, err = svc.CreateOrgs(ctx, root, orgs)
	require.NoError(t, err)
	var big models.Organisation
	require.NoError(t, db.Take(&big, "code = ?", "big").Error)
	bureaus := make([]models.Organisation, bigBureaus)
	for i := range bureaus {
		bureaus[i] = models.Organisation{Code: fmt.Sprintf("big-%05d", i), Name: fmt.Sprintf("某局%05d", i), Kind: models.KindBureau, ParentID: &big.ID}
	}
	require.NoError(t, db.CreateInBatches(&bureaus, 500).Error)

	for i := range counties {
		office := fmt.Sprintf("county-%02d", i)
		for _, year := range []int{2024, 2025} {
			cv, err := svc.CreateCycle(ctx, root, service.CycleInput{Year: year, OfficeCode: office, BureauCodes: []string{office + "-rsj"},
				SubmissionDue: "2027-03-01", PublicationDue: "2027-03-31"})
			require.NoError(t, err)
			if i == 7 {
				in.county7 = append(in.county7, cv.ID)
			}
		}
	}
	cv, err := svc.CreateCycle(ctx, root, service.CycleInput{Year: 2025, OfficeCode: "big", BureauCodes: []string{"big-00000"},
		SubmissionDue: "2027-03-01", PublicationDue: "2027-03-31"})
	require.NoError(t, err)
	in.bigID = cv.ID
	// The other 9,999 bureaus join as launch would write them, each
	// published: the read model's load, without 10,000 API calls.
	participants := make([]models.Participant, 0, bigBureaus-1)
	publications := make([]models.Publication, 0, bigBureaus)
	due := time.Date(2027, 3, 31, 15, 59, 59, 0, time.UTC)
	for i, b := range bureaus {
		if i > 0 {
			participants = append(participants, models.Participant{CycleID: cv.ID, OrgCode: b.Code, OrgID: b.ID,
				Stage: string(wire.StageCompleted), Round: 1, SubmissionDue: due, PublicationDue: due, Flags: []string{}})
		}
		publications = append(publications, models.Publication{CycleID: cv.ID, OrgCode: b.Code, OrgID: b.ID, Version: 1,
			URL: "https://www.example.gov.cn/" + b.Code, IndexNo: fmt.Sprintf("BIG/2026-%05d", i), IssuedOn: "2026-03-20",
			Publisher: b.Name, Method: "政府网站", SecrecyReviewed: true, LeaderApproved: true, Due: due, RecordedBy: "root",
			PublishedAt: due.Add(-time.Duration(i) * time.Minute)})
	}
	require.NoError(t, db.CreateInBatches(&participants, 500).Error)
	require.NoError(t, db.CreateInBatches(&publications, 500).Error)

	in.county = in.user(t, "county-admin", rules.RoleAdmin, "county-07")
	in.big = in.user(t, "big-admin", rules.RoleAdmin, "big")
	in.viewer = in.user(t, "a-viewer", rules.RoleViewer, "")
	_, err = svc.GrantViewer(ctx, root, in.county7[0], service.ViewerInput{Username: "a-viewer"})
	require.NoError(t, err)
	return in
}

func (in *installation) user(t *testing.T, name string, role rules.Role, org string) service.Principal {
	t.Helper()
	return newUser(t, in.svc, in.root, name, role, org)
}

// Listing cycles reads the caller's cycles and their counts, never the
// installation's, and never an office's bureaus (docs/api.md#paging).
func TestListCyclesReadsOnlyTheCallersRows(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		in := newInstallation(t, db)
		ctx := t.Context()
		var counter rowCounter
		list := func(p service.Principal, page service.CyclePage) ([]service.CycleView, int64) {
			var out []service.CycleView
			n := counter.read(in.svc, func(s *service.Service) {
				var err error
				out, err = s.ListCycles(ctx, p, page)
				require.NoError(t, err)
			})
			return out, n
		}
		ids := func(cs []service.CycleView) []string {
			var out []string
			for _, c := range cs {
				out = append(out, c.ID)
			}
			return out
		}

		// A county's admin: its two cycles, newest first, with counts.
		got, rows := list(in.county, service.CyclePage{})
		require.ElementsMatch(t, in.county7, ids(got))
		require.EqualValues(t, 1, got[0].BureauCount)
		require.LessOrEqual(t, rows, int64(2+2*stageGroups+2), "rows read for two cycles")

		// The office of 10,000 bureaus: its one cycle with every bureau
		// counted, reading neither its bureaus nor anyone else's cycles.
		got, rows = list(in.big, service.CyclePage{})
		require.Equal(t, []string{in.bigID}, ids(got))
		require.EqualValues(t, bigBureaus, got[0].BureauCount)
		require.EqualValues(t, bigBureaus, got[0].Progress[string(wire.StageCompleted)]+got[0].Progress[string(wire.StagePending)])
		require.LessOrEqual(t, rows, int64(1+stageGroups+2), "rows read for one cycle of 10,000 bureaus")

		// A viewer: the one cycle granted.
		got, rows = list(in.viewer, service.CyclePage{})
		require.Equal(t, []string{in.county7[0]}, ids(got))
		require.LessOrEqual(t, rows, int64(1+stageGroups+1))

		// The platform admin pages through all 61 cycles, 25 at a time,
		// each page reading about one page of rows.
		var all []string
		after := ""
		for {
			page, rows := list(in.root, service.CyclePage{After: after, Limit: 25})
			require.LessOrEqual(t, rows, int64(1+25+25*stageGroups))
			all = append(all, ids(page)...)
			if len(page) < 25 {
				break
			}
			after = page[len(page)-1].ID
		}
		require.Len(t, all, 2*counties+1)
		seen := map[string]bool{}
		for _, id := range all {
			require.False(t, seen[id], "cycle %s listed twice", id)
			seen[id] = true
		}

		_, err := in.svc.ListCycles(ctx, in.root, service.CyclePage{After: "no-such-cycle"})
		requireCode(t, err, "invalid_input")
		_, err = in.svc.ListCycles(ctx, in.root, service.CyclePage{Limit: service.MaxCyclePage + 1})
		requireCode(t, err, "invalid_input")
	})
}

// The public list narrows to one cycle and pages in SQL: a page of a
// cycle with 10,000 published reports reads a page of rows.
func TestPublicReportsPageInSQL(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		in := newInstallation(t, db)
		ctx := t.Context()
		var counter rowCounter
		var page []service.PublicReport
		rows := counter.read(in.svc, func(s *service.Service) {
			var err error
			page, err = s.PublicReports(ctx, service.PublicFilter{CycleID: in.bigID, Limit: 50})
			require.NoError(t, err)
		})
		require.Len(t, page, 50)
		require.LessOrEqual(t, rows, int64(50))
		for i, r := range page {
			require.Equal(t, in.bigID, r.CycleID)
			require.Equal(t, fmt.Sprintf("big-%05d", i), r.OrgCode, "newest publication first")
		}
		next, err := in.svc.PublicReports(ctx, service.PublicFilter{CycleID: in.bigID, Limit: 50, After: page[49].ID})
		require.NoError(t, err)
		require.Equal(t, "big-00050", next[0].OrgCode, "the next page starts after the cursor")

		none, err := in.svc.PublicReports(ctx, service.PublicFilter{CycleID: in.county7[0]})
		require.NoError(t, err)
		require.Empty(t, none)
		def, err := in.svc.PublicReports(ctx, service.PublicFilter{})
		require.NoError(t, err)
		require.Len(t, def, service.DefaultPublicPage, "a default page, not 10,000 rows")

		_, err = in.svc.PublicReports(ctx, service.PublicFilter{After: 1 << 30})
		requireCode(t, err, "invalid_input")
		_, err = in.svc.PublicReports(ctx, service.PublicFilter{Limit: service.MaxPublicPage + 1})
		requireCode(t, err, "invalid_input")
	})
}

func requireCode(t *testing.T, err error, code string) {
	t.Helper()
	ae, ok := apperr.As(err)
	require.True(t, ok, "want a %s error, got %v", code, err)
	require.Equal(t, code, ae.Code, ae.Message)
}
