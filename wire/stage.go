package wire

// Stage is where a bureau stands in a cycle (docs/domain.md#bureau-stages).
type Stage string

const (
	// StagePending: the cycle is a draft; the bureau has not been notified.
	StagePending             Stage = "pending"
	StageNotified            Stage = "notified"
	StageAwaitingSubmission  Stage = "awaiting_submission"
	StageUnderReview         Stage = "under_review"
	StageApproved            Stage = "approved"
	StageAwaitingPublication Stage = "awaiting_publication"
	StageCompleted           Stage = "completed"
)

// Stages in lifecycle order; progress counts are reported in this order.
var Stages = []Stage{
	StagePending, StageNotified, StageAwaitingSubmission, StageUnderReview,
	StageApproved, StageAwaitingPublication, StageCompleted,
}

// Label is the stage's name as offices say it.
func (s Stage) Label() string {
	switch s {
	case StagePending:
		return "未启动"
	case StageNotified:
		return "已通知"
	case StageAwaitingSubmission:
		return "待报送"
	case StageUnderReview:
		return "审核中"
	case StageApproved:
		return "已通过"
	case StageAwaitingPublication:
		return "待公开"
	case StageCompleted:
		return "已完成"
	}
	return string(s)
}

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool {
	for _, v := range Stages {
		if v == s {
			return true
		}
	}
	return false
}
