package service

import (
	"fmt"
	"slices"

	"github.com/lawcycle/lawcycle/models"
)

// Bounds of the cycle settings, in working days unless named otherwise.
const (
	MaxResubmitWorkdays = 60
	MaxReminderWorkdays = 30
	MaxReminders        = 5
	MaxEscalateWorkdays = 60

	MaxRectImmediateWorkdays = 30
	MaxRectSuperviseWorkdays = 60
	MaxRectCheckInMonths     = 12
)

// SettingsInput is the optional "settings" object of a new cycle; an
// omitted field takes the default.
type SettingsInput struct {
	ResubmitWorkdays      *int  `json:"resubmit_workdays,omitempty"`
	ReminderWorkdays      []int `json:"reminder_workdays,omitempty"`
	EscalateAfterWorkdays *int  `json:"escalate_after_workdays,omitempty"`

	RectImmediateWorkdays *int  `json:"rect_immediate_workdays,omitempty"`
	RectReminderWorkdays  []int `json:"rect_reminder_workdays,omitempty"`
	RectSuperviseWorkdays *int  `json:"rect_supervise_workdays,omitempty"`
	RectCheckInMonths     *int  `json:"rect_check_in_months,omitempty"`
}

// SettingsView is a cycle's deadline rules with the defaults applied.
type SettingsView struct {
	ResubmitWorkdays      int   `json:"resubmit_workdays"`
	ReminderWorkdays      []int `json:"reminder_workdays"`
	EscalateAfterWorkdays int   `json:"escalate_after_workdays"`

	RectImmediateWorkdays int   `json:"rect_immediate_workdays"`
	RectReminderWorkdays  []int `json:"rect_reminder_workdays"`
	RectSuperviseWorkdays int   `json:"rect_supervise_workdays"`
	RectCheckInMonths     int   `json:"rect_check_in_months"`
}

func settingsView(s models.CycleSettings) SettingsView {
	s = s.WithDefaults()
	return SettingsView{ResubmitWorkdays: s.ResubmitWorkdays, ReminderWorkdays: s.ReminderWorkdays,
		EscalateAfterWorkdays: s.EscalateAfterWorkdays, RectImmediateWorkdays: s.RectImmediateWorkdays,
		RectReminderWorkdays: s.RectReminderWorkdays, RectSuperviseWorkdays: s.RectSuperviseWorkdays,
		RectCheckInMonths: s.RectCheckInMonths}
}

// validateSettings checks the input and returns the settings to store:
// what was given, zero for the defaults.
func validateSettings(bad *fieldErrors, in *SettingsInput) models.CycleSettings {
	var out models.CycleSettings
	if in == nil {
		return out
	}
	within := func(field, label, unit string, v *int, lo, hi int) int {
		if v == nil {
			return 0
		}
		if *v < lo || *v > hi {
			bad.add(-1, "settings."+field, fmt.Sprintf("%s应在 %d 至 %d 个%s之间，实际为 %d", label, lo, hi, unit, *v))
			return 0
		}
		return *v
	}
	out.ResubmitWorkdays = within("resubmit_workdays", "退回后重新报送的期限", "工作日", in.ResubmitWorkdays, 1, MaxResubmitWorkdays)
	out.EscalateAfterWorkdays = within("escalate_after_workdays", "逾期后报法治办督办的时间", "工作日", in.EscalateAfterWorkdays, 1, MaxEscalateWorkdays)
	out.ReminderWorkdays = reminderOffsets(bad, "reminder_workdays", "提醒", in.ReminderWorkdays)

	out.RectImmediateWorkdays = within("rect_immediate_workdays", "立行立改事项未写明期限时的完成期限", "工作日",
		in.RectImmediateWorkdays, 1, MaxRectImmediateWorkdays)
	out.RectSuperviseWorkdays = within("rect_supervise_workdays", "整改逾期督办后的最终整改期限", "工作日",
		in.RectSuperviseWorkdays, 1, MaxRectSuperviseWorkdays)
	out.RectCheckInMonths = within("rect_check_in_months", "长期坚持事项报告整改进展的周期", "月",
		in.RectCheckInMonths, 1, MaxRectCheckInMonths)
	out.RectReminderWorkdays = reminderOffsets(bad, "rect_reminder_workdays", "整改到期提醒", in.RectReminderWorkdays)
	return out
}

// reminderOffsets checks a list of reminder offsets (working days before
// a due day) and returns it latest first, as plans send them: 5, 2, 1.
// Nil (the default) when absent or refused.
func reminderOffsets(bad *fieldErrors, field, label string, offsets []int) []int {
	field = "settings." + field
	if len(offsets) > MaxReminders {
		bad.add(-1, field, fmt.Sprintf("%s最多设置 %d 次，实际为 %d 次", label, MaxReminders, len(offsets)))
		return nil
	}
	for i, n := range offsets {
		switch {
		case n < 0 || n > MaxReminderWorkdays:
			bad.add(i, field, fmt.Sprintf("%s时间应为截止前 0 至 %d 个工作日，实际为 %d", label, MaxReminderWorkdays, n))
			return nil
		case slices.Contains(offsets[:i], n):
			bad.add(i, field, fmt.Sprintf("%s时间“截止前 %d 个工作日”重复", label, n))
			return nil
		}
	}
	out := slices.Clone(offsets)
	slices.SortFunc(out, func(a, b int) int { return b - a })
	return out
}
