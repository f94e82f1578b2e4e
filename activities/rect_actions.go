package activities

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/wire"
)

// RecordRectAction stores one action on an item: a progress note, a
// closure request or the office's verdict, with its evidence, the row's
// new status, a notification and an audit event, in one transaction. The
// workflow's validators refused what its state does not allow; the
// checks here hold the row to the same rules in case the row moved. A
// record whose Seq the row has already seen is a retry and changes
// nothing.
func (a *Activities) RecordRectAction(ctx context.Context, rec wire.RectRecord) (wire.RectState, error) {
	if n := countSet(rec.Progress != nil, rec.Closure != nil, rec.Verification != nil); n != 1 {
		return wire.RectState{}, invalid("BadRectRecord", "item record has %d of progress, closure and verification, not 1", n)
	}
	st, err := a.changeItem(ctx, rec.CycleID, rec.OrgCode, rec.ItemID,
		func(tx *gorm.DB, it *rectItem, cal *calendar.Calendar, settings models.CycleSettings) error {
			if rec.Seq <= it.row.Seq {
				return nil
			}
			before := it.row
			var msg notify.Message
			var action string
			var err error
			switch {
			case rec.Progress != nil:
				action, msg, err = rectProgress(tx, cal, settings, it, rec)
			case rec.Closure != nil:
				action, msg, err = rectClosure(tx, it, rec)
			default:
				action, msg, err = rectVerdict(tx, it, rec)
			}
			if err != nil {
				return err
			}
			it.row.Seq = rec.Seq
			return a.saveItem(tx, it, before, action, actorOf(recordActor(rec), it.office.Code), nil, msg)
		})
	if err != nil {
		return wire.RectState{}, failed(err, "record action on item %s of %s in %s", rec.ItemID, rec.OrgCode, rec.CycleID)
	}
	return st, nil
}

func recordActor(rec wire.RectRecord) wire.Actor {
	switch {
	case rec.Progress != nil:
		return rec.Progress.By
	case rec.Closure != nil:
		return rec.Closure.By
	}
	return rec.Verification.By
}

// requireStatus refuses an action the item's status does not allow.
func requireStatus(it rectItem, what string, allowed ...wire.RectStatus) error {
	status := wire.RectStatus(it.row.Status)
	switch {
	case slices.Contains(allowed, status):
		return nil
	case status == wire.RectClosed && it.row.ClosedAt != nil:
		return refused("该整改事项已于%s销号，不能再%s", chinatime.FormatDate(*it.row.ClosedAt), what)
	case status == wire.RectCarriedOver:
		return refused("该整改事项已结转至下一年度，请在新周期中%s", what)
	}
	return refused("该整改事项当前为「%s」，不能%s", status.Label(), what)
}

// requireStored refuses evidence the service did not store first.
func requireStored(tx *gorm.DB, evidence []wire.RectEvidence) error {
	if len(evidence) == 0 {
		return nil
	}
	shas := make([]string, len(evidence))
	for i, e := range evidence {
		shas[i] = e.SHA
	}
	var stored []string
	if err := tx.Model(&models.Blob{}).Where("sha256 IN ?", shas).Pluck("sha256", &stored).Error; err != nil {
		return fmt.Errorf("look up evidence: %w", err)
	}
	for _, e := range evidence {
		if !slices.Contains(stored, e.SHA) {
			return refused("佐证材料“%s”未保存成功，请重新上传", e.Name)
		}
	}
	return nil
}

// rectProgress records a progress note: the item is in progress from
// now, and a 长期坚持 item's note completes its current check-in.
func rectProgress(tx *gorm.DB, cal *calendar.Calendar, settings models.CycleSettings, it *rectItem, rec wire.RectRecord) (string, notify.Message, error) {
	p := rec.Progress
	if err := requireStatus(*it, "报告整改进展", wire.RectOpen, wire.RectInProgress, wire.RectClosureRequested); err != nil {
		return "", notify.Message{}, err
	}
	if strings.TrimSpace(p.Note) == "" && len(p.Evidence) == 0 {
		return "", notify.Message{}, refused("请填写整改进展或上传佐证材料")
	}
	if err := requireStored(tx, p.Evidence); err != nil {
		return "", notify.Message{}, err
	}
	if err := addNote(tx, it.row, rec.Seq, models.RectNoteProgress, p.Note, p.By, rec.At, p.Evidence); err != nil {
		return "", notify.Message{}, err
	}
	checkIn := it.row.CheckIn
	if err := completeCheckIn(tx, cal, settings, &it.row, rec.At); err != nil {
		return "", notify.Message{}, err
	}
	if it.row.Status == string(wire.RectOpen) {
		it.row.Status = string(wire.RectInProgress)
	}
	if note := strings.TrimSpace(p.Note); note != "" {
		it.row.Progress = note
	}
	it.row.Evidence += len(p.Evidence)

	text := fmt.Sprintf("整改进展：%s\n佐证材料：%d份", orNone(p.Note), len(p.Evidence))
	if it.row.CheckIn != checkIn {
		text += fmt.Sprintf("\n本次报告完成第%d次阶段性进展报告，第%d次报告截止%s。", checkIn, it.row.CheckIn, dateText(*it.row.Due))
	}
	key := it.key("s" + fmt.Sprint(rec.Seq))
	if p.By.Role == wire.ActorRoleBureau {
		return "rect.progress", it.toOffice(key, notify.KindRectification,
			fmt.Sprintf("【整改进展】%s报告了整改事项%s的进展", it.org.Name, it.brief()),
			fmt.Sprintf("%s（%s）报告了%s的整改进展。\n%s", it.org.Name, it.org.Code, it.named(), text)), nil
	}
	return "rect.progress", it.toBureau(key, notify.KindRectification,
		fmt.Sprintf("【整改进展】%s：法治办登记了整改事项%s的进展", it.cycle.Title, it.brief()),
		fmt.Sprintf("%s：\n%s代贵单位登记了%s的整改进展。\n%s", it.org.Name, it.office.Name, it.named(), text)), nil
}

// rectClosure records the bureau's request for 销号, which needs evidence
// (with the request or sent before); the due date pauses until the office
// verifies.
func rectClosure(tx *gorm.DB, it *rectItem, rec wire.RectRecord) (string, notify.Message, error) {
	p := rec.Closure
	if err := requireStatus(*it, "申请销号", wire.RectOpen, wire.RectInProgress); err != nil {
		return "", notify.Message{}, err
	}
	if len(p.Evidence) == 0 && it.row.Evidence == 0 {
		return "", notify.Message{}, refused("申请销号须上传整改佐证材料（如整改报告、制度文件、会议纪要等）")
	}
	if err := requireStored(tx, p.Evidence); err != nil {
		return "", notify.Message{}, err
	}
	if err := addNote(tx, it.row, rec.Seq, models.RectNoteClosure, p.Note, p.By, rec.At, p.Evidence); err != nil {
		return "", notify.Message{}, err
	}
	it.row.Status = string(wire.RectClosureRequested)
	it.row.Evidence += len(p.Evidence)
	if note := strings.TrimSpace(p.Note); note != "" {
		it.row.Progress = note
	}
	return "rect.closure_requested", it.toOffice(it.key("s"+fmt.Sprint(rec.Seq)), notify.KindRectification,
		fmt.Sprintf("【申请销号】%s申请整改事项%s销号，请核验", it.org.Name, it.brief()),
		fmt.Sprintf("%s（%s）已完成%s的整改，申请销号。\n整改情况：%s\n佐证材料：本次%d份，累计%d份\n请在系统中核验：同意销号，或说明理由退回继续整改。",
			it.org.Name, it.org.Code, it.named(), orNone(p.Note), len(p.Evidence), it.row.Evidence)), nil
}

// rectVerdict records the office's verification: 销号, or the request
// sent back with a reason (the item is in progress again and its due
// date runs on).
func rectVerdict(tx *gorm.DB, it *rectItem, rec wire.RectRecord) (string, notify.Message, error) {
	v := rec.Verification
	if v.By.Role == wire.ActorRoleBureau {
		return "", notify.Message{}, refused("整改事项由法治办核验销号，责任单位不能自行销号")
	}
	if err := requireStatus(*it, "核验销号", wire.RectClosureRequested); err != nil {
		return "", notify.Message{}, err
	}
	key := it.key("s" + fmt.Sprint(rec.Seq))
	if !v.Close {
		if strings.TrimSpace(v.Reason) == "" {
			return "", notify.Message{}, refused("退回销号申请时请说明理由")
		}
		if err := addNote(tx, it.row, rec.Seq, models.RectNoteRejected, v.Reason, v.By, rec.At, nil); err != nil {
			return "", notify.Message{}, err
		}
		it.row.Status = string(wire.RectInProgress)
		return "rect.rejected", it.toBureau(key, notify.KindRectification,
			fmt.Sprintf("【销号退回】%s：整改事项%s的销号申请未通过核验", it.cycle.Title, it.brief()),
			fmt.Sprintf("%s：\n贵单位%s的销号申请经%s核验未通过，请继续整改后重新申请销号。\n退回理由：%s",
				it.org.Name, it.named(), it.office.Name, v.Reason)), nil
	}
	text := strings.TrimSpace(v.Reason)
	if text == "" {
		text = "经核验，整改到位，同意销号"
	}
	if err := addNote(tx, it.row, rec.Seq, models.RectNoteClosed, text, v.By, rec.At, nil); err != nil {
		return "", notify.Message{}, err
	}
	it.row.Status, it.row.ClosedAt, it.row.ClosedBy = string(wire.RectClosed), utcPtr(rec.At), clip(v.By.Name, 64)
	return "rect.closed", it.toBureau(key, notify.KindRectification,
		fmt.Sprintf("【已销号】%s：整改事项%s已核验销号", it.cycle.Title, it.brief()),
		fmt.Sprintf("%s：\n贵单位%s经%s核验，于%s销号。\n核验意见：%s", it.org.Name, it.named(), it.office.Name,
			chinatime.FormatDate(rec.At), text)), nil
}
