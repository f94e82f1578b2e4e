package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// Upload is a file as received.
type Upload struct {
	Name string
	Data []byte
}

// ContentTypeXLSX is the media type of returns and generated workbooks.
const ContentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// contentTypeReturn marks a stored parsed return (canonical JSON).
const contentTypeReturn = "application/vnd.lawcycle.return+json"

// SubmissionView answers an upload and describes a stored version.
type SubmissionView struct {
	Version int `json:"version"`
	Round   int `json:"round"`
	// Stage is the bureau's stage right after an upload; empty elsewhere.
	Stage       string              `json:"stage,omitempty"`
	FileName    string              `json:"file_name"`
	FileSHA256  string              `json:"file_sha256"`
	ReportName  string              `json:"report_name,omitempty"`
	ReportSHA   string              `json:"report_sha256,omitempty"`
	Catalogue   string              `json:"catalogue"`
	SubmittedBy string              `json:"submitted_by"`
	SubmittedAt time.Time           `json:"submitted_at"`
	Warnings    []excelreturn.Issue `json:"warnings"`
	// Filled only when one version is asked for.
	Values       catalogue.Values      `json:"values,omitempty"`
	Explanations map[string]string     `json:"explanations,omitempty"`
	Info         *excelreturn.Info     `json:"info,omitempty"`
	Problems     []excelreturn.Problem `json:"problems,omitempty"`
	Plans        []excelreturn.Plan    `json:"plans,omitempty"`
}

// CheckView is the outcome of checking a return without submitting it.
type CheckView struct {
	OK       bool                `json:"ok"`
	Errors   []excelreturn.Issue `json:"errors"`
	Warnings []excelreturn.Issue `json:"warnings"`
}

// parseReturn reads an uploaded return against what the cycle expects of
// the bureau. File-level refusals come back as issues, like cell errors.
func (s *Service) parseReturn(tx *gorm.DB, pt participation, file Upload) (*excelreturn.Result, error) {
	cat, err := s.catalogueFor(tx, pt.cycle, pt.org)
	if err != nil {
		return nil, err
	}
	last, err := lastYearValues(tx, pt.cycle, pt.org.Code)
	if err != nil {
		return nil, err
	}
	res, err := excelreturn.Parse(bytes.NewReader(file.Data), int64(len(file.Data)), excelreturn.Expect{
		CycleID: pt.cycle.ID, CycleYear: pt.cycle.Year, OrgCode: pt.org.Code, OrgName: pt.org.Name,
		Catalogue: cat, LastYear: last, Limits: excelreturn.DefaultLimits(),
	})
	if err != nil {
		return nil, fmt.Errorf("parse return: %w", err)
	}
	if res.Errors == nil {
		res.Errors = []excelreturn.Issue{}
	}
	if res.Warnings == nil {
		res.Warnings = []excelreturn.Issue{}
	}
	return res, nil
}

// Check validates a return without submitting it.
func (s *Service) Check(ctx context.Context, p Principal, id, org string, file Upload) (CheckView, *excelreturn.Result, error) {
	tx := s.DB.WithContext(ctx)
	pt, err := s.loadParticipation(tx, p, id, org, rules.AccessRead)
	if err != nil {
		return CheckView{}, nil, err
	}
	if err := checkFileName(file.Name, "file"); err != nil {
		return CheckView{}, nil, err
	}
	res, err := s.parseReturn(tx, pt, file)
	if err != nil {
		return CheckView{}, nil, err
	}
	return CheckView{OK: res.OK(), Errors: res.Errors, Warnings: res.Warnings}, res, nil
}

// Submit validates an uploaded return and, when it is valid, hands it to
// the bureau workflow, which records it as the next version. An invalid
// return is refused with every cell error and changes nothing.
func (s *Service) Submit(ctx context.Context, p Principal, id, org string, file Upload, report *Upload) (SubmissionView, error) {
	tx := s.DB.WithContext(ctx)
	pt, err := s.loadParticipation(tx, p, id, org, rules.AccessSubmit)
	if err != nil {
		return SubmissionView{}, err
	}
	if err := checkFileName(file.Name, "file"); err != nil {
		return SubmissionView{}, err
	}
	facts, err := bureauFacts(tx, pt)
	if err != nil {
		return SubmissionView{}, err
	}
	refusal := ruleError(rules.MaySubmit(facts, pt.participant.Round))
	reportType := ""
	if report != nil {
		if err := checkFileName(report.Name, "report"); err != nil {
			return SubmissionView{}, err
		}
		var rerr *filestore.ReportError
		if reportType, rerr = filestore.SniffReport(report.Data); rerr != nil {
			if rerr.TooLarge {
				return SubmissionView{}, apperr.TooLarge(rerr.Message)
			}
			return SubmissionView{}, apperr.UnsupportedMedia(rerr.Message)
		}
	}
	// Parsed even when the stage refuses: the parsed return names the
	// update, and an upload already accepted gets its first answer.
	res, err := s.parseReturn(tx, pt, file)
	if err != nil {
		return SubmissionView{}, err
	}
	if !res.OK() {
		return SubmissionView{}, firstRefusal(refusal, returnInvalid(res))
	}
	parsed, err := json.Marshal(res)
	if err != nil {
		return SubmissionView{}, fmt.Errorf("encode parsed return: %w", err)
	}
	req := wire.SubmitRequest{
		Round: pt.participant.Round, FileName: file.Name, Catalogue: res.Return.Meta.Catalogue,
		WarningCount: len(res.Warnings),
		By:           p.wireActor(),
		FileSHA:      filestore.Sum(file.Data), ReturnSHA: filestore.Sum(parsed),
	}
	if report != nil {
		req.ReportName, req.ReportSHA = report.Name, filestore.Sum(report.Data)
	}
	if refusal == nil {
		// Stored before the update so the workflow history carries hashes
		// only. Blobs are immutable and shared; one left unreferenced by a
		// refused update is harmless.
		err = tx.Transaction(func(tx *gorm.DB) error {
			if _, err := filestore.Put(tx, file.Data, ContentTypeXLSX); err != nil {
				return err
			}
			if _, err := filestore.Put(tx, parsed, contentTypeReturn); err != nil {
				return err
			}
			if report != nil {
				if _, err := filestore.Put(tx, report.Data, reportType); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return SubmissionView{}, err
		}
	}

	u := bureauUpdate(p, id, org, "报送", wire.UpdateSubmit, req)
	// Named by the round and the content: the same return sent again,
	// under any request id, is the same submission.
	u.updateID, u.replayable = wire.SubmitUpdateID(req.Round, req.ReturnSHA, req.ReportSHA), true
	var out wire.SubmitResult
	if err := s.checkedUpdate(ctx, u, refusal, &out); err != nil {
		return SubmissionView{}, err
	}
	v, err := s.GetSubmission(ctx, p, id, org, out.Version)
	v.Stage = string(out.Stage)
	return v, err
}

// returnInvalid is the 422 of docs/api.md#errors: one detail per cell.
func returnInvalid(res *excelreturn.Result) error {
	details := make([]apperr.Detail, len(res.Errors))
	for i, is := range res.Errors {
		details[i] = apperr.Detail{Code: is.Code, Sheet: is.Sheet, Cell: is.Cell, Indicator: is.Indicator, Message: is.Message}
	}
	msg := fmt.Sprintf("报表未通过校验：共 %d 处错误，请按提示逐项修改后重新上传（可下载标注错误的副本）", len(res.Errors))
	if len(res.Errors) == 1 && res.Errors[0].Sheet == "" {
		msg = res.Errors[0].Message
	}
	return apperr.Validation(msg, details...)
}

// checkFileName refuses names a browser would never send; anything else
// is kept verbatim and escaped wherever it is shown.
func checkFileName(name, field string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return apperr.Invalid("文件名为空", apperr.Field(-1, field, "请选择文件后上传"))
	case !utf8.ValidString(name):
		return apperr.Invalid("文件名不是有效的 UTF-8 文本", apperr.Field(-1, field, "请重命名文件后上传"))
	case utf8.RuneCountInString(name) > 200:
		return apperr.Invalid("文件名过长（超过200个字符）", apperr.Field(-1, field, "请缩短文件名后上传"))
	case strings.ContainsAny(name, "\x00\r\n"):
		return apperr.Invalid("文件名含有控制字符", apperr.Field(-1, field, "请重命名文件后上传"))
	}
	return nil
}

// ListSubmissions lists a bureau's versions, oldest first, without values.
func (s *Service) ListSubmissions(ctx context.Context, p Principal, id, org string) ([]SubmissionView, error) {
	tx := s.DB.WithContext(ctx)
	if _, err := s.loadParticipation(tx, p, id, org, rules.AccessRead); err != nil {
		return nil, err
	}
	var subs []models.Submission
	if err := tx.Omit("values", "explanations", "info", "problems", "plans").
		Scopes(models.OfBureau(id, org)).Order("version").Find(&subs).Error; err != nil {
		return nil, fmt.Errorf("list submissions: %w", err)
	}
	out := make([]SubmissionView, len(subs))
	for i, sub := range subs {
		v, err := submissionView(sub, false)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// GetSubmission returns one version with its values.
func (s *Service) GetSubmission(ctx context.Context, p Principal, id, org string, version int) (SubmissionView, error) {
	tx := s.DB.WithContext(ctx)
	sub, err := s.loadSubmission(tx, p, id, org, version)
	if err != nil {
		return SubmissionView{}, err
	}
	return submissionView(sub, true)
}

func (s *Service) loadSubmission(tx *gorm.DB, p Principal, id, org string, version int) (models.Submission, error) {
	var sub models.Submission
	if _, err := s.loadParticipation(tx, p, id, org, rules.AccessRead); err != nil {
		return sub, err
	}
	err := tx.Scopes(models.OfBureau(id, org)).Take(&sub, "version = ?", version).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return sub, apperr.NotFound(fmt.Sprintf("单位“%s”没有第%d版报表", org, version))
	}
	if err != nil {
		return sub, fmt.Errorf("load submission: %w", err)
	}
	return sub, nil
}

// SubmissionFile returns a stored version's return workbook ("file") or
// report ("report") as uploaded.
func (s *Service) SubmissionFile(ctx context.Context, p Principal, id, org string, version int, which string) (TemplateFile, string, error) {
	tx := s.DB.WithContext(ctx)
	sub, err := s.loadSubmission(tx, p, id, org, version)
	if err != nil {
		return TemplateFile{}, "", err
	}
	sha, name := sub.FileSHA, sub.FileName
	if which == "report" {
		if sub.ReportSHA == "" {
			return TemplateFile{}, "", apperr.NotFound(fmt.Sprintf("第%d版没有上传报告", version))
		}
		sha, name = sub.ReportSHA, sub.ReportName
	}
	blob, err := filestore.Get(tx, sha)
	if err != nil {
		return TemplateFile{}, "", err
	}
	return TemplateFile{Name: name, Data: blob.Data}, blob.ContentType, nil
}

// AnnotatedSubmission returns a stored version's workbook with its
// warnings marked, for the reviewer and the bureau.
func (s *Service) AnnotatedSubmission(ctx context.Context, p Principal, id, org string, version int) (TemplateFile, error) {
	tx := s.DB.WithContext(ctx)
	sub, err := s.loadSubmission(tx, p, id, org, version)
	if err != nil {
		return TemplateFile{}, err
	}
	blob, err := filestore.Get(tx, sub.FileSHA)
	if err != nil {
		return TemplateFile{}, err
	}
	var warnings []excelreturn.Issue
	if err := json.Unmarshal([]byte(sub.Warnings), &warnings); err != nil {
		return TemplateFile{}, fmt.Errorf("decode warnings: %w", err)
	}
	data, err := excelreturn.Annotate(blob.Data, warnings)
	if err != nil {
		return TemplateFile{}, fmt.Errorf("annotate version %d: %w", version, err)
	}
	return TemplateFile{Name: annotatedName(sub.FileName), Data: data}, nil
}

// Annotated returns the caller's own workbook with every issue marked.
func Annotated(file Upload, res *excelreturn.Result) (TemplateFile, error) {
	issues := append(append([]excelreturn.Issue{}, res.Errors...), res.Warnings...)
	data, err := excelreturn.Annotate(file.Data, issues)
	if err != nil {
		return TemplateFile{}, err
	}
	return TemplateFile{Name: annotatedName(file.Name), Data: data}, nil
}

func annotatedName(name string) string {
	base := strings.TrimSuffix(name, ".xlsx")
	return base + "（校验标注）.xlsx"
}

func submissionView(sub models.Submission, full bool) (SubmissionView, error) {
	v := SubmissionView{
		Version: sub.Version, Round: sub.Round,
		FileName: sub.FileName, FileSHA256: sub.FileSHA, ReportName: sub.ReportName, ReportSHA: sub.ReportSHA,
		Catalogue: sub.Catalogue, SubmittedBy: sub.SubmittedBy, SubmittedAt: chinatime.In(sub.SubmittedAt),
		Warnings: []excelreturn.Issue{},
	}
	if err := json.Unmarshal([]byte(sub.Warnings), &v.Warnings); err != nil {
		return v, fmt.Errorf("decode warnings of v%d: %w", sub.Version, err)
	}
	if !full {
		return v, nil
	}
	v.Info = &excelreturn.Info{}
	for _, f := range []struct {
		src string
		dst any
	}{{sub.Values, &v.Values}, {sub.Explanations, &v.Explanations}, {sub.Info, v.Info}, {sub.Problems, &v.Problems}, {sub.Plans, &v.Plans}} {
		if err := json.Unmarshal([]byte(f.src), f.dst); err != nil {
			return v, fmt.Errorf("decode submission v%d: %w", sub.Version, err)
		}
	}
	return v, nil
}

// ValueRow is one indicator of a stored version, as a reviewer reads it.
type ValueRow struct {
	Section     string
	Key         string
	Name        string
	Unit        string
	Value       string // formatted for people; empty when left blank
	Explanation string
}

// SubmissionDetail returns one version with its values in catalogue order,
// named and formatted with the catalogue the version was filled against.
func (s *Service) SubmissionDetail(ctx context.Context, p Principal, id, org string, version int) (SubmissionView, []ValueRow, error) {
	tx := s.DB.WithContext(ctx)
	sub, err := s.loadSubmission(tx, p, id, org, version)
	if err != nil {
		return SubmissionView{}, nil, err
	}
	v, err := submissionView(sub, true)
	if err != nil {
		return v, nil, err
	}
	var cycle models.Cycle
	if err := tx.Take(&cycle, "id = ?", id).Error; err != nil {
		return v, nil, fmt.Errorf("load cycle: %w", err)
	}
	reg, err := s.registry(tx, &cycle.OfficeID)
	if err != nil {
		return v, nil, err
	}
	cat, err := reg.ComposeLabel(sub.Catalogue)
	if err != nil {
		return v, nil, fmt.Errorf("catalogue %q of v%d: %w", sub.Catalogue, version, err)
	}
	names := map[string]string{}
	for _, sec := range cat.Sections {
		names[sec.Key] = sec.Name
	}
	rows := make([]ValueRow, 0, len(cat.Indicators()))
	for _, ind := range cat.Indicators() {
		row := ValueRow{Section: names[ind.Section], Key: ind.Key, Name: ind.Name, Unit: ind.Unit, Explanation: v.Explanations[ind.Key]}
		if val, ok := v.Values[ind.Key]; ok {
			row.Value = catalogue.FormatValue(ind, val)
		}
		rows = append(rows, row)
	}
	return v, rows, nil
}
