package service

import (
	"time"

	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
)

// What the API and the web UI show of the working-day calendar.

// CalendarListing is one year of an office's calendar.
type CalendarListing struct {
	Year       int    `json:"year"`
	OfficeCode string `json:"office_code,omitempty"`
	// Known is whether the year's official arrangement is built in or
	// loaded; Source says which ("builtin", "loaded") or "week" (Monday to
	// Friday, with Warning).
	Known    bool                   `json:"known"`
	Source   calendar.Source        `json:"source"`
	Warning  string                 `json:"warning,omitempty"`
	LoadedBy string                 `json:"loaded_by,omitempty"`
	LoadedAt *time.Time             `json:"loaded_at,omitempty"`
	Workdays int                    `json:"workdays"`
	Holidays []calendar.Holiday     `json:"holidays"`
	Makeups  []calendar.Makeup      `json:"makeup_workdays"`
	Days     []calendar.Day         `json:"days"`
	Changes  []CalendarOverrideView `json:"overrides"`
}

// CalendarOverrideView is one stored day override.
type CalendarOverrideView struct {
	Date       string    `json:"date"`
	Kind       string    `json:"kind"`
	Reason     string    `json:"reason"`
	OfficeCode string    `json:"office_code,omitempty"` // "" for the whole installation
	UpdatedBy  string    `json:"updated_by"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// CalendarDayInput sets one day (PUT /api/v1/calendar/days/{date}).
type CalendarDayInput struct {
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
}

// CalendarYearView is a loaded arrangement.
type CalendarYearView struct {
	Year     int                `json:"year"`
	Holidays []calendar.Holiday `json:"holidays"`
	Makeups  []calendar.Makeup  `json:"makeup_workdays"`
	SHA256   string             `json:"sha256"`
	LoadedBy string             `json:"loaded_by"`
	LoadedAt time.Time          `json:"loaded_at"`
	// Replaced says what the load replaced: "builtin" (the arrangement
	// shipped in the binary), "loaded" (an earlier load) or "" (nothing:
	// the year was unknown).
	Replaced string `json:"replaced,omitempty"`
}

func overrideView(row models.CalendarDay, officeCode string) CalendarOverrideView {
	return CalendarOverrideView{Date: row.Date, Kind: row.Kind, Reason: row.Reason, OfficeCode: officeCode,
		UpdatedBy: row.UpdatedBy, UpdatedAt: chinatime.In(row.UpdatedAt)}
}
