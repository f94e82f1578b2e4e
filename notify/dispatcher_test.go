package notify_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func dispatcher(db *gorm.DB, clk *clock, channels ...notify.Channel) *notify.Dispatcher {
	return &notify.Dispatcher{DB: db, Channels: channels, Logger: quiet(), Now: clk.Now,
		PublicURL: "https://fzb.example.gov.cn/"}
}

// A due row goes to every channel once, with the recipients resolved: the
// organisation's enabled users that have an address and its own mailbox;
// or the one user a message names.
func TestDispatcherDeliversToEveryChannel(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		s := seed(t, db)
		personal := reminder("personal")
		personal.UserID, personal.Kind, personal.Link = &s.officeUser.ID, notify.KindNotice, "https://elsewhere.example/x"
		noLink := reminder("no-link")
		noLink.Link = ""
		enqueue(t, db, reminder("org"), personal, noLink)
		clk := newClock()
		email, hook := &fakeChannel{name: "email"}, &fakeChannel{name: "webhook"}
		d := dispatcher(db, clk, email, hook)

		n, err := d.RunOnce(t.Context())
		require.NoError(t, err)
		require.Equal(t, 3, n)
		n, err = d.RunOnce(t.Context())
		require.NoError(t, err)
		require.Zero(t, n, "delivered rows are not claimed again")

		byKey := map[string]notify.Delivery{}
		for _, del := range email.got() {
			byKey[del.Key] = del
		}
		require.Len(t, email.got(), 3)
		require.Len(t, hook.got(), 3)
		org := byKey["org"]
		require.Equal(t, []string{"rsj-office@example.gov.cn", "wang@example.gov.cn"}, org.Emails)
		require.Equal(t, "rsj", org.OrgCode)
		require.Equal(t, "某市人力资源和社会保障局", org.OrgName)
		require.Equal(t, "https://fzb.example.gov.cn/cycles/2024-abcdef/bureaus/rsj", org.URL)
		require.Equal(t, notify.KindReminder, org.Kind)
		require.Equal(t, []string{"zhang@example.gov.cn"}, byKey["personal"].Emails, "a personal message goes to the user only")
		require.Equal(t, "https://elsewhere.example/x", byKey["personal"].URL)
		require.Empty(t, byKey["no-link"].URL)

		for _, key := range []string{"org", "personal", "no-link"} {
			row := load(t, db, key)
			require.Equal(t, models.NotificationDelivered, row.Status, key)
			require.NotNil(t, row.DeliveredAt)
			require.Zero(t, row.Attempts)
			require.Empty(t, row.ClaimToken)
			st := states(t, row)
			require.Equal(t, notify.StateSent, st["email"].State)
			require.Equal(t, notify.StateSent, st["webhook"].State)
		}
	})
}

// With nobody to send to, a channel is skipped, not failed; with no
// channel configured, a row is delivered by being in the inbox.
func TestDispatcherSkipsChannelsWithoutRecipients(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		s := seed(t, db)
		m := reminder("nobody")
		m.OrgCode, m.UserID = "", &s.noAddress.ID
		enqueue(t, db, m)
		clk := newClock()
		email := &fakeChannel{name: "email", fail: func(d notify.Delivery) error {
			if len(d.Emails) == 0 {
				return notify.ErrNoRecipients
			}
			return nil
		}}
		_, err := dispatcher(db, clk, email).RunOnce(t.Context())
		require.NoError(t, err)
		row := load(t, db, "nobody")
		require.Equal(t, models.NotificationDelivered, row.Status)
		require.Equal(t, notify.StateSkipped, states(t, row)["email"].State)

		enqueue(t, db, reminder("inbox-only"))
		_, err = dispatcher(db, newClock()).RunOnce(t.Context())
		require.NoError(t, err)
		row = load(t, db, "inbox-only")
		require.Equal(t, models.NotificationDelivered, row.Status)
		require.Equal(t, "{}", row.Channels)
	})
}

// A failing channel is retried with exponential backoff on the virtual
// clock, while the channel that succeeded is not asked again; after
// MaxAttempts the row is a dead letter, still in the inbox.
func TestDispatcherRetriesWithBackoffThenDeadLetters(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		seed(t, db)
		enqueue(t, db, reminder("flaky"))
		clk := newClock()
		email := &fakeChannel{name: "email"}
		hook := &fakeChannel{name: "webhook", fail: func(notify.Delivery) error {
			return errors.New("webhook oapi.example answered 502 Bad Gateway")
		}}
		d := dispatcher(db, clk, email, hook)
		d.BaseDelay, d.MaxDelay, d.MaxAttempts = time.Minute, 8*time.Minute, 6

		var waits []time.Duration
		for attempt := 1; attempt <= 6; attempt++ {
			n, err := d.RunOnce(t.Context())
			require.NoError(t, err)
			require.Equal(t, 1, n, "attempt %d", attempt)
			row := load(t, db, "flaky")
			require.Equal(t, attempt, row.Attempts)
			require.Contains(t, row.LastError, "webhook: webhook oapi.example answered 502")
			st := states(t, row)
			require.Equal(t, notify.StateSent, st["email"].State)
			require.Equal(t, notify.StateFailed, st["webhook"].State)
			require.Equal(t, attempt, st["webhook"].Attempts)
			if attempt == 6 {
				require.Equal(t, models.NotificationDead, row.Status)
				break
			}
			require.Equal(t, models.NotificationPending, row.Status)
			wait := row.NextAttemptAt.Sub(clk.Now())
			waits = append(waits, wait)
			// Not due a moment before its time.
			clk.Advance(wait - time.Second)
			n, err = d.RunOnce(t.Context())
			require.NoError(t, err)
			require.Zero(t, n, "attempt %d retried early", attempt)
			clk.Advance(time.Second)
		}
		// 1, 2, 4, 8, 8 minutes, each plus up to a fifth.
		for i, base := range []time.Duration{1, 2, 4, 8, 8} {
			base *= time.Minute
			require.GreaterOrEqual(t, waits[i], base, "wait %d", i)
			require.LessOrEqual(t, waits[i], base+base/5, "wait %d", i)
		}
		require.Len(t, email.got(), 1, "the channel that succeeded is not asked again")
		require.Len(t, hook.got(), 6)

		clk.Advance(24 * time.Hour)
		n, err := d.RunOnce(t.Context())
		require.NoError(t, err)
		require.Zero(t, n, "a dead letter is never claimed again")
	})
}

// A row whose next attempt would come after MaxAge is a dead letter at
// once; one that waited past MaxAge (no dispatcher ran) is not sent late.
func TestDispatcherGivesUpOnOldNotifications(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		seed(t, db)
		enqueue(t, db, reminder("short-lived"))
		clk := newClock()
		failing := &fakeChannel{name: "email", fail: func(notify.Delivery) error { return errors.New("connection refused") }}
		d := dispatcher(db, clk, failing)
		d.BaseDelay, d.MaxAge = time.Hour, 90*time.Minute

		_, err := d.RunOnce(t.Context())
		require.NoError(t, err)
		row := load(t, db, "short-lived")
		require.Equal(t, models.NotificationPending, row.Status, "the first retry, an hour on, is within 90 minutes")
		clk.Advance(row.NextAttemptAt.Sub(clk.Now()))
		_, err = d.RunOnce(t.Context())
		require.NoError(t, err)
		row = load(t, db, "short-lived")
		require.Equal(t, models.NotificationDead, row.Status, "the next retry would be after MaxAge")
		require.Equal(t, 2, row.Attempts)
		require.Equal(t, "email: connection refused", row.LastError)

		// Enqueued, then no dispatcher ran for over 90 minutes.
		enqueue(t, db, reminder("stale"))
		clk.Advance(time.Hour)
		_, err = d.RunOnce(t.Context())
		require.NoError(t, err)
		stale := load(t, db, "stale")
		require.Equal(t, models.NotificationDead, stale.Status)
		require.Zero(t, stale.Attempts)
		require.Contains(t, stale.LastError, "expired")
		require.Len(t, failing.got(), 2, "two attempts of short-lived, none of stale")
	})
}

// ErrRetryLater (a channel's own rate limit) asks again soon without
// counting an attempt.
func TestDispatcherRetryLaterIsNotAFailure(t *testing.T) {
	t.Parallel()
	db := testdb.SQLite(t)
	seed(t, db)
	enqueue(t, db, reminder("throttled"))
	clk := newClock()
	busy := true
	hook := &fakeChannel{name: "webhook", fail: func(notify.Delivery) error {
		if busy {
			return notify.ErrRetryLater
		}
		return nil
	}}
	d := dispatcher(db, clk, hook)
	_, err := d.RunOnce(t.Context())
	require.NoError(t, err)
	row := load(t, db, "throttled")
	require.Equal(t, models.NotificationPending, row.Status)
	require.Zero(t, row.Attempts)
	require.Equal(t, notify.DefaultRetryLater, row.NextAttemptAt.Sub(clk.Now()))
	busy = false
	clk.Advance(notify.DefaultRetryLater)
	_, err = d.RunOnce(t.Context())
	require.NoError(t, err)
	require.Equal(t, models.NotificationDelivered, load(t, db, "throttled").Status)
}

// A channel that hangs is cut off by Timeout; meanwhile no lock is held,
// so activities go on enqueueing and the inbox stays readable.
func TestDispatcherNeverBlocksWriters(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		seed(t, db)
		enqueue(t, db, reminder("hangs"))
		clk := newClock()
		entered := make(chan struct{})
		var once sync.Once
		hang := &blockingChannel{entered: func() { once.Do(func() { close(entered) }) }}
		d := dispatcher(db, clk, hang)
		d.Timeout = 2 * time.Second
		done := make(chan error, 1)
		go func() {
			_, err := d.RunOnce(t.Context())
			done <- err
		}()
		<-entered
		// While the delivery hangs, an activity's transaction commits.
		start := time.Now()
		enqueue(t, db, reminder("meanwhile"))
		require.Less(t, time.Since(start), time.Second)
		var inbox int64
		require.NoError(t, db.Model(&models.Notification{}).Where("recipient_org_id IS NOT NULL").Count(&inbox).Error)
		require.EqualValues(t, 2, inbox)

		require.NoError(t, <-done)
		row := load(t, db, "hangs")
		require.Equal(t, models.NotificationPending, row.Status)
		require.Equal(t, 1, row.Attempts)
		require.Contains(t, row.LastError, "deadline exceeded")
	})
}

type blockingChannel struct{ entered func() }

func (*blockingChannel) Name() string { return "email" }

func (b *blockingChannel) Deliver(ctx context.Context, _ notify.Delivery) error {
	b.entered()
	<-ctx.Done()
	return fmt.Errorf("send mail: %w", ctx.Err())
}

// Stopping the worker mid-delivery hands the row back, due at once, with
// no attempt counted.
func TestDispatcherShutdownReleasesRows(t *testing.T) {
	t.Parallel()
	db := testdb.SQLite(t)
	seed(t, db)
	enqueue(t, db, reminder("interrupted"))
	clk := newClock()
	ctx, cancel := context.WithCancel(t.Context())
	hang := &blockingChannel{entered: cancel}
	_, err := dispatcher(db, clk, hang).RunOnce(ctx)
	require.NoError(t, err)
	row := load(t, db, "interrupted")
	require.Equal(t, models.NotificationPending, row.Status)
	require.Zero(t, row.Attempts)
	require.Empty(t, row.ClaimToken)
	require.False(t, row.NextAttemptAt.After(clk.Now()))
}

// Two dispatchers draining the same outbox concurrently deliver every row
// exactly once (PostgreSQL: SKIP LOCKED; SQLite: one writer at a time).
func TestConcurrentDispatchersDeliverOnce(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		seed(t, db)
		const rows = 300
		msgs := make([]notify.Message, rows)
		for i := range msgs {
			msgs[i] = reminder(fmt.Sprintf("bulk/%03d", i))
		}
		enqueue(t, db, msgs...)
		clk := newClock()

		var mu sync.Mutex
		delivered := map[uint]int{}
		by := map[string]int{}
		channel := func(name string) *fakeChannel {
			return &fakeChannel{name: "email", fail: func(d notify.Delivery) error {
				mu.Lock()
				delivered[d.ID]++
				by[name]++
				mu.Unlock()
				return nil
			}}
		}
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		for _, name := range []string{"a", "b"} {
			d := dispatcher(db, clk, channel(name))
			d.BatchSize = 7
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					n, err := d.RunOnce(t.Context())
					if err != nil {
						errs <- err
						return
					}
					if n == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		require.Len(t, delivered, rows)
		for id, n := range delivered {
			require.Equal(t, 1, n, "notification %d delivered %d times", id, n)
		}
		var pending int64
		require.NoError(t, db.Model(&models.Notification{}).Where("status <> ?", models.NotificationDelivered).Count(&pending).Error)
		require.Zero(t, pending)
		t.Logf("dispatcher a delivered %d, b %d", by["a"], by["b"])
	})
}

// A dispatcher that outlives its lease (it hung, or died) loses the row:
// another delivers it, and the late outcome is not recorded over it.
func TestExpiredLeaseIsTakenOver(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		seed(t, db)
		enqueue(t, db, reminder("slow"))
		clk := newClock()
		entered, release := make(chan struct{}), make(chan struct{})
		slow := &fakeChannel{name: "email", fail: func(notify.Delivery) error {
			close(entered)
			<-release
			return errors.New("late failure")
		}}
		a := dispatcher(db, clk, slow)
		a.Lease = 10 * time.Minute
		done := make(chan error, 1)
		go func() {
			_, err := a.RunOnce(t.Context())
			done <- err
		}()
		<-entered

		b := dispatcher(db, clk, &fakeChannel{name: "email"})
		n, err := b.RunOnce(t.Context())
		require.NoError(t, err)
		require.Zero(t, n, "held by a during its lease")
		clk.Advance(10 * time.Minute)
		n, err = b.RunOnce(t.Context())
		require.NoError(t, err)
		require.Equal(t, 1, n)

		close(release)
		require.NoError(t, <-done)
		row := load(t, db, "slow")
		require.Equal(t, models.NotificationDelivered, row.Status)
		require.Zero(t, row.Attempts, "a's late failure is not recorded")
	})
}

// Run loops until its context ends and survives a broken database.
func TestDispatcherRunStopsWithContext(t *testing.T) {
	t.Parallel()
	db := testdb.SQLite(t)
	seed(t, db)
	enqueue(t, db, reminder("looped"))
	email := &fakeChannel{name: "email"}
	d := &notify.Dispatcher{DB: db, Channels: []notify.Channel{email}, Logger: quiet(), PollInterval: 10 * time.Millisecond}
	ctx, cancel := context.WithCancel(t.Context())
	stopped := make(chan struct{})
	go func() {
		d.Run(ctx)
		close(stopped)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for load(t, db, "looped").Status != models.NotificationDelivered {
		require.True(t, time.Now().Before(deadline), "not delivered in time")
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop")
	}
	require.Len(t, email.got(), 1)
}
