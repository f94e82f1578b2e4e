package bench

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// TimerRun is many timers due at one instant, processed.
type TimerRun struct {
	// Timers is how many were due.
	Timers int
	// Elapsed runs from the instant the timers were due until the last
	// one's write was seen (polled, so up to one poll interval late).
	Elapsed time.Duration
	// Late counts timers set after their instant had passed (the
	// measurement then flatters the run); 0 when it cannot be told.
	Late int
}

// openAppDB opens lawcycle's SQLite read model read-only: the benchmark
// watches it, it never writes behind the application's back.
func openAppDB(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, db.Ping()
}

// owingSubmission counts the cycle's bureaus still owing their first
// submission: the ones whose overdue notice falls due at the cycle's
// submission deadline. Returned bureaus owe a resubmission with its own
// due date.
func owingSubmission(ctx context.Context, db *sql.DB, cycleID string) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM cycle_participants
		WHERE cycle_id = ? AND stage IN ('notified', 'awaiting_submission') AND round = 1`, cycleID).Scan(&n)
	return n, err
}

// waitOverdue waits for the overdue notices of the cycle's submission
// deadline: each bureau workflow sleeps until the step's instant, then its
// SendDeadlineStep activity writes the step's row, the notification and
// the overdue flag in one transaction. It returns the time from at until
// want rows were seen.
func waitOverdue(ctx context.Context, db *sql.DB, cycleID string, at time.Time, want int, poll, limit time.Duration) (TimerRun, error) {
	count := func() (int, error) {
		var n int
		err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM deadline_steps
			WHERE cycle_id = ? AND kind = 'submission' AND step = 'overdue' AND round = 1`, cycleID).Scan(&n)
		return n, err
	}
	if n, err := count(); err != nil || n != 0 {
		return TimerRun{}, fmt.Errorf("overdue notices before the deadline: %d (%v)", n, err)
	}
	elapsed, err := pollUntil(ctx, at, want, poll, limit, count)
	return TimerRun{Timers: want, Elapsed: elapsed}, err
}

// pollUntil sleeps until at, then calls count every poll until it reaches
// want, and returns the time from at until then.
func pollUntil(ctx context.Context, at time.Time, want int, poll, limit time.Duration, count func() (int, error)) (time.Duration, error) {
	select {
	case <-time.After(time.Until(at)):
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	for {
		n, err := count()
		if err != nil {
			return 0, err
		}
		elapsed := time.Since(at)
		if n >= want {
			return elapsed, nil
		}
		if elapsed > limit {
			return 0, fmt.Errorf("%d of %d timers processed after %s", n, want, limit)
		}
		select {
		case <-time.After(poll):
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}
