package httpkit

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// DefaultLoginsPerMinute is generous for people behind one office NAT and
// still far too slow for guessing passwords.
const DefaultLoginsPerMinute = 30

// LoginLimiter bounds login attempts per client address over a fixed
// minute, counted once for the API's token route and the web UI's login
// form together. The per-username lockout in the service holds across
// server replicas; this guards each replica against one address trying
// many usernames.
type LoginLimiter struct {
	perMinute int
	now       func() time.Time
	mu        sync.Mutex
	windows   map[string]*window
	swept     time.Time
}

type window struct {
	start time.Time
	hits  int
}

// NewLoginLimiter allows perMinute attempts per address and minute.
func NewLoginLimiter(perMinute int) *LoginLimiter {
	return &LoginLimiter{perMinute: perMinute, now: time.Now, windows: map[string]*window{}}
}

// Allow counts one attempt from addr and reports whether it may go on.
func (l *LoginLimiter) Allow(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.swept) > time.Minute {
		for k, w := range l.windows {
			if now.Sub(w.start) >= time.Minute {
				delete(l.windows, k)
			}
		}
		l.swept = now
	}
	w, ok := l.windows[addr]
	if !ok || now.Sub(w.start) >= time.Minute {
		w = &window{start: now}
		l.windows[addr] = w
	}
	w.hits++
	return w.hits <= l.perMinute
}

// retryAfter is how long addr waits for its next window, in whole seconds.
func (l *LoginLimiter) retryAfter(addr string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.windows[addr]
	if !ok {
		return 1
	}
	return max(1, int(time.Minute-l.now().Sub(w.start)+time.Second-1)/int(time.Second))
}

// Guard lets a login through while its address is within the limit and
// answers with limited otherwise.
func (l *LoginLimiter) Guard(limited fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		addr := strings.Clone(c.IP())
		if !l.Allow(addr) {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(l.retryAfter(addr)))
			return limited(c)
		}
		return c.Next()
	}
}
