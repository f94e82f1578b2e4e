package notify

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/lawcycle/lawcycle/internal/chinatime"
)

// SMTP connection security (LAWCYCLE_SMTP_TLS).
const (
	SMTPStartTLS = "starttls" // plain connection upgraded with STARTTLS, required (port 587)
	SMTPTLS      = "tls"      // TLS from the first byte (port 465)
	SMTPNoTLS    = "none"     // no encryption: only for a relay on the same host or network
)

// SMTPSettings configure the e-mail channel.
type SMTPSettings struct {
	// Addr is host:port; without a port, 587, 465 or 25 by TLS mode.
	Addr     string
	Username string
	Password string
	// From is the sender, e.g. "某市法治办 <fzb@example.gov.cn>".
	From string
	// TLS is SMTPStartTLS (the default), SMTPTLS or SMTPNoTLS.
	TLS string
	// TLSConfig overrides the TLS settings (tests trust their own CA).
	TLSConfig *tls.Config
	// Timeout bounds connecting and each SMTP command; 0 means 30 s.
	Timeout time.Duration
	// Now is the clock for the Date header, replaceable in tests.
	Now func() time.Time
}

// Email sends notifications as UTF-8 plain-text mail to the recipients'
// addresses, one message per notification, with a Message-ID derived from
// the idempotency key so that a retried send is recognisable as the same
// message.
type Email struct {
	s      SMTPSettings
	host   string
	port   int
	from   *netmail.Address
	domain string
}

// NewEmail checks the settings and builds the channel.
func NewEmail(s SMTPSettings) (*Email, error) {
	if s.TLS == "" {
		s.TLS = SMTPStartTLS
	}
	defaultPort := map[string]int{SMTPStartTLS: 587, SMTPTLS: 465, SMTPNoTLS: 25}[s.TLS]
	if defaultPort == 0 {
		return nil, fmt.Errorf("LAWCYCLE_SMTP_TLS must be starttls, tls or none, not %q", s.TLS)
	}
	host, portText, err := net.SplitHostPort(s.Addr)
	port := defaultPort
	if err != nil {
		host = s.Addr
	} else if port, err = strconv.Atoi(portText); err != nil || port < 1 || port > 65535 {
		return nil, fmt.Errorf("LAWCYCLE_SMTP_ADDR: bad port in %q", s.Addr)
	}
	if host == "" {
		return nil, fmt.Errorf("LAWCYCLE_SMTP_ADDR: no host in %q", s.Addr)
	}
	if s.From == "" {
		return nil, fmt.Errorf("LAWCYCLE_SMTP_FROM is required with LAWCYCLE_SMTP_ADDR")
	}
	from, err := netmail.ParseAddress(s.From)
	if err != nil {
		return nil, fmt.Errorf("LAWCYCLE_SMTP_FROM %q: %w", s.From, err)
	}
	if (s.Username == "") != (s.Password == "") {
		return nil, fmt.Errorf("LAWCYCLE_SMTP_USERNAME and LAWCYCLE_SMTP_PASSWORD go together")
	}
	if s.Timeout <= 0 {
		s.Timeout = 30 * time.Second
	}
	_, domain, _ := strings.Cut(from.Address, "@")
	return &Email{s: s, host: host, port: port, from: from, domain: domain}, nil
}

// Name implements Channel.
func (e *Email) Name() string { return "email" }

// Deliver implements Channel.
func (e *Email) Deliver(ctx context.Context, d Delivery) error {
	if len(d.Emails) == 0 {
		return ErrNoRecipients
	}
	msg, err := e.message(d)
	if err != nil {
		return err
	}
	client, err := e.client()
	if err != nil {
		return err
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("send mail via %s:%d: %w", e.host, e.port, err)
	}
	return nil
}

func (e *Email) client() (*mail.Client, error) {
	opts := []mail.Option{mail.WithPort(e.port), mail.WithTimeout(e.s.Timeout)}
	tlsConfig := e.s.TLSConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	tlsConfig = tlsConfig.Clone()
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = e.host
	}
	opts = append(opts, mail.WithTLSConfig(tlsConfig))
	switch e.s.TLS {
	case SMTPTLS:
		opts = append(opts, mail.WithSSL())
	case SMTPNoTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	switch {
	case e.s.Username == "":
	case e.s.TLS == SMTPNoTLS:
		// Chosen without encryption: a challenge mechanism when the
		// relay offers one, else PLAIN or LOGIN in the clear.
		opts = append(opts, mail.WithOpportunisticSMTPAuth(mail.SMTPAuthSCRAMSHA256, mail.SMTPAuthSCRAMSHA1,
			mail.SMTPAuthCramMD5, mail.SMTPAuthPlainNoEnc, mail.SMTPAuthLoginNoEnc),
			mail.WithUsername(e.s.Username), mail.WithPassword(e.s.Password))
	default:
		// The strongest mechanism the server offers.
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(e.s.Username), mail.WithPassword(e.s.Password))
	}
	c, err := mail.NewClient(e.host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client: %w", err)
	}
	return c, nil
}

// message builds the mail: headers in UTF-8 encoded words (base64, as
// Chinese mail clients expect), the body in base64-encoded UTF-8.
func (e *Email) message(d Delivery) (*mail.Msg, error) {
	m := mail.NewMsg(mail.WithCharset(mail.CharsetUTF8), mail.WithEncoding(mail.EncodingB64))
	m.FromMailAddress(e.from)
	if err := m.To(d.Emails...); err != nil {
		return nil, fmt.Errorf("recipients %v: %w", d.Emails, err)
	}
	m.Subject(d.Subject)
	now := time.Now()
	if e.s.Now != nil {
		now = e.s.Now()
	}
	m.SetDateWithValue(chinatime.In(now))
	sum := sha256.Sum256([]byte(d.Key))
	m.SetMessageIDWithValue(hex.EncodeToString(sum[:16]) + ".lawcycle@" + e.domain)
	// RFC 3834: an automatic message; auto-responders stay quiet.
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	m.SetGenHeader(mail.HeaderXAutoResponseSuppress, "All")
	m.SetBodyString(mail.TypeTextPlain, emailBody(d))
	return m, nil
}

func emailBody(d Delivery) string {
	var b strings.Builder
	if d.OrgName != "" && d.UserID == nil {
		b.WriteString(d.OrgName + "：\n\n")
	}
	b.WriteString(strings.TrimSpace(strings.ReplaceAll(d.Body, "\r\n", "\n")))
	b.WriteString("\n")
	if d.URL != "" {
		b.WriteString("\n查看详情：" + d.URL + "\n")
	}
	b.WriteString("\n——\n本邮件由法治政府建设年度报告督察系统（lawcycle）自动发送，请勿直接回复。\n")
	return b.String()
}
