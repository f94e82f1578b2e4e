package notify_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"mime"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
)

// received is one message as the test SMTP server got it.
type received struct {
	from  string
	rcpts []string
	data  []byte
	user  string // authenticated as, if at all
}

// mailServer is a real SMTP server (emersion/go-smtp) on loopback.
type mailServer struct {
	addr string
	// refuse, when set, is the answer to RCPT TO for that address.
	refuse map[string]error

	mu   sync.Mutex
	got  []received
	fail int // the next fail DATA commands answer 451
}

func (m *mailServer) messages() []received {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]received(nil), m.got...)
}

type serverOptions struct {
	implicitTLS bool
	startTLS    bool
	auth        bool // PLAIN, username "robot", password "s3cret-口令"
	insecure    bool // AUTH offered without TLS
}

// startMailServer listens on 127.0.0.1; it returns the server and the TLS
// configuration that trusts its certificate.
func startMailServer(t *testing.T, o serverOptions) (*mailServer, *tls.Config) {
	t.Helper()
	cert, pool := selfSigned(t)
	ms := &mailServer{refuse: map[string]error{}}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{server: ms, auth: o.auth}, nil
	}))
	s.Domain = "mail.test"
	s.AllowInsecureAuth = o.insecure
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	s.MaxMessageBytes = 1 << 20
	serverTLS := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if o.startTLS {
		s.TLSConfig = serverTLS
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	if o.implicitTLS {
		ln = tls.NewListener(ln, serverTLS)
	}
	ms.addr = ln.Addr().String()
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Close() })
	return ms, &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

type session struct {
	server *mailServer
	auth   bool
	cur    received
}

func (s *session) AuthMechanisms() []string {
	if !s.auth {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != "robot" || password != "s3cret-口令" {
			return errors.New("bad credentials")
		}
		s.cur.user = username
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.auth && s.cur.user == "" {
		return smtp.ErrAuthRequired
	}
	s.cur.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := s.server.refuse[to]; err != nil {
		return err
	}
	s.cur.rcpts = append(s.cur.rcpts, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.server.mu.Lock()
	defer s.server.mu.Unlock()
	if s.server.fail > 0 {
		s.server.fail--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.cur.data = b
	s.server.got = append(s.server.got, s.cur)
	return nil
}

func (s *session) Reset() {
	user := s.cur.user
	s.cur = received{user: user}
}

func (s *session) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// parsed is a received message decoded as a mail client would.
type parsed struct {
	from, subject, body, messageID, contentType string
	to                                          []string
	header                                      netmail.Header
}

func parse(t *testing.T, raw []byte) parsed {
	t.Helper()
	msg, err := netmail.ReadMessage(strings.NewReader(string(raw)))
	require.NoError(t, err)
	var p parsed
	p.header = msg.Header
	from, err := msg.Header.AddressList("From")
	require.NoError(t, err)
	require.Len(t, from, 1)
	p.from = from[0].Name + " <" + from[0].Address + ">"
	to, err := msg.Header.AddressList("To")
	require.NoError(t, err)
	for _, a := range to {
		p.to = append(p.to, a.Address)
	}
	rawSubject := msg.Header.Get("Subject")
	require.True(t, strings.HasPrefix(strings.ToLower(rawSubject), "=?utf-8?"), "subject is an encoded word: %q", rawSubject)
	p.subject, err = new(mime.WordDecoder).DecodeHeader(rawSubject)
	require.NoError(t, err)
	p.messageID = msg.Header.Get("Message-Id")
	p.contentType = msg.Header.Get("Content-Type")
	body, err := io.ReadAll(msg.Body)
	require.NoError(t, err)
	require.Equal(t, "base64", strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")))
	dec, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(body)))
	require.NoError(t, err)
	p.body = string(dec)
	return p
}

func delivery() notify.Delivery {
	return notify.Delivery{
		ID: 7, Key: "cycle/2024-abcdef/bureau/rsj/reminder/submission/-2d", Kind: notify.KindReminder,
		OrgCode: "rsj", OrgName: "某市人力资源和社会保障局",
		Subject: "关于报送2024年度法治政府建设年度报告的提醒",
		Body:    "贵单位的年度报告报送截止日期为2025年3月1日，距截止还有2天。\n请及时登录系统上传填报表和年度报告。",
		URL:     "https://fzb.example.gov.cn/cycles/2024-abcdef/bureaus/rsj",
		Emails:  []string{"wang@example.gov.cn", "rsj-office@example.gov.cn"},
	}
}

// Each connection security mode delivers to a real SMTP server: the
// Chinese subject and sender name as UTF-8 encoded words, the body as
// base64 UTF-8, every recipient in the envelope and the To header.
func TestEmailDeliversToSMTPServer(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		server serverOptions
		tls    string
		user   string
	}{
		"starttls with auth": {serverOptions{startTLS: true, auth: true}, notify.SMTPStartTLS, "robot"},
		"implicit tls":       {serverOptions{implicitTLS: true, auth: true}, notify.SMTPTLS, "robot"},
		"none, no auth":      {serverOptions{}, notify.SMTPNoTLS, ""},
		"none, plain auth":   {serverOptions{auth: true, insecure: true}, notify.SMTPNoTLS, "robot"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, trust := startMailServer(t, tc.server)
			settings := notify.SMTPSettings{Addr: srv.addr, From: "某市法治办 <fzb@example.gov.cn>", TLS: tc.tls, TLSConfig: trust,
				Now: func() time.Time { return time.Date(2025, 2, 27, 9, 0, 0, 0, time.UTC) }}
			if tc.user != "" {
				settings.Username, settings.Password = tc.user, "s3cret-口令"
			}
			email, err := notify.NewEmail(settings)
			require.NoError(t, err)
			require.NoError(t, email.Deliver(t.Context(), delivery()))

			got := srv.messages()
			require.Len(t, got, 1)
			require.Equal(t, tc.user, got[0].user)
			require.Equal(t, "fzb@example.gov.cn", got[0].from)
			require.ElementsMatch(t, []string{"wang@example.gov.cn", "rsj-office@example.gov.cn"}, got[0].rcpts)
			m := parse(t, got[0].data)
			require.Equal(t, "关于报送2024年度法治政府建设年度报告的提醒", m.subject)
			require.Equal(t, "某市法治办 <fzb@example.gov.cn>", m.from)
			require.Equal(t, []string{"wang@example.gov.cn", "rsj-office@example.gov.cn"}, m.to)
			require.Contains(t, strings.ToLower(m.contentType), "text/plain")
			require.Contains(t, strings.ToLower(m.contentType), "charset=utf-8")
			require.Contains(t, m.body, "某市人力资源和社会保障局：")
			require.Contains(t, m.body, "距截止还有2天。\n请及时登录系统上传填报表和年度报告。")
			require.Contains(t, m.body, "查看详情：https://fzb.example.gov.cn/cycles/2024-abcdef/bureaus/rsj")
			require.Equal(t, "auto-generated", m.header.Get("Auto-Submitted"))
			date, err := m.header.Date()
			require.NoError(t, err)
			require.True(t, date.Equal(time.Date(2025, 2, 27, 9, 0, 0, 0, time.UTC)))
			require.Regexp(t, `^<[0-9a-f]{32}\.lawcycle@example\.gov\.cn>$`, m.messageID)
		})
	}
}

// The same notification always carries the same Message-ID.
func TestEmailMessageIDFollowsKey(t *testing.T) {
	t.Parallel()
	srv, trust := startMailServer(t, serverOptions{})
	email, err := notify.NewEmail(notify.SMTPSettings{Addr: srv.addr, From: "fzb@example.gov.cn", TLS: notify.SMTPNoTLS, TLSConfig: trust})
	require.NoError(t, err)
	other := delivery()
	other.Key = "cycle/2024-abcdef/bureau/rsj/overdue/submission/+1d"
	for _, d := range []notify.Delivery{delivery(), delivery(), other} {
		require.NoError(t, email.Deliver(t.Context(), d))
	}
	got := srv.messages()
	require.Len(t, got, 3)
	ids := []string{parse(t, got[0].data).messageID, parse(t, got[1].data).messageID, parse(t, got[2].data).messageID}
	require.Equal(t, ids[0], ids[1])
	require.NotEqual(t, ids[0], ids[2])
}

// Failures are errors (for the dispatcher to retry): a refused recipient,
// a server that is not there, STARTTLS required but not offered, and no
// addresses at all is ErrNoRecipients.
func TestEmailFailures(t *testing.T) {
	t.Parallel()
	srv, trust := startMailServer(t, serverOptions{})
	srv.refuse["wang@example.gov.cn"] = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	plain, err := notify.NewEmail(notify.SMTPSettings{Addr: srv.addr, From: "fzb@example.gov.cn", TLS: notify.SMTPNoTLS, TLSConfig: trust})
	require.NoError(t, err)
	err = plain.Deliver(t.Context(), delivery())
	require.ErrorContains(t, err, "no such user")

	none := delivery()
	none.Emails = nil
	require.ErrorIs(t, plain.Deliver(t.Context(), none), notify.ErrNoRecipients)

	mandatory, err := notify.NewEmail(notify.SMTPSettings{Addr: srv.addr, From: "fzb@example.gov.cn", TLSConfig: trust})
	require.NoError(t, err)
	require.Error(t, mandatory.Deliver(t.Context(), delivery()), "STARTTLS is required by default")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := ln.Addr().String()
	require.NoError(t, ln.Close())
	gone, err := notify.NewEmail(notify.SMTPSettings{Addr: closed, From: "fzb@example.gov.cn", TLS: notify.SMTPNoTLS, Timeout: 2 * time.Second})
	require.NoError(t, err)
	require.Error(t, gone.Deliver(t.Context(), delivery()))
	require.Empty(t, srv.messages())
}

func TestEmailSettingsAreChecked(t *testing.T) {
	t.Parallel()
	for name, s := range map[string]notify.SMTPSettings{
		"bad tls mode":      {Addr: "smtp.example.gov.cn:587", From: "a@example.gov.cn", TLS: "ssl"},
		"no from":           {Addr: "smtp.example.gov.cn:587"},
		"bad from":          {Addr: "smtp.example.gov.cn:587", From: "法治办"},
		"bad port":          {Addr: "smtp.example.gov.cn:smtp", From: "a@example.gov.cn"},
		"user, no password": {Addr: "smtp.example.gov.cn", From: "a@example.gov.cn", Username: "robot"},
		"no host":           {Addr: ":587", From: "a@example.gov.cn"},
	} {
		_, err := notify.NewEmail(s)
		require.Error(t, err, name)
	}
	_, err := notify.NewEmail(notify.SMTPSettings{Addr: "smtp.example.gov.cn", From: "某市法治办 <fzb@example.gov.cn>"})
	require.NoError(t, err, "a host without a port takes the mode's port")
}

// End to end: rows enqueued in a transaction reach a real SMTP server
// through the dispatcher; a temporary refusal (451) is retried on the
// virtual clock and then delivered.
func TestDispatcherSendsMailThroughSMTP(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		seed(t, db)
		srv, trust := startMailServer(t, serverOptions{startTLS: true, auth: true})
		srv.fail = 1
		email, err := notify.NewEmail(notify.SMTPSettings{Addr: srv.addr, From: "某市法治办 <fzb@example.gov.cn>",
			Username: "robot", Password: "s3cret-口令", TLSConfig: trust})
		require.NoError(t, err)
		enqueue(t, db, reminder("cycle/2024-abcdef/bureau/rsj/reminder/submission/-2d"))
		clk := newClock()
		d := dispatcher(db, clk, email)

		_, err = d.RunOnce(t.Context())
		require.NoError(t, err)
		row := load(t, db, "cycle/2024-abcdef/bureau/rsj/reminder/submission/-2d")
		require.Equal(t, models.NotificationPending, row.Status)
		require.Equal(t, 1, row.Attempts)
		require.Contains(t, row.LastError, "try again later")
		require.Empty(t, srv.messages())

		clk.Advance(row.NextAttemptAt.Sub(clk.Now()))
		_, err = d.RunOnce(t.Context())
		require.NoError(t, err)
		row = load(t, db, row.IdempotencyKey)
		require.Equal(t, models.NotificationDelivered, row.Status)
		got := srv.messages()
		require.Len(t, got, 1)
		require.ElementsMatch(t, []string{"rsj-office@example.gov.cn", "wang@example.gov.cn"}, got[0].rcpts,
			"the organisation's mailbox and its enabled users with an address")
		m := parse(t, got[0].data)
		require.Equal(t, "关于报送2024年度法治政府建设年度报告的提醒", m.subject)
		require.Contains(t, m.body, "https://fzb.example.gov.cn/cycles/2024-abcdef/bureaus/rsj")
	})
}
