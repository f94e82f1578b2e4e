package notify

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lawcycle/lawcycle/models"
)

// Channel states in a row's Channels column.
const (
	StatePending = "pending" // not tried yet, or asked to retry later
	StateSent    = "sent"
	StateSkipped = "skipped" // nobody to send it to on this channel
	StateFailed  = "failed"  // the last attempt failed (final on a dead letter)
)

// ChannelState is one channel's progress on one notification.
type ChannelState struct {
	State    string     `json:"state"`
	Attempts int        `json:"attempts,omitempty"`
	Error    string     `json:"error,omitempty"`
	At       *time.Time `json:"at,omitempty"`
}

// Defaults of a Dispatcher.
const (
	DefaultBatchSize    = 20
	DefaultParallelism  = 4
	DefaultPollInterval = 5 * time.Second
	DefaultTimeout      = time.Minute
	DefaultBaseDelay    = 30 * time.Second
	DefaultMaxDelay     = time.Hour
	DefaultRetryLater   = time.Minute
	DefaultMaxAttempts  = 20
	DefaultMaxAge       = 24 * time.Hour
)

// Dispatcher delivers due outbox rows to its channels. Every worker process
// runs one; several share the table safely: a row is claimed for a lease
// (PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED; SQLite: the single writer
// of an immediate transaction) and delivered by whoever claimed it.
// Delivery is at least once: a dispatcher that dies mid-delivery leaves the
// row to be claimed again when its lease ends.
type Dispatcher struct {
	DB       *gorm.DB
	Channels []Channel
	Logger   *slog.Logger
	// PublicURL is where people reach the web UI (https://fzb.example.gov.cn);
	// it makes links absolute in e-mails and webhook messages.
	PublicURL string
	// Now is the clock, replaceable in tests.
	Now func() time.Time

	// Zero values pick the defaults above.
	BatchSize    int
	Parallelism  int
	PollInterval time.Duration
	// Timeout bounds one channel's delivery of one notification.
	Timeout time.Duration
	// Lease is how long a claimed row is held; it must outlast the
	// delivery of a batch. Zero: Timeout × channels × BatchSize ÷
	// Parallelism, plus a minute.
	Lease time.Duration
	// BaseDelay doubles after each failed attempt up to MaxDelay (plus up
	// to a fifth, spread per row so that retries do not arrive together).
	BaseDelay, MaxDelay time.Duration
	// RetryLater is the wait after a channel's ErrRetryLater.
	RetryLater time.Duration
	// A row fails for good (a dead letter) after MaxAttempts failed
	// attempts, or when its next attempt would come later than MaxAge
	// after it was enqueued: a reminder that late misleads.
	MaxAttempts int
	MaxAge      time.Duration
}

func (d *Dispatcher) now() time.Time {
	if d.Now != nil {
		return d.Now().UTC()
	}
	return time.Now().UTC()
}

func (d *Dispatcher) logger() *slog.Logger {
	if d.Logger != nil {
		return d.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func orDefault[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

func (d *Dispatcher) lease() time.Duration {
	if d.Lease > 0 {
		return d.Lease
	}
	timeout := orDefault(d.Timeout, DefaultTimeout)
	rounds := (orDefault(d.BatchSize, DefaultBatchSize) + orDefault(d.Parallelism, DefaultParallelism) - 1) /
		orDefault(d.Parallelism, DefaultParallelism)
	return timeout*time.Duration(max(len(d.Channels), 1)*rounds) + time.Minute
}

// Backoff is the wait after the attempts-th failed attempt of row id.
func (d *Dispatcher) Backoff(id uint, attempts int) time.Duration {
	delay, limit := orDefault(d.BaseDelay, DefaultBaseDelay), orDefault(d.MaxDelay, DefaultMaxDelay)
	for i := 1; i < attempts && delay < limit; i++ {
		delay *= 2
	}
	delay = min(delay, limit)
	// Up to a fifth more, the same for the same row and attempt.
	h := fnv.New64a()
	_ = binary.Write(h, binary.LittleEndian, [2]uint64{uint64(id), uint64(attempts)})
	return delay + time.Duration(h.Sum64()%1000)*delay/5000
}

// Run delivers until ctx ends: a batch at a time, at once while batches
// come back full, otherwise every PollInterval. Errors are logged, never
// returned: the worker goes on whatever the database or a channel does.
func (d *Dispatcher) Run(ctx context.Context) {
	log := d.logger()
	names := make([]string, len(d.Channels))
	for i, c := range d.Channels {
		names[i] = c.Name()
	}
	log.Info("notification dispatcher running", "channels", names)
	for {
		n, err := d.RunOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			log.Error("deliver notifications", "error", err)
		}
		if err == nil && n >= orDefault(d.BatchSize, DefaultBatchSize) {
			continue
		}
		t := time.NewTimer(orDefault(d.PollInterval, DefaultPollInterval))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// RunOnce claims one batch of due rows and delivers it; it returns how
// many rows it claimed.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	rows, token, err := d.claim(ctx)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, orDefault(d.Parallelism, DefaultParallelism))
	)
	for _, row := range rows {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := d.process(ctx, row, token); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("notification %d: %w", row.ID, err))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return len(rows), errors.Join(errs...)
}

// claim takes up to a batch of due rows for this dispatcher: their
// next_attempt_at moves to the end of the lease, so no other dispatcher
// sees them as due until then, and their claim token is this batch's.
func (d *Dispatcher) claim(ctx context.Context) ([]models.Notification, string, error) {
	token, err := newToken()
	if err != nil {
		return nil, "", err
	}
	now := d.now()
	var rows []models.Notification
	err = d.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		due := tx.Model(&models.Notification{}).
			Where("status = ? AND next_attempt_at <= ?", models.NotificationPending, now).
			Order("next_attempt_at, id").Limit(orDefault(d.BatchSize, DefaultBatchSize))
		if tx.Dialector.Name() == "postgres" {
			due = due.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate, Options: clause.LockingOptionsSkipLocked})
		}
		var ids []uint
		if err := due.Pluck("id", &ids).Error; err != nil {
			return fmt.Errorf("find due notifications: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		// The condition is checked again, so that a row another
		// dispatcher claimed in between is left alone whatever the
		// engine's isolation.
		if err := tx.Model(&models.Notification{}).
			Where("id IN ? AND status = ? AND next_attempt_at <= ?", ids, models.NotificationPending, now).
			Updates(map[string]any{"claim_token": token, "next_attempt_at": now.Add(d.lease())}).Error; err != nil {
			return fmt.Errorf("claim notifications: %w", err)
		}
		if err := tx.Where("claim_token = ?", token).Order("id").Find(&rows).Error; err != nil {
			return fmt.Errorf("load claimed notifications: %w", err)
		}
		return nil
	})
	return rows, token, err
}

func newToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("claim token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// process delivers one claimed row on every channel that has not finished
// with it, then records the outcome.
func (d *Dispatcher) process(ctx context.Context, row models.Notification, token string) error {
	log := d.logger().With("notification", row.ID, "key", row.IdempotencyKey)
	states := map[string]*ChannelState{}
	if err := json.Unmarshal([]byte(row.Channels), &states); err != nil {
		log.Warn("unreadable channel states; starting over", "error", err)
		states = map[string]*ChannelState{}
	}
	now := d.now()
	maxAge := orDefault(d.MaxAge, DefaultMaxAge)
	if now.Sub(row.CreatedAt) >= maxAge {
		// Not delivered while it was timely: give up without sending.
		log.Error("notification expired before delivery", "age", now.Sub(row.CreatedAt))
		return d.finish(row, token, states, outcome{dead: true, lastError: "超过投递期限，未再发送 (expired before delivery)"})
	}

	var pending []Channel
	for _, ch := range d.Channels {
		if st := states[ch.Name()]; st == nil || (st.State != StateSent && st.State != StateSkipped) {
			pending = append(pending, ch)
		}
	}
	var delivery Delivery
	if len(pending) > 0 {
		var err error
		if delivery, err = d.resolve(ctx, row); err != nil {
			d.release(row, token, states)
			return err
		}
	}

	var out outcome
	var failures []string
	for _, ch := range pending {
		st := states[ch.Name()]
		if st == nil {
			st = &ChannelState{State: StatePending}
			states[ch.Name()] = st
		}
		cctx, cancel := context.WithTimeout(ctx, orDefault(d.Timeout, DefaultTimeout))
		err := ch.Deliver(cctx, delivery)
		cancel()
		at := d.now()
		switch {
		case err == nil:
			st.State, st.Error, st.At = StateSent, "", &at
		case errors.Is(err, ErrNoRecipients):
			st.State, st.Error, st.At = StateSkipped, "", &at
		case ctx.Err() != nil:
			// Shutting down: not the channel's fault; hand the row back.
			d.release(row, token, states)
			return nil
		case errors.Is(err, ErrRetryLater):
			st.State = StatePending
			out.later = true
		default:
			st.State, st.Error = StateFailed, truncate(err.Error(), 1000)
			st.Attempts++
			out.failed = true
			failures = append(failures, ch.Name()+": "+st.Error)
			log.Warn("notification delivery failed", "channel", ch.Name(), "attempt", row.Attempts+1, "error", err)
		}
	}
	out.lastError = strings.Join(failures, "; ")
	if out.failed {
		attempts := row.Attempts + 1
		next := now.Add(d.Backoff(row.ID, attempts))
		if attempts >= orDefault(d.MaxAttempts, DefaultMaxAttempts) || next.Sub(row.CreatedAt) >= maxAge {
			out.dead = true
			log.Error("notification undeliverable; kept as a dead letter", "attempts", attempts, "error", out.lastError)
		}
		out.next = next
	}
	return d.finish(row, token, states, out)
}

type outcome struct {
	failed, later, dead bool
	next                time.Time
	lastError           string
}

// finish writes a row's outcome, if the row is still this dispatcher's.
func (d *Dispatcher) finish(row models.Notification, token string, states map[string]*ChannelState, out outcome) error {
	now := d.now()
	enc, err := json.Marshal(states)
	if err != nil {
		return fmt.Errorf("encode channel states: %w", err)
	}
	set := map[string]any{"channels": string(enc), "claim_token": ""}
	switch {
	case out.dead:
		set["status"] = models.NotificationDead
		set["last_error"] = out.lastError
		if out.failed {
			set["attempts"] = row.Attempts + 1
		}
	case out.failed:
		set["attempts"] = row.Attempts + 1
		set["last_error"] = out.lastError
		set["next_attempt_at"] = out.next
	case out.later:
		set["next_attempt_at"] = now.Add(orDefault(d.RetryLater, DefaultRetryLater))
	default:
		set["status"] = models.NotificationDelivered
		set["delivered_at"] = now
		set["next_attempt_at"] = now
		set["last_error"] = ""
	}
	return d.update(row.ID, token, set)
}

// release hands a claimed row back, due now, keeping what was delivered.
func (d *Dispatcher) release(row models.Notification, token string, states map[string]*ChannelState) {
	enc, _ := json.Marshal(states)
	if err := d.update(row.ID, token, map[string]any{
		"channels": string(enc), "claim_token": "", "next_attempt_at": d.now(),
	}); err != nil {
		d.logger().Warn("release notification", "notification", row.ID, "error", err)
	}
}

// update writes a claimed row. It runs even while the dispatcher shuts
// down, so that what was delivered is recorded.
func (d *Dispatcher) update(id uint, token string, set map[string]any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res := d.DB.WithContext(ctx).Model(&models.Notification{}).
		Where("id = ? AND claim_token = ?", id, token).Updates(set)
	if res.Error != nil {
		return fmt.Errorf("record delivery: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		d.logger().Warn("notification lease lost before its outcome was recorded", "notification", id)
	}
	return nil
}

// resolve loads what channels need beyond the row: the organisation's
// name and the recipients' e-mail addresses.
func (d *Dispatcher) resolve(ctx context.Context, row models.Notification) (Delivery, error) {
	db := d.DB.WithContext(ctx)
	del := Delivery{ID: row.ID, Key: row.IdempotencyKey, Kind: Kind(row.Kind), UserID: row.RecipientUserID,
		Subject: row.Subject, Body: row.Body, URL: absoluteURL(d.PublicURL, row.Link), CreatedAt: row.CreatedAt}
	var emails []string
	if row.RecipientOrgID != nil {
		var org models.Organisation
		if err := db.Select("code", "name", "contact_email").Take(&org, *row.RecipientOrgID).Error; err == nil {
			del.OrgCode, del.OrgName = org.Code, org.Name
			if row.RecipientUserID == nil && org.ContactEmail != "" {
				emails = append(emails, org.ContactEmail)
			}
		} else if !errors.Is(err, gorm.ErrRecordNotFound) {
			return del, fmt.Errorf("load recipient organisation: %w", err)
		}
	}
	users := db.Model(&models.User{}).Where("disabled = ? AND email <> ''", false)
	switch {
	case row.RecipientUserID != nil:
		users = users.Where("id = ?", *row.RecipientUserID)
	case row.RecipientOrgID != nil:
		users = users.Where("org_id = ?", *row.RecipientOrgID)
	default:
		return del, nil
	}
	var addrs []string
	if err := users.Order("id").Pluck("email", &addrs).Error; err != nil {
		return del, fmt.Errorf("load recipient addresses: %w", err)
	}
	del.Emails = dedupeFold(append(emails, addrs...))
	return del, nil
}

// dedupeFold drops repeated addresses, compared without case, keeping order.
func dedupeFold(in []string) []string {
	seen := map[string]bool{}
	out := in[:0]
	for _, a := range in {
		a = strings.TrimSpace(a)
		k := strings.ToLower(a)
		if a == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, a)
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}

// ChannelStates decodes a row's Channels column.
func ChannelStates(row models.Notification) (map[string]ChannelState, error) {
	states := map[string]ChannelState{}
	if err := json.Unmarshal([]byte(row.Channels), &states); err != nil {
		return nil, fmt.Errorf("decode channel states of notification %d: %w", row.ID, err)
	}
	return states, nil
}
