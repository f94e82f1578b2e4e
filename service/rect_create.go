package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// Limits of an item's text fields, in characters.
const (
	MaxRectTextLength       = 2000 // 问题描述, 原因, 整改措施
	MaxRectDepartmentLength = 200
	MaxRectPersonLength     = 100
	MaxRectSourceRefLength  = 200
)

const rectCategoryChoices = "只能是 immediate（立行立改）、deadline（限期整改）或 ongoing（长期坚持）"

// RectCreateInput is an item the office adds to a bureau's ledger (a 督察
// finding), or, with FromComment, a reviewer's comment turned into an
// item: its text is the comment's unless given.
type RectCreateInput struct {
	RectText
	// Category is immediate, deadline or ongoing, or its Chinese name.
	Category string `json:"category"`
	// Due is the completion date (计划完成时限): required for 限期整改,
	// the cycle's default when left empty for 立行立改, none for 长期坚持.
	Due         string `json:"due"`
	SourceRef   string `json:"source_ref"`
	FromComment *uint  `json:"from_comment,omitempty"`
}

// CreateRectification adds an item to a bureau's ledger: it starts the
// item's workflow together with its opening update, which completes once
// the item is recorded. Everything the request can get wrong is refused
// first, and nothing is stored by a refused request.
func (s *Service) CreateRectification(ctx context.Context, p Principal, id, org string, in RectCreateInput) (RectResultView, error) {
	tx := s.DB.WithContext(ctx)
	pt, err := s.loadParticipation(tx, p, id, org, rules.AccessRectify)
	if err != nil {
		return RectResultView{}, err
	}
	spec, comment, err := s.validateRectCreate(tx, id, org, in)
	if err != nil {
		return RectResultView{}, err
	}
	if err := cycleRunning(pt.cycle, "添加整改事项"); err != nil {
		return RectResultView{}, err
	}
	itemID, err := s.newItemID(tx, pt, p, comment)
	if err != nil {
		return RectResultView{}, err
	}
	spec.By = p.wireActor()
	st, err := s.openRectification(ctx, wire.RectInput{CycleID: id, OrgCode: org, ItemID: itemID, Spec: spec})
	if err != nil {
		return RectResultView{}, err
	}
	return rectResultView(st), nil
}

// newItemID names the item a request adds: {year}-f{comment} for a
// finding, the office's next {year}-d{n} otherwise. The name is kept by
// request, so a retried request (same X-Request-Id) opens the item its
// first attempt named, and gets that attempt's answer, instead of a
// second item or a refusal of the first.
func (s *Service) newItemID(tx *gorm.DB, pt participation, p Principal, comment *models.ReviewComment) (string, error) {
	key := requestKey(p)
	var prior models.RectRequest
	where := "cycle_id = ? AND org_code = ? AND request_id = ?"
	err := tx.Take(&prior, where, pt.cycle.ID, pt.org.Code, key).Error
	if err == nil {
		return prior.ItemID, nil
	} else if !errors.Is(err, gorm.ErrRecordNotFound) {
		return "", fmt.Errorf("look up item request: %w", err)
	}
	var itemID string
	if comment != nil {
		if err := commentFree(tx, comment.ID); err != nil {
			return "", err
		}
		itemID = fmt.Sprintf("%d-f%d", pt.cycle.Year, comment.ID)
	} else {
		n, err := nextRectSerial(tx, "rect/"+pt.cycle.ID)
		if err != nil {
			return "", err
		}
		itemID = fmt.Sprintf("%d-d%d", pt.cycle.Year, n)
	}
	row := models.RectRequest{CycleID: pt.cycle.ID, RequestID: key, OrgCode: pt.org.Code, ItemID: itemID, CreatedAt: s.now()}
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil {
		return "", fmt.Errorf("remember item request: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		// The same request, sent twice at once, named its item first.
		if err := tx.Take(&prior, where, pt.cycle.ID, pt.org.Code, key).Error; err != nil {
			return "", fmt.Errorf("look up item request: %w", err)
		}
		return prior.ItemID, nil
	}
	return itemID, nil
}

// validateRectCreate checks the input and, for an item from a comment,
// that the comment is one of this bureau's in this cycle.
func (s *Service) validateRectCreate(tx *gorm.DB, id, org string, in RectCreateInput) (wire.RectSpec, *models.ReviewComment, error) {
	var bad fieldErrors
	spec := wire.RectSpec{Source: wire.RectFromOffice}
	var comment *models.ReviewComment
	if in.FromComment != nil {
		c, err := orgComment(tx, id, org, *in.FromComment)
		if err != nil {
			return spec, nil, err
		}
		if c == nil {
			bad.add(-1, "from_comment", fmt.Sprintf("本单位本周期没有编号为 %d 的审核意见", *in.FromComment))
		} else {
			comment = c
			spec.Source, spec.CommentID = wire.RectFromFinding, c.ID
			if strings.TrimSpace(in.Description) == "" {
				in.Description = c.Message
			}
			if strings.TrimSpace(in.SourceRef) == "" {
				in.SourceRef = fmt.Sprintf("第%d版审核意见第%d条", c.Version, c.Position+1)
			}
		}
	}
	f := &spec.Fields
	f.Description = bad.text("description", "问题描述", in.Description, MaxRectTextLength, true)
	f.Cause = bad.text("cause", "问题原因", in.Cause, MaxRectTextLength, false)
	f.Measures = bad.text("measures", "整改措施", in.Measures, MaxRectTextLength, false)
	f.Department = bad.text("department", "责任单位", in.Department, MaxRectDepartmentLength, false)
	f.Person = bad.text("person", "责任人", in.Person, MaxRectPersonLength, false)
	spec.SourceRef = bad.text("source_ref", "问题来源说明", in.SourceRef, MaxRectSourceRefLength, false)

	raw := strings.TrimSpace(in.Category)
	category, ok := wire.ParseRectCategory(raw)
	switch {
	case raw == "":
		bad.add(-1, "category", "请选择整改类别："+strings.TrimPrefix(rectCategoryChoices, "只能是 "))
	case !ok:
		bad.add(-1, "category", fmt.Sprintf("整改类别“%s”无效，%s", raw, rectCategoryChoices))
	}
	f.Category = category
	due, err := s.rectDue(&bad, category, in.Due)
	if err != nil {
		return spec, nil, err
	}
	f.Due = due
	return spec, comment, bad.err("整改事项")
}

// rectDue reads an item's due date as its category needs it: for 限期整改
// a calendar date not yet past (required), for 立行立改 such a date or a
// number of working days (optional), for 长期坚持 none, its check-ins
// following the cycle's period instead.
func (s *Service) rectDue(bad *fieldErrors, category wire.RectCategory, raw string) (wire.DueSetting, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "" && category == wire.RectDeadline:
		bad.add(-1, "due", "限期整改的事项须填写整改时限（due），如 2026-06-30")
		return wire.DueSetting{}, nil
	case raw == "":
		return wire.DueSetting{}, nil
	case category == wire.RectOngoing:
		bad.add(-1, "due", "长期坚持的事项按周期报告整改进展，不设整改时限；请将 due 留空")
		return wire.DueSetting{}, nil
	}
	due, date, err := s.parseDue(bad, "due", "整改时限", raw)
	if err != nil {
		return due, err
	}
	if date == nil && category == wire.RectDeadline {
		bad.add(-1, "due", "限期整改的整改时限请填写具体日期（如 2026-06-30），不能填写工作日数")
		return wire.DueSetting{}, nil
	}
	return due, nil
}

// orgComment loads a review comment of the bureau in the cycle; nil when
// there is none with that id (another bureau's is none too).
func orgComment(tx *gorm.DB, id, org string, commentID uint) (*models.ReviewComment, error) {
	var c models.ReviewComment
	err := tx.Take(&c, "id = ? AND cycle_id = ? AND org_code = ?", commentID, id, org).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load review comment: %w", err)
	}
	return &c, nil
}

// commentFree refuses a comment already made into an item.
func commentFree(tx *gorm.DB, commentID uint) error {
	var item models.RectItem
	err := tx.Select("item_id").Take(&item, "comment_id = ?", commentID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check comment item: %w", err)
	}
	return apperr.Conflict(fmt.Sprintf("该审核意见已转为整改事项（编号 %s），不能重复添加", item.ItemID))
}

// nextRectSerial counts the prefix's serial up in one statement, so two
// offices' staff adding items at once never get the same number.
func nextRectSerial(tx *gorm.DB, prefix string) (int, error) {
	var n int
	err := tx.Raw(`INSERT INTO index_serials (prefix, last) VALUES (?, 1)
ON CONFLICT (prefix) DO UPDATE SET last = index_serials.last + 1 RETURNING last`, prefix).Scan(&n).Error
	if err != nil {
		return 0, fmt.Errorf("allocate item serial: %w", err)
	}
	return n, nil
}

// openRectification starts the item's workflow with its opening update.
// Starting is idempotent: an item already running receives the update
// (its id makes a retry the same update), one that has ended is never
// started again.
func (s *Service) openRectification(ctx context.Context, in wire.RectInput) (wire.RectState, error) {
	var st wire.RectState
	if s.Temporal == nil {
		return st, apperr.Unavailable("添加整改事项失败：工作流服务未连接，请稍后重试")
	}
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	start := s.Temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       wire.RectificationWorkflowID(in.CycleID, in.OrgCode, in.ItemID),
		TaskQueue:                s.taskQueue(),
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, wire.RectificationWorkflow, in)
	handle, err := s.Temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateID:     wire.UpdateRectOpen,
			UpdateName:   wire.UpdateRectOpen,
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err == nil {
		err = handle.Get(ctx, &st)
	}
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return st, apperr.Conflict(fmt.Sprintf("整改事项“%s”已存在且已办结，不能重复添加", in.ItemID))
	}
	if err != nil {
		return st, updateError("添加整改事项", "整改事项的流程未能启动", err)
	}
	return st, nil
}
