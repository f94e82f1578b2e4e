package service_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/service"
)

const rootToken = "lc_test_calendar_root_token_0123"

const invented2027 = `一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。`

// newServices returns two services on one database, as two processes
// (an API server and a worker) have, and the platform admin.
func newServices(t *testing.T, db *gorm.DB) (a, b *service.Service, root service.Principal, officeID uint) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, b = &service.Service{DB: db, Logger: log}, &service.Service{DB: db, Logger: log}
	ctx := t.Context()
	if _, err := a.EnsureAdmin(ctx, "", rootToken); err != nil {
		t.Fatal(err)
	}
	root, err := a.Authenticate(ctx, rootToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateOrgs(ctx, root, []service.OrgInput{{Code: "fzb", Name: "某市法治办", Kind: models.KindOffice}}); err != nil {
		t.Fatal(err)
	}
	var office models.Organisation
	if err := db.Take(&office, "code = ?", "fzb").Error; err != nil {
		t.Fatal(err)
	}
	return a, b, root, office.ID
}

func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// A calendar cached by one process is rebuilt as soon as another process
// changes the stored calendar, and reused while nothing changes.
func TestCalendarCacheFollowsChanges(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		a, b, root, office := newServices(t, db)
		ctx := t.Context()
		c1, err := a.Calendar(ctx, office)
		if err != nil {
			t.Fatal(err)
		}
		if c2, _ := a.Calendar(ctx, office); c2 != c1 {
			t.Error("an unchanged calendar was rebuilt")
		}
		if !c1.IsWorkday(day("2026-04-20")) || c1.Known(2027) {
			t.Fatal("unexpected starting calendar")
		}

		// Another process sets a day for the office.
		if _, err := b.SetCalendarDay(ctx, root, "2026-04-20", "fzb", service.CalendarDayInput{Kind: "holiday", Reason: "本地调休"}); err != nil {
			t.Fatal(err)
		}
		c3, err := a.Calendar(ctx, office)
		if err != nil {
			t.Fatal(err)
		}
		if c3 == c1 || c3.IsWorkday(day("2026-04-20")) {
			t.Error("the change made elsewhere was not seen")
		}
		if inst, _ := a.Calendar(ctx, 0); !inst.IsWorkday(day("2026-04-20")) {
			t.Error("an office's change reached the installation's calendar")
		}

		// ... loads 2027: due dates computed afterwards use it.
		due, err := a.DueDate(ctx, office, calendar.WorkdaysAfter(1), time.Date(2027, 9, 30, 10, 0, 0, 0, chinatime.Location))
		if err != nil || due.Date != day("2027-10-01") || len(due.Provisional) != 1 {
			t.Fatalf("before loading: %+v, %v", due, err)
		}
		if _, _, err := b.LoadCalendarYear(ctx, root, "2027", invented2027); err != nil {
			t.Fatal(err)
		}
		due, err = a.DueDate(ctx, office, calendar.WorkdaysAfter(1), time.Date(2027, 9, 30, 10, 0, 0, 0, chinatime.Location))
		if err != nil || due.Date != day("2027-10-08") || len(due.Provisional) != 0 || !due.At.Equal(day("2027-10-08").EndOfDay()) {
			t.Fatalf("after loading: %+v, %v", due, err)
		}

		// ... and deletes the day.
		if err := b.DeleteCalendarDay(ctx, root, "2026-04-20", "fzb"); err != nil {
			t.Fatal(err)
		}
		if c, _ := a.Calendar(ctx, office); !c.IsWorkday(day("2026-04-20")) {
			t.Error("the deletion made elsewhere was not seen")
		}
	})
}

// Activities on many goroutines read the calendar while admins change it.
func TestCalendarConcurrentReadersAndWriters(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		a, b, root, office := newServices(t, db)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				svc := a
				if i%2 == 1 {
					svc = b
				}
				for ctx.Err() == nil {
					due, err := svc.DueDate(ctx, office, calendar.WorkdaysAfter(3), time.Date(2026, 4, 16, 10, 0, 0, 0, chinatime.Location))
					if err != nil {
						if ctx.Err() == nil {
							errs <- err
						}
						return
					}
					// Thursday + 3: Friday, (Monday 4.20 or not), Tuesday, Wednesday.
					if d := due.Date; d != day("2026-04-21") && d != day("2026-04-22") {
						errs <- fmt.Errorf("due %s", d)
						return
					}
				}
			}()
		}
		for i := range 20 {
			svc := []*service.Service{a, b}[i%2]
			var err error
			if i%2 == 0 {
				_, err = svc.SetCalendarDay(ctx, root, "2026-04-20", "fzb", service.CalendarDayInput{Kind: "holiday", Reason: fmt.Sprintf("第%d次", i)})
			} else {
				err = svc.DeleteCalendarDay(ctx, root, "2026-04-20", "fzb")
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		cancel()
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		// The last change (a deletion) is what both see.
		for _, svc := range []*service.Service{a, b} {
			c, err := svc.Calendar(t.Context(), office)
			if err != nil || !c.IsWorkday(day("2026-04-20")) {
				t.Errorf("final calendar: %v", err)
			}
		}
		var rev models.CalendarRevision
		if err := db.Take(&rev, 1).Error; err != nil || rev.Revision != 20 {
			t.Errorf("revision = %d, %v; want 20", rev.Revision, err)
		}
	})
}
