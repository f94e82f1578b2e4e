package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// Review limits.
const (
	MaxReviewComments      = 200
	MaxReviewCommentLength = 2000
)

// ReviewInput is a reviewer's decision on a bureau's latest version (docs/api.md#routes:
// POST …/reviews).
type ReviewInput struct {
	Decision string               `json:"decision"`
	Comments []ReviewCommentInput `json:"comments"`
	// ResubmitDue is the resubmission due date of a return: a date or
	// "N个工作日"; empty means the cycle's default.
	ResubmitDue string `json:"resubmit_due,omitempty"`
	// Version is the version reviewed; 0 means the latest.
	Version int `json:"version,omitempty"`
}

// ReviewCommentInput is one comment: on an indicator, a section, or (neither)
// the whole return.
type ReviewCommentInput struct {
	Indicator string `json:"indicator,omitempty"`
	Section   string `json:"section,omitempty"`
	Message   string `json:"message"`
}

// ReviewResultView answers a review.
type ReviewResultView struct {
	ReviewID   uint   `json:"review_id"`
	Version    int    `json:"version"`
	Decision   string `json:"decision"`
	Stage      string `json:"stage"`
	StageLabel string `json:"stage_label"`
	Round      int    `json:"round"`
	// SubmissionDue is the resubmission due date of a return.
	SubmissionDue *time.Time `json:"submission_due,omitempty"`
	DueWarnings   []string   `json:"due_warnings"`
}

// ReviewView is a stored review with its comments.
type ReviewView struct {
	ID            uint                `json:"id"`
	Version       int                 `json:"version"`
	Round         int                 `json:"round"`
	Decision      string              `json:"decision"`
	DecisionLabel string              `json:"decision_label"`
	ResubmitDue   *time.Time          `json:"resubmit_due,omitempty"`
	Reviewer      string              `json:"reviewer"`
	ReviewedAt    time.Time           `json:"reviewed_at"`
	Comments      []ReviewCommentView `json:"comments"`
}

// ReviewCommentView is a comment with its anchors' names.
type ReviewCommentView struct {
	Indicator     string `json:"indicator,omitempty"`
	IndicatorName string `json:"indicator_name,omitempty"`
	Section       string `json:"section,omitempty"`
	SectionName   string `json:"section_name,omitempty"`
	Message       string `json:"message"`
}

// Review sends a reviewer's decision on the bureau's latest version to the
// bureau workflow. Everything the request itself can get wrong is refused
// before: the decision, the comments and their anchors in the version's
// catalogue, the resubmission due date, and a bureau not under review.
func (s *Service) Review(ctx context.Context, p Principal, id, org string, in ReviewInput) (ReviewResultView, error) {
	tx := s.DB.WithContext(ctx)
	pt, err := s.loadParticipation(tx, p, id, org, rules.AccessReview)
	if err != nil {
		return ReviewResultView{}, err
	}
	req, err := s.validateReview(in)
	if err != nil {
		return ReviewResultView{}, err
	}
	facts, err := bureauFacts(tx, pt)
	if err != nil {
		return ReviewResultView{}, err
	}
	// Nothing to review, or another version than the latest: nothing a
	// retry could have changed, so refused before anything else.
	byBureau := rules.IsBureauActor(p.Role, p.OrgCode, org)
	if r := rules.MayReview(facts, byBureau, in.Version); r != nil && (facts.Version == 0 || r.Code == rules.CodeStaleVersion) {
		return ReviewResultView{}, ruleError(r)
	}
	var sub models.Submission
	err = tx.Omit("values", "explanations", "info", "problems", "plans", "warnings").
		Scopes(models.OfBureau(id, org)).Where("version = ?", facts.Version).Take(&sub).Error
	if err != nil {
		return ReviewResultView{}, fmt.Errorf("load latest submission: %w", err)
	}
	req.Version = sub.Version
	cats, err := s.versionCatalogues(tx, pt.cycle.OfficeID)
	if err != nil {
		return ReviewResultView{}, err
	}
	cat, err := cats.get(sub.Catalogue)
	if err != nil {
		return ReviewResultView{}, err
	}
	if err := checkAnchors(cat, sub.Version, req.Comments); err != nil {
		return ReviewResultView{}, err
	}
	req.By = p.wireActor()

	u := bureauUpdate(p, id, org, "审核", wire.UpdateReview, req)
	u.updateID = wire.ReviewUpdateID(req.Version, requestKey(p))
	refusal := ruleError(rules.MayReview(facts, byBureau, in.Version))
	var out wire.ReviewResult
	if err := s.checkedUpdate(ctx, u, refusal, &out); err != nil {
		return ReviewResultView{}, err
	}
	v := ReviewResultView{
		ReviewID: out.ReviewID, Version: out.Version, Decision: string(out.Decision), Stage: string(out.Stage),
		StageLabel: out.Stage.Label(), Round: out.Round, DueWarnings: nonNil(out.DueWarnings),
	}
	if out.Decision == wire.ReviewReturn && !out.SubmissionDue.IsZero() {
		due := chinatime.In(out.SubmissionDue)
		v.SubmissionDue = &due
	}
	return v, nil
}

// validateReview checks what needs no catalogue: the decision, the number
// and length of the comments, the resubmission due date.
func (s *Service) validateReview(in ReviewInput) (wire.ReviewRequest, error) {
	var bad fieldErrors
	req := wire.ReviewRequest{Decision: wire.ReviewDecision(strings.TrimSpace(in.Decision))}
	switch req.Decision {
	case wire.ReviewApprove, wire.ReviewReturn:
	case "":
		bad.add(-1, "decision", "请给出审核结论：approve（通过）或 return（退回修改）")
	default:
		bad.add(-1, "decision", fmt.Sprintf("审核结论“%s”无效，只能是 approve（通过）或 return（退回修改）", in.Decision))
	}
	if in.Version < 0 {
		bad.add(-1, "version", "版本号应为正整数")
	}
	switch {
	case len(in.Comments) > MaxReviewComments:
		bad.add(-1, "comments", fmt.Sprintf("审核意见最多%d条，实际为%d条", MaxReviewComments, len(in.Comments)))
	case len(in.Comments) == 0 && req.Decision == wire.ReviewReturn:
		bad.add(-1, "comments", "退回修改时请至少填写一条审核意见")
	}
	for i, c := range in.Comments {
		if i >= MaxReviewComments {
			break
		}
		msg := strings.TrimSpace(c.Message)
		switch n := len([]rune(msg)); {
		case n == 0:
			bad.add(i, "message", fmt.Sprintf("第%d条意见的内容为空", i+1))
		case n > MaxReviewCommentLength:
			bad.add(i, "message", fmt.Sprintf("第%d条意见超过%d个字（%d个字）", i+1, MaxReviewCommentLength, n))
		}
		req.Comments = append(req.Comments, wire.ReviewComment{
			Indicator: strings.TrimSpace(c.Indicator), Section: strings.TrimSpace(c.Section), Message: msg,
		})
	}
	if raw := strings.TrimSpace(in.ResubmitDue); raw != "" {
		if req.Decision == wire.ReviewApprove {
			bad.add(-1, "resubmit_due", "审核通过时不需要设置重新报送期限")
		} else {
			due, _, err := s.parseDue(&bad, "resubmit_due", "重新报送期限", raw)
			if err != nil {
				return req, err
			}
			req.ResubmitDue = due
		}
	}
	return req, bad.err("审核意见")
}

// checkAnchors refuses comments on indicators or sections the reviewed
// version's catalogue does not have, naming the comment.
func checkAnchors(cat *catalogue.Catalogue, version int, comments []wire.ReviewComment) error {
	sections := map[string]bool{}
	for _, sec := range cat.Sections {
		sections[sec.Key] = true
	}
	var bad fieldErrors
	for i, c := range comments {
		if c.Section != "" && !sections[c.Section] {
			bad.add(i, "section", fmt.Sprintf("第%d条意见的部分“%s”不在第%d版的指标体系中", i+1, c.Section, version))
		}
		if c.Indicator == "" {
			continue
		}
		ind, ok := cat.Indicator(c.Indicator)
		switch {
		case !ok:
			bad.add(i, "indicator", fmt.Sprintf("第%d条意见的指标“%s”不在第%d版的指标体系中", i+1, c.Indicator, version))
		case c.Section != "" && sections[c.Section] && ind.Section != c.Section:
			bad.add(i, "indicator", fmt.Sprintf("第%d条意见的指标“%s”不属于部分“%s”", i+1, c.Indicator, c.Section))
		}
	}
	return bad.err("审核意见")
}

// ListReviews lists every review of the bureau, newest first, with its
// comments and the names of the indicators and sections they are on.
func (s *Service) ListReviews(ctx context.Context, p Principal, id, org string) ([]ReviewView, error) {
	tx := s.DB.WithContext(ctx)
	pt, err := s.loadParticipation(tx, p, id, org, rules.AccessRead)
	if err != nil {
		return nil, err
	}
	return s.reviews(tx, pt.cycle.OfficeID, id, org, 0)
}

// reviews loads the bureau's reviews, newest first; version > 0 keeps
// only the review of that version.
func (s *Service) reviews(tx *gorm.DB, officeID uint, id, org string, version int) ([]ReviewView, error) {
	q := tx.Scopes(models.OfBureau(id, org))
	if version > 0 {
		q = q.Where("version = ?", version)
	}
	var rows []models.Review
	if err := q.Order("version DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list reviews: %w", err)
	}
	out := make([]ReviewView, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]uint, len(rows))
	versions := make([]int, len(rows))
	for i, r := range rows {
		ids[i], versions[i] = r.ID, r.Version
	}
	var comments []models.ReviewComment
	if err := tx.Where("review_id IN ?", ids).Order("review_id, position").Find(&comments).Error; err != nil {
		return nil, fmt.Errorf("list review comments: %w", err)
	}
	byReview := map[uint][]models.ReviewComment{}
	for _, c := range comments {
		byReview[c.ReviewID] = append(byReview[c.ReviewID], c)
	}
	var labels []struct {
		Version   int
		Catalogue string
	}
	if err := tx.Model(&models.Submission{}).Select("version, catalogue").
		Scopes(models.OfBureau(id, org)).Where("version IN ?", versions).Scan(&labels).Error; err != nil {
		return nil, fmt.Errorf("load reviewed versions: %w", err)
	}
	labelOf := map[int]string{}
	for _, l := range labels {
		labelOf[l.Version] = l.Catalogue
	}
	cats, err := s.versionCatalogues(tx, officeID)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		v := ReviewView{
			ID: r.ID, Version: r.Version, Round: r.Round, Decision: r.Decision, DecisionLabel: wire.ReviewDecision(r.Decision).Label(),
			ResubmitDue: inChina(r.ResubmitDue), Reviewer: r.ReviewerName, ReviewedAt: chinatime.In(r.ReviewedAt),
			Comments: []ReviewCommentView{},
		}
		var cat *catalogue.Catalogue
		if label, ok := labelOf[r.Version]; ok {
			if cat, err = cats.get(label); err != nil {
				return nil, err
			}
		}
		for _, c := range byReview[r.ID] {
			v.Comments = append(v.Comments, commentView(cat, c))
		}
		out = append(out, v)
	}
	return out, nil
}

func commentView(cat *catalogue.Catalogue, c models.ReviewComment) ReviewCommentView {
	v := ReviewCommentView{Indicator: c.Indicator, Section: c.Section, Message: c.Message}
	if cat == nil {
		return v
	}
	if ind, ok := cat.Indicator(c.Indicator); ok {
		v.IndicatorName = ind.Name
	}
	for _, sec := range cat.Sections {
		if sec.Key == c.Section {
			v.SectionName = sec.Name
		}
	}
	return v
}

// versionCatalogues composes the catalogues stored versions were filled
// against, by their label, each once.
type versionCatalogues struct {
	reg     *catalogue.Registry
	byLabel map[string]*catalogue.Catalogue
}

func (s *Service) versionCatalogues(tx *gorm.DB, officeID uint) (*versionCatalogues, error) {
	reg, err := s.registry(tx, &officeID)
	if err != nil {
		return nil, err
	}
	return &versionCatalogues{reg: reg, byLabel: map[string]*catalogue.Catalogue{}}, nil
}

func (v *versionCatalogues) get(label string) (*catalogue.Catalogue, error) {
	if cat, ok := v.byLabel[label]; ok {
		return cat, nil
	}
	cat, err := v.reg.ComposeLabel(label)
	if err != nil {
		return nil, fmt.Errorf("catalogue %q: %w", label, err)
	}
	v.byLabel[label] = cat
	return cat, nil
}

// nonNil is s, or an empty list, so JSON shows [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
