// Package mailtest runs a real SMTP server (emersion/go-smtp) on loopback
// for end-to-end tests and decodes what it receives the way a mail client
// would, so tests can assert on recipients, subjects and bodies in Chinese.
package mailtest

import (
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail is one received message, decoded.
type Mail struct {
	// Envelope recipients (RCPT TO), which is who the server delivers to.
	Rcpts     []string
	From      string
	Subject   string
	Body      string
	MessageID string
}

// Server is a plain-text SMTP server on 127.0.0.1 (LAWCYCLE_SMTP_TLS=none).
type Server struct {
	addr string
	srv  *smtp.Server

	mu   sync.Mutex
	got  []Mail
	errs []error
}

// Start listens on a free loopback port; Close stops it.
func Start() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	m := &Server{addr: ln.Addr().String()}
	m.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{server: m}, nil
	}))
	m.srv.Domain = "mail.test"
	m.srv.ReadTimeout, m.srv.WriteTimeout = 30*time.Second, 30*time.Second
	m.srv.MaxMessageBytes = 4 << 20
	go func() { _ = m.srv.Serve(ln) }()
	return m, nil
}

// Addr is host:port for LAWCYCLE_SMTP_ADDR.
func (m *Server) Addr() string { return m.addr }

// Close stops the server.
func (m *Server) Close() error { return m.srv.Close() }

// Mails returns what arrived so far, in arrival order.
func (m *Server) Mails() []Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Mail(nil), m.got...)
}

// Errors returns messages the server received but could not decode: a
// test should require it empty.
func (m *Server) Errors() []error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]error(nil), m.errs...)
}

// To returns the mails delivered to addr.
func (m *Server) To(addr string) []Mail {
	var out []Mail
	for _, x := range m.Mails() {
		for _, r := range x.Rcpts {
			if strings.EqualFold(r, addr) {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

type session struct {
	server *Server
	rcpts  []string
}

func (s *session) AuthMechanisms() []string { return nil }

func (s *session) Mail(string, *smtp.MailOptions) error { return nil }

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	mail, err := Decode(raw)
	s.server.mu.Lock()
	defer s.server.mu.Unlock()
	if err != nil {
		s.server.errs = append(s.server.errs, err)
		return nil
	}
	mail.Rcpts = append([]string(nil), s.rcpts...)
	s.server.got = append(s.server.got, mail)
	return nil
}

func (s *session) Reset() { s.rcpts = nil }

func (s *session) Logout() error { return nil }

// Decode reads a single-part text message with encoded-word headers and a
// base64 or 8bit body.
func Decode(raw []byte) (Mail, error) {
	msg, err := netmail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		return Mail{}, fmt.Errorf("read message: %w", err)
	}
	var m Mail
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return Mail{}, fmt.Errorf("subject: %w", err)
	}
	if m.From, err = dec.DecodeHeader(msg.Header.Get("From")); err != nil {
		return Mail{}, fmt.Errorf("from: %w", err)
	}
	m.MessageID = msg.Header.Get("Message-Id")
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		return Mail{}, fmt.Errorf("body: %w", err)
	}
	switch strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")) {
	case "base64":
		clean := strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, string(body))
		if body, err = base64.StdEncoding.DecodeString(clean); err != nil {
			return Mail{}, fmt.Errorf("base64 body: %w", err)
		}
	case "", "7bit", "8bit":
	default:
		return Mail{}, fmt.Errorf("unexpected transfer encoding %q", msg.Header.Get("Content-Transfer-Encoding"))
	}
	m.Body = string(body)
	return m, nil
}
