package workflows

import (
	"fmt"

	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// state answers QueryState.
func (b *bureau) state() (wire.BureauState, error) {
	s := wire.BureauState{
		CycleID: b.in.CycleID, OrgCode: b.in.OrgCode, Stage: b.Stage, Round: b.Round, Version: b.Version,
		SubmissionDue: b.SubmissionDue, PublicationDue: b.PublicationDue, Waiting: b.waiting(),
		CanSubmit: b.validateSubmitNow() == nil, PendingExtension: b.Pending, Closed: b.closed,
	}
	if p := b.plan; p != nil && rules.WorkingTo(b.Stage) == p.Kind && p.Round == b.Round && p.Due.Equal(b.due(p.Kind)) {
		s.Deadline, s.Sent = p, b.Sent
	}
	return s, nil
}

func (b *bureau) validateSubmitNow() error {
	return b.validateSubmit(wire.SubmitRequest{Round: b.Round, FileSHA: "-", ReturnSHA: "-"})
}

// waiting says in Chinese what the bureau workflow waits for: the answer
// to "why can't I submit?".
func (b *bureau) waiting() string {
	if b.closed || b.Closing {
		return fmt.Sprintf("本周期已关闭，本单位停在「%s」阶段", b.Stage.Label())
	}
	if b.busy != "" {
		return fmt.Sprintf("正在处理本单位的%s，请稍候刷新", b.busy)
	}
	due := func(kind wire.DeadlineKind) string {
		t := b.due(kind)
		if t.IsZero() {
			return ""
		}
		return "，截止时间" + t.In(chinaTime).Format("2006年1月2日 15:04")
	}
	extension := ""
	if b.Pending != nil {
		extension = fmt.Sprintf("；%s延期申请正等待法治办审批", b.Pending.Kind.Label())
	}
	switch b.Stage {
	case wire.StagePending, wire.StageNotified:
		return "正在向本单位送达通知"
	case wire.StageAwaitingSubmission:
		if b.Round > 1 {
			return fmt.Sprintf("第%d版已退回修改，等待本单位按审核意见重新报送第%d轮报表%s%s", b.Version, b.Round, due(wire.DeadlineSubmission), extension)
		}
		return fmt.Sprintf("等待本单位报送第%d轮报表和报告%s%s", b.Round, due(wire.DeadlineSubmission), extension)
	case wire.StageUnderReview:
		return fmt.Sprintf("第%d版报表已报送，等待法治办审核；审核退回后才能再次报送%s", b.Version, extension)
	case wire.StageApproved, wire.StageAwaitingPublication:
		return fmt.Sprintf("第%d版已审核通过，等待本单位完成保密审查、主要负责人审定后公开报告并登记公开信息%s%s", b.Version, due(wire.DeadlinePublication), extension)
	case wire.StageCompleted:
		return "报告已公开，本单位本年度报送工作已完成"
	}
	return b.Stage.Label()
}
