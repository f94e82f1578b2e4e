package activities

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/wire"
)

// RecordReview stores a reviewer's decision on the bureau's latest
// version and moves the read model: to approved, or back to
// awaiting_submission for the next round with a resubmission due date on
// the office's calendar. A version is reviewed once: a retry gets the
// stored result, a second reviewer deciding differently is refused. An
// approval starts a rectification item per 存在问题 row of the version.
func (a *Activities) RecordReview(ctx context.Context, rec wire.ReviewRecord) (wire.ReviewResult, error) {
	req := rec.Request
	if req.Decision != wire.ReviewApprove && req.Decision != wire.ReviewReturn {
		return wire.ReviewResult{}, refused("审核结论“%s”无效，应为通过或退回", req.Decision)
	}
	cycle, cal, err := a.cycleCalendar(ctx, rec.CycleID)
	if err != nil {
		return wire.ReviewResult{}, err
	}
	var due calendar.Due
	if req.Decision == wire.ReviewReturn {
		if due, err = resubmitDue(cal, cycle, req.ResubmitDue, rec); err != nil {
			return wire.ReviewResult{}, err
		}
	}
	var result wire.ReviewResult
	err = a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b, err := loadBureau(tx, rec.CycleID, rec.OrgCode)
		if err != nil {
			return err
		}
		var existing models.Review
		switch err := tx.Scopes(models.OfBureau(rec.CycleID, rec.OrgCode)).Where("version = ?", req.Version).
			Take(&existing).Error; {
		case err == nil:
			if existing.Decision != string(req.Decision) {
				return refused("第%d版已于%s审核为“%s”，不能再审核为“%s”", existing.Version,
					chinatime.FormatDate(existing.ReviewedAt), wire.ReviewDecision(existing.Decision).Label(), req.Decision.Label())
			}
			result = reviewResult(existing, due)
			return nil
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return fmt.Errorf("look for earlier review: %w", err)
		}
		if err := requireLatestVersion(tx, b, req.Version); err != nil {
			return err
		}
		review, err := insertReview(tx, rec, due)
		if err != nil {
			return err
		}
		result = reviewResult(review, due)
		if err := a.moveAfterReview(tx, rec, result); err != nil {
			return err
		}
		if err := notify.Enqueue(tx, reviewMessage(b, rec, result)); err != nil {
			return err
		}
		after := map[string]any{"decision": req.Decision, "version": req.Version, "round": rec.Round, "comments": len(req.Comments)}
		action := "review.approved"
		if req.Decision == wire.ReviewReturn {
			action = "review.returned"
			after["resubmit_due"] = result.SubmissionDue
		}
		return audit.Record(tx, a.now(), actorOf(req.By, b.office.Code), audit.Event{
			Action: action, TargetType: "submission", TargetID: b.target() + "/v" + strconv.Itoa(req.Version), After: after,
		})
	})
	if err != nil {
		return wire.ReviewResult{}, failed(err, "record review of %s v%d in %s", rec.OrgCode, req.Version, rec.CycleID)
	}
	if result.Decision == wire.ReviewApprove {
		// After the commit, and on a retry too: the review is recorded once,
		// the items' starts are idempotent, and a start that failed is
		// tried again with the activity.
		start := wire.RectStartRequest{CycleID: rec.CycleID, OrgCode: rec.OrgCode, Version: result.Version, By: req.By}
		if _, err := a.startReturnItems(ctx, start); err != nil {
			return wire.ReviewResult{}, failed(err, "start items of %s v%d in %s", rec.OrgCode, result.Version, rec.CycleID)
		}
	}
	return result, nil
}

// resubmitDue is the due date of the next round: the reviewer's, or the
// cycle's number of working days after the return. One already past is
// refused: the bureau could only be overdue at once.
func resubmitDue(cal *calendar.Calendar, cycle models.Cycle, setting wire.DueSetting, rec wire.ReviewRecord) (calendar.Due, error) {
	dl := calendar.WorkdaysAfter(cycle.Settings.WithDefaults().ResubmitWorkdays)
	if !setting.IsZero() {
		var err error
		if dl, err = deadline(setting); err != nil {
			return calendar.Due{}, err
		}
	}
	due, err := dueDate(cal, dl, rec.At)
	if err != nil {
		return due, err
	}
	if !due.At.After(rec.At) {
		return due, refused("重新报送截止日期%s已过，请另定截止日期", chinatime.FormatDate(due.At))
	}
	return due, nil
}

// requireLatestVersion refuses a review of anything but the bureau's
// latest submission: the reviewer looked at an older page.
func requireLatestVersion(tx *gorm.DB, b bureau, version int) error {
	var latest int
	if err := tx.Model(&models.Submission{}).Scopes(models.OfBureau(b.cycle.ID, b.org.Code)).
		Select("COALESCE(MAX(version), 0)").Scan(&latest).Error; err != nil {
		return fmt.Errorf("latest version: %w", err)
	}
	switch {
	case latest == 0:
		return refused("%s尚未报送，没有可审核的版本", b.org.Name)
	case version < 1 || version > latest:
		return refused("%s没有第%d版报送", b.org.Name, version)
	case version != latest:
		return refused("第%d版不是%s的最新报送（最新为第%d版），请刷新后审核最新版本", version, b.org.Name, latest)
	}
	return nil
}

func insertReview(tx *gorm.DB, rec wire.ReviewRecord, due calendar.Due) (models.Review, error) {
	req := rec.Request
	review := models.Review{
		CycleID: rec.CycleID, OrgCode: rec.OrgCode, Version: req.Version, Round: rec.Round,
		Decision: string(req.Decision), ReviewerID: userID(req.By), ReviewerName: clip(req.By.Name, 64),
		ReviewedAt: rec.At.UTC(),
	}
	if req.Decision == wire.ReviewReturn {
		at := due.At.UTC()
		review.ResubmitDue = &at
	}
	if err := tx.Create(&review).Error; err != nil {
		return review, fmt.Errorf("insert review: %w", err)
	}
	if len(req.Comments) == 0 {
		return review, nil
	}
	comments := make([]models.ReviewComment, len(req.Comments))
	for i, c := range req.Comments {
		comments[i] = models.ReviewComment{ReviewID: review.ID, CycleID: rec.CycleID, OrgCode: rec.OrgCode,
			Version: req.Version, Position: i + 1, Indicator: c.Indicator, Section: c.Section, Message: c.Message}
	}
	if err := tx.Create(&comments).Error; err != nil {
		return review, fmt.Errorf("insert review comments: %w", err)
	}
	return review, nil
}

// reviewResult rebuilds the answer from the stored review, so a retry
// answers what the first attempt did.
func reviewResult(r models.Review, due calendar.Due) wire.ReviewResult {
	res := wire.ReviewResult{ReviewID: r.ID, Version: r.Version, Decision: wire.ReviewDecision(r.Decision),
		Stage: wire.StageApproved, Round: r.Round}
	if r.Decision == string(wire.ReviewReturn) && r.ResubmitDue != nil {
		res.Stage, res.Round, res.SubmissionDue = wire.StageAwaitingSubmission, r.Round+1, r.ResubmitDue.UTC()
		if due.At.Equal(res.SubmissionDue) {
			res.DueWarnings = due.Warnings()
		}
	}
	return res
}

// moveAfterReview writes the stage the review leads to; a returned
// bureau starts the next round clean of the last round's flags.
func (a *Activities) moveAfterReview(tx *gorm.DB, rec wire.ReviewRecord, res wire.ReviewResult) error {
	updates := map[string]any{"stage": string(res.Stage), "round": res.Round, "stage_seq": rec.Seq,
		"stage_changed_at": rec.At.UTC(), "updated_at": a.now()}
	if res.Stage == wire.StageAwaitingSubmission {
		updates["submission_due"] = res.SubmissionDue
	}
	moved := tx.Model(&models.Participant{}).
		Scopes(models.OfBureauBefore(rec.CycleID, rec.OrgCode, rec.Seq)).Updates(updates)
	if moved.Error != nil {
		return fmt.Errorf("update stage: %w", moved.Error)
	}
	if moved.RowsAffected == 0 || res.Stage != wire.StageAwaitingSubmission {
		return nil
	}
	return a.editFlags(tx, rec.CycleID, rec.OrgCode, flagEdit{remove: []string{FlagOverdue, FlagEscalated, FlagWarnings}})
}

func reviewMessage(b bureau, rec wire.ReviewRecord, res wire.ReviewResult) notify.Message {
	title, v := b.cycle.Title, res.Version
	key := b.key("review", "v"+strconv.Itoa(v))
	if res.Decision == wire.ReviewApprove {
		return b.toBureau(key, notify.KindApproved,
			fmt.Sprintf("【审核通过】%s：第%d版报送已通过审核", title, v),
			fmt.Sprintf("%s：\n贵单位报送的《%s》（第%d版）已审核通过。\n报告经保密审查和主要负责人审定后，请于%s前向社会公开，并在系统中登记公开情况。",
				b.org.Name, title, v, dateText(b.p.PublicationDue)))
	}
	var body strings.Builder
	fmt.Fprintf(&body, "%s：\n贵单位报送的《%s》（第%d版）经审核需要修改，请按以下意见修改后，于%s前重新报送（第%d轮）。\n审核意见：\n",
		b.org.Name, title, v, dateText(res.SubmissionDue), res.Round)
	if len(rec.Request.Comments) == 0 {
		body.WriteString("（审核人未填写具体意见，请与法治办联系）\n")
	}
	for i, c := range rec.Request.Comments {
		anchor := ""
		switch {
		case c.Indicator != "":
			anchor = "【指标 " + c.Indicator + "】"
		case c.Section != "":
			anchor = "【部分 " + c.Section + "】"
		}
		fmt.Fprintf(&body, "%d. %s%s\n", i+1, anchor, c.Message)
	}
	return b.toBureau(key, notify.KindReturned, fmt.Sprintf("【退回修改】%s：第%d版报送被退回", title, v), body.String())
}
