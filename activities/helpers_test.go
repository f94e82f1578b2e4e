package activities_test

import (
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/activities"
	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/calendar/source"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// The scenario: the 2025 cycle of office fzb runs across the 2026 Spring
// Festival (2月15日–23日 off; 2月14日 and 2月28日, both Saturdays, worked),
// submissions due on Monday 2026-03-02 and publications on 2026-03-31.
const (
	cycleID    = "2025-abc"
	cycleTitle = "2025年度法治政府建设情况报告"
	creditCode = "11331002002673575G"
)

// cst is a China-time instant of 2026.
func cst(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, time.FixedZone("CST", 8*3600))
}

// endOf is 23:59:59 China time of a 2026 day, the instant a date-only
// deadline means.
func endOf(month time.Month, day int) time.Time { return calendar.NewDate(2026, month, day).EndOfDay() }

var (
	submissionDue  = endOf(time.March, 2)
	publicationDue = endOf(time.March, 31)
)

// clock is the activities' wall clock, set by the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// fixture is a seeded database with the activities over it. Instants are
// stored in UTC, as the service stores them: SQLite compares them as text.
type fixture struct {
	t      *testing.T
	db     *gorm.DB
	acts   *activities.Activities
	clock  *clock
	office models.Organisation
	// orgs by code: rsj (with a credit code), scj and sfj (without).
	orgs  map[string]models.Organisation
	cycle models.Cycle
}

// seed creates office fzb, bureaus rsj, scj and sfj awaiting their first
// submission in cycle 2025-abc, and activities whose clock reads
// 2026-02-10 10:00 China time.
func seed(t *testing.T, db *gorm.DB) *fixture {
	t.Helper()
	f := &fixture{t: t, db: db, clock: &clock{t: cst(time.February, 10, 10, 0)}, orgs: map[string]models.Organisation{}}
	f.office = models.Organisation{Code: "fzb", Name: "某县委全面依法治县委员会办公室", Kind: models.KindOffice}
	require.NoError(t, db.Create(&f.office).Error)
	cc := creditCode
	for _, o := range []models.Organisation{
		{Code: "rsj", Name: "某县人力资源和社会保障局", CreditCode: &cc},
		{Code: "scj", Name: "某县市场监督管理局"},
		{Code: "sfj", Name: "某县司法局"},
	} {
		o.Kind, o.ParentID = models.KindBureau, &f.office.ID
		require.NoError(t, db.Create(&o).Error)
		f.orgs[o.Code] = o
	}
	f.cycle = models.Cycle{ID: cycleID, Year: 2025, Title: cycleTitle, OfficeID: f.office.ID, Status: models.CycleOpen,
		SubmissionDue: submissionDue.UTC(), PublicationDue: publicationDue.UTC(),
		Settings: models.CycleSettings{ReminderWorkdays: []int{5, 2, 1}, EscalateAfterWorkdays: 3}}
	require.NoError(t, db.Create(&f.cycle).Error)
	for _, code := range []string{"rsj", "scj", "sfj"} {
		require.NoError(t, db.Create(&models.Participant{CycleID: cycleID, OrgCode: code, OrgID: f.orgs[code].ID,
			Stage: string(wire.StageAwaitingSubmission), Round: 1, StageSeq: 2,
			SubmissionDue: submissionDue.UTC(), PublicationDue: publicationDue.UTC(), Flags: []string{}}).Error)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.acts = &activities.Activities{DB: db, Logger: log, Now: f.clock.Now, Calendars: source.New(db)}
	return f
}

// each runs fn on a freshly seeded database of every engine, in parallel.
func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		fn(t, seed(t, db))
	})
}

// participant reads a bureau's read-model row.
func (f *fixture) participant(org string) models.Participant {
	f.t.Helper()
	var p models.Participant
	require.NoError(f.t, f.db.Take(&p, "cycle_id = ? AND org_code = ?", cycleID, org).Error)
	return p
}

// update changes a bureau's read-model row directly, to set a scene.
func (f *fixture) update(org string, fields map[string]any) {
	f.t.Helper()
	require.NoError(f.t, f.db.Model(&models.Participant{}).Where("cycle_id = ? AND org_code = ?", cycleID, org).
		Updates(fields).Error)
}

func (f *fixture) setFlags(org string, flags ...string) {
	f.t.Helper()
	p := f.participant(org)
	p.Flags = flags
	require.NoError(f.t, f.db.Model(&p).Select("flags").Updates(&p).Error)
}

func (f *fixture) flags(org string) []string {
	f.t.Helper()
	flags := f.participant(org).Flags
	if flags == nil {
		flags = []string{}
	}
	return flags
}

// notifications lists the notifications in the order they were written.
func (f *fixture) notifications() []models.Notification {
	f.t.Helper()
	var out []models.Notification
	require.NoError(f.t, f.db.Order("id").Find(&out).Error)
	return out
}

// inbox lists an organisation's notifications.
func (f *fixture) inbox(code string) []models.Notification {
	f.t.Helper()
	org := f.office
	if code != f.office.Code {
		org = f.orgs[code]
	}
	var out []models.Notification
	require.NoError(f.t, f.db.Where("recipient_org_id = ?", org.ID).Order("id").Find(&out).Error)
	return out
}

// actions lists the audit log's actions in order.
func (f *fixture) actions() []string {
	f.t.Helper()
	var out []string
	require.NoError(f.t, f.db.Model(&models.AuditEvent{}).Order("seq").Pluck("action", &out).Error)
	return out
}

func (f *fixture) lastEvent() models.AuditEvent {
	f.t.Helper()
	var ev models.AuditEvent
	require.NoError(f.t, f.db.Order("seq DESC").Take(&ev).Error)
	return ev
}

func (f *fixture) count(model any, where ...any) int64 {
	f.t.Helper()
	var n int64
	q := f.db.Model(model)
	if len(where) > 0 {
		q = q.Where(where[0], where[1:]...)
	}
	require.NoError(f.t, q.Count(&n).Error)
	return n
}

// submit stores a submission version directly (RecordSubmission needs a
// parsed return; these tests need only the version).
func (f *fixture) submit(org string, version, round int) {
	f.t.Helper()
	require.NoError(f.t, f.db.Create(&models.Submission{CycleID: cycleID, OrgCode: org, Version: version, Round: round,
		FileSHA: "f", FileName: "return.xlsx", ReturnSHA: "r", Catalogue: "general@2025.1",
		Values: "{}", Explanations: "{}", Info: "{}", Problems: "[]", Plans: "[]", Warnings: "[]",
		SubmittedAt: cst(time.February, 9, 10, 0)}).Error)
}

// approve stores an approving review of a version directly.
func (f *fixture) approve(org string, version int) {
	f.t.Helper()
	require.NoError(f.t, f.db.Create(&models.Review{CycleID: cycleID, OrgCode: org, Version: version, Round: 1,
		Decision: string(wire.ReviewApprove), ReviewerName: "审核员", ReviewedAt: cst(time.February, 11, 10, 0)}).Error)
}

// publish approves a bureau's first version and records its publication.
func (f *fixture) publish(org string, at time.Time, indexNo string) wire.PublishResult {
	f.t.Helper()
	f.submit(org, 1, 1)
	f.approve(org, 1)
	res, err := f.acts.RecordPublication(f.t.Context(), publication(org, 6, at, indexNo))
	require.NoError(f.t, err)
	return res
}

// requireRefused checks that err is a refusal for the person who asked,
// saying want.
func requireRefused(t *testing.T, err error, want string) {
	t.Helper()
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr), "want a refusal, got %v", err)
	require.Equal(t, wire.RefusedErrorType, appErr.Type(), "error %v", err)
	require.True(t, appErr.NonRetryable())
	require.Contains(t, appErr.Message(), want)
}

// requireFinal checks that err is a non-retryable failure of type errType.
func requireFinal(t *testing.T, err error, errType string) {
	t.Helper()
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr), "want an application error, got %v", err)
	require.Equal(t, errType, appErr.Type())
	require.True(t, appErr.NonRetryable())
}

var reviewer = wire.Actor{Name: "张审核", Role: wire.ActorRoleReviewer, OrgCode: "fzb", RequestID: "req-1"}

// viaTemporal runs an activity as a worker does, so that errors cross the
// failure converter as the workflow sees them.
func (f *fixture) viaTemporal(activity any, args ...any) error {
	f.t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(f.acts)
	_, err := env.ExecuteActivity(activity, args...)
	return err
}
