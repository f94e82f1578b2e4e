package workflows_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/activities"
	"github.com/lawcycle/lawcycle/calendar/source"
	"github.com/lawcycle/lawcycle/excelreturn"
	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/internal/temporaltest"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
	"github.com/lawcycle/lawcycle/workflows"
)

// The lifecycle tests run the bureau workflow in the test environment
// (virtual time) against the real activities on SQLite, so the due dates
// and reminder times come from the real working-day calendar. The dates
// straddle the 2026 Spring Festival: 2月15日–23日 off, with 2月14日 and
// 2月28日 (Saturdays) worked as 调休 make-up days.

const (
	lcCycle  = "2025-lifecy"
	lcOrg    = "rsj"
	lcOffice = "fzb"
)

var cst = time.FixedZone("CST", 8*3600)

func at(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, cst)
}

// endOf is a date-only due date: 23:59:59 China time.
func endOf(month time.Month, day int) time.Time {
	return time.Date(2026, month, day, 23, 59, 59, 0, cst)
}

var (
	lcStart  = at(time.January, 20, 9, 0)
	reviewer = wire.Actor{Name: "fzb-reviewer", Role: "reviewer", OrgCode: lcOffice}
	admin    = wire.Actor{Name: "fzb-admin", Role: "admin", OrgCode: lcOffice}
	clerk    = wire.Actor{Name: "rsj-clerk", Role: "bureau", OrgCode: lcOrg}
)

type lifecycle struct {
	t         *testing.T
	env       *testsuite.TestWorkflowEnvironment
	db        *gorm.DB
	returnSHA string
	updates   int
	// start is the environment's start time; acts its activities, which
	// start and signal workflows through starts.
	start  time.Time
	acts   *activities.Activities
	starts *temporaltest.Recorder
	// timers are the workflow's timers not yet fired or cancelled;
	// lastTimer the latest one started.
	timers    map[string]bool
	lastTimer string
}

// newLifecycle seeds an office, a bureau, an open cycle with its notice
// (submission due 2月25日, publication due 3月31日) and default settings.
func newLifecycle(t *testing.T) *lifecycle {
	t.Parallel()
	db := testdb.SQLite(t)
	l := &lifecycle{t: t, db: db, starts: &temporaltest.Recorder{}}
	l.newEnv(lcStart)

	office := models.Organisation{Code: lcOffice, Name: "某县依法治县办", Kind: models.KindOffice}
	require.NoError(t, db.Create(&office).Error)
	credit := "11331002002673575G"
	bureau := models.Organisation{Code: lcOrg, Name: "某县人力资源和社会保障局", Kind: models.KindBureau, ParentID: &office.ID, CreditCode: &credit, Sector: "hrss"}
	require.NoError(t, db.Create(&bureau).Error)
	subDue, pubDue := endOf(time.February, 25).UTC(), endOf(time.March, 31).UTC()
	require.NoError(t, db.Create(&models.Cycle{
		ID: lcCycle, Year: 2025, Title: "2025年度法治政府建设情况报告", OfficeID: office.ID, Status: models.CycleOpen,
		SubmissionDue: subDue, PublicationDue: pubDue, Catalogues: "general@2025.1+hrss@2025.1",
	}).Error)
	require.NoError(t, db.Create(&models.Participant{
		CycleID: lcCycle, OrgCode: lcOrg, OrgID: bureau.ID, Stage: string(wire.StagePending),
		SubmissionDue: subDue, PublicationDue: pubDue, Flags: []string{},
	}).Error)
	require.NoError(t, db.Create(&models.Notice{
		CycleID: lcCycle, OfficeID: office.ID, DocNo: "某法办〔2026〕1号", Title: "关于报送2025年度法治政府建设情况报告的通知",
		Body: "请按时报送。", SubmissionDue: subDue, PublicationDue: pubDue, IssuedAt: lcStart.UTC(),
	}).Error)
	parsed, err := json.Marshal(excelreturn.Result{Return: &excelreturn.Return{}})
	require.NoError(t, err)
	sha, err := filestore.Put(db, parsed, "application/json")
	require.NoError(t, err)
	l.returnSHA = sha
	return l
}

// newEnv gives the lifecycle a fresh test environment starting at start,
// over the same database: each runs one workflow.
func (l *lifecycle) newEnv(start time.Time) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	env.RegisterWorkflowWithOptions(workflows.Bureau, regOpts(wire.BureauWorkflow))
	env.RegisterWorkflowWithOptions(workflows.Rectification, regOpts(wire.RectificationWorkflow))
	l.acts = &activities.Activities{
		DB: l.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Calendars: source.New(l.db), Now: env.Now, Temporal: l.starts,
	}
	env.RegisterActivity(l.acts)
	l.env, l.start, l.updates, l.timers = env, start, 0, map[string]bool{}
	env.SetOnTimerScheduledListener(func(id string, _ time.Duration) { l.timers[id], l.lastTimer = true, id })
	env.SetOnTimerFiredListener(func(id string) { delete(l.timers, id) })
	env.SetOnTimerCanceledListener(func(id string) { delete(l.timers, id) })
}

// outcome is what an update callback saw.
type outcome struct {
	done     bool
	rejected error
	failed   error
	value    any
}

func (o *outcome) err() error {
	if o.rejected != nil {
		return o.rejected
	}
	return o.failed
}

// on sends an update at a moment of virtual time.
func (l *lifecycle) on(when time.Time, name string, arg any) *outcome {
	out := &outcome{}
	l.updates++
	id := fmt.Sprintf("u%d", l.updates)
	l.env.RegisterDelayedCallback(func() {
		l.env.UpdateWorkflow(name, id, &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { out.rejected, out.done = err, true },
			OnComplete: func(v any, err error) {
				out.done, out.failed, out.value = true, err, v
			},
		}, arg)
	}, when.Sub(l.start))
	return out
}

func (l *lifecycle) submit(when time.Time, round int) *outcome {
	return l.on(when, wire.UpdateSubmit, wire.SubmitRequest{
		Round: round, FileSHA: fmt.Sprintf("file-%d", round), FileName: "报表.xlsx",
		ReturnSHA: l.returnSHA, Catalogue: "general@2025.1+hrss@2025.1", By: clerk,
	})
}

func (l *lifecycle) review(when time.Time, version int, decision wire.ReviewDecision, comments ...wire.ReviewComment) *outcome {
	return l.on(when, wire.UpdateReview, wire.ReviewRequest{Version: version, Decision: decision, Comments: comments, By: reviewer})
}

func (l *lifecycle) publish(when time.Time) *outcome {
	return l.on(when, wire.UpdatePublish, wire.PublishRequest{
		URL: "https://www.example.gov.cn/rsj/2026/fzzf.html", IssuedOn: "2026-02-27", Publisher: "某县人力资源和社会保障局",
		Method: "政府网站", SecrecyReviewed: true, LeaderApproved: true, By: clerk,
	})
}

// closeCycleAt delivers the cycle's close to the bureau.
func (l *lifecycle) closeCycleAt(when time.Time) {
	l.env.RegisterDelayedCallback(func() {
		l.env.SignalWorkflow(wire.SignalCycleClosed, nil)
	}, when.Sub(l.start))
}

func (l *lifecycle) run() {
	l.env.ExecuteWorkflow(wire.BureauWorkflow, wire.BureauInput{CycleID: lcCycle, OrgCode: lcOrg, Year: 2025})
	require.True(l.t, l.env.IsWorkflowCompleted(), "the bureau workflow ends (completed or closed)")
	require.NoError(l.t, l.env.GetWorkflowError())
	// Every wait cut short (a submission, a return, a moved due date)
	// cancelled its timer: none was left pending to fire for nothing. The
	// test environment reports a cancellation in a later task, which the
	// workflow's last, ending task does not get to: its own wait is the
	// one the workflow ended, cancelled or not.
	delete(l.timers, l.lastTimer)
	require.Empty(l.t, l.timers, "timers left pending when the workflow ended")
}

// steps lists the deadline steps sent, as "kind rN step at" in China time.
func (l *lifecycle) steps() []string {
	var rows []models.DeadlineStep
	require.NoError(l.t, l.db.Order("sent_at, id").Find(&rows).Error)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprintf("%s r%d %s %s", r.Kind, r.Round, r.Step, r.SentAt.In(cst).Format("01-02 15:04"))
	}
	return out
}

func (l *lifecycle) participant() models.Participant {
	var p models.Participant
	require.NoError(l.t, l.db.Take(&p, "cycle_id = ? AND org_code = ?", lcCycle, lcOrg).Error)
	return p
}

// notified lists the notifications as "kind→org".
func (l *lifecycle) notified() []string {
	var rows []struct {
		Kind string
		Code string
	}
	require.NoError(l.t, l.db.Table("notifications").
		Select("notifications.kind, organisations.code").
		Joins("JOIN organisations ON organisations.id = notifications.recipient_org_id").
		Order("notifications.id").Scan(&rows).Error)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Kind + "→" + r.Code
	}
	return out
}

func requireDone(t *testing.T, outs ...*outcome) {
	t.Helper()
	for i, o := range outs {
		require.True(t, o.done, "update %d was answered", i)
		require.NoError(t, o.err(), "update %d", i)
	}
}

func TestLifecycleOnTimeSubmitApprovePublish(t *testing.T) {
	l := newLifecycle(t)
	sub := l.submit(at(time.February, 12, 10, 0), 1)
	approve := l.review(at(time.February, 13, 10, 0), 1, wire.ReviewApprove)
	pub := l.publish(at(time.March, 25, 10, 0))
	l.run()

	requireDone(t, sub, approve, pub)
	// One reminder per deadline went out before the bureau acted: 5 working
	// days before 2月25日 is 2月11日, the Spring Festival days not counted;
	// 5 before 3月31日 is 3月24日.
	require.Equal(t, []string{
		"submission r1 reminder-5 02-11 09:00",
		"publication r1 reminder-5 03-24 09:00",
	}, l.steps())
	res := pub.value.(wire.PublishResult)
	require.False(t, res.Late)
	require.Equal(t, "11331002002673575G/2026-00001", res.IndexNo)
	p := l.participant()
	require.Equal(t, string(wire.StageCompleted), p.Stage)
	require.NotContains(t, p.Flags, "late_submission")
	require.Equal(t, []string{"notice→rsj", "reminder→rsj", "approved→rsj", "reminder→rsj"}, l.notified())
}

func TestLifecycleLateSubmissionAfterRemindersAndEscalation(t *testing.T) {
	l := newLifecycle(t)
	sub := l.submit(at(time.March, 2, 10, 0), 1)
	l.closeCycleAt(at(time.March, 3, 10, 0))
	l.run()

	requireDone(t, sub)
	// 2 working days before 2月25日 is the make-up Saturday 2月14日; the
	// escalation, 3 working days after it, the make-up Saturday 2月28日.
	require.Equal(t, []string{
		"submission r1 reminder-5 02-11 09:00",
		"submission r1 reminder-2 02-14 09:00",
		"submission r1 reminder-1 02-24 09:00",
		"submission r1 overdue 02-26 00:00",
		"submission r1 escalation 02-28 09:00",
	}, l.steps())
	require.Equal(t, []string{
		"notice→rsj", "reminder→rsj", "reminder→rsj", "reminder→rsj", "overdue→rsj", "escalation→fzb", "escalation→rsj",
	}, l.notified())
	p := l.participant()
	require.Equal(t, string(wire.StageUnderReview), p.Stage, "the close stops the bureau where it stood")
	require.Contains(t, p.Flags, "late_submission")
	require.Contains(t, p.Flags, "unfinished")
	require.NotContains(t, p.Flags, "overdue", "the submission met the overdue deadline")
}

func TestLifecycleReturnResubmitApproveAcrossTwoRounds(t *testing.T) {
	l := newLifecycle(t)
	sub1 := l.submit(at(time.February, 12, 10, 0), 1)
	pastDue := l.on(at(time.February, 12, 10, 30), wire.UpdateReview, wire.ReviewRequest{Version: 1, Decision: wire.ReviewReturn,
		Comments: []wire.ReviewComment{{Message: "请核实"}}, ResubmitDue: wire.DueSetting{Date: "2026-02-01"}, By: reviewer})
	byBureau := l.on(at(time.February, 12, 11, 0), wire.UpdateReview, wire.ReviewRequest{Version: 1, Decision: wire.ReviewApprove, By: clerk})
	returned := l.review(at(time.February, 13, 10, 0), 1, wire.ReviewReturn,
		wire.ReviewComment{Indicator: "admin_reconsideration_received", Message: "受理件数与上年差异较大，请核实"},
		wire.ReviewComment{Message: "请补充主要负责人履职情况"})
	again := l.review(at(time.February, 13, 11, 0), 1, wire.ReviewApprove)
	staleRound := l.submit(at(time.February, 13, 12, 0), 1)
	sub2 := l.submit(at(time.February, 26, 10, 0), 2)
	stale := l.review(at(time.February, 27, 9, 0), 1, wire.ReviewApprove)
	approve := l.review(at(time.February, 27, 10, 0), 2, wire.ReviewApprove)
	twice := l.review(at(time.February, 27, 11, 0), 2, wire.ReviewApprove)
	pub := l.publish(at(time.March, 2, 10, 0))
	l.run()

	requireDone(t, sub1, returned, sub2, approve, pub)
	// The activity's refusal reaches the caller as a refusal (the API's
	// 409), and the bureau stays under review.
	var refused *temporal.ApplicationError
	require.ErrorAs(t, pastDue.failed, &refused)
	require.Equal(t, wire.RefusedErrorType, refused.Type())
	require.Contains(t, refused.Message(), "2026年2月1日")
	require.ErrorContains(t, byBureau.rejected, "不能审核本单位报送的报表")
	require.ErrorContains(t, again.rejected, "第1版已退回修改")
	require.ErrorContains(t, staleRound.rejected, "该报表针对第1轮，而当前是第2轮")
	require.ErrorContains(t, stale.rejected, "您审核的是第1版，而本单位最新报送的是第2版")
	require.ErrorContains(t, twice.rejected, "第2版报表已审核通过（当前阶段：待公开），不能重复审核")

	// 5 working days after 2月13日: 2月14日 (make-up), 24, 25, 26, 27.
	r := returned.value.(wire.ReviewResult)
	require.Equal(t, 2, r.Round)
	require.True(t, r.SubmissionDue.Equal(endOf(time.February, 27)), "resubmission due %s", r.SubmissionDue.In(cst))
	// Round 2's reminder-5 (2月13日 09:00) fell before the return and is
	// left out.
	require.Equal(t, []string{
		"submission r1 reminder-5 02-11 09:00",
		"submission r2 reminder-2 02-25 09:00",
		"submission r2 reminder-1 02-26 09:00",
	}, l.steps())

	var reviews []models.Review
	require.NoError(t, l.db.Order("version").Find(&reviews).Error)
	require.Len(t, reviews, 2)
	require.Equal(t, []string{"return", "approve"}, []string{reviews[0].Decision, reviews[1].Decision})
	var comments int64
	require.NoError(t, l.db.Model(&models.ReviewComment{}).Where("review_id = ?", reviews[0].ID).Count(&comments).Error)
	require.Equal(t, int64(2), comments)
	p := l.participant()
	require.Equal(t, string(wire.StageCompleted), p.Stage)
	require.Equal(t, 2, p.Round)
}

func TestLifecycleExtensionRefusedThenApproved(t *testing.T) {
	l := newLifecycle(t)
	ask := func(when time.Time) *outcome {
		return l.on(when, wire.UpdateRequestExtension, wire.ExtensionRequest{
			Kind: wire.DeadlineSubmission, Until: wire.DueSetting{Date: "2026-03-06"}, Reason: "春节假期后数据方能汇总", By: clerk,
		})
	}
	decide := func(when time.Time, id uint, approve bool) *outcome {
		return l.on(when, wire.UpdateDecideExtension, wire.ExtensionDecision{ID: id, Approve: approve, Reason: "时间已很充裕", By: admin})
	}
	first := ask(at(time.February, 16, 10, 0))
	duplicate := ask(at(time.February, 16, 11, 0))
	// Extension IDs are the rows' IDs: 1 for the first request, 2 for the
	// second.
	selfApprove := l.on(at(time.February, 16, 11, 30), wire.UpdateDecideExtension, wire.ExtensionDecision{ID: 1, Approve: true, By: clerk})
	refused := decide(at(time.February, 16, 12, 0), 1, false)
	second := ask(at(time.February, 17, 10, 0))
	approved := decide(at(time.February, 17, 11, 0), 2, true)
	sub := l.submit(at(time.March, 9, 10, 0), 1)
	l.closeCycleAt(at(time.March, 10, 10, 0))
	l.run()

	requireDone(t, first, refused, second, approved, sub)
	require.ErrorContains(t, duplicate.rejected, "已有一项报送延期申请（编号 1）等待法治办审批")
	require.ErrorContains(t, selfApprove.rejected, "本单位不能审批自己的延期申请")
	require.Equal(t, wire.ExtensionRefused, refused.value.(wire.ExtensionResult).Status)
	res := approved.value.(wire.ExtensionResult)
	require.Equal(t, wire.ExtensionApproved, res.Status)
	require.True(t, res.Due.Equal(endOf(time.March, 6)))
	// The new due date 3月6日 gets steps of its own: 5 working days before
	// it is the make-up Saturday 2月28日; the steps of 2月25日 not sent yet
	// (reminder-1, overdue, escalation) never go out.
	require.Equal(t, []string{
		"submission r1 reminder-5 02-11 09:00",
		"submission r1 reminder-2 02-14 09:00",
		"submission r1 reminder-5 02-28 09:00",
		"submission r1 reminder-2 03-04 09:00",
		"submission r1 reminder-1 03-05 09:00",
		"submission r1 overdue 03-07 00:00",
	}, l.steps())
	var exts []models.Extension
	require.NoError(t, l.db.Order("id").Find(&exts).Error)
	require.Len(t, exts, 2)
	require.Equal(t, []string{wire.ExtensionRefused, wire.ExtensionApproved}, []string{exts[0].Status, exts[1].Status})
	p := l.participant()
	require.True(t, p.SubmissionDue.Equal(endOf(time.March, 6)))
	require.Contains(t, p.Flags, "extended")
	require.Contains(t, p.Flags, "late_submission")
	require.NotContains(t, p.Flags, "extension_requested")
}

func TestLifecycleLatePublication(t *testing.T) {
	l := newLifecycle(t)
	sub := l.submit(at(time.February, 12, 10, 0), 1)
	approve := l.review(at(time.February, 13, 10, 0), 1, wire.ReviewApprove)
	early := l.publish(at(time.February, 12, 11, 0))
	pub := l.publish(at(time.April, 2, 10, 0))
	l.run()

	requireDone(t, sub, approve, pub)
	require.ErrorContains(t, early.rejected, "报表审核通过后才能登记公开")
	require.True(t, pub.value.(wire.PublishResult).Late)
	// 2 working days before 3月31日 is 3月27日 (Friday); 1 is 3月30日.
	require.Equal(t, []string{
		"submission r1 reminder-5 02-11 09:00",
		"publication r1 reminder-5 03-24 09:00",
		"publication r1 reminder-2 03-27 09:00",
		"publication r1 reminder-1 03-30 09:00",
		"publication r1 overdue 04-01 00:00",
	}, l.steps())
	p := l.participant()
	require.Equal(t, string(wire.StageCompleted), p.Stage)
	require.Contains(t, p.Flags, "published_late")
	var pubRow models.Publication
	require.NoError(t, l.db.Take(&pubRow).Error)
	require.True(t, pubRow.Late)
}
