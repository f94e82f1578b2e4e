package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

// CycleSettings are a cycle's deadline rules beyond its two due dates
// (docs/domain.md#cycle-settings: every date is a per-cycle setting). Counts are working days on
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

	// Rectification items (docs/domain.md#rectification).
	// RectImmediateWorkdays: a 立行立改 item without a date is due this
	// many working days after it opens.
	RectImmediateWorkdays int `json:"rect_immediate_workdays,omitempty"`
	// RectReminderWorkdays: 提醒 this many working days before an item's
	// due day (or a check-in's), e.g. [5, 1].
	RectReminderWorkdays []int `json:"rect_reminder_workdays,omitempty"`
	// RectSuperviseWorkdays: the 督办/告诫 sent when an item is overdue
	// sets a final deadline this many working days after its due day; the
	// 约谈/通报 follows when that passes too.
	RectSuperviseWorkdays int `json:"rect_supervise_workdays,omitempty"`
	// RectCheckInMonths: a 长期坚持 item checks in at the end of every
	// period of this many months (3: quarterly).
	RectCheckInMonths int `json:"rect_check_in_months,omitempty"`
}

// Default cycle settings.
const (
	DefaultResubmitWorkdays      = 5
	DefaultEscalateAfterWorkdays = 3
	DefaultRectImmediateWorkdays = 10
	DefaultRectSuperviseWorkdays = 10
	DefaultRectCheckInMonths     = 3
)

// Default reminder offsets of deadlines and of rectification items.
var (
	DefaultReminderWorkdays     = []int{5, 2, 1}
	DefaultRectReminderWorkdays = []int{5, 1}
)

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
	if s.RectImmediateWorkdays == 0 {
		s.RectImmediateWorkdays = DefaultRectImmediateWorkdays
	}
	if len(s.RectReminderWorkdays) == 0 {
		s.RectReminderWorkdays = append([]int(nil), DefaultRectReminderWorkdays...)
	}
	if s.RectSuperviseWorkdays == 0 {
		s.RectSuperviseWorkdays = DefaultRectSuperviseWorkdays
	}
	if s.RectCheckInMonths == 0 {
		s.RectCheckInMonths = DefaultRectCheckInMonths
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
