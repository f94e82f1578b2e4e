package bench

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"slices"
	"time"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/internal/returntest"
)

// Latency summarises timed calls.
type Latency struct {
	N           int
	Median, P95 time.Duration
}

func latency(samples []time.Duration) Latency {
	if len(samples) == 0 {
		return Latency{}
	}
	d := slices.Clone(samples)
	slices.Sort(d)
	q := func(p float64) time.Duration { return d[int(float64(len(d)-1)*p)] }
	return Latency{N: len(d), Median: q(.5), P95: q(.95)}
}

func (l Latency) String() string {
	return fmt.Sprintf("n=%d median %.1fms p95 %.1fms", l.N, ms(l.Median), ms(l.P95))
}

// filledReturn downloads a bureau's personalised template and fills it
// with values that pass every rule, as a bureau would before uploading.
// The template names the cycle and the bureau, not the round, so one
// filled file serves every round of that bureau.
func (a API) filledReturn(ctx context.Context, cycle, org string) ([]byte, error) {
	tmpl, err := a.Send(ctx, "GET", bureauPath(cycle, org)+"/template", "", nil)
	if err != nil {
		return nil, err
	}
	// Bench bureaus have no sector: the general part alone.
	cat, err := catalogue.Builtin().ComposeFor("")
	if err != nil {
		return nil, err
	}
	return returntest.Fill(tmpl, returntest.Filled{Values: returntest.Plausible(cat), Info: returntest.Info})
}

// submit uploads a filled return and times the call until its 201.
func (a API) submit(ctx context.Context, cycle, org string, file []byte) (time.Duration, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, err := w.CreateFormFile("file", "报表.xlsx")
	if err != nil {
		return 0, err
	}
	if _, err := fw.Write(file); err != nil {
		return 0, err
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	start := time.Now()
	_, err = a.Send(ctx, "POST", bureauPath(cycle, org)+"/submissions", w.FormDataContentType(), buf.Bytes())
	return time.Since(start), err
}

// review approves or returns the latest version and times the call until
// its 201. A return carries the one comment it needs and the cycle's
// default resubmission due date.
func (a API) review(ctx context.Context, cycle, org, decision string) (time.Duration, error) {
	body := map[string]any{"decision": decision}
	if decision == "return" {
		body["comments"] = []map[string]string{{"message": "请补充第一项指标的说明后重新报送"}}
	}
	start := time.Now()
	err := a.Do(ctx, "POST", bureauPath(cycle, org)+"/reviews", body, nil)
	return time.Since(start), err
}

func bureauPath(cycle, org string) string { return "/api/v1/cycles/" + cycle + "/bureaus/" + org }

// waitPlanned waits until the bureau workflow, in round, has planned the
// deadline it owes (GET …/status shows it): after a return the workflow
// plans the next round's deadline by itself, and a resubmission sent in
// the same millisecond would be timed queuing behind that work, which a
// person, who resubmits hours or days later, never meets.
func (a API) waitPlanned(ctx context.Context, cycle, org string, round int) error {
	deadline := time.Now().Add(time.Minute)
	for {
		var st struct {
			Round    int `json:"round"`
			Deadline *struct {
				Round int `json:"round"`
			} `json:"deadline"`
		}
		if err := a.Do(ctx, "GET", bureauPath(cycle, org)+"/status", nil, &st); err != nil {
			return err
		}
		if st.Round == round && st.Deadline != nil && st.Deadline.Round == round {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: round %d's deadline not planned after a minute", org, round)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
