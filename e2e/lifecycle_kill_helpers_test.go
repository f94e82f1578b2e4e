package e2e

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/mailtest"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
)

// The production topology of the worker-kill test (issue #5): embedded
// Temporal, `lawcycle migrate`, one `lawcycle worker` and one `lawcycle
// server` as separate processes on PostgreSQL, e-mail over SMTP to a
// loopback server. The test kills the worker with SIGKILL and starts
// another, as a crash and a supervisor's restart would.

// killMailDomain is the sender's domain, which names every Message-Id.
const killMailDomain = "linhai.example.gov.cn"

// killStack is the topology and what the test needs to drive and watch it.
type killStack struct {
	t *testing.T
	// db is the test's own pool on the schema, for what the API does not
	// show: the outbox, the deadline steps, the audit chain.
	db           *gorm.DB
	env          []string
	mail         *mailtest.Server
	temporal     client.Client
	base         string
	http         *http.Client
	worker       *proc
	workers      int
	server       *proc
	temporalProc *proc
}

func startKillStack(t *testing.T) *killStack {
	t.Helper()
	db, databaseURL := testdb.PostgresSchema(t)
	mail, err := mailtest.Start()
	require.NoError(t, err)
	t.Cleanup(func() { _ = mail.Close() })

	s := &killStack{t: t, db: db, mail: mail, http: &http.Client{Timeout: 45 * time.Second}}
	s.temporalProc = startProc(t, "lawcycle temporal", nil, "temporal", "--data", t.TempDir(), "--port", "0")
	addr := s.temporalProc.waitOutput(temporalPattern, 2*time.Minute)
	s.env = []string{"DATABASE_URL=" + databaseURL, "TEMPORAL_ADDRESS=" + addr, "LAWCYCLE_ADMIN_TOKEN=" + processToken,
		"LAWCYCLE_SMTP_ADDR=" + mail.Addr(), "LAWCYCLE_SMTP_TLS=none",
		"LAWCYCLE_SMTP_FROM=临海市法治办 <fzb@" + killMailDomain + ">"}

	migrate := startProc(t, "lawcycle migrate", s.env, "migrate")
	<-migrate.Done()
	require.NoError(t, migrate.Err(), migrate.Output())
	s.startWorker()
	s.server = startProc(t, "lawcycle server", append(slices.Clone(s.env), "LAWCYCLE_HTTP_ADDR=127.0.0.1:0"), "server")
	s.base = s.server.waitOutput(serverPattern, time.Minute)
	s.temporal, err = client.Dial(client.Options{HostPort: addr, Logger: quietSDKLogger{}})
	require.NoError(t, err)
	t.Cleanup(s.temporal.Close)
	return s
}

func (s *killStack) startWorker() {
	s.t.Helper()
	s.workers++
	s.worker = startProc(s.t, fmt.Sprintf("lawcycle worker #%d", s.workers), s.env, "worker")
	s.worker.waitOutput(workerPattern, time.Minute)
	s.t.Logf("worker #%d running at %s", s.workers, time.Now().Format("15:04:05.000"))
}

// killWorker ends the worker with SIGKILL. It picks a moment when the
// worker's dispatcher holds no notification: one killed between the SMTP
// server's acceptance of a mail and the row's update is sent again when
// its claim's lease ends, minutes later (notify delivers at least once, by
// design), which is not what this test is about.
func (s *killStack) killWorker(stage string) {
	s.t.Helper()
	waitFor(s.t, 10*time.Second, "the dispatcher between deliveries", func() bool { return s.claimed() == 0 })
	s.worker.Kill()
	require.Zerof(s.t, s.claimed(), "%s: the kill landed inside a delivery; its rows stay claimed for the lease", stage)
	var pending int64
	require.NoError(s.t, s.db.Model(&models.Notification{}).Where("status = ?", models.NotificationPending).Count(&pending).Error)
	var stages []string
	require.NoError(s.t, s.db.Model(&models.Participant{}).Order("org_code").
		Select("org_code || ':' || stage || '/' || round").Scan(&stages).Error)
	s.t.Logf("%s: killed worker #%d at %s; bureaus %v, %d notifications not yet delivered",
		stage, s.workers, time.Now().Format("15:04:05.000"), stages, pending)
}

// restartWorker kills the worker and starts the next one at once.
func (s *killStack) restartWorker(stage string) {
	s.t.Helper()
	s.killWorker(stage)
	s.startWorker()
}

// claimed counts outbox rows a dispatcher holds right now.
func (s *killStack) claimed() int64 {
	s.t.Helper()
	var n int64
	require.NoError(s.t, s.db.Model(&models.Notification{}).
		Where("status = ? AND claim_token <> ''", models.NotificationPending).Count(&n).Error)
	return n
}

// killCall is one API request as a person's client sends it.
type killCall struct {
	method, path, token string
	json                any
	files               apitest.Multipart
	// requestID goes out as X-Request-Id, the same on every retry, so the
	// server sends the workflow the same update.
	requestID string
}

func killRequest(method, path, token string, body any) killCall {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return killCall{method: method, path: path, token: token, json: body, requestID: "kill-" + hex.EncodeToString(b)}
}

func killUpload(path, token string, files apitest.Multipart) killCall {
	c := killRequest("POST", path, token, nil)
	c.files = files
	return c
}

type killReply struct {
	status int
	body   []byte
	err    error
	took   time.Duration
}

func (r killReply) String() string {
	if r.err != nil {
		return r.err.Error()
	}
	return fmt.Sprintf("%d %s", r.status, r.body)
}

// retryable: the connection broke, or the server gave up waiting for the
// workflow (503): what a person's client would send again.
func (r killReply) retryable() bool {
	return r.err != nil || r.status == http.StatusServiceUnavailable || r.status == http.StatusGatewayTimeout
}

func (s *killStack) send(c killCall) killReply {
	var body io.Reader
	contentType := ""
	switch {
	case c.files != nil:
		raw, ct, err := c.files.Encode()
		if err != nil {
			return killReply{err: err}
		}
		body, contentType = bytes.NewReader(raw), ct
	case c.json != nil:
		raw, err := json.Marshal(c.json)
		if err != nil {
			return killReply{err: err}
		}
		body, contentType = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequest(c.method, s.base+c.path, body)
	if err != nil {
		return killReply{err: err}
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.requestID != "" {
		req.Header.Set("X-Request-Id", c.requestID)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return killReply{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return killReply{status: resp.StatusCode, body: b, err: err}
}

// start sends c in the background, so that the worker can be killed while
// the server waits for the workflow's answer.
func (s *killStack) start(c killCall) <-chan killReply {
	ch := make(chan killReply, 1)
	go func() {
		began := time.Now()
		r := s.send(c)
		r.took = time.Since(began)
		ch <- r
	}()
	return ch
}

// finish takes the answer to c, sending c again (same request id, after a
// pause as a person's client would) while the answer is a broken
// connection or a 503, and requires want: README promises a retried
// request the first answer, so a retry refused by the state its first
// attempt left behind fails the test.
func (s *killStack) finish(c killCall, pending <-chan killReply, want int, out any) {
	s.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	r := <-pending
	attempts := 1
	for ; r.retryable(); attempts++ {
		require.Truef(s.t, time.Now().Before(deadline), "%s %s never answered; last: %s", c.method, c.path, r)
		s.t.Logf("%s %s (X-Request-Id %s): attempt %d answered %s; sending it again", c.method, c.path, c.requestID, attempts, r)
		time.Sleep(time.Second)
		began := time.Now()
		r = s.send(c)
		r.took = time.Since(began)
	}
	if r.took > 2*time.Second {
		s.t.Logf("%s %s answered %d after %s", c.method, c.path, r.status, r.took.Round(100*time.Millisecond))
	}
	if attempts > 1 && r.status != want {
		s.t.Fatalf("%s %s: the retry (attempt %d, same X-Request-Id %s) answered %s; README promises a retried request the first answer",
			c.method, c.path, attempts, c.requestID, r)
	}
	require.Equalf(s.t, want, r.status, "%s %s (X-Request-Id %s): %s", c.method, c.path, c.requestID, r.body)
	if out != nil {
		require.NoError(s.t, json.Unmarshal(r.body, out), string(r.body))
	}
}

// act sends c and requires want, retrying as finish does.
func (s *killStack) act(c killCall, want int, out any) {
	s.t.Helper()
	s.finish(c, s.start(c), want, out)
}

// get reads path; anything but 200 is returned for the caller to judge.
func (s *killStack) get(path, token string, out any) killReply {
	s.t.Helper()
	r := s.send(killCall{method: "GET", path: path, token: token})
	if r.err == nil && r.status == http.StatusOK && out != nil {
		require.NoError(s.t, json.Unmarshal(r.body, out), string(r.body))
	}
	return r
}

// login creates a user with an e-mail address and returns its token.
func (s *killStack) login(username, role, org, email string) string {
	s.t.Helper()
	s.act(killRequest("POST", "/api/v1/users", processToken, map[string]any{
		"username": username, "password": username + "-password", "role": role, "org_code": org, "email": email,
	}), http.StatusCreated, nil)
	var tok struct{ Token string }
	s.act(killRequest("POST", "/api/v1/tokens", "", map[string]any{"username": username, "password": username + "-password"}),
		http.StatusCreated, &tok)
	require.NotEmpty(s.t, tok.Token)
	return tok.Token
}

// killRow is a row of GET …/bureaus.
type killRow struct {
	OrgCode        string    `json:"org_code"`
	Stage          string    `json:"stage"`
	Round          int       `json:"round"`
	SubmissionDue  time.Time `json:"submission_due"`
	PublicationDue time.Time `json:"publication_due"`
	Flags          []string  `json:"flags"`
}

// killStand is how a bureau should stand in the read model; flags in any order.
type killStand struct {
	stage string
	round int
	flags []string
}

func (w killStand) matches(r killRow) bool {
	a, b := slices.Clone(w.flags), slices.Clone(r.Flags)
	slices.Sort(a)
	slices.Sort(b)
	return r.Stage == w.stage && r.Round == w.round && slices.Equal(a, b)
}

// expectBureaus waits until GET …/bureaus shows the cycle's bureaus as
// want says, no more and no fewer, and returns the rows by org code.
func (s *killStack) expectBureaus(id, stage string, want map[string]killStand) map[string]killRow {
	s.t.Helper()
	began := time.Now()
	deadline := began.Add(time.Minute)
	for {
		var rows []killRow
		r := s.get("/api/v1/cycles/"+id+"/bureaus", processToken, &rows)
		byOrg := map[string]killRow{}
		var wrong []string
		if r.err != nil || r.status != http.StatusOK {
			wrong = append(wrong, r.String())
		}
		for _, row := range rows {
			byOrg[row.OrgCode] = row
			if w, ok := want[row.OrgCode]; !ok || !w.matches(row) {
				wrong = append(wrong, fmt.Sprintf("%s is %s round %d flags %v, want %+v", row.OrgCode, row.Stage, row.Round, row.Flags, w))
			}
		}
		if len(rows) != len(want) {
			wrong = append(wrong, fmt.Sprintf("%d bureaus listed, want %d", len(rows), len(want)))
		}
		if len(wrong) == 0 {
			s.logWait(stage+": read model", began)
			return byOrg
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s: the read model never showed the expected stages: %s", stage, strings.Join(wrong, "; "))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// killStatus is GET …/status: the bureau workflow's own account.
type killStatus struct {
	Stage     string `json:"stage"`
	Round     int    `json:"round"`
	Version   int    `json:"version"`
	CanSubmit bool   `json:"can_submit"`
	Closed    bool   `json:"closed"`
	Deadline  *struct {
		Kind  string    `json:"kind"`
		Round int       `json:"round"`
		Due   time.Time `json:"due"`
		Steps []struct {
			Name string `json:"name"`
			Sent bool   `json:"sent"`
		} `json:"steps"`
	} `json:"deadline"`
	PendingExtension *struct {
		ID uint `json:"id"`
	} `json:"pending_extension"`
}

// sent lists the deadline's steps that went out, and all its steps.
func (st killStatus) steps() (sent, all []string) {
	if st.Deadline == nil {
		return nil, nil
	}
	for _, step := range st.Deadline.Steps {
		all = append(all, step.Name)
		if step.Sent {
			sent = append(sent, step.Name)
		}
	}
	return sent, all
}

// expectStatus waits until the bureau's status route answers (it queries
// the workflow, so a live worker must serve it) and ok holds.
func (s *killStack) expectStatus(id, org, what string, ok func(killStatus) bool) killStatus {
	s.t.Helper()
	began := time.Now()
	deadline := began.Add(time.Minute)
	for {
		var st killStatus
		r := s.get("/api/v1/cycles/"+id+"/bureaus/"+org+"/status", processToken, &st)
		if r.err == nil && r.status == http.StatusOK && ok(st) {
			s.logWait("status of "+org+": "+what, began)
			return st
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("status of %s never showed %s; last answer: %s", org, what, r)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// messageID is the Message-Id of the e-mail of the outbox row with key,
// as notify derives it, without the angle brackets.
func killMessageID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16]) + ".lawcycle@" + killMailDomain
}

// mailsByID groups what the SMTP server received by Message-Id.
func (s *killStack) mailsByID() map[string][]mailtest.Mail {
	out := map[string][]mailtest.Mail{}
	for _, m := range s.mail.Mails() {
		id := strings.TrimSuffix(strings.TrimPrefix(m.MessageID, "<"), ">")
		out[id] = append(out[id], m)
	}
	return out
}

// waitMails waits until the e-mails of the outbox rows with keys arrived.
func (s *killStack) waitMails(what string, keys ...string) {
	s.t.Helper()
	began := time.Now()
	deadline := began.Add(time.Minute)
	for {
		got := s.mailsByID()
		var missing []string
		for _, k := range keys {
			if len(got[killMessageID(k)]) == 0 {
				missing = append(missing, k)
			}
		}
		if len(missing) == 0 {
			s.logWait("e-mails of "+what, began)
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("e-mails of %s never arrived: %v", what, missing)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// count counts rows of model matching the condition.
func (s *killStack) count(model any, query string, args ...any) int64 {
	s.t.Helper()
	var n int64
	require.NoError(s.t, s.db.Model(model).Where(query, args...).Count(&n).Error)
	return n
}

// logWait logs a wait long enough to show a recovery (a task or activity
// timeout of a killed worker).
func (s *killStack) logWait(what string, began time.Time) {
	if d := time.Since(began); d > 2*time.Second {
		s.t.Logf("%s: waited %s", what, d.Round(100*time.Millisecond))
	}
}

// killSleepUntil sleeps until t.
func killSleepUntil(t time.Time) {
	if d := time.Until(t); d > 0 {
		time.Sleep(d)
	}
}
