package service

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// DefaultPublicationMethod is the 公开方式 when none is given.
const DefaultPublicationMethod = "政府网站"

// PublicationInput records a bureau's published report (docs/api.md#routes: POST
// …/publication).
type PublicationInput struct {
	URL string `json:"url"`
	// IndexNo is the 索引号 as published; empty generates one.
	IndexNo         string `json:"index_no,omitempty"`
	IssuedOn        string `json:"issued_on"`
	Publisher       string `json:"publisher"`
	Method          string `json:"method,omitempty"`
	SecrecyReviewed bool   `json:"secrecy_reviewed"`
	LeaderApproved  bool   `json:"leader_approved"`
}

// PublishResultView answers a publication.
type PublishResultView struct {
	IndexNo     string    `json:"index_no"`
	Late        bool      `json:"late"`
	Stage       string    `json:"stage"`
	StageLabel  string    `json:"stage_label"`
	PublishedAt time.Time `json:"published_at"`
}

// PublicationView is a bureau's recorded publication.
type PublicationView struct {
	CycleID         string    `json:"cycle_id"`
	OrgCode         string    `json:"org_code"`
	Version         int       `json:"version"`
	URL             string    `json:"url"`
	IndexNo         string    `json:"index_no"`
	IssuedOn        string    `json:"issued_on"`
	Publisher       string    `json:"publisher"`
	Method          string    `json:"method"`
	SecrecyReviewed bool      `json:"secrecy_reviewed"`
	LeaderApproved  bool      `json:"leader_approved"`
	Late            bool      `json:"late"`
	Due             time.Time `json:"due"`
	RecordedBy      string    `json:"recorded_by"`
	PublishedAt     time.Time `json:"published_at"`
}

// Publish records where and how the bureau published its report; the
// bureau itself or its office on its behalf. Publication after the due
// date is accepted and flagged late by the workflow.
func (s *Service) Publish(ctx context.Context, p Principal, id, org string, in PublicationInput) (PublishResultView, error) {
	tx := s.DB.WithContext(ctx)
	pt, err := s.loadParticipation(tx, p, id, org, rules.AccessPublish)
	if err != nil {
		return PublishResultView{}, err
	}
	req, err := s.validatePublication(in)
	if err != nil {
		return PublishResultView{}, err
	}
	req.By = p.wireActor()
	taken, err := indexNoTaken(tx, req.IndexNo)
	if err != nil {
		return PublishResultView{}, err
	}
	var indexRefusal error
	if taken {
		indexRefusal = apperr.Conflict(fmt.Sprintf("索引号“%s”已被其他公开报告使用", req.IndexNo), apperr.Field(-1, "index_no", "索引号重复"))
	}
	facts, err := bureauFacts(tx, pt)
	if err != nil {
		return PublishResultView{}, err
	}
	refusal := firstRefusal(ruleError(rules.MayPublish(facts)), indexRefusal)
	var out wire.PublishResult
	if err := s.checkedUpdate(ctx, bureauUpdate(p, id, org, "登记公开", wire.UpdatePublish, req), refusal, &out); err != nil {
		return PublishResultView{}, err
	}
	return PublishResultView{IndexNo: out.IndexNo, Late: out.Late, Stage: string(out.Stage), StageLabel: out.Stage.Label(),
		PublishedAt: chinatime.In(out.PublishedAt)}, nil
}

// indexNoTaken reports whether a publication already uses an entered
// 索引号; the workflow generates one when none is entered.
func indexNoTaken(tx *gorm.DB, indexNo string) (bool, error) {
	if indexNo == "" {
		return false, nil
	}
	var n int64
	if err := tx.Model(&models.Publication{}).Where("index_no = ?", indexNo).Count(&n).Error; err != nil {
		return false, fmt.Errorf("check index no: %w", err)
	}
	return n > 0, nil
}

// validatePublication checks the disclosure metadata of docs/domain.md#publication.
func (s *Service) validatePublication(in PublicationInput) (wire.PublishRequest, error) {
	var bad fieldErrors
	req := wire.PublishRequest{SecrecyReviewed: in.SecrecyReviewed, LeaderApproved: in.LeaderApproved}
	if req.URL = bad.text("url", "公开网址", in.URL, 1000, true); req.URL != "" {
		if u, err := url.Parse(req.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			strings.ContainsAny(req.URL, " \t\r\n") {
			bad.add(-1, "url", fmt.Sprintf("公开网址“%s”无效，应为以 http:// 或 https:// 开头的完整网址", clipText(req.URL, 80)))
		}
	}
	req.IndexNo = bad.text("index_no", "索引号", in.IndexNo, 100, false)
	if raw := strings.TrimSpace(in.IssuedOn); raw == "" {
		bad.add(-1, "issued_on", "请填写成文日期（issued_on，如 2026-03-20）")
	} else {
		d, err := parseDay("issued_on", "成文日期", raw)
		if err != nil {
			return req, err
		}
		if d.After(calendar.DateOf(s.now())) {
			bad.add(-1, "issued_on", fmt.Sprintf("成文日期（%s）不能晚于今天", d.Chinese()))
		}
		req.IssuedOn = d.String()
	}
	req.Publisher = bad.text("publisher", "发布单位", in.Publisher, 200, true)
	if req.Method = bad.text("method", "公开方式", in.Method, 100, false); req.Method == "" {
		req.Method = DefaultPublicationMethod
	}
	if !in.SecrecyReviewed {
		bad.add(-1, "secrecy_reviewed", "请先完成保密审查")
	}
	if !in.LeaderApproved {
		bad.add(-1, "leader_approved", "请先经主要负责人审定")
	}
	return req, bad.err("公开信息")
}

// clipText shortens s to n characters for a message.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// GetPublication returns the bureau's recorded publication.
func (s *Service) GetPublication(ctx context.Context, p Principal, id, org string) (PublicationView, error) {
	tx := s.DB.WithContext(ctx)
	if _, err := s.loadParticipation(tx, p, id, org, rules.AccessRead); err != nil {
		return PublicationView{}, err
	}
	var r models.Publication
	if err := tx.Scopes(models.OfBureau(id, org)).Take(&r).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return PublicationView{}, apperr.NotFound("本单位尚未登记公开信息")
	} else if err != nil {
		return PublicationView{}, fmt.Errorf("load publication: %w", err)
	}
	return PublicationView{
		CycleID: r.CycleID, OrgCode: r.OrgCode, Version: r.Version, URL: r.URL, IndexNo: r.IndexNo, IssuedOn: r.IssuedOn,
		Publisher: r.Publisher, Method: r.Method, SecrecyReviewed: r.SecrecyReviewed, LeaderApproved: r.LeaderApproved,
		Late: r.Late, Due: chinatime.In(r.Due), RecordedBy: r.RecordedBy, PublishedAt: chinatime.In(r.PublishedAt),
	}, nil
}

// PublicReport is one published report as anyone may see it (docs/domain.md#publication).
type PublicReport struct {
	// ID is the publication's number, the cursor of the next page.
	ID          uint      `json:"id"`
	CycleID     string    `json:"cycle_id"`
	Year        int       `json:"year"`
	Title       string    `json:"title"`
	OfficeCode  string    `json:"office_code"`
	OfficeName  string    `json:"office_name"`
	OrgCode     string    `json:"org_code"`
	OrgName     string    `json:"org_name"`
	URL         string    `json:"url"`
	IndexNo     string    `json:"index_no"`
	IssuedOn    string    `json:"issued_on"`
	Publisher   string    `json:"publisher"`
	Method      string    `json:"method"`
	Late        bool      `json:"late"`
	PublishedAt time.Time `json:"published_at"`
	// ReportURL downloads the report file; empty when none was uploaded.
	ReportURL string `json:"report_url,omitempty"`
}

// PublicReportPath is where a published report's file is served.
func PublicReportPath(cycleID, org string) string {
	return "/api/v1/public/reports/" + url.PathEscape(cycleID) + "/" + url.PathEscape(org) + "/report"
}

// PublicFilter selects and pages the published reports.
type PublicFilter struct {
	// Year and CycleID narrow the list; zero values take every one.
	Year    int
	CycleID string
	// After is the id of the last report of the previous page; 0 starts.
	After uint
	// Limit bounds the page; 0 means DefaultPublicPage.
	Limit int
}

// Paging of the public list.
const (
	DefaultPublicPage = 100
	MaxPublicPage     = 1000
)

// PublicReports lists published reports, newest year first, then newest
// publication, a page at a time; no login (docs/domain.md#public-reports).
func (s *Service) PublicReports(ctx context.Context, f PublicFilter) ([]PublicReport, error) {
	var bad fieldErrors
	if f.Year != 0 && (f.Year < 2000 || f.Year > 9999) {
		bad.add(-1, "year", fmt.Sprintf("年度“%d”无效，应为 2000 至 9999 之间的整数", f.Year))
	}
	if f.Limit < 0 || f.Limit > MaxPublicPage {
		bad.add(-1, "limit", fmt.Sprintf("limit 应为 1 至 %d 之间的整数", MaxPublicPage))
	}
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad[0].Message, bad...)
	}
	if f.Limit == 0 {
		f.Limit = DefaultPublicPage
	}
	tx := s.DB.WithContext(ctx)
	q := tx.Table("publications p").Select(`p.id, p.cycle_id, c.year, c.title, f.code AS office_code, f.name AS office_name,
  p.org_code, o.name AS org_name, p.url, p.index_no, p.issued_on, p.publisher, p.method, p.late, p.published_at,
  s.report_sha`).
		Joins("JOIN cycles c ON c.id = p.cycle_id").
		Joins("JOIN organisations f ON f.id = c.office_id").
		Joins("JOIN organisations o ON o.id = p.org_id").
		Joins("LEFT JOIN submissions s ON s.cycle_id = p.cycle_id AND s.org_code = p.org_code AND s.version = p.version")
	if f.Year != 0 {
		q = q.Where("c.year = ?", f.Year)
	}
	if f.CycleID != "" {
		q = q.Where("p.cycle_id = ?", f.CycleID)
	}
	if f.After != 0 {
		var after struct {
			Year        int
			PublishedAt time.Time
		}
		err := tx.Table("publications p").Select("c.year, p.published_at").Joins("JOIN cycles c ON c.id = p.cycle_id").
			Where("p.id = ?", f.After).Take(&after).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, apperr.Invalid(fmt.Sprintf("after 指定的公开记录（编号 %d）不存在", f.After), apperr.Field(-1, "after", "取值无效"))
		} else if err != nil {
			return nil, fmt.Errorf("load cursor publication: %w", err)
		}
		q = q.Where("(c.year < ? OR (c.year = ? AND (p.published_at < ? OR (p.published_at = ? AND p.id < ?))))",
			after.Year, after.Year, after.PublishedAt, after.PublishedAt, f.After)
	}
	var rows []struct {
		PublicReport
		ReportSHA *string
	}
	if err := q.Order("c.year DESC, p.published_at DESC, p.id DESC").Limit(f.Limit).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("list public reports: %w", err)
	}
	out := make([]PublicReport, len(rows))
	for i, r := range rows {
		out[i] = r.PublicReport
		out[i].PublishedAt = chinatime.In(r.PublishedAt)
		if r.ReportSHA != nil && *r.ReportSHA != "" {
			out[i].ReportURL = PublicReportPath(r.CycleID, r.OrgCode)
		}
	}
	return out, nil
}

// PublicReportFile returns the report file of a published version, named
// for the public, with its stored content type.
func (s *Service) PublicReportFile(ctx context.Context, cycleID, org string) (TemplateFile, string, error) {
	tx := s.DB.WithContext(ctx)
	notFound := apperr.NotFound(fmt.Sprintf("周期“%s”中单位“%s”没有已公开的报告", cycleID, org))
	var r struct {
		Year       int
		OrgName    string
		ReportSHA  string
		ReportName string
	}
	err := tx.Raw(`SELECT c.year, o.name AS org_name, s.report_sha, s.report_name
FROM publications p
JOIN cycles c ON c.id = p.cycle_id
JOIN organisations o ON o.id = p.org_id
JOIN submissions s ON s.cycle_id = p.cycle_id AND s.org_code = p.org_code AND s.version = p.version
WHERE p.cycle_id = ? AND p.org_code = ?`, cycleID, org).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return TemplateFile{}, "", notFound
	} else if err != nil {
		return TemplateFile{}, "", fmt.Errorf("load published report: %w", err)
	}
	if r.ReportSHA == "" {
		return TemplateFile{}, "", apperr.NotFound(fmt.Sprintf("单位“%s”公开的版本没有上传报告文件", org))
	}
	blob, err := filestore.Get(tx, r.ReportSHA)
	if err != nil {
		return TemplateFile{}, "", err
	}
	// The uploaded name may say more than the public should read ("终稿
	// （内部）"); only its extension is kept.
	name := fmt.Sprintf("%s%d年度法治政府建设情况报告%s", r.OrgName, r.Year, path.Ext(r.ReportName))
	return TemplateFile{Name: name, Data: blob.Data}, blob.ContentType, nil
}
