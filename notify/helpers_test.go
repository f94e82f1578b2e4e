package notify_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/wire"
)

// clock is a virtual clock for dispatchers: tests advance it instead of
// sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().UTC()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeChannel records deliveries and answers with fail(d) (nil: success).
type fakeChannel struct {
	name string
	fail func(d notify.Delivery) error

	mu         sync.Mutex
	deliveries []notify.Delivery
}

func (f *fakeChannel) Name() string { return f.name }

func (f *fakeChannel) Deliver(_ context.Context, d notify.Delivery) error {
	f.mu.Lock()
	f.deliveries = append(f.deliveries, d)
	f.mu.Unlock()
	if f.fail != nil {
		return f.fail(d)
	}
	return nil
}

func (f *fakeChannel) got() []notify.Delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]notify.Delivery(nil), f.deliveries...)
}

// seed creates an office "fzb" with a bureau "rsj", and users: two of the
// bureau with addresses (one disabled), one without, and one of the office.
type seeded struct {
	office, bureau                  models.Organisation
	bureauUser, disabled, noAddress models.User
	officeUser                      models.User
}

func seed(t *testing.T, db *gorm.DB) seeded {
	t.Helper()
	var s seeded
	s.office = models.Organisation{Code: "fzb", Name: "某市委全面依法治市委员会办公室", Kind: models.KindOffice, ContactEmail: "fzb@example.gov.cn"}
	require.NoError(t, db.Create(&s.office).Error)
	s.bureau = models.Organisation{Code: "rsj", Name: "某市人力资源和社会保障局", Kind: models.KindBureau, ParentID: &s.office.ID, ContactEmail: "rsj-office@example.gov.cn"}
	require.NoError(t, db.Create(&s.bureau).Error)
	mk := func(name, email string, org uint, disabled bool) models.User {
		u := models.User{Username: name, PasswordHash: "x", Role: wire.ActorRoleBureau, OrgID: &org, Email: email, Disabled: disabled}
		require.NoError(t, db.Create(&u).Error)
		return u
	}
	s.bureauUser = mk("wang", "wang@example.gov.cn", s.bureau.ID, false)
	s.disabled = mk("li", "li@example.gov.cn", s.bureau.ID, true)
	s.noAddress = mk("zhao", "", s.bureau.ID, false)
	s.officeUser = mk("zhang", "zhang@example.gov.cn", s.office.ID, false)
	return s
}

// reminder is a typical message to the bureau.
func reminder(key string) notify.Message {
	return notify.Message{
		Key: key, Kind: notify.KindReminder, OrgCode: "rsj",
		Subject: "关于报送2024年度法治政府建设年度报告的提醒",
		Body:    "贵单位的年度报告报送截止日期为2025年3月1日，距截止还有2天。\n请及时登录系统上传填报表和年度报告。",
		Link:    "/cycles/2024-abcdef/bureaus/rsj",
	}
}

func enqueue(t *testing.T, db *gorm.DB, msgs ...notify.Message) {
	t.Helper()
	require.NoError(t, db.Transaction(func(tx *gorm.DB) error { return notify.Enqueue(tx, msgs...) }))
}

func load(t *testing.T, db *gorm.DB, key string) models.Notification {
	t.Helper()
	var n models.Notification
	require.NoError(t, db.Take(&n, "idempotency_key = ?", key).Error)
	return n
}

func states(t *testing.T, n models.Notification) map[string]notify.ChannelState {
	t.Helper()
	st, err := notify.ChannelStates(n)
	require.NoError(t, err)
	return st
}
