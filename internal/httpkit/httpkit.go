// Package httpkit is the HTTP plumbing the JSON API (package api) and the
// web UI (package web) share, so that both answer alike: request ids and
// deadlines, security headers, body limits, uploads and downloads, the
// audit record of refused requests and the login limiter. One Kit is made
// per process and handed to both, so process-wide limits hold for the
// process (docs/architecture.md#shared-http-toolkit).
package httpkit

import (
	"log/slog"

	"gorm.io/gorm"
)

// Kit holds what must be one per process.
type Kit struct {
	// Denials records refused requests, throttled process-wide.
	Denials *Denials
	// Logins limits login attempts per client address across the API's
	// token route and the web UI's login form.
	Logins *LoginLimiter
}

// NewKit makes the process's kit; loginsPerMinute 0 means
// DefaultLoginsPerMinute.
func NewKit(db *gorm.DB, log *slog.Logger, loginsPerMinute int) *Kit {
	if log == nil {
		log = slog.Default()
	}
	if loginsPerMinute == 0 {
		loginsPerMinute = DefaultLoginsPerMinute
	}
	return &Kit{Denials: NewDenials(db, log), Logins: NewLoginLimiter(loginsPerMinute)}
}
