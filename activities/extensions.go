package activities

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// RecordExtension stores one step of a bureau's extension (延期): the
// bureau's request, the office's decision on it, or the office's grant
// without a request. An approved or granted extension moves the bureau's
// due date in the read model; the workflow re-plans its reminders from the
// answer. Each step is idempotent: a retry finds the row it wrote.
func (a *Activities) RecordExtension(ctx context.Context, rec wire.ExtensionRecord) (wire.ExtensionResult, error) {
	if n := countSet(rec.Request != nil, rec.Decision != nil, rec.Grant != nil); n != 1 {
		return wire.ExtensionResult{}, invalid("BadExtension", "extension record has %d of request, decision and grant, not 1", n)
	}
	_, cal, err := a.cycleCalendar(ctx, rec.CycleID)
	if err != nil {
		return wire.ExtensionResult{}, err
	}
	var result wire.ExtensionResult
	err = a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b, err := loadBureau(tx, rec.CycleID, rec.OrgCode)
		if err != nil {
			return err
		}
		var row models.Extension
		switch {
		case rec.Request != nil:
			row, err = a.requestExtension(tx, cal, b, rec)
		case rec.Decision != nil:
			row, err = a.decideExtension(tx, cal, b, rec)
		default:
			row, err = a.grantExtension(tx, cal, b, rec)
		}
		result = extensionResult(cal, row)
		return err
	})
	if err != nil {
		return wire.ExtensionResult{}, failed(err, "record extension of %s in %s", rec.OrgCode, rec.CycleID)
	}
	return result, nil
}

func countSet(set ...bool) int {
	n := 0
	for _, s := range set {
		if s {
			n++
		}
	}
	return n
}

func (a *Activities) requestExtension(tx *gorm.DB, cal *calendar.Calendar, b bureau, rec wire.ExtensionRecord) (models.Extension, error) {
	req := rec.Request
	var row models.Extension
	if !req.Kind.Valid() {
		return row, refused("延期的期限类型“%s”无效", req.Kind)
	}
	err := tx.Scopes(models.OfBureau(rec.CycleID, rec.OrgCode)).Where("kind = ? AND round = ? AND requested_at = ?", req.Kind, rec.Round, rec.At.UTC()).Take(&row).Error
	if err == nil || !errors.Is(err, gorm.ErrRecordNotFound) {
		return row, err
	}
	var pending models.Extension
	err = tx.Scopes(models.OfBureau(rec.CycleID, rec.OrgCode)).Where("status = ?", wire.ExtensionPending).
		Order("id").Take(&pending).Error
	if err == nil {
		return row, refusedBy(rules.PendingRequest(wire.PendingExtension{ID: pending.ID, Kind: wire.DeadlineKind(pending.Kind), Round: pending.Round}))
	} else if !errors.Is(err, gorm.ErrRecordNotFound) {
		return row, fmt.Errorf("load pending extension: %w", err)
	}
	dl, err := deadline(req.Until)
	if err != nil {
		return row, err
	}
	due, err := extendedDue(cal, dl, rec)
	if err != nil {
		return row, err
	}
	row = models.Extension{
		CycleID: rec.CycleID, OrgCode: rec.OrgCode, Kind: string(req.Kind), Round: rec.Round,
		Status: wire.ExtensionPending, Reason: req.Reason, Requested: requestedText(req.Until),
		PreviousDue: rec.CurrentDue.UTC(), RequestedByID: userID(req.By), RequestedBy: clip(req.By.Name, 64),
		RequestedAt: rec.At.UTC(),
	}
	if err := tx.Create(&row).Error; err != nil {
		return row, fmt.Errorf("insert extension request: %w", err)
	}
	if err := a.editFlags(tx, rec.CycleID, rec.OrgCode, flagEdit{add: []string{FlagExtensionRequested}}); err != nil {
		return row, err
	}
	label := deadlineLabel(req.Kind, rec.Round)
	until := dateText(due)
	if dl.Workdays > 0 {
		until = fmt.Sprintf("%s，即顺延%d个工作日", until, dl.Workdays)
	}
	msg := b.toOffice(extensionKey(b, row), notify.KindExtension,
		fmt.Sprintf("【延期申请】%s申请延长%s期限", b.org.Name, label),
		fmt.Sprintf("%s（%s）申请将《%s》的%s截止日期由%s延至%s。\n申请理由：%s\n请在系统中审批。",
			b.org.Name, b.org.Code, b.cycle.Title, label, dateText(rec.CurrentDue), until, orNone(req.Reason)))
	if err := notify.Enqueue(tx, msg); err != nil {
		return row, err
	}
	return row, audit.Record(tx, a.now(), actorOf(req.By, b.office.Code), extensionEvent("extension.requested", b, row))
}

func (a *Activities) decideExtension(tx *gorm.DB, cal *calendar.Calendar, b bureau, rec wire.ExtensionRecord) (models.Extension, error) {
	d := rec.Decision
	var row models.Extension
	err := tx.Clauses(lockRow).Take(&row, d.ID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && (row.CycleID != rec.CycleID || row.OrgCode != rec.OrgCode)) {
		return models.Extension{}, refused("延期申请（编号%d）不存在", d.ID)
	}
	if err != nil {
		return row, fmt.Errorf("load extension %d: %w", d.ID, err)
	}
	want := wire.ExtensionRefused
	if d.Approve {
		want = wire.ExtensionApproved
	}
	switch row.Status {
	case want:
		return row, nil
	case wire.ExtensionPending:
	default:
		// Decided in the meantime: the bureau has no pending request.
		return row, refusedBy(rules.MayDecideExtension(rules.Bureau{}, false, row.ID))
	}
	kind, label := wire.DeadlineKind(row.Kind), deadlineLabel(wire.DeadlineKind(row.Kind), row.Round)
	decided := map[string]any{"status": want, "decided_by_id": userID(d.By), "decided_by": clip(d.By.Name, 64),
		"decided_at": rec.At.UTC(), "decision_comment": d.Reason}
	var due time.Time
	if d.Approve {
		if due, err = approvedDue(cal, row, d, rec); err != nil {
			return row, err
		}
		decided["new_due"] = due.UTC()
	}
	// Decided first, so that the flag below no longer counts it pending.
	if err := tx.Model(&row).Updates(decided).Error; err != nil {
		return row, fmt.Errorf("decide extension %d: %w", row.ID, err)
	}
	if err := tx.Take(&row, row.ID).Error; err != nil {
		return row, fmt.Errorf("reload extension %d: %w", row.ID, err)
	}
	var msg notify.Message
	if d.Approve {
		if err := a.extendBureau(tx, b, kind, due); err != nil {
			return row, err
		}
		msg = b.toBureau(extensionKey(b, row), notify.KindExtension,
			fmt.Sprintf("【延期】%s：延期申请已批准", b.cycle.Title),
			fmt.Sprintf("%s：\n贵单位关于《%s》%s的延期申请已批准，截止日期由%s延至%s。%s",
				b.org.Name, b.cycle.Title, label, dateText(rec.CurrentDue), dateText(due), reasonLine("说明", d.Reason)))
	} else {
		if err := a.editFlagsAfterExtension(tx, b, flagEdit{}); err != nil {
			return row, err
		}
		msg = b.toBureau(extensionKey(b, row), notify.KindExtension,
			fmt.Sprintf("【延期】%s：延期申请未获批准", b.cycle.Title),
			fmt.Sprintf("%s：\n贵单位关于《%s》%s的延期申请未获批准，截止日期仍为%s，请按时完成。%s",
				b.org.Name, b.cycle.Title, label, dateText(rec.CurrentDue), reasonLine("理由", d.Reason)))
	}
	if err := notify.Enqueue(tx, msg); err != nil {
		return row, err
	}
	return row, audit.Record(tx, a.now(), actorOf(d.By, b.office.Code), extensionEvent("extension."+want, b, row))
}

func (a *Activities) grantExtension(tx *gorm.DB, cal *calendar.Calendar, b bureau, rec wire.ExtensionRecord) (models.Extension, error) {
	g := rec.Grant
	var row models.Extension
	if !g.Kind.Valid() {
		return row, refused("延期的期限类型“%s”无效", g.Kind)
	}
	err := tx.Scopes(models.OfBureau(rec.CycleID, rec.OrgCode)).Where("kind = ? AND requested_at = ? AND status = ?", g.Kind, rec.At.UTC(), wire.ExtensionGranted).Take(&row).Error
	if err == nil || !errors.Is(err, gorm.ErrRecordNotFound) {
		return row, err
	}
	dl, err := deadline(g.Until)
	if err != nil {
		return row, err
	}
	due, err := extendedDue(cal, dl, rec)
	if err != nil {
		return row, err
	}
	at, newDue := rec.At.UTC(), due.UTC()
	row = models.Extension{
		CycleID: rec.CycleID, OrgCode: rec.OrgCode, Kind: string(g.Kind), Round: rec.Round,
		Status: wire.ExtensionGranted, Reason: g.Reason, Requested: requestedText(g.Until),
		PreviousDue: rec.CurrentDue.UTC(), NewDue: &newDue,
		RequestedByID: userID(g.By), RequestedBy: clip(g.By.Name, 64), RequestedAt: at,
		DecidedByID: userID(g.By), DecidedBy: clip(g.By.Name, 64), DecidedAt: &at,
	}
	if err := tx.Create(&row).Error; err != nil {
		return row, fmt.Errorf("insert extension grant: %w", err)
	}
	if err := a.extendBureau(tx, b, g.Kind, due); err != nil {
		return row, err
	}
	label := deadlineLabel(g.Kind, rec.Round)
	msg := b.toBureau(extensionKey(b, row), notify.KindExtension,
		fmt.Sprintf("【延期】%s：%s截止日期已延长", b.cycle.Title, label),
		fmt.Sprintf("%s：\n%s已将贵单位《%s》的%s截止日期由%s延至%s。%s",
			b.org.Name, b.office.Name, b.cycle.Title, label, dateText(rec.CurrentDue), dateText(due), reasonLine("原因", g.Reason)))
	if err := notify.Enqueue(tx, msg); err != nil {
		return row, err
	}
	return row, audit.Record(tx, a.now(), actorOf(g.By, b.office.Code), extensionEvent("extension.granted", b, row))
}

// extendedDue is the new due date of an extension: a number of working
// days counts from the current due date. It must move the deadline later
// and lie in the future.
func extendedDue(cal *calendar.Calendar, dl calendar.Deadline, rec wire.ExtensionRecord) (time.Time, error) {
	due, err := dueDate(cal, dl, rec.CurrentDue)
	if err != nil {
		return time.Time{}, err
	}
	if !due.At.After(rec.CurrentDue) {
		return time.Time{}, refused("延期后的截止日期%s不晚于当前截止日期%s", chinatime.FormatDate(due.At), chinatime.FormatDate(rec.CurrentDue))
	}
	if !due.At.After(rec.At) {
		return time.Time{}, refused("延期后的截止日期%s已过", chinatime.FormatDate(due.At))
	}
	return due.At, nil
}

// approvedDue is the due date the office approves: its own, or the one
// asked for.
func approvedDue(cal *calendar.Calendar, row models.Extension, d *wire.ExtensionDecision, rec wire.ExtensionRecord) (time.Time, error) {
	if !d.Due.IsZero() {
		dl, err := deadline(d.Due)
		if err != nil {
			return time.Time{}, err
		}
		return extendedDue(cal, dl, rec)
	}
	dl, err := calendar.ParseDeadline(row.Requested)
	if err != nil {
		return time.Time{}, refused("%s", err.Error())
	}
	return extendedDue(cal, dl, rec)
}

// extendBureau moves the bureau's due date. An extension of the deadline
// it owes ends its being overdue.
func (a *Activities) extendBureau(tx *gorm.DB, b bureau, kind wire.DeadlineKind, due time.Time) error {
	if err := tx.Model(&models.Participant{}).Where("id = ?", b.p.ID).
		Updates(map[string]any{dueColumn(kind): due.UTC(), "updated_at": a.now()}).Error; err != nil {
		return fmt.Errorf("move %s due date: %w", kind, err)
	}
	edit := flagEdit{add: []string{FlagExtended}}
	if rules.WorkingTo(wire.Stage(b.p.Stage)) == kind {
		edit.remove = []string{FlagOverdue, FlagEscalated}
	}
	return a.editFlagsAfterExtension(tx, b, edit)
}

// editFlagsAfterExtension applies edit and keeps extension_requested only
// while a request of the bureau still awaits a decision.
func (a *Activities) editFlagsAfterExtension(tx *gorm.DB, b bureau, edit flagEdit) error {
	var pending int64
	if err := tx.Model(&models.Extension{}).Scopes(models.OfBureau(b.cycle.ID, b.org.Code)).Where("status = ?", wire.ExtensionPending).Count(&pending).Error; err != nil {
		return fmt.Errorf("count pending extensions: %w", err)
	}
	if pending == 0 {
		edit.remove = append(edit.remove, FlagExtensionRequested)
	}
	return a.editFlags(tx, b.cycle.ID, b.org.Code, edit)
}

func extensionResult(cal *calendar.Calendar, row models.Extension) wire.ExtensionResult {
	res := wire.ExtensionResult{ID: row.ID, Kind: wire.DeadlineKind(row.Kind), Status: row.Status}
	if row.NewDue != nil {
		res.Due = row.NewDue.UTC()
		res.DueWarnings = dueWarnings(cal, res.Due, row.PreviousDue)
	}
	return res
}

// dueWarnings are the calendar's notes on a stored due date counted from
// base: a rest day, or years whose holidays are not loaded yet.
func dueWarnings(cal *calendar.Calendar, due, base time.Time) []string {
	d := calendar.DateOf(due)
	return calendar.Due{At: due, Date: d, RestDay: !cal.IsWorkday(d),
		Provisional: cal.UnknownYears(calendar.DateOf(base).AddDays(1), d)}.Warnings()
}

// requestedText is the due setting as it was asked for.
func requestedText(s wire.DueSetting) string {
	if s.Date != "" {
		return s.Date
	}
	return calendar.WorkdaysAfter(s.Workdays).String()
}

func extensionKey(b bureau, row models.Extension) string {
	return b.key("extension", strconv.FormatUint(uint64(row.ID), 10), row.Status)
}

func extensionEvent(action string, b bureau, row models.Extension) audit.Event {
	after := map[string]any{"id": row.ID, "kind": row.Kind, "round": row.Round, "status": row.Status,
		"requested": row.Requested, "previous_due": row.PreviousDue.UTC(), "reason": row.Reason}
	if row.NewDue != nil {
		after["new_due"] = row.NewDue.UTC()
	}
	if row.DecisionComment != "" {
		after["decision_comment"] = row.DecisionComment
	}
	return audit.Event{Action: action, TargetType: "participant", TargetID: b.target(), After: after}
}

func extensionStatusLabel(status string) string {
	switch status {
	case wire.ExtensionApproved:
		return "已批准"
	case wire.ExtensionRefused:
		return "未批准"
	case wire.ExtensionGranted:
		return "法治办直接延期"
	}
	return "待审批"
}

func orNone(s string) string {
	if s == "" {
		return "（未填写）"
	}
	return s
}

// reasonLine is a body's closing line, e.g. "\n理由：……", or nothing.
func reasonLine(label, reason string) string {
	if reason == "" {
		return ""
	}
	return "\n" + label + "：" + reason
}

// cycleExtensionBatch bounds the notifications written in one statement.
const cycleExtensionBatch = 500

// ExtendCycle moves a deadline of the whole cycle to the end of a later
// day: the cycle's due date, and that of every bureau still owing the
// deadline whose own due date is earlier (a bureau extended further on its
// own keeps its date; a resubmission round has its own). The cycle
// workflow then tells the bureau workflows to re-read their due dates. A
// retry finds the cycle already moved to that date and answers as before.
func (a *Activities) ExtendCycle(ctx context.Context, rec wire.CycleExtensionRecord) (wire.CycleExtensionResult, error) {
	ext := rec.Extension
	if !ext.Kind.Valid() {
		return wire.CycleExtensionResult{}, refused("延期的期限类型“%s”无效", ext.Kind)
	}
	day, err := calendar.ParseDate(ext.Date)
	if err != nil {
		return wire.CycleExtensionResult{}, refused("%s", err.Error())
	}
	newDue := day.EndOfDay().UTC()
	_, cal, err := a.cycleCalendar(ctx, rec.CycleID)
	if err != nil {
		return wire.CycleExtensionResult{}, err
	}
	var row models.CycleExtension
	err = a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cycle, err := loadCycle(tx.Clauses(lockRow), rec.CycleID)
		if err != nil {
			return err
		}
		current := cycle.SubmissionDue
		if ext.Kind == wire.DeadlinePublication {
			current = cycle.PublicationDue
		}
		if current.Equal(newDue) {
			err := tx.Where("cycle_id = ? AND kind = ? AND new_due = ?", rec.CycleID, ext.Kind, newDue).
				Order("id DESC").Take(&row).Error
			if !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
		}
		if !newDue.After(current) {
			return refused("新的%s截止日期%s不晚于当前截止日期%s", ext.Kind.Label(), day.Chinese(), chinatime.FormatDate(current))
		}
		if !newDue.After(rec.At) {
			return refused("新的%s截止日期%s已过", ext.Kind.Label(), day.Chinese())
		}
		var office models.Organisation
		if err := tx.Take(&office, cycle.OfficeID).Error; err != nil {
			return fmt.Errorf("load office: %w", err)
		}
		moved, err := a.moveCycleBureaus(tx, cycle, ext.Kind, newDue)
		if err != nil {
			return err
		}
		if err := tx.Model(&models.Cycle{}).Where("id = ?", rec.CycleID).
			Updates(map[string]any{dueColumn(ext.Kind): newDue, "updated_at": a.now()}).Error; err != nil {
			return fmt.Errorf("move cycle due date: %w", err)
		}
		row = models.CycleExtension{CycleID: rec.CycleID, Kind: string(ext.Kind), PreviousDue: current.UTC(), NewDue: newDue,
			Reason: ext.Reason, Bureaus: len(moved), ByID: userID(ext.By), By: clip(ext.By.Name, 64), At: rec.At.UTC()}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("insert cycle extension: %w", err)
		}
		if err := enqueueCycleExtension(tx, cycle, office, row, moved); err != nil {
			return err
		}
		return audit.Record(tx, a.now(), actorOf(ext.By, office.Code), audit.Event{
			Action: "cycle.extended", TargetType: "cycle", TargetID: rec.CycleID,
			Before: map[string]any{"kind": ext.Kind, "due": row.PreviousDue},
			After:  map[string]any{"kind": ext.Kind, "due": newDue, "bureaus": row.Bureaus, "reason": ext.Reason},
		})
	})
	if err != nil {
		return wire.CycleExtensionResult{}, failed(err, "extend %s deadline of %s", ext.Kind, rec.CycleID)
	}
	return wire.CycleExtensionResult{Kind: ext.Kind, Due: row.NewDue.UTC(), Bureaus: row.Bureaus,
		DueWarnings: dueWarnings(cal, row.NewDue, row.PreviousDue)}, nil
}

// movedBureau is a participant whose due date a cycle extension moved.
type movedBureau struct {
	OrgCode string
	OrgName string
}

// moveCycleBureaus moves the due date of the bureaus still owing the
// deadline whose own due date is earlier, and returns them.
func (a *Activities) moveCycleBureaus(tx *gorm.DB, cycle models.Cycle, kind wire.DeadlineKind, due time.Time) ([]movedBureau, error) {
	col := dueColumn(kind)
	owing := func(q *gorm.DB) *gorm.DB {
		q = q.Where("cycle_participants.cycle_id = ? AND cycle_participants."+col+" < ?", cycle.ID, due)
		if kind == wire.DeadlineSubmission {
			return q.Where("cycle_participants.stage IN ? AND cycle_participants.round <= 1", owingFirstSubmission)
		}
		return q.Where("cycle_participants.stage <> ?", wire.StageCompleted)
	}
	var moved []movedBureau
	lock := clause.Locking{Strength: clause.LockingStrengthUpdate, Table: clause.Table{Name: "cycle_participants"}}
	if err := owing(tx.Model(&models.Participant{})).Clauses(lock).
		Select("cycle_participants.org_code AS org_code, o.name AS org_name").
		Joins("JOIN organisations o ON o.id = cycle_participants.org_id").
		Order("cycle_participants.org_code").Scan(&moved).Error; err != nil {
		return nil, fmt.Errorf("find bureaus to move: %w", err)
	}
	if len(moved) == 0 {
		return nil, nil
	}
	if err := owing(tx.Model(&models.Participant{})).
		Updates(map[string]any{col: due, "updated_at": a.now()}).Error; err != nil {
		return nil, fmt.Errorf("move bureaus' due dates: %w", err)
	}
	return moved, nil
}

func enqueueCycleExtension(tx *gorm.DB, cycle models.Cycle, office models.Organisation, row models.CycleExtension, moved []movedBureau) error {
	kind := wire.DeadlineKind(row.Kind)
	key := notify.Key(wire.CycleWorkflowID(cycle.ID), "extension", row.Kind, row.NewDue.UTC().Format("20060102T150405Z"))
	for start := 0; start < len(moved); start += cycleExtensionBatch {
		batch := moved[start:min(start+cycleExtensionBatch, len(moved))]
		msgs := make([]notify.Message, len(batch))
		for i, m := range batch {
			msgs[i] = notify.Message{Key: notify.Key(key, m.OrgCode), Kind: notify.KindExtension, OrgCode: m.OrgCode,
				Link:    bureauLink(cycle.ID, m.OrgCode),
				Subject: clip(fmt.Sprintf("【延期】%s：%s截止日期延至%s", cycle.Title, kind.Label(), chinatime.FormatDate(row.NewDue)), notify.MaxSubjectLength),
				Body: clip(fmt.Sprintf("%s：\n%s已将《%s》的%s截止日期由%s统一延至%s。%s",
					m.OrgName, office.Name, cycle.Title, kind.Label(), dateText(row.PreviousDue), dateText(row.NewDue),
					reasonLine("原因", row.Reason)), notify.MaxBodyLength)}
		}
		if err := notify.Enqueue(tx, msgs...); err != nil {
			return err
		}
	}
	return nil
}
