package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

// CycleSettings are a cycle's deadline rules beyond its two due dates
// (SPEC §1: every date is a per-cycle setting). Counts are working days on
// the office's calendar. Zero values mean the defaults (WithDefaults).
type CycleSettings struct {
	// ResubmitWorkdays: a returned submission is due again this many
	// working days after the return, unless the reviewer sets a date.
	ResubmitWorkdays int `json:"resubmit_workdays,omitempty"`
	// ReminderWorkdays: reminders go out this many working days before
	// each due day, e.g. [5, 2, 1]. An empty list means the default; [0]
	// means a reminder on the due day itself.
	ReminderWorkdays []int `json:"reminder_workdays,omitempty"`
	// EscalateAfterWorkdays: an overdue bureau is escalated to the office
	// (督办) this many working days after its due day.
	EscalateAfterWorkdays int `json:"escalate_after_workdays,omitempty"`
}

// Default cycle settings.
const (
	DefaultResubmitWorkdays      = 5
	DefaultEscalateAfterWorkdays = 3
)

// DefaultReminderWorkdays are the default reminder offsets.
var DefaultReminderWorkdays = []int{5, 2, 1}

// WithDefaults fills the zero settings with the defaults.
func (s CycleSettings) WithDefaults() CycleSettings {
	if s.ResubmitWorkdays == 0 {
		s.ResubmitWorkdays = DefaultResubmitWorkdays
	}
	if len(s.ReminderWorkdays) == 0 {
		s.ReminderWorkdays = append([]int(nil), DefaultReminderWorkdays...)
	}
	if s.EscalateAfterWorkdays == 0 {
		s.EscalateAfterWorkdays = DefaultEscalateAfterWorkdays
	}
	return s
}

// Value stores the settings as JSON text.
func (s CycleSettings) Value() (driver.Value, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// Scan reads the settings from JSON text.
func (s *CycleSettings) Scan(v any) error {
	var b []byte
	switch t := v.(type) {
	case nil:
		*s = CycleSettings{}
		return nil
	case string:
		b = []byte(t)
	case []byte:
		b = t
	default:
		return fmt.Errorf("cycle settings: unsupported type %T", v)
	}
	if len(b) == 0 {
		*s = CycleSettings{}
		return nil
	}
	return json.Unmarshal(b, s)
}
