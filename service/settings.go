package service

import (
	"fmt"
	"slices"

	"github.com/lawcycle/lawcycle/models"
)

// Bounds of the cycle settings, in working days.
const (
	MaxResubmitWorkdays = 60
	MaxReminderWorkdays = 30
	MaxReminders        = 5
	MaxEscalateWorkdays = 60
)

// SettingsInput is the optional "settings" object of a new cycle; an
// omitted field takes the default.
type SettingsInput struct {
	ResubmitWorkdays      *int  `json:"resubmit_workdays,omitempty"`
	ReminderWorkdays      []int `json:"reminder_workdays,omitempty"`
	EscalateAfterWorkdays *int  `json:"escalate_after_workdays,omitempty"`
}

// SettingsView is a cycle's deadline rules with the defaults applied.
type SettingsView struct {
	ResubmitWorkdays      int   `json:"resubmit_workdays"`
	ReminderWorkdays      []int `json:"reminder_workdays"`
	EscalateAfterWorkdays int   `json:"escalate_after_workdays"`
}

func settingsView(s models.CycleSettings) SettingsView {
	s = s.WithDefaults()
	return SettingsView{ResubmitWorkdays: s.ResubmitWorkdays, ReminderWorkdays: s.ReminderWorkdays,
		EscalateAfterWorkdays: s.EscalateAfterWorkdays}
}

// validateSettings checks the input and returns the settings to store:
// what was given, zero for the defaults.
func validateSettings(bad *fieldErrors, in *SettingsInput) models.CycleSettings {
	var out models.CycleSettings
	if in == nil {
		return out
	}
	within := func(field, label string, v *int, lo, hi int) int {
		if v == nil {
			return 0
		}
		if *v < lo || *v > hi {
			bad.add(-1, "settings."+field, fmt.Sprintf("%s应在 %d 至 %d 个工作日之间，实际为 %d", label, lo, hi, *v))
			return 0
		}
		return *v
	}
	out.ResubmitWorkdays = within("resubmit_workdays", "退回后重新报送的期限", in.ResubmitWorkdays, 1, MaxResubmitWorkdays)
	out.EscalateAfterWorkdays = within("escalate_after_workdays", "逾期后报法治办督办的时间", in.EscalateAfterWorkdays, 1, MaxEscalateWorkdays)
	reminders := in.ReminderWorkdays
	if len(reminders) > MaxReminders {
		bad.add(-1, "settings.reminder_workdays", fmt.Sprintf("提醒最多设置 %d 次，实际为 %d 次", MaxReminders, len(reminders)))
		return out
	}
	for i, n := range reminders {
		switch {
		case n < 0 || n > MaxReminderWorkdays:
			bad.add(i, "settings.reminder_workdays", fmt.Sprintf("提醒时间应为截止前 0 至 %d 个工作日，实际为 %d", MaxReminderWorkdays, n))
			return out
		case slices.Contains(reminders[:i], n):
			bad.add(i, "settings.reminder_workdays", fmt.Sprintf("提醒时间“截止前 %d 个工作日”重复", n))
			return out
		}
	}
	// Stored latest first, as the plan sends them: 5, 2, 1.
	out.ReminderWorkdays = slices.Clone(reminders)
	slices.SortFunc(out.ReminderWorkdays, func(a, b int) int { return b - a })
	return out
}
