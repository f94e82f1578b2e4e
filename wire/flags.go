package wire

// Participant flags: what the office's lists highlight about a bureau
// beside its stage. Activities set them in the read model; workflows
// never read them; they are for people.
const (
	// FlagWarnings: the latest submission was accepted with warnings.
	FlagWarnings = "warnings"
	// FlagOverdue: the deadline the bureau owes has passed (逾期).
	FlagOverdue = "overdue"
	// FlagEscalated: the office was told of the overdue bureau (督办).
	FlagEscalated = "escalated"
	// FlagLateSubmission: a submission came after its due date.
	FlagLateSubmission = "late_submission"
	// FlagPublishedLate: the report was published after its due date.
	FlagPublishedLate = "published_late"
	// FlagExtensionRequested: an extension request awaits the office.
	FlagExtensionRequested = "extension_requested"
	// FlagExtended: a due date of the bureau was extended.
	FlagExtended = "extended"
	// FlagUnfinished: the cycle closed before the bureau completed.
	FlagUnfinished = "unfinished"
)

// FlagLabel is a flag's Chinese name; an unknown flag is shown as is.
func FlagLabel(flag string) string {
	switch flag {
	case FlagWarnings:
		return "有校验提示"
	case FlagOverdue:
		return "逾期"
	case FlagEscalated:
		return "已督办"
	case FlagLateSubmission:
		return "逾期报送"
	case FlagPublishedLate:
		return "逾期公开"
	case FlagExtensionRequested:
		return "申请延期中"
	case FlagExtended:
		return "已延期"
	case FlagUnfinished:
		return "未完成"
	}
	return flag
}
