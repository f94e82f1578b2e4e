package temporaltest

import (
	"context"
	"encoding/json"

	"go.temporal.io/sdk/client"
)

// Value is a query's or an update's result as a client receives it: it
// decodes like a payload converter, through JSON.
type Value struct{ V any }

// HasValue reports whether there is a result.
func (v Value) HasValue() bool { return v.V != nil }

// Get decodes the result into out.
func (v Value) Get(out any) error {
	b, err := json.Marshal(v.V)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// UpdateHandle is a completed update: its result, or its refusal.
type UpdateHandle struct {
	client.WorkflowUpdateHandle
	Result any
	Err    error
}

// Get answers the refusal, or decodes the result into out.
func (h UpdateHandle) Get(_ context.Context, out any) error {
	if h.Err != nil {
		return h.Err
	}
	return Value{V: h.Result}.Get(out)
}

// Healthy is a client whose server answers health checks; embed it in a
// fake that implements what its test needs. Methods it does not implement
// panic through the nil embedded client.
type Healthy struct{ client.Client }

// CheckHealth answers that the server is up.
func (Healthy) CheckHealth(context.Context, *client.CheckHealthRequest) (*client.CheckHealthResponse, error) {
	return &client.CheckHealthResponse{}, nil
}
