package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// WebhookSettings configure the webhook channel.
type WebhookSettings struct {
	// URL receives a POST per notification: a DingTalk custom robot
	// (https://oapi.dingtalk.com/robot/send?access_token=…), a WeCom group
	// robot (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…) or
	// any endpoint that takes the same JSON.
	URL string
	// Secret, when set, signs each request the DingTalk way ("加签"):
	// timestamp and sign query parameters, HMAC-SHA256 of
	// "timestamp\nsecret" keyed with the secret, base64.
	Secret string
	// Client sends the requests; nil means one with a 30 s timeout.
	Client *http.Client
	// PerMinute limits the messages this process sends (DingTalk robots
	// accept 20 a minute); beyond it the dispatcher retries shortly.
	// 0 means 20; negative means no limit.
	PerMinute int
	// Now is the clock for signatures, replaceable in tests.
	Now func() time.Time
}

// Webhook posts notifications as robot markdown messages:
//
//	{"msgtype":"markdown","markdown":{"title":…,"text":…,"content":…}}
//
// title and text are DingTalk's fields, content WeCom's (the same text);
// each robot ignores the other's. A non-2xx answer, or a JSON answer whose
// errcode is not 0, is a failure.
type Webhook struct {
	s       WebhookSettings
	target  *url.URL
	limiter *rate.Limiter
}

// NewWebhook checks the settings and builds the channel.
func NewWebhook(s WebhookSettings) (*Webhook, error) {
	u, err := url.Parse(s.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		// The URL carries the robot's access token: never echo it.
		return nil, errors.New("LAWCYCLE_WEBHOOK_URL must be an http(s) URL")
	}
	if s.Client == nil {
		s.Client = &http.Client{Timeout: 30 * time.Second}
	}
	w := &Webhook{s: s, target: u}
	switch {
	case s.PerMinute == 0:
		w.limiter = rate.NewLimiter(rate.Every(time.Minute/20), 20)
	case s.PerMinute > 0:
		w.limiter = rate.NewLimiter(rate.Every(time.Minute/time.Duration(s.PerMinute)), s.PerMinute)
	}
	return w, nil
}

// Name implements Channel.
func (w *Webhook) Name() string { return "webhook" }

func (w *Webhook) now() time.Time {
	if w.s.Now != nil {
		return w.s.Now()
	}
	return time.Now()
}

// RobotMessage is the JSON body posted to the webhook.
type RobotMessage struct {
	MsgType  string        `json:"msgtype"`
	Markdown RobotMarkdown `json:"markdown"`
}

// RobotMarkdown is a robot's markdown message.
type RobotMarkdown struct {
	Title   string `json:"title"`
	Text    string `json:"text"`
	Content string `json:"content"`
}

// Deliver implements Channel.
func (w *Webhook) Deliver(ctx context.Context, d Delivery) error {
	if w.limiter != nil && !w.limiter.AllowN(w.now(), 1) {
		return ErrRetryLater
	}
	text := robotText(d)
	body, err := json.Marshal(RobotMessage{MsgType: "markdown", Markdown: RobotMarkdown{Title: d.Subject, Text: text, Content: text}})
	if err != nil {
		return fmt.Errorf("encode webhook message: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.signedURL(), bytes.NewReader(body))
	if err != nil {
		return errors.New("build webhook request")
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	res, err := w.s.Client.Do(req)
	if err != nil {
		// *url.Error repeats the URL and with it the access token.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("post to webhook %s: %w", w.target.Host, err)
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("webhook %s answered %s: %s", w.target.Host, res.Status, truncate(strings.TrimSpace(string(answer)), 300))
	}
	var robot struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if json.Unmarshal(answer, &robot) == nil && robot.ErrCode != nil && *robot.ErrCode != 0 {
		return fmt.Errorf("webhook %s refused the message: errcode %d %s", w.target.Host, *robot.ErrCode, robot.ErrMsg)
	}
	return nil
}

// signedURL is the target with DingTalk's timestamp and sign parameters
// when a secret is set.
func (w *Webhook) signedURL() string {
	if w.s.Secret == "" {
		return w.target.String()
	}
	ts := strconv.FormatInt(w.now().UnixMilli(), 10)
	u := *w.target
	q := u.Query()
	q.Set("timestamp", ts)
	q.Set("sign", DingTalkSign(ts, w.s.Secret))
	u.RawQuery = q.Encode()
	return u.String()
}

// DingTalkSign is the signature of a DingTalk robot request at timestamp
// (milliseconds since 1970, as sent): base64(HMAC-SHA256(secret,
// timestamp+"\n"+secret)).
func DingTalkSign(timestamp, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// robotText is the message as robot markdown: a heading with the kind and
// subject, the addressee, the body one paragraph per line, and the link.
func robotText(d Delivery) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#### 【%s】%s\n\n", d.Kind.Label(), d.Subject)
	if d.OrgName != "" {
		fmt.Fprintf(&b, "**%s**\n\n", d.OrgName)
	}
	for _, line := range strings.Split(strings.ReplaceAll(d.Body, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			b.WriteString(line + "\n\n")
		}
	}
	if d.URL != "" {
		fmt.Fprintf(&b, "[查看详情](%s)\n", d.URL)
	}
	return strings.TrimRight(b.String(), "\n")
}
