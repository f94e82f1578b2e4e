package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lawcycle/lawcycle/internal/store"
)

const timerQueue = "bench-timers"

// timerWorkflow is the baseline of a deadline step: sleep until one
// instant, then one activity that writes one row. It passes the time its
// timer was set, so late starts can be told apart from slow timers.
func timerWorkflow(ctx workflow.Context, at time.Time, id int) error {
	planned := workflow.Now(ctx)
	if d := at.Sub(planned); d > 0 {
		if err := workflow.Sleep(ctx, d); err != nil {
			return err
		}
	}
	// Retried like lawcycle's database activities.
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
	return workflow.ExecuteActivity(ctx, "WriteRow", id, planned.UnixNano()).Get(ctx, nil)
}

// rowWriter writes the baseline's rows into a SQLite file opened the way
// lawcycle opens its own (WAL, busy timeout, immediate transactions, a
// pool of 8).
type rowWriter struct{ db *sql.DB }

func openRowWriter(dir string) (*rowWriter, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	t, err := store.Resolve("", dir)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", t.DSN)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	_, err = db.Exec(`CREATE TABLE IF NOT EXISTS fired (id INTEGER PRIMARY KEY, planned_at INTEGER NOT NULL, written_at INTEGER NOT NULL)`)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &rowWriter{db: db}, nil
}

// WriteRow is the baseline's activity. The conflict clause makes a retry
// harmless, as the deadline step's unique key does.
func (w *rowWriter) WriteRow(ctx context.Context, id int, planned int64) error {
	_, err := w.db.ExecContext(ctx, `INSERT INTO fired (id, planned_at, written_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		id, planned, time.Now().UnixNano())
	return err
}

// runBareTimers starts n timer workflows on the server c talks to, run by
// an in-process worker, all due at one instant, and times them from that
// instant until every row is written. The instant is chosen after timing
// a sample, so that all n are started and their timers set before it;
// the rows tell afterwards whether that held.
func runBareTimers(ctx context.Context, c client.Client, dir string, n int, poll time.Duration, log io.Writer) (TimerRun, error) {
	rw, err := openRowWriter(filepath.Join(dir, "timers"))
	if err != nil {
		return TimerRun{}, err
	}
	defer rw.db.Close()
	w := worker.New(c, timerQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(timerWorkflow, workflow.RegisterOptions{Name: "Timer"})
	w.RegisterActivityWithOptions(rw.WriteRow, activity.RegisterOptions{Name: "WriteRow"})
	if err := w.Start(); err != nil {
		return TimerRun{}, err
	}
	defer w.Stop()

	prefix := fmt.Sprintf("bench-timer-%d", time.Now().UnixNano())
	start := func(at time.Time, id int) error {
		_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: fmt.Sprintf("%s-%d", prefix, id), TaskQueue: timerQueue,
		}, "Timer", at, id)
		return err
	}
	// Calibration: a sample of the same workflows due at once, timed from
	// the first start until their last row. Each costs a start, a
	// workflow task, the activity and a last workflow task; before the
	// instant only the start and the task that sets the timer must be
	// done, so n times that, plus a minute, leaves about twice the time
	// needed.
	sample := min(n, max(50, n/20))
	count := func(where string) func() (int, error) {
		return func() (int, error) {
			var k int
			return k, rw.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM fired WHERE `+where).Scan(&k)
		}
	}
	t0 := time.Now()
	if err := parallel(sample, 32, func(i int) error { return start(t0, -1-i) }); err != nil {
		return TimerRun{}, err
	}
	if _, err := pollUntil(ctx, t0, sample, poll, time.Hour, count("id < 0")); err != nil {
		return TimerRun{}, err
	}
	perWorkflow := time.Since(t0) / time.Duration(sample)
	at := time.Now().Add(perWorkflow*time.Duration(n) + time.Minute).Truncate(time.Second)
	fmt.Fprintf(log, "  %d bare timers due at %s (%.1f ms per workflow in a sample of %d)\n",
		n, at.Format(time.TimeOnly), ms(perWorkflow), sample)
	if err := parallel(n, 32, func(i int) error { return start(at, i) }); err != nil {
		return TimerRun{}, err
	}
	if late := time.Since(at); late > 0 {
		return TimerRun{}, fmt.Errorf("starting %d bare timers ended %s after their instant", n, late)
	}
	elapsed, err := pollUntil(ctx, at, n, poll, time.Hour, count("id >= 0"))
	if err != nil {
		return TimerRun{}, err
	}
	res := TimerRun{Timers: n, Elapsed: elapsed}
	err = rw.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM fired WHERE id >= 0 AND planned_at >= ?`, at.UnixNano()).Scan(&res.Late)
	return res, err
}
