package notify

import (
	"context"
	"errors"
	"strings"
	"time"
)

// Channel delivers notifications one way (e-mail, a webhook). The in-app
// inbox is not a channel: the outbox row is the inbox item.
type Channel interface {
	// Name identifies the channel in the row's channel states; stable.
	Name() string
	// Deliver sends one notification. It returns nil once delivered,
	// ErrNoRecipients when the channel has nobody to send it to,
	// ErrRetryLater to be asked again soon without counting a failed
	// attempt, and any other error for a failure to retry with backoff.
	Deliver(ctx context.Context, d Delivery) error
}

var (
	// ErrNoRecipients: the channel has no address for the recipients
	// (no user of the organisation has an e-mail address, say). The
	// channel counts as done for this notification.
	ErrNoRecipients = errors.New("no recipients for this channel")
	// ErrRetryLater: the channel cannot take the notification now (its
	// own rate limit); the dispatcher tries again shortly.
	ErrRetryLater = errors.New("channel busy, retry later")
)

// Settings configure the channels (from the environment, by the worker).
type Settings struct {
	SMTP    SMTPSettings
	Webhook WebhookSettings
}

// Channels builds the configured channels: e-mail when an SMTP address is
// set, the webhook when its URL is. None configured leaves the inbox alone.
func (s Settings) Channels() ([]Channel, error) {
	var out []Channel
	if s.SMTP.Addr != "" {
		e, err := NewEmail(s.SMTP)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if s.Webhook.URL != "" {
		w, err := NewWebhook(s.Webhook)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	} else if s.Webhook.Secret != "" {
		return nil, errors.New("LAWCYCLE_WEBHOOK_SECRET is set but LAWCYCLE_WEBHOOK_URL is not")
	}
	return out, nil
}

// Delivery is a notification as channels receive it: the message and its
// resolved recipients.
type Delivery struct {
	ID   uint
	Key  string
	Kind Kind
	// OrgCode and OrgName are the addressed organisation's, if any.
	OrgCode string
	OrgName string
	UserID  *uint
	Subject string
	Body    string
	// URL is the message's link made absolute with the public URL; empty
	// when there is no link or no public URL to make it absolute with.
	URL string
	// Emails are the addresses of the recipients that have one: the user,
	// or the organisation's enabled users and its contact mailbox.
	Emails    []string
	CreatedAt time.Time
}

// absoluteURL joins the public base URL and a link of the web UI.
func absoluteURL(base, link string) string {
	switch {
	case link == "":
		return ""
	case strings.HasPrefix(link, "https://"), strings.HasPrefix(link, "http://"):
		return link
	case base == "":
		return ""
	}
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(link, "/")
}
