package workflows

import "go.temporal.io/sdk/workflow"

// signalSetter is a payload-less signal and the state change it makes.
type signalSetter struct {
	name string
	set  func()
}

// onSignals runs each setter's change every time its signal arrives.
// Signals only change state; the main flow reacts to it.
func onSignals(ctx workflow.Context, setters []signalSetter) {
	for _, s := range setters {
		ch := workflow.GetSignalChannel(ctx, s.name)
		workflow.Go(ctx, func(ctx workflow.Context) {
			for {
				ch.Receive(ctx, nil)
				s.set()
			}
		})
	}
}

// drainSignals applies signals still buffered before continue-as-new,
// which would otherwise drop them.
func drainSignals(ctx workflow.Context, setters []signalSetter) {
	for _, s := range setters {
		ch := workflow.GetSignalChannel(ctx, s.name)
		for ch.ReceiveAsync(nil) {
			s.set()
		}
	}
}
