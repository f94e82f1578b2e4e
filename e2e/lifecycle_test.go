package e2e

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// The bureaus of the lifecycle test and the path each one takes.
const (
	onTime = "rsj" // submits, is approved and publishes in time
	rounds = "scj" // is returned once, resubmits, is approved, publishes
	late   = "sfj" // misses both deadlines: overdue twice, submits and publishes late
	ext    = "jyj" // is refused an extension, then granted one; never publishes
	silent = "wjj" // never submits; the cycle closes on it
)

// One cycle of five bureaus through every stage of docs/domain.md#bureau-stages over the HTTP
// API on the embedded Temporal server, with the submission and publication
// deadlines a minute apart. The test then checks the read model, every
// bureau's inbox, the e-mails a real SMTP server received (each exactly
// once), the milestones, the public list and the audit log (complete and
// unbroken). Reminders and the escalation are 09:00 on working days
// around the due day, so they cannot fall inside a test: the virtual-time
// tests of package workflows cover them.
func TestLifecycleOverHTTP(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		lc := newLifecycleRun(t, db, 45*time.Second, 30*time.Second)
		lc.launch()
		started := time.Now()

		// Before the submission deadline.
		lc.submit(onTime, 1, nil)
		lc.approve(onTime, 1)
		lc.publish(onTime, false)

		lc.submit(rounds, 1, nil)
		lc.review(lc.reviewer, rounds, map[string]any{"decision": "return", "resubmit_due": "3个工作日",
			"comments": []map[string]any{{"message": "请补充行政复议案件数的统计口径。"}}}, http.StatusCreated)
		changed := lc.submit(rounds, 2, func(values map[string]any) { values[lc.firstIndicator] = 7 })
		lc.approve(rounds, 2)
		lc.publish(rounds, false)

		refused := lc.requestExtension(ext)
		lc.decideExtension(ext, refused, false)
		granted := lc.requestExtension(ext)
		lc.decideExtension(ext, granted, true)
		t.Logf("on-time paths done in %s", time.Since(started).Round(time.Millisecond))
		require.Truef(t, time.Now().Before(lc.submissionDue),
			"the on-time paths took longer than the %s before the submission deadline", time.Until(lc.submissionDue))

		// The submission deadline passes: overdue notices for the two who
		// owe it, and the office's list of missing bureaus; the bureau whose
		// deadline moved is neither.
		lc.waitFlag(late, "overdue", lc.submissionDue)
		lc.waitFlag(silent, "overdue", lc.submissionDue)
		missing := lc.waitMilestone(wire.DeadlineSubmission, lc.submissionDue)
		require.ElementsMatch(t, []string{late, silent}, entryCodes(missing))
		require.NotContains(t, lc.bureau(ext).Flags, "overdue", "the extended bureau is not overdue")

		lc.submit(late, 1, nil)
		require.Contains(t, lc.bureau(late).Flags, "late_submission")
		lc.approve(late, 1)
		lc.submit(ext, 1, nil)
		require.NotContains(t, lc.bureau(ext).Flags, "late_submission", "submitted within the extension")
		lc.approve(ext, 1)

		// The publication deadline passes: the compliance list and the
		// cycle moves to closing.
		lc.waitFlag(late, "overdue", lc.publicationDue)
		lc.waitFlag(ext, "overdue", lc.publicationDue)
		compliance := lc.waitMilestone(wire.DeadlinePublication, lc.publicationDue)
		require.ElementsMatch(t, []string{late, ext, silent}, entryCodes(compliance))
		waitFor(t, 30*time.Second, "cycle closing", func() bool { return lc.cycle(lc.id).Status == "closing" })
		lc.publish(late, true)

		// Close with two bureaus still owing: both are recorded unfinished
		// and every workflow ends.
		var closed struct {
			Status  string         `json:"status"`
			Outcome map[string]int `json:"outcome"`
		}
		r := lc.api.Do("POST", "/api/v1/cycles/"+lc.id+"/close", map[string]any{"reason": "年度督察工作结束"})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &closed)
		require.Equal(t, "closed", closed.Status)
		require.Equal(t, map[string]int{"bureaus": 5, "completed": 3, "unfinished": 2, "late_submitted": 1,
			"late_published": 1, "not_published": 2}, pick(closed.Outcome, "bureaus", "completed", "unfinished",
			"late_submitted", "late_published", "not_published"))

		lc.requireReadModel()
		lc.requireRounds(changed)
		lc.requireWorkflowsEnded()
		lc.requireInboxesAndMail()
		lc.requirePublicList()
		lc.requireAudit()
		lc.recordHistories()
	})
}

// requireReadModel checks every bureau's row once the cycle has closed.
func (lc *lifecycleRun) requireReadModel() {
	t := lc.t
	want := map[string]struct {
		stage string
		round int
		flags []string
	}{
		onTime: {"completed", 1, nil},
		rounds: {"completed", 2, nil},
		late:   {"completed", 1, []string{"late_submission", "published_late"}},
		ext:    {"awaiting_publication", 1, []string{"extended", "overdue", "unfinished"}},
		silent: {"awaiting_submission", 1, []string{"overdue", "unfinished"}},
	}
	for code, w := range want {
		b := lc.bureau(code)
		require.Equal(t, w.stage, b.Stage, code)
		require.Equal(t, w.round, b.Round, code)
		require.ElementsMatch(t, w.flags, withoutWarnings(b.Flags), "%s flags %v", code, b.Flags)
	}
	require.Equal(t, "closed", lc.cycle(lc.id).Status)
}

// requireRounds checks that the bureau returned once sees both rounds, the
// comment its second version answered and what it changed.
func (lc *lifecycleRun) requireRounds(changedKey string) {
	t := lc.t
	var reviews []struct {
		Version  int    `json:"version"`
		Decision string `json:"decision"`
		Comments []struct {
			Message string `json:"message"`
		} `json:"comments"`
	}
	r := lc.as[rounds].Do("GET", lc.path(rounds)+"/reviews", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &reviews)
	require.Len(t, reviews, 2)
	decisions := []string{reviews[0].Decision, reviews[1].Decision}
	require.ElementsMatch(t, []string{"return", "approve"}, decisions)

	var changes struct {
		Version         int  `json:"version"`
		PreviousVersion *int `json:"previous_version"`
		Changes         []struct {
			Indicator string  `json:"indicator"`
			After     *string `json:"after"`
		} `json:"changes"`
	}
	r = lc.as[rounds].Do("GET", lc.path(rounds)+"/submissions/2/changes", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &changes)
	require.NotNil(t, changes.PreviousVersion)
	require.Equal(t, 1, *changes.PreviousVersion)
	require.Len(t, changes.Changes, 1, string(r.Body))
	require.Equal(t, changedKey, changes.Changes[0].Indicator)
	require.True(t, strings.HasPrefix(*changes.Changes[0].After, "7"), *changes.Changes[0].After)
}

// requireWorkflowsEnded checks that closing ended every bureau's workflow
// and the cycle's.
func (lc *lifecycleRun) requireWorkflowsEnded() {
	ctx := context.Background()
	ids := []string{wire.CycleWorkflowID(lc.id)}
	for _, code := range lc.codes {
		ids = append(ids, wire.BureauWorkflowID(lc.id, code))
	}
	for _, id := range ids {
		waitFor(lc.t, 30*time.Second, id+" to complete", func() bool {
			desc, err := temporalClient.DescribeWorkflowExecution(ctx, id, "")
			require.NoError(lc.t, err)
			return desc.WorkflowExecutionInfo.Status == enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED
		})
	}
}

// requireInboxesAndMail checks what each organisation was told, in its
// inbox and by e-mail, and that no e-mail arrived twice.
func (lc *lifecycleRun) requireInboxesAndMail() {
	t := lc.t
	notice, overdue, returned, approved := "【通知】", "【逾期】", "【退回修改】", "【审核通过】"
	extension, request := "【延期】", "【延期申请】"
	want := map[string][]string{
		onTime: {notice, approved},
		rounds: {notice, returned, approved},
		late:   {notice, overdue, approved, overdue},
		ext:    {notice, extension, extension, approved, overdue},
		silent: {notice, overdue},
		// The office: both extension requests and both milestones.
		"fzb": {request, request, overdue, overdue},
	}
	for org, prefixes := range want {
		inbox := lc.inbox(org)
		require.ElementsMatch(t, prefixes, subjectPrefixes(inbox), "%s inbox: %v", org, inbox)
		addr := org + "@linhai.test"
		waitFor(t, time.Minute, "e-mails to "+addr, func() bool { return len(lc.mail.To(addr)) >= len(prefixes) })
		var subjects []string
		for _, m := range lc.mail.To(addr) {
			subjects = append(subjects, m.Subject)
			require.Contains(t, m.Body, "lawcycle", "the footer of an e-mail to %s", addr)
		}
		require.ElementsMatch(t, inbox, subjects, "the e-mails to %s are its inbox", addr)
	}
	seen := map[string]bool{}
	for _, m := range lc.mail.Mails() {
		require.NotEmpty(t, m.MessageID)
		require.False(t, seen[m.MessageID], "e-mail %s (%s) delivered twice", m.MessageID, m.Subject)
		seen[m.MessageID] = true
	}
	require.Empty(t, lc.mail.Errors())
}

// requirePublicList checks the public list of published reports.
func (lc *lifecycleRun) requirePublicList() {
	t := lc.t
	var reports []struct {
		CycleID string `json:"cycle_id"`
		OrgCode string `json:"org_code"`
		IndexNo string `json:"index_no"`
		Late    bool   `json:"late"`
	}
	r := lc.api.With("").Do("GET", "/api/v1/public/reports?year=2025", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &reports)
	late := map[string]bool{}
	for _, p := range reports {
		if p.CycleID == lc.id {
			require.NotEmpty(t, p.IndexNo, p.OrgCode)
			late[p.OrgCode] = p.Late
		}
	}
	require.Equal(t, map[string]bool{onTime: false, rounds: false, "sfj": true}, late)
}

// requireAudit counts the audit log's lifecycle events and verifies its
// hash chain.
func (lc *lifecycleRun) requireAudit() {
	t := lc.t
	var rows []struct {
		Action string
		N      int
	}
	require.NoError(t, lc.db.Model(&models.AuditEvent{}).Select("action, count(*) AS n").Group("action").Scan(&rows).Error)
	got := map[string]int{}
	for _, r := range rows {
		got[r.Action] = r.N
	}
	want := map[string]int{
		"cycle.created": 1, "notice.issued": 1,
		"submission.accepted": 5, "review.returned": 1, "review.approved": 4,
		"extension.requested": 2, "extension.refused": 1, "extension.approved": 1,
		"deadline.overdue": 4, "deadline.reminder": 0, "deadline.escalated": 0,
		"milestone.compiled": 2, "publication.recorded": 3,
		// Only the two unfinished bureaus are closed by the cycle: a
		// bureau's workflow ends when it publishes.
		"bureau.closed": 2, "cycle.closing": 1, "cycle.closed": 1,
	}
	for action, n := range want {
		require.Equal(t, n, got[action], "audit events %s", action)
	}
	report, err := audit.Verify(context.Background(), lc.db)
	require.NoError(t, err)
	require.True(t, report.OK(), "audit chain: %+v", report.Problems)
}

func entryCodes(entries []milestoneEntry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.OrgCode)
	}
	return out
}

// withoutWarnings drops the flag a return's warnings set: it depends on
// the filled values, not on the lifecycle.
func withoutWarnings(flags []string) []string {
	return slices.DeleteFunc(slices.Clone(flags), func(f string) bool { return f == "warnings" })
}

func subjectPrefixes(subjects []string) []string {
	out := make([]string, len(subjects))
	for i, s := range subjects {
		out[i], _, _ = strings.Cut(s, "】")
		out[i] += "】"
	}
	return out
}

func pick(m map[string]int, keys ...string) map[string]int {
	out := map[string]int{}
	for _, k := range keys {
		out[k] = m[k]
	}
	return out
}

// today is the China date of now, as a publication's issue date.
func today() string { return chinatime.Date(time.Now()) }
