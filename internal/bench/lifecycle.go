package bench

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/lawcycle/lawcycle/wire"
)

// LifecycleOptions configure RunLifecycle.
type LifecycleOptions struct {
	Bin string
	// Bureaus is the size of the large cycle.
	Bureaus int
	// Samples is how many submit/review pairs are timed on each side.
	Samples int
	// DueIn places the large cycle's submission deadline after its
	// creation: long enough for the launch and the timed updates.
	DueIn time.Duration
	// Seed picks the sampled bureaus and their review decisions.
	Seed uint64
	// Poll is how often timer progress is read.
	Poll time.Duration
	// ScanWorkers read histories concurrently.
	ScanWorkers int
}

// LifecycleResult compares a bureau's lifecycle among many open bureau
// workflows with the same calls next to a single one.
type LifecycleResult struct {
	Bureaus int
	Launch  time.Duration
	// Submit and review with 1 open bureau workflow, then with Bureaus.
	SubmitOne, ReviewOne   Latency
	SubmitMany, ReviewMany Latency
	// The first and the last quarter of the one-bureau rounds: a bureau's
	// calls may slow down as its rounds pile up, which the many-bureau
	// side (one round each) does not pay.
	SubmitOneFirst, SubmitOneLast Latency
	ReviewOneFirst, ReviewOneLast Latency
	// ReturnMany is ReviewMany's returns alone, like for like with
	// ReviewOne (every baseline review is a return).
	ReturnMany Latency
	// Overdue is the large cycle's overdue notices; BareTimers as many
	// bare workflows sleeping until one instant.
	Overdue, BareTimers TimerRun
	// Histories: every run of the large cycle's workflow, every bureau
	// workflow of the large cycle, and the baseline bureau's workflow.
	CycleHist, BureauHist, BaselineHist HistoryMax
}

// SubmitRatio compares submit latencies (median, p95).
func (r LifecycleResult) SubmitRatio() (float64, float64) { return ratios(r.SubmitMany, r.SubmitOne) }

// ReviewRatio compares review latencies (median, p95).
func (r LifecycleResult) ReviewRatio() (float64, float64) { return ratios(r.ReviewMany, r.ReviewOne) }

// ReturnRatio compares returns only (median, p95).
func (r LifecycleResult) ReturnRatio() (float64, float64) { return ratios(r.ReturnMany, r.ReviewOne) }

// TimerRatio is the overdue notices' time over the bare timers'.
func (r LifecycleResult) TimerRatio() float64 {
	return r.Overdue.Elapsed.Seconds() / r.BareTimers.Elapsed.Seconds()
}

func ratios(a, b Latency) (float64, float64) {
	return a.Median.Seconds() / b.Median.Seconds(), a.P95.Seconds() / b.P95.Seconds()
}

// RunLifecycle starts `lawcycle dev` on a fresh data dir and, in one run:
// times submit and review on a one-bureau cycle, round after round; launches
// a cycle of o.Bureaus whose submission deadline is an instant o.DueIn
// ahead, times the same calls on o.Samples of its bureaus; at the deadline
// times the overdue notices of every bureau still owing its return, then as
// many bare timers; finally reads every history for the limits of docs/architecture.md#scale-limits.
func RunLifecycle(ctx context.Context, o LifecycleOptions, log io.Writer) (LifecycleResult, error) {
	res := LifecycleResult{Bureaus: o.Bureaus}
	if o.Samples < 1 || o.Samples >= o.Bureaus {
		// Every sampled bureau submits, so only the others are left to
		// owe the deadline whose timers are measured.
		return res, fmt.Errorf("--samples must be at least 1 and fewer than --bureaus")
	}
	dev, err := startDev(o.Bin)
	if err != nil {
		return res, err
	}
	defer dev.Stop()
	api := dev.API
	settle := func(what string) {
		if err := dev.WaitIdle(5 * time.Minute); err != nil {
			fmt.Fprintf(log, "  warning before %s: %v\n", what, err)
		}
	}

	one, err := launchCycle(ctx, api, "one", 1, "2027-03-01")
	if err != nil {
		return res, err
	}
	settle("the one-bureau rounds")
	if err := timeOneBureau(ctx, api, one, o.Samples, &res, log); err != nil {
		return res, err
	}

	// Many bureaus, due at an instant ahead.
	due := time.Now().Add(o.DueIn).Truncate(time.Second)
	many, err := launchCycle(ctx, api, "many", o.Bureaus, due.Format(time.RFC3339))
	if err != nil {
		return res, err
	}
	res.Launch = many.took
	fmt.Fprintf(log, "  %d bureaus launched in %s, submission due %s (load %s)\n", o.Bureaus, res.Launch.Round(time.Second), due.Format(time.TimeOnly), loadAvg())
	if left := time.Until(due); left < time.Minute {
		return res, fmt.Errorf("the launch ended %s before the deadline: raise --due-in", left.Round(time.Second))
	}
	if err := timeManyBureaus(ctx, api, many, o, settle, &res, log); err != nil {
		return res, err
	}

	// The overdue notices, then as many bare timers.
	if left := time.Until(due); left < 10*time.Second {
		return res, fmt.Errorf("the timed calls ended %s before the deadline: raise --due-in", left.Round(time.Second))
	}
	db, err := openAppDB(dev.AppDB())
	if err != nil {
		return res, err
	}
	defer db.Close()
	owing, err := owingSubmission(ctx, db, many.id)
	if err != nil {
		return res, err
	}
	fmt.Fprintf(log, "  waiting %s for %d overdue notices\n", time.Until(due).Round(time.Second), owing)
	// The overdue step is planned a second after the due instant.
	res.Overdue, err = waitOverdue(ctx, db, many.id, due.Add(time.Second), owing, o.Poll, time.Hour)
	if err != nil {
		return res, err
	}
	fmt.Fprintf(log, "  %d overdue notices in %s (load %s)\n", owing, res.Overdue.Elapsed.Round(time.Millisecond), loadAvg())
	settle("the bare timers")
	res.BareTimers, err = runBareTimers(ctx, dev.Temporal, dev.dir, owing, o.Poll, log)
	if err != nil {
		return res, err
	}
	fmt.Fprintf(log, "  %d bare timers in %s (%d set late) (load %s)\n", owing, res.BareTimers.Elapsed.Round(time.Millisecond), res.BareTimers.Late, loadAvg())

	// Histories, read last so that they include the deadline's steps.
	c := dev.Temporal
	runs, err := readRuns(ctx, c, wire.CycleWorkflowID(many.id))
	if err != nil {
		return res, err
	}
	res.CycleHist.add(wire.CycleWorkflowID(many.id), runs)
	oneID := wire.BureauWorkflowID(one.id, one.codes[0])
	if runs, err = readRuns(ctx, c, oneID); err != nil {
		return res, err
	}
	res.BaselineHist.add(oneID, runs)
	ids := make([]string, len(many.codes))
	for i, code := range many.codes {
		ids[i] = wire.BureauWorkflowID(many.id, code)
	}
	t0 := time.Now()
	res.BureauHist, err = scanHistories(ctx, c, ids, o.ScanWorkers)
	fmt.Fprintf(log, "  read %d bureau workflows' histories in %s\n", len(ids), time.Since(t0).Round(time.Second))
	return res, err
}

type launched struct {
	id    string
	codes []string
	// took is the launch, from the request until every bureau awaits its
	// submission.
	took time.Duration
}

// launchCycle creates an office with n bureaus and a cycle for them,
// launches it and waits until every bureau awaits its submission.
func launchCycle(ctx context.Context, api API, office string, n int, submissionDue string) (launched, error) {
	codes, err := api.SeedOrgs(ctx, office, n)
	if err != nil {
		return launched{}, err
	}
	id, err := api.CreateCycle(ctx, office, codes, submissionDue, "2027-03-31")
	if err != nil {
		return launched{}, err
	}
	start := time.Now()
	if err := api.Do(ctx, "POST", "/api/v1/cycles/"+id+"/launch", nil, nil); err != nil {
		return launched{}, err
	}
	err = api.WaitProgress(ctx, id, "awaiting_submission", n, time.Hour)
	return launched{id: id, codes: codes, took: time.Since(start)}, err
}
