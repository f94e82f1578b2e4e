package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/mailtest"
	"github.com/lawcycle/lawcycle/internal/returntest"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/wire"
)

// lifecycleRun is one cycle driven over the API, with the notification
// dispatcher delivering to a loopback SMTP server.
type lifecycleRun struct {
	*stack
	mail     *mailtest.Server
	reviewer apitest.Client
	// as holds a bureau user's client per bureau code, and the office's
	// reviewer under "fzb".
	as             map[string]apitest.Client
	codes          []string
	id             string
	submissionDue  time.Time
	publicationDue time.Time
	firstIndicator string
}

// newLifecycleRun seeds the office fzb and the five bureaus, each with a
// contact mailbox and a user, and creates a cycle whose deadlines fall
// submitIn and then publishIn after it.
func newLifecycleRun(t *testing.T, db *gorm.DB, submitIn, publishIn time.Duration) *lifecycleRun {
	s := newStack(t, db)
	mail, err := mailtest.Start()
	require.NoError(t, err)
	t.Cleanup(func() { _ = mail.Close() })
	startDispatcher(t, db, mail.Addr())

	lc := &lifecycleRun{stack: s, mail: mail, as: map[string]apitest.Client{},
		codes: []string{onTime, rounds, late, ext, silent}}
	names := map[string]string{onTime: "临海市人力资源和社会保障局", rounds: "临海市市场监督管理局",
		late: "临海市司法局", ext: "临海市教育局", silent: "临海市卫生健康局"}
	orgs := []map[string]any{{"code": "fzb", "name": "临海市法治办", "kind": "office", "contact_email": "fzb@linhai.test"}}
	for _, code := range lc.codes {
		orgs = append(orgs, map[string]any{"code": code, "name": names[code], "kind": "bureau",
			"parent_code": "fzb", "contact_email": code + "@linhai.test"})
	}
	r := s.api.Do("POST", "/api/v1/orgs", orgs)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	lc.reviewer = s.login("fzb-reviewer", "reviewer", "fzb")
	lc.as["fzb"] = lc.reviewer
	for _, code := range lc.codes {
		lc.as[code] = s.login(code+"-clerk", "bureau", code)
	}

	lc.submissionDue = time.Now().Add(submitIn).Truncate(time.Second)
	lc.publicationDue = lc.submissionDue.Add(publishIn)
	r = s.api.Do("POST", "/api/v1/cycles", map[string]any{
		"year": 2025, "office_code": "fzb", "bureau_codes": lc.codes,
		"submission_due":  lc.submissionDue.Format(time.RFC3339),
		"publication_due": lc.publicationDue.Format(time.RFC3339),
	})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var v cycleView
	r.JSON(t, &v)
	lc.id = v.ID

	cat, err := catalogue.Builtin().ComposeFor("")
	require.NoError(t, err)
	lc.firstIndicator = cat.Indicators()[0].Key
	return lc
}

// startDispatcher delivers the outbox to the SMTP server at addr, polling
// often so that the test need not wait.
func startDispatcher(t *testing.T, db *gorm.DB, addr string) {
	channels, err := notify.Settings{SMTP: notify.SMTPSettings{Addr: addr, From: "lawcycle@linhai.test", TLS: notify.SMTPNoTLS}}.Channels()
	require.NoError(t, err)
	d := &notify.Dispatcher{DB: db, Channels: channels, PollInterval: 200 * time.Millisecond,
		BaseDelay: time.Second, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(ctx)
	}()
	t.Cleanup(func() { cancel(); <-done })
}

func (lc *lifecycleRun) path(code string) string {
	return "/api/v1/cycles/" + lc.id + "/bureaus/" + code
}

func (lc *lifecycleRun) launch() {
	r := lc.api.Do("POST", "/api/v1/cycles/"+lc.id+"/launch", nil)
	require.Equal(lc.t, http.StatusOK, r.Status, string(r.Body))
	waitFor(lc.t, 30*time.Second, "bureaus awaiting submission", func() bool {
		return lc.cycle(lc.id).Progress["awaiting_submission"] == int64(len(lc.codes))
	})
}

// submit uploads a plausible return as version `version` of the bureau,
// after edit changes its values; it returns the key edit changed, if any.
func (lc *lifecycleRun) submit(code string, version int, edit func(map[string]any)) string {
	t := lc.t
	filled, changed := lc.returnFile(code, edit)
	r := lc.as[code].Upload("POST", lc.path(code)+"/submissions", lc.submission(code, filled))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var created struct {
		Version int    `json:"version"`
		Stage   string `json:"stage"`
	}
	r.JSON(t, &created)
	require.Equal(t, version, created.Version, code)
	require.Equal(t, "under_review", created.Stage, code)
	return changed
}

// returnFile fills the bureau's template with plausible values changed by
// edit; it returns the workbook and the key edit changed, if any.
func (lc *lifecycleRun) returnFile(code string, edit func(map[string]any)) ([]byte, string) {
	t := lc.t
	r := lc.as[code].Do("GET", lc.path(code)+"/template", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	cat, err := catalogue.Builtin().ComposeFor("")
	require.NoError(t, err)
	values := returntest.Plausible(cat)
	before := fmt.Sprint(values)
	if edit != nil {
		edit(values)
	}
	filled, err := returntest.Fill(r.Body, returntest.Filled{Values: values, Info: returntest.Info})
	require.NoError(t, err)
	if edit != nil && fmt.Sprint(values) != before {
		return filled, lc.firstIndicator
	}
	return filled, ""
}

// submission is the upload of a filled return with the bureau's report.
func (lc *lifecycleRun) submission(code string, filled []byte) apitest.Multipart {
	report := []byte("%PDF-1.4\n" + code + " 2025年度法治政府建设情况报告\n%%EOF\n")
	return apitest.Multipart{{Field: "file", Name: "报表.xlsx", Data: filled}, {Field: "report", Name: "报告.pdf", Data: report}}
}

func (lc *lifecycleRun) review(as apitest.Client, code string, body map[string]any, status int) apitest.Response {
	lc.t.Helper()
	r := as.Do("POST", lc.path(code)+"/reviews", body)
	require.Equal(lc.t, status, r.Status, string(r.Body))
	return r
}

// approve approves the bureau's version, and checks that approving it a
// second time is refused by the workflow.
func (lc *lifecycleRun) approve(code string, version int) {
	t := lc.t
	var res struct {
		Version int    `json:"version"`
		Stage   string `json:"stage"`
	}
	lc.review(lc.reviewer, code, map[string]any{"decision": "approve"}, http.StatusCreated).JSON(t, &res)
	require.Equal(t, version, res.Version, code)
	require.Contains(t, []string{"approved", "awaiting_publication"}, res.Stage, code)
	again := lc.review(lc.reviewer, code, map[string]any{"decision": "approve"}, http.StatusConflict)
	require.NotEmpty(t, again.Err(t).Error.Message)

	var st struct {
		CanSubmit bool   `json:"can_submit"`
		Waiting   string `json:"waiting"`
	}
	r := lc.as[code].Do("GET", lc.path(code)+"/status", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &st)
	require.False(t, st.CanSubmit, code)
	require.NotEmpty(t, st.Waiting, "why the bureau cannot submit, in Chinese")
}

func (lc *lifecycleRun) publish(code string, late bool) {
	t := lc.t
	r := lc.as[code].Do("POST", lc.path(code)+"/publication", map[string]any{
		"url":       "https://www.linhai.gov.cn/art/2026/" + code + ".html",
		"issued_on": today(), "publisher": "临海市人民政府",
		"secrecy_reviewed": true, "leader_approved": true,
	})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var res struct {
		IndexNo string `json:"index_no"`
		Late    bool   `json:"late"`
		Stage   string `json:"stage"`
	}
	r.JSON(t, &res)
	require.NotEmpty(t, res.IndexNo)
	require.Equal(t, late, res.Late, code)
	require.Equal(t, "completed", res.Stage)
}

// requestExtension asks for five more working days to submit and returns
// the request's id.
func (lc *lifecycleRun) requestExtension(code string) uint {
	t := lc.t
	r := lc.as[code].Do("POST", lc.path(code)+"/extensions", map[string]any{
		"kind": "submission", "until": "5个工作日", "reason": "主要负责同志调整，报告需重新审定",
	})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var res struct {
		ID     uint   `json:"id"`
		Status string `json:"status"`
	}
	r.JSON(t, &res)
	require.Equal(t, "pending", res.Status)
	return res.ID
}

func (lc *lifecycleRun) decideExtension(code string, id uint, approve bool) {
	t := lc.t
	r := lc.api.Do("POST", fmt.Sprintf("%s/extensions/%d/decision", lc.path(code), id),
		map[string]any{"approve": approve, "reason": "经研究，" + map[bool]string{true: "同意", false: "不同意"}[approve]})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var res struct {
		Status string     `json:"status"`
		Due    *time.Time `json:"due"`
	}
	r.JSON(t, &res)
	if !approve {
		require.Equal(t, "refused", res.Status)
		return
	}
	require.Equal(t, "approved", res.Status)
	require.NotNil(t, res.Due)
	require.True(t, res.Due.After(lc.publicationDue.Add(time.Minute)), "five working days after the due date: %v", res.Due)
	require.True(t, lc.bureau(code).SubmissionDue.Equal(*res.Due), "the read model holds the new due date")
}

type bureauRow struct {
	OrgCode       string    `json:"org_code"`
	Stage         string    `json:"stage"`
	Round         int       `json:"round"`
	SubmissionDue time.Time `json:"submission_due"`
	Flags         []string  `json:"flags"`
}

func (lc *lifecycleRun) bureau(code string) bureauRow {
	var rows []bureauRow
	r := lc.api.Do("GET", "/api/v1/cycles/"+lc.id+"/bureaus", nil)
	require.Equal(lc.t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(lc.t, &rows)
	for _, b := range rows {
		if b.OrgCode == code {
			return b
		}
	}
	lc.t.Fatalf("bureau %s not in the cycle", code)
	return bureauRow{}
}

// waitFlag waits for a deadline step (due at the latest by `by`) to set
// flag.
func (lc *lifecycleRun) waitFlag(code, flag string, by time.Time) {
	waitFor(lc.t, time.Until(by)+time.Minute, code+" flagged "+flag, func() bool {
		return slices.Contains(lc.bureau(code).Flags, flag)
	})
}

type milestoneEntry struct {
	OrgCode string `json:"org_code"`
	Status  string `json:"status"`
}

func (lc *lifecycleRun) waitMilestone(kind wire.DeadlineKind, due time.Time) []milestoneEntry {
	var entries []milestoneEntry
	waitFor(lc.t, time.Until(due)+time.Minute, string(kind)+" milestone", func() bool {
		var ms []struct {
			Kind    string           `json:"kind"`
			Entries []milestoneEntry `json:"entries"`
		}
		r := lc.api.Do("GET", "/api/v1/cycles/"+lc.id+"/milestones", nil)
		require.Equal(lc.t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(lc.t, &ms)
		for _, m := range ms {
			if m.Kind == string(kind) {
				entries = m.Entries
				return true
			}
		}
		return false
	})
	return entries
}

// inbox returns the subjects in the organisation's inbox, as one of its
// users reads it.
func (lc *lifecycleRun) inbox(org string) []string {
	var items []struct {
		Subject string `json:"subject"`
	}
	r := lc.as[org].Do("GET", "/api/v1/inbox?limit=200", nil)
	require.Equal(lc.t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(lc.t, &items)
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Subject
	}
	return out
}

// recordHistories writes this run's histories as replay fixtures (see
// recordFixtures).
func (lc *lifecycleRun) recordHistories() {
	paths := map[string]string{onTime: "on-time", rounds: "two-rounds", late: "late", ext: "extension", silent: "closed-waiting"}
	fixtures := map[string]string{}
	for code, name := range paths {
		fixtures["bureau-"+name] = wire.BureauWorkflowID(lc.id, code)
	}
	recordFixtures(lc.t, lc.db, "v3", fixtures, lc.id)
}
