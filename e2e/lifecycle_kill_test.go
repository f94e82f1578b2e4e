package e2e

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/returntest"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/wire"
)

// killSubmissionLead is how far ahead of the cycle's creation its submission
// deadline lies: time for the launch and the first submissions, each with
// a kill whose recovery may wait out a 30 s activity timeout, and not much
// more, since the test then waits for the deadline.
const killSubmissionLead = 80 * time.Second

// killParsedReturnType is how the server stores a parsed return, just
// before it sends the submit update to the workflow.
const killParsedReturnType = "application/vnd.lawcycle.return+json"

// Killing the worker at each stage and starting a new one loses nothing
// and sends nothing twice (issue #5). On the production topology three
// bureaus go through a cycle — one all the way through a returned round to
// publication, one to approval, one never submitting — and the worker is
// killed with SIGKILL at every stage, while the stage's work is in flight
// where the API lets the test see it: during the launch's notices, with a
// submission's update on its way, after a return, an approval and a
// publication, across the submission deadline (its timers fire while no
// worker runs), after an extension request and its approval, and during
// the cycle's close. In the end every notification reached its recipients
// by e-mail exactly once, every deadline step and audit event exists once,
// and every workflow ended where the read model says.
func TestWorkerKilledAtEachStageLosesNothingAndSendsNothingTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("a process test of about three minutes, most of it waiting for timers and timeouts")
	}
	t.Parallel()
	began := time.Now()
	s := startKillStack(t)
	admin := processToken

	s.act(killRequest("POST", "/api/v1/orgs", admin, []map[string]any{
		{"code": "fzb", "name": "临海市法治办", "kind": "office", "contact_email": "fzb@" + killMailDomain},
		{"code": "rsj", "name": "临海市人力资源和社会保障局", "kind": "bureau", "parent_code": "fzb", "sector": "hrss",
			"credit_code": "11331002002673575G", "contact_email": "rsj@" + killMailDomain},
		{"code": "scj", "name": "临海市市场监督管理局", "kind": "bureau", "parent_code": "fzb", "contact_email": "scj@" + killMailDomain},
		{"code": "mzj", "name": "临海市民政局", "kind": "bureau", "parent_code": "fzb", "contact_email": "mzj@" + killMailDomain},
	}), http.StatusCreated, nil)
	reviewer := s.login("fzb-reviewer", "reviewer", "fzb", "shenhe@"+killMailDomain)
	rsjStaff := s.login("rsj-staff", "bureau", "rsj", "zhang.san@"+killMailDomain)
	scjStaff := s.login("scj-staff", "bureau", "scj", "li.si@"+killMailDomain)
	// An organisation's mail goes to its mailbox and its staff's addresses.
	mailboxes := map[string][]string{
		"fzb": {"fzb@" + killMailDomain, "shenhe@" + killMailDomain},
		"rsj": {"rsj@" + killMailDomain, "zhang.san@" + killMailDomain},
		"scj": {"scj@" + killMailDomain, "li.si@" + killMailDomain},
		"mzj": {"mzj@" + killMailDomain},
	}

	// The submission deadline falls inside the test; the publication
	// deadline, like every reminder (09:00 some working days before a due
	// day), lies outside it.
	due := time.Now().Add(killSubmissionLead).Truncate(time.Second)
	var created struct {
		ID            string    `json:"id"`
		Status        string    `json:"status"`
		SubmissionDue time.Time `json:"submission_due"`
	}
	s.act(killRequest("POST", "/api/v1/cycles", admin, map[string]any{
		"year": 2025, "office_code": "fzb", "bureau_codes": []string{"rsj", "scj", "mzj"},
		"submission_due": due.Format(time.RFC3339), "publication_due": due.Add(60 * 24 * time.Hour).Format(time.RFC3339),
		"settings": map[string]any{"reminder_workdays": []int{5, 2, 1}, "escalate_after_workdays": 3},
	}), http.StatusCreated, &created)
	require.Equal(t, "draft", created.Status)
	require.True(t, created.SubmissionDue.Equal(due), "submission due %s, want %s", created.SubmissionDue, due)
	id := created.ID
	path := func(org string) string { return "/api/v1/cycles/" + id + "/bureaus/" + org }
	key := func(org string, parts ...string) string {
		return notify.Key(append([]string{wire.BureauWorkflowID(id, org)}, parts...)...)
	}

	// (a) The launch answers once the notice is issued; the bureau
	// workflows start after, each writing its notice to the outbox. The
	// worker dies as the first notice is written.
	s.act(killRequest("POST", "/api/v1/cycles/"+id+"/launch", admin, nil), http.StatusOK, nil)
	s.killWhen("(a) launch", nil, func() bool {
		return s.count(&models.Notification{}, "kind = ?", string(notify.KindNotice)) > 0
	})
	s.startWorker()
	s.expectBureaus(id, "(a)", map[string]killStand{
		"rsj": {"awaiting_submission", 1, nil}, "scj": {"awaiting_submission", 1, nil}, "mzj": {"awaiting_submission", 1, nil},
	})
	s.waitMails("the notices", key("rsj", "notice"), key("scj", "notice"), key("mzj", "notice"))

	// (b) A submission with the worker killed while its update is on its
	// way: the server stores the parsed return, then sends the update.
	rsjCat, err := catalogue.Builtin().ComposeFor("hrss")
	require.NoError(t, err)
	rsjValues := returntest.Plausible(rsjCat)
	rsjV1 := s.fill(path("rsj"), rsjStaff, rsjValues)
	report := []byte("%PDF-1.4\n临海市人力资源和社会保障局2025年度法治政府建设情况报告\n%%EOF\n")
	submit := killUpload(path("rsj")+"/submissions", rsjStaff, apitest.Multipart{
		{Field: "file", Name: "人社局报表.xlsx", Data: rsjV1}, {Field: "report", Name: "人社局报告.pdf", Data: report}})
	stored := s.count(&models.Blob{}, "content_type = ?", killParsedReturnType)
	pending := s.start(submit)
	s.killWhen("(b) submit", pending, func() bool {
		return s.count(&models.Blob{}, "content_type = ?", killParsedReturnType) > stored
	})
	s.startWorker()
	var v1 killSubmitted
	s.finish(submit, pending, http.StatusCreated, &v1)
	require.Equal(t, 1, v1.Version)
	require.Equal(t, "under_review", v1.Stage)

	// mzj's office submits on its behalf.
	mzjCat, err := catalogue.Builtin().ComposeFor("")
	require.NoError(t, err)
	var mzj1 killSubmitted
	s.act(killUpload(path("mzj")+"/submissions", admin, apitest.Multipart{
		{Field: "file", Name: "民政局报表.xlsx", Data: s.fill(path("mzj"), admin, returntest.Plausible(mzjCat))}}),
		http.StatusCreated, &mzj1)
	require.Equal(t, 1, mzj1.Version)
	s.expectBureaus(id, "(b)", map[string]killStand{
		"rsj": {"under_review", 1, v1.flags()}, "scj": {"awaiting_submission", 1, nil}, "mzj": {"under_review", 1, mzj1.flags()},
	})
	s.expectStatus(id, "rsj", "version 1 under review", func(st killStatus) bool {
		return st.Stage == "under_review" && st.Version == 1 && !st.CanSubmit
	})

	// (e) The submission deadline passes while no worker runs: the overdue
	// step's and the cycle milestone's timers fire into an empty task
	// queue, and the next worker sends each once.
	t.Logf("steps before the deadline done %s before it", time.Until(due).Round(time.Second))
	require.Greaterf(t, time.Until(due), 3*time.Second,
		"the steps before the deadline took %s of the %s lead; raise killSubmissionLead", time.Since(began), killSubmissionLead)
	killSleepUntil(due.Add(-2 * time.Second))
	s.killWorker("(e) before the submission deadline")
	killSleepUntil(due.Add(3 * time.Second))
	overdueKey := wire.DeadlineStepKey(id, "scj", wire.DeadlineSubmission, 1, due, wire.StepOverdue)
	milestoneKey := notify.Key(wire.CycleWorkflowID(id), "milestone", string(wire.DeadlineSubmission), due.UTC().Format("20060102T150405Z"))
	require.Zero(t, s.count(&models.DeadlineStep{}, "1 = 1"), "a step was sent with no worker running")
	require.Zero(t, s.count(&models.Notification{}, "idempotency_key IN ?", []string{overdueKey + "/bureau", milestoneKey}))
	s.startWorker()
	s.expectBureaus(id, "(e)", map[string]killStand{
		"rsj": {"under_review", 1, v1.flags()}, "scj": {"awaiting_submission", 1, []string{"overdue"}},
		"mzj": {"under_review", 1, mzj1.flags()},
	})
	s.waitMails("the overdue notice and the office's list", overdueKey+"/bureau", milestoneKey)
	st := s.expectStatus(id, "scj", "the overdue step sent", func(st killStatus) bool {
		sent, _ := st.steps()
		return slices.Contains(sent, wire.StepOverdue)
	})
	require.Equal(t, 1, st.Deadline.Round)
	require.True(t, st.Deadline.Due.Equal(due))
	sent, steps := st.steps()
	require.Equal(t, []string{wire.StepOverdue, wire.StepEscalation}, steps, "reminders before a deadline created %s ahead", killSubmissionLead)
	require.Equal(t, []string{wire.StepOverdue}, sent)

	// (c) A return with a resubmission due date in working days, computed
	// on the office's calendar when the return is recorded; 10 keeps the
	// new round's reminders days away.
	indicator := rsjCat.Indicators()[0].Key
	returnedFrom := time.Now()
	var returned killReviewed
	s.act(killRequest("POST", path("rsj")+"/reviews", reviewer, map[string]any{
		"decision": "return", "resubmit_due": "10个工作日",
		"comments": []map[string]any{{"indicator": indicator, "message": "请核实该项数据口径"}, {"message": "请补充主要举措的成效"}},
	}), http.StatusCreated, &returned)
	returnedTo := time.Now()
	s.restartWorker("(c) after a return")
	require.Equal(t, "awaiting_submission", returned.Stage)
	require.Equal(t, 2, returned.Round)
	require.NotNil(t, returned.SubmissionDue)
	cal, err := calendar.New(calendar.Config{})
	require.NoError(t, err)
	resubmitDue := *returned.SubmissionDue
	require.Contains(t, []time.Time{killWorkdaysAfter(cal, returnedFrom, 10), killWorkdaysAfter(cal, returnedTo, 10)}, resubmitDue.UTC(),
		"resubmission due %s is not 10 working days after the return", resubmitDue)
	rows := s.expectBureaus(id, "(c)", map[string]killStand{
		"rsj": {"awaiting_submission", 2, nil}, "scj": {"awaiting_submission", 1, []string{"overdue"}}, "mzj": {"under_review", 1, mzj1.flags()},
	})
	require.True(t, rows["rsj"].SubmissionDue.Equal(resubmitDue), "read model due %s, want %s", rows["rsj"].SubmissionDue, resubmitDue)
	s.expectStatus(id, "rsj", "round 2 awaiting resubmission", func(st killStatus) bool {
		return st.Stage == "awaiting_submission" && st.Round == 2 && st.Version == 1 && st.CanSubmit
	})
	s.waitMails("the return", key("rsj", "review", "v1"))

	// Resubmitted later, changed.
	rsjValues[indicator] = 12
	var v2 killSubmitted
	s.act(killUpload(path("rsj")+"/submissions", rsjStaff, apitest.Multipart{
		{Field: "file", Name: "人社局报表（修改稿）.xlsx", Data: s.fill(path("rsj"), rsjStaff, rsjValues)},
		{Field: "report", Name: "人社局报告.pdf", Data: report}}), http.StatusCreated, &v2)
	require.Equal(t, 2, v2.Version)
	require.Equal(t, 2, v2.Round)

	// (d) Approval: the workflow moves on to publication after answering.
	var approved killReviewed
	s.act(killRequest("POST", path("rsj")+"/reviews", reviewer, map[string]any{"decision": "approve"}), http.StatusCreated, &approved)
	s.restartWorker("(d) after an approval")
	require.Equal(t, 2, approved.Version)
	var mzjApproved killReviewed
	s.act(killRequest("POST", path("mzj")+"/reviews", reviewer, map[string]any{"decision": "approve"}), http.StatusCreated, &mzjApproved)
	s.expectBureaus(id, "(d)", map[string]killStand{
		"rsj": {"awaiting_publication", 2, v2.flags()}, "scj": {"awaiting_submission", 1, []string{"overdue"}},
		"mzj": {"awaiting_publication", 1, mzj1.flags()},
	})
	s.waitMails("the approvals", key("rsj", "review", "v2"), key("mzj", "review", "v1"))

	// (g) Publication completes rsj; its workflow ends.
	var published struct {
		IndexNo string `json:"index_no"`
		Late    bool   `json:"late"`
		Stage   string `json:"stage"`
	}
	s.act(killRequest("POST", path("rsj")+"/publication", rsjStaff, map[string]any{
		"url": "https://www.linhai.gov.cn/art/2026/rsj-fzzf-2025.html", "issued_on": calendar.DateOf(time.Now()).String(),
		"publisher": "临海市人力资源和社会保障局", "secrecy_reviewed": true, "leader_approved": true,
	}), http.StatusCreated, &published)
	s.restartWorker("(g) after a publication")
	require.Equal(t, "completed", published.Stage)
	require.False(t, published.Late)
	require.True(t, strings.HasPrefix(published.IndexNo, "11331002002673575G/"), published.IndexNo)
	s.expectBureaus(id, "(g)", map[string]killStand{
		"rsj": {"completed", 2, v2.flags()}, "scj": {"awaiting_submission", 1, []string{"overdue"}},
		"mzj": {"awaiting_publication", 1, mzj1.flags()},
	})
	s.expectStatus(id, "rsj", "completed", func(st killStatus) bool { return st.Stage == "completed" && st.Version == 2 })

	// (f) The overdue bureau asks for more time; the office approves.
	until := calendar.DateOf(time.Now()).AddDays(20)
	var requested killExtended
	s.act(killRequest("POST", path("scj")+"/extensions", scjStaff, map[string]any{
		"kind": "submission", "until": until.String(), "reason": "主要负责人调整，报告需重新审定",
	}), http.StatusCreated, &requested)
	s.restartWorker("(f) after an extension request")
	require.Equal(t, wire.ExtensionPending, requested.Status)
	ext := strconv.FormatUint(uint64(requested.ID), 10)
	s.expectBureaus(id, "(f) request", map[string]killStand{
		"rsj": {"completed", 2, v2.flags()}, "scj": {"awaiting_submission", 1, []string{"overdue", "extension_requested"}},
		"mzj": {"awaiting_publication", 1, mzj1.flags()},
	})
	s.expectStatus(id, "scj", "the pending request", func(st killStatus) bool {
		return st.PendingExtension != nil && st.PendingExtension.ID == requested.ID
	})
	s.waitMails("the request to the office", key("scj", "extension", ext, wire.ExtensionPending))

	var decided killExtended
	s.act(killRequest("POST", path("scj")+"/extensions/"+ext+"/decision", admin, map[string]any{"approve": true, "reason": "同意"}),
		http.StatusOK, &decided)
	s.restartWorker("(f) after the extension's approval")
	require.Equal(t, wire.ExtensionApproved, decided.Status)
	require.NotNil(t, decided.Due)
	require.True(t, decided.Due.Equal(until.EndOfDay()), "extended to %s, want %s", decided.Due, until.EndOfDay())
	rows = s.expectBureaus(id, "(f) approval", map[string]killStand{
		"rsj": {"completed", 2, v2.flags()}, "scj": {"awaiting_submission", 1, []string{"extended"}},
		"mzj": {"awaiting_publication", 1, mzj1.flags()},
	})
	require.True(t, rows["scj"].SubmissionDue.Equal(*decided.Due))
	s.waitMails("the approval to the bureau", key("scj", "extension", ext, wire.ExtensionApproved))

	// (h) The close, with the worker killed once the cycle began closing:
	// the next worker finishes it and stops the bureaus still waiting.
	closeCall := killRequest("POST", "/api/v1/cycles/"+id+"/close", admin, map[string]any{"reason": "年度督察工作结束，提前关闭周期"})
	closing := s.count(&models.AuditEvent{}, "action = ? AND target_id = ?", "cycle.closing", id)
	require.Zero(t, closing)
	pending = s.start(closeCall)
	s.killWhen("(h) close", pending, func() bool {
		return s.count(&models.AuditEvent{}, "action = ? AND target_id = ?", "cycle.closing", id) > 0
	})
	s.startWorker()
	var closed struct {
		Status  string `json:"status"`
		Outcome struct {
			Bureaus, Completed, Unfinished int
		} `json:"outcome"`
	}
	s.finish(closeCall, pending, http.StatusOK, &closed)
	require.Equal(t, "closed", closed.Status)
	require.Equal(t, 3, closed.Outcome.Bureaus)
	require.Equal(t, 1, closed.Outcome.Completed)
	require.Equal(t, 2, closed.Outcome.Unfinished)
	s.expectBureaus(id, "(h)", map[string]killStand{
		"rsj": {"completed", 2, v2.flags()}, "scj": {"awaiting_submission", 1, []string{"extended", "unfinished"}},
		"mzj": {"awaiting_publication", 1, append(mzj1.flags(), "unfinished")},
	})
	var cycle struct{ Status string }
	require.Equal(t, http.StatusOK, s.get("/api/v1/cycles/"+id, admin, &cycle).status)
	require.Equal(t, "closed", cycle.Status)

	// Every workflow ended, and each bureau's own account agrees.
	ctx := context.Background()
	for _, wf := range []string{wire.CycleWorkflowID(id), wire.BureauWorkflowID(id, "rsj"), wire.BureauWorkflowID(id, "scj"), wire.BureauWorkflowID(id, "mzj")} {
		waitFor(t, time.Minute, wf+" to complete", func() bool {
			desc, err := s.temporal.DescribeWorkflowExecution(ctx, wf, "")
			require.NoError(t, err)
			return desc.WorkflowExecutionInfo.Status == enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED
		})
	}
	for org, stage := range map[string]string{"scj": "awaiting_submission", "mzj": "awaiting_publication"} {
		st := s.expectStatus(id, org, "closed", func(st killStatus) bool { return st.Closed })
		require.Equal(t, stage, st.Stage, org)
	}
	st = s.expectStatus(id, "rsj", "completed", func(st killStatus) bool { return st.Stage == "completed" })
	require.False(t, st.Closed, "rsj completed before the close and was not stopped by it")

	// Every notification is in the outbox once and went out by e-mail
	// once, to every address of its recipient.
	recipients := map[string]string{
		key("rsj", "notice"): "rsj", key("scj", "notice"): "scj", key("mzj", "notice"): "mzj",
		key("rsj", "review", "v1"): "rsj", key("rsj", "review", "v2"): "rsj", key("mzj", "review", "v1"): "mzj",
		overdueKey + "/bureau": "scj", milestoneKey: "fzb",
		key("scj", "extension", ext, wire.ExtensionPending): "fzb", key("scj", "extension", ext, wire.ExtensionApproved): "scj",
	}
	waitFor(t, time.Minute, "every notification delivered", func() bool {
		return s.count(&models.Notification{}, "status <> ?", models.NotificationDelivered) == 0
	})
	var outbox []models.Notification
	require.NoError(t, s.db.Order("id").Find(&outbox).Error)
	keys := map[string]bool{}
	for _, n := range outbox {
		keys[n.IdempotencyKey] = true
		_, expected := recipients[n.IdempotencyKey]
		require.True(t, expected, "unexpected notification %s (%s)", n.IdempotencyKey, n.Subject)
		require.Zero(t, n.Attempts, "%s needed retries: %s", n.IdempotencyKey, n.LastError)
		states, err := notify.ChannelStates(n)
		require.NoError(t, err)
		require.Equal(t, notify.StateSent, states["email"].State, n.IdempotencyKey)
	}
	require.Len(t, keys, len(recipients), "notifications missing from the outbox")
	require.Empty(t, s.mail.Errors())
	mails := s.mailsByID()
	require.Len(t, mails, len(recipients), "e-mails other than the outbox's")
	for k, org := range recipients {
		got := mails[killMessageID(k)]
		require.Lenf(t, got, 1, "e-mail of %s (Message-Id %s)", k, killMessageID(k))
		require.ElementsMatch(t, mailboxes[org], got[0].Rcpts, k)
	}

	// The deadline steps: the one overdue notice, no reminder, no
	// escalation (3 working days away), nothing for the deadline extended.
	var stepRows []models.DeadlineStep
	require.NoError(t, s.db.Find(&stepRows).Error)
	require.Len(t, stepRows, 1)
	require.Equal(t, overdueKey, stepRows[0].Key)
	require.Equal(t, "scj", stepRows[0].OrgCode)

	// The audit log holds each action once, and its chain is intact.
	type event struct{ action, target string }
	want := map[event]int{}
	for _, e := range []event{
		{"cycle.created", id}, {"cycle.launch_requested", id}, {"notice.issued", id},
		{"submission.accepted", id + "/rsj/v1"}, {"submission.accepted", id + "/mzj/v1"},
		{"review.returned", id + "/rsj/v1"}, {"submission.accepted", id + "/rsj/v2"},
		{"review.approved", id + "/rsj/v2"}, {"review.approved", id + "/mzj/v1"},
		{"publication.recorded", id + "/rsj"},
		{"deadline.overdue", id + "/scj"}, {"milestone.compiled", id},
		{"extension.requested", id + "/scj"}, {"extension.approved", id + "/scj"},
		{"cycle.closing", id}, {"bureau.closed", id + "/scj"}, {"bureau.closed", id + "/mzj"}, {"cycle.closed", id},
	} {
		want[e] = 1
	}
	var events []models.AuditEvent
	require.NoError(t, s.db.Where("target_id = ? OR target_id LIKE ?", id, id+"/%").Order("seq").Find(&events).Error)
	got := map[event]int{}
	for _, e := range events {
		got[event{e.Action, e.TargetID}]++
	}
	require.Equal(t, want, got)
	chain, err := audit.Verify(ctx, s.db)
	require.NoError(t, err)
	require.True(t, chain.OK(), "audit chain: %+v", chain.Problems)

	// The last worker, the server and Temporal stop cleanly.
	s.worker.stop(30 * time.Second)
	s.server.stop(30 * time.Second)
	s.temporalProc.stop(30 * time.Second)
	t.Logf("%d workers, %s in all", s.workers, time.Since(began).Round(time.Second))
}

// killSubmitted is the answer to an upload.
type killSubmitted struct {
	Version  int    `json:"version"`
	Round    int    `json:"round"`
	Stage    string `json:"stage"`
	Warnings []any  `json:"warnings"`
}

// flags are the read model's flags right after this submission.
func (v killSubmitted) flags() []string {
	if len(v.Warnings) > 0 {
		return []string{"warnings"}
	}
	return nil
}

// killReviewed is the answer to a review.
type killReviewed struct {
	Version       int        `json:"version"`
	Stage         string     `json:"stage"`
	Round         int        `json:"round"`
	SubmissionDue *time.Time `json:"submission_due"`
}

// killExtended is the answer to an extension request or decision.
type killExtended struct {
	ID     uint       `json:"id"`
	Status string     `json:"status"`
	Due    *time.Time `json:"due"`
}

// fill downloads the bureau's template and fills it with values.
func (s *killStack) fill(bureauPath, token string, values map[string]any) []byte {
	s.t.Helper()
	r := s.send(killCall{method: "GET", path: bureauPath + "/template", token: token})
	require.NoError(s.t, r.err)
	require.Equal(s.t, http.StatusOK, r.status, string(r.body))
	data, err := returntest.Fill(r.body, returntest.Filled{Values: values, Info: returntest.Info})
	require.NoError(s.t, err)
	return data
}

// killWhen kills the worker as soon as inFlight holds while the request
// behind pending (if any) is unanswered; when the answer comes first, the
// kill lands after the action and the test says so.
func (s *killStack) killWhen(stage string, pending <-chan killReply, inFlight func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !inFlight() {
		require.True(s.t, time.Now().Before(deadline), "%s: never reached the workflow", stage)
		if len(pending) > 0 {
			s.t.Logf("%s: answered before the test saw it in flight", stage)
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	if len(pending) > 0 {
		s.t.Logf("%s: answered before the kill", stage)
	}
	s.killWorker(stage)
}

// workdaysAfter is the due instant n working days after t: 23:59:59 China
// time of the nth working day.
func killWorkdaysAfter(cal *calendar.Calendar, t time.Time, n int) time.Time {
	return cal.AddWorkdaysDate(calendar.DateOf(t), n).EndOfDay().UTC()
}
