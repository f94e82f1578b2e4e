package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// timeOneBureau times a warm-up round, then samples rounds of
// submit → return → submit of the next round … on the one bureau of c,
// each submission sent once the workflow has planned its round's
// deadline, as the sampled bureaus of the large cycle have since their
// launch.
func timeOneBureau(ctx context.Context, api API, c launched, samples int, res *LifecycleResult, log io.Writer) error {
	org := c.codes[0]
	file, err := api.filledReturn(ctx, c.id, org)
	if err != nil {
		return err
	}
	var submits, reviews []time.Duration
	load := loadAvg()
	for i := range samples + 1 {
		s, err := api.submit(ctx, c.id, org, file)
		if err != nil {
			return fmt.Errorf("round %d: %w", i+1, err)
		}
		r, err := api.review(ctx, c.id, org, "return")
		if err != nil {
			return fmt.Errorf("round %d: %w", i+1, err)
		}
		if err := api.waitPlanned(ctx, c.id, org, i+2); err != nil {
			return err
		}
		if i > 0 {
			submits, reviews = append(submits, s), append(reviews, r)
		}
	}
	res.SubmitOne, res.ReviewOne = latency(submits), latency(reviews)
	q := max(1, len(submits)/4)
	res.SubmitOneFirst, res.SubmitOneLast = latency(submits[:q]), latency(submits[len(submits)-q:])
	res.ReviewOneFirst, res.ReviewOneLast = latency(reviews[:q]), latency(reviews[len(reviews)-q:])
	fmt.Fprintf(log, "  1 bureau: submit %s; review %s (load %s → %s)\n", res.SubmitOne, res.ReviewOne, load, loadAvg())
	fmt.Fprintf(log, "    first %d rounds: submit %s; review %s\n    last %d rounds: submit %s; review %s\n",
		q, res.SubmitOneFirst, res.ReviewOneFirst, q, res.SubmitOneLast, res.ReviewOneLast)
	return nil
}

// timeManyBureaus times submit then review (approve or return, at random)
// on o.Samples distinct bureaus of c picked at random. Their returns are
// downloaded and filled first, untimed; settle lets the server finish
// what the launch left behind before the first timed call.
func timeManyBureaus(ctx context.Context, api API, c launched, o LifecycleOptions, settle func(string), res *LifecycleResult, log io.Writer) error {
	rng := rand.New(rand.NewPCG(o.Seed, 0))
	picked := rng.Perm(len(c.codes))[:o.Samples]
	files := make([][]byte, len(picked))
	for i, p := range picked {
		var err error
		if files[i], err = api.filledReturn(ctx, c.id, c.codes[p]); err != nil {
			return err
		}
	}
	settle("the many-bureau calls")
	var submits, reviews, returns []time.Duration
	load := loadAvg()
	for i, p := range picked {
		org := c.codes[p]
		s, err := api.submit(ctx, c.id, org, files[i])
		if err != nil {
			return err
		}
		decision := "approve"
		if rng.IntN(2) == 0 {
			decision = "return"
		}
		r, err := api.review(ctx, c.id, org, decision)
		if err != nil {
			return err
		}
		submits, reviews = append(submits, s), append(reviews, r)
		if decision == "return" {
			returns = append(returns, r)
		}
	}
	res.SubmitMany, res.ReviewMany, res.ReturnMany = latency(submits), latency(reviews), latency(returns)
	fmt.Fprintf(log, "  %d bureaus: submit %s; review %s (returns %s) (load %s → %s)\n",
		len(c.codes), res.SubmitMany, res.ReviewMany, res.ReturnMany, load, loadAvg())
	return nil
}
