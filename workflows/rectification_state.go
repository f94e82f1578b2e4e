package workflows

import (
	"fmt"
	"time"

	"github.com/lawcycle/lawcycle/wire"
)

// state answers QueryState and every update.
func (r *rect) state() (wire.RectState, error) {
	s := r.Item
	s.CycleID, s.OrgCode, s.ItemID, s.Seq, s.Waiting = r.in.CycleID, r.in.OrgCode, r.in.ItemID, r.Seq, r.waiting()
	return s, nil
}

// waiting says in Chinese what the item waits for.
func (r *rect) waiting() string {
	it := r.Item
	switch {
	case r.openErr != nil:
		return "整改事项未能登记：" + r.openErr.Error()
	case !r.opened:
		return "正在登记整改事项"
	case r.busy != "":
		return fmt.Sprintf("正在处理该事项的%s，请稍候刷新", r.busy)
	case it.Status == wire.RectClosed:
		return "已核验销号，整改完成"
	case it.Status == wire.RectCarriedOver:
		return "本周期已关闭，该事项尚未销号，已结转至下一年度继续整改"
	case r.Closing:
		return "本周期已关闭，正在将该事项结转至下一年度"
	case it.Status == wire.RectClosureRequested:
		return "责任单位已申请销号，等待法治办核验"
	}
	var due string
	switch {
	case it.Due.IsZero():
	case !it.FinalDue.IsZero():
		due = "；已逾期并督办，最后期限" + dayText(it.FinalDue)
	case it.Category == wire.RectOngoing:
		due = fmt.Sprintf("；第%d次阶段性进展报告截止%s", it.CheckIn, dayText(it.Due))
	default:
		due = "，整改时限" + dayText(it.Due)
	}
	if it.Category == wire.RectOngoing {
		return "长期坚持事项，等待责任单位定期报告整改进展" + due
	}
	if it.Status == wire.RectOpen {
		return "等待责任单位开始整改并报告进展" + due
	}
	return "整改中，等待责任单位完成整改后上传佐证材料申请销号" + due
}

// dayText writes a due instant's China date.
func dayText(t time.Time) string { return t.In(chinaTime).Format("2006年1月2日") }
