package notify_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
)

// robot is a stand-in for a DingTalk custom robot: it records what it is
// sent and answers with the given status and body.
type robot struct {
	mu       sync.Mutex
	requests []robotRequest
	status   int
	answer   string
}

type robotRequest struct {
	query       url.Values
	contentType string
	body        []byte
}

func (r *robot) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.requests = append(r.requests, robotRequest{query: req.URL.Query(), contentType: req.Header.Get("Content-Type"), body: body})
	status, answer := r.status, r.answer
	r.mu.Unlock()
	if status == 0 {
		status = http.StatusOK
	}
	if answer == "" {
		answer = `{"errcode":0,"errmsg":"ok"}`
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, answer)
}

func (r *robot) set(status int, answer string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status, r.answer = status, answer
}

func (r *robot) got() []robotRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]robotRequest(nil), r.requests...)
}

func startRobot(t *testing.T) (*robot, string) {
	t.Helper()
	r := &robot{}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return r, srv.URL + "/robot/send?access_token=tok-123456"
}

// The message is DingTalk's markdown JSON (with WeCom's content field),
// signed with the secret the DingTalk way.
func TestWebhookPostsSignedDingTalkMarkdown(t *testing.T) {
	t.Parallel()
	r, target := startRobot(t)
	now := time.Date(2025, 2, 27, 9, 0, 0, 0, time.UTC)
	const secret = "SEC0123456789abcdef"
	w, err := notify.NewWebhook(notify.WebhookSettings{URL: target, Secret: secret, Now: func() time.Time { return now }})
	require.NoError(t, err)
	require.NoError(t, w.Deliver(t.Context(), delivery()))

	got := r.got()
	require.Len(t, got, 1)
	req := got[0]
	require.Equal(t, "application/json; charset=utf-8", req.contentType)
	require.Equal(t, "tok-123456", req.query.Get("access_token"), "the robot's token stays")
	ts := req.query.Get("timestamp")
	require.Equal(t, strconv.FormatInt(now.UnixMilli(), 10), ts)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + secret))
	require.Equal(t, base64.StdEncoding.EncodeToString(mac.Sum(nil)), req.query.Get("sign"))
	require.Equal(t, notify.DingTalkSign(ts, secret), req.query.Get("sign"))

	var msg map[string]any
	require.NoError(t, json.Unmarshal(req.body, &msg))
	require.Equal(t, "markdown", msg["msgtype"])
	md := msg["markdown"].(map[string]any)
	require.Equal(t, "关于报送2024年度法治政府建设年度报告的提醒", md["title"])
	require.Equal(t, "#### 【提醒】关于报送2024年度法治政府建设年度报告的提醒\n\n"+
		"**某市人力资源和社会保障局**\n\n"+
		"贵单位的年度报告报送截止日期为2025年3月1日，距截止还有2天。\n\n"+
		"请及时登录系统上传填报表和年度报告。\n\n"+
		"[查看详情](https://fzb.example.gov.cn/cycles/2024-abcdef/bureaus/rsj)", md["text"])
	require.Equal(t, md["text"], md["content"])
}

func TestWebhookWithoutSecretIsUnsigned(t *testing.T) {
	t.Parallel()
	r, target := startRobot(t)
	w, err := notify.NewWebhook(notify.WebhookSettings{URL: target})
	require.NoError(t, err)
	require.NoError(t, w.Deliver(t.Context(), delivery()))
	q := r.got()[0].query
	require.Empty(t, q.Get("sign"))
	require.Empty(t, q.Get("timestamp"))
}

// A non-2xx answer and a 200 with errcode ≠ 0 are failures; neither the
// error nor anything else repeats the robot's access token.
func TestWebhookFailures(t *testing.T) {
	t.Parallel()
	r, target := startRobot(t)
	w, err := notify.NewWebhook(notify.WebhookSettings{URL: target, Secret: "s"})
	require.NoError(t, err)

	r.set(http.StatusBadGateway, "upstream down")
	err = w.Deliver(t.Context(), delivery())
	require.ErrorContains(t, err, "502")
	require.NotContains(t, err.Error(), "tok-123456")

	r.set(http.StatusOK, `{"errcode":310000,"errmsg":"sign not match"}`)
	err = w.Deliver(t.Context(), delivery())
	require.ErrorContains(t, err, "errcode 310000 sign not match")
	require.NotContains(t, err.Error(), "tok-123456")

	r.set(http.StatusOK, "ok") // not JSON: a generic endpoint's plain answer
	require.NoError(t, w.Deliver(t.Context(), delivery()))

	gone, err := notify.NewWebhook(notify.WebhookSettings{URL: "http://127.0.0.1:1/robot/send?access_token=tok-123456",
		Client: &http.Client{Timeout: 2 * time.Second}})
	require.NoError(t, err)
	err = gone.Deliver(t.Context(), delivery())
	require.Error(t, err)
	require.NotContains(t, err.Error(), "tok-123456")

	for _, bad := range []string{"", "ftp://x/y", "oapi.dingtalk.com/robot/send?access_token=tok-123456", "http://"} {
		_, err := notify.NewWebhook(notify.WebhookSettings{URL: bad})
		require.Error(t, err, bad)
		require.NotContains(t, err.Error(), "tok-123456")
	}
}

// Beyond its rate (DingTalk: 20 a minute) the channel asks to be tried
// again later instead of failing.
func TestWebhookRateLimit(t *testing.T) {
	t.Parallel()
	r, target := startRobot(t)
	clk := newClock()
	w, err := notify.NewWebhook(notify.WebhookSettings{URL: target, PerMinute: 2, Now: clk.Now})
	require.NoError(t, err)
	require.NoError(t, w.Deliver(t.Context(), delivery()))
	require.NoError(t, w.Deliver(t.Context(), delivery()))
	require.ErrorIs(t, w.Deliver(t.Context(), delivery()), notify.ErrRetryLater)
	clk.Advance(30 * time.Second)
	require.NoError(t, w.Deliver(t.Context(), delivery()))
	require.Len(t, r.got(), 3)
}

// Through the dispatcher: a refused message is retried and then delivered.
func TestDispatcherPostsToWebhook(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		seed(t, db)
		r, target := startRobot(t)
		r.set(http.StatusOK, `{"errcode":130101,"errmsg":"send too fast"}`)
		w, err := notify.NewWebhook(notify.WebhookSettings{URL: target, PerMinute: -1})
		require.NoError(t, err)
		enqueue(t, db, reminder("to-robot"))
		clk := newClock()
		d := dispatcher(db, clk, w)
		_, err = d.RunOnce(t.Context())
		require.NoError(t, err)
		row := load(t, db, "to-robot")
		require.Equal(t, 1, row.Attempts)
		require.Contains(t, row.LastError, "send too fast")

		r.set(http.StatusOK, "")
		clk.Advance(row.NextAttemptAt.Sub(clk.Now()))
		_, err = d.RunOnce(t.Context())
		require.NoError(t, err)
		require.Equal(t, models.NotificationDelivered, load(t, db, "to-robot").Status)
		require.Len(t, r.got(), 2)
	})
}

func TestSettingsBuildConfiguredChannels(t *testing.T) {
	t.Parallel()
	chs, err := notify.Settings{}.Channels()
	require.NoError(t, err)
	require.Empty(t, chs)
	chs, err = notify.Settings{
		SMTP:    notify.SMTPSettings{Addr: "smtp.example.gov.cn:465", From: "fzb@example.gov.cn", TLS: notify.SMTPTLS},
		Webhook: notify.WebhookSettings{URL: "https://oapi.dingtalk.com/robot/send?access_token=x", Secret: "s"},
	}.Channels()
	require.NoError(t, err)
	require.Len(t, chs, 2)
	require.Equal(t, "email", chs[0].Name())
	require.Equal(t, "webhook", chs[1].Name())
	_, err = notify.Settings{Webhook: notify.WebhookSettings{Secret: "s"}}.Channels()
	require.Error(t, err, "a secret without a URL is a mistake")
	_, err = notify.Settings{SMTP: notify.SMTPSettings{Addr: "smtp.example.gov.cn"}}.Channels()
	require.Error(t, err, "no sender")
}
