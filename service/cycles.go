package service

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// MaxCycleBureaus bounds one cycle; the workflows are built for 10,000.
const MaxCycleBureaus = 20000

// CycleInput creates a draft cycle (docs/api.md#routes: POST /api/v1/cycles).
type CycleInput struct {
	Year           int      `json:"year"`
	Title          string   `json:"title"`
	OfficeCode     string   `json:"office_code"`
	BureauCodes    []string `json:"bureau_codes"`
	SubmissionDue  string   `json:"submission_due"`
	PublicationDue string   `json:"publication_due"`
	DocNo          string   `json:"doc_no,omitempty"`
	NoticeExtra    string   `json:"notice_extra,omitempty"`
	// Settings are the deadline rules; omitted fields take the defaults.
	Settings *SettingsInput `json:"settings,omitempty"`
}

// NoticeView is the issued notice.
type NoticeView struct {
	DocNo    string    `json:"doc_no"`
	Title    string    `json:"title"`
	Body     string    `json:"body,omitempty"`
	IssuedAt time.Time `json:"issued_at"`
}

// CycleView is a cycle with its progress, served from the read model.
type CycleView struct {
	ID             string           `json:"id"`
	Year           int              `json:"year"`
	Title          string           `json:"title"`
	Status         string           `json:"status"`
	OfficeCode     string           `json:"office_code"`
	OfficeName     string           `json:"office_name"`
	SubmissionDue  time.Time        `json:"submission_due"`
	PublicationDue time.Time        `json:"publication_due"`
	DocNo          string           `json:"doc_no,omitempty"`
	BureauCount    int64            `json:"bureau_count"`
	Progress       map[string]int64 `json:"progress"`
	Notice         *NoticeView      `json:"notice,omitempty"`
	CreatedAt      time.Time        `json:"created_at"`
	LaunchedAt     *time.Time       `json:"launched_at,omitempty"`
	FannedOutAt    *time.Time       `json:"fanned_out_at,omitempty"`
	// Catalogues are the catalogue parts the cycle pins, e.g. general@2025.1.
	Catalogues []string `json:"catalogues"`
	// Settings are the deadline rules, defaults applied.
	Settings  SettingsView `json:"settings"`
	ClosingAt *time.Time   `json:"closing_at,omitempty"`
	ClosedAt  *time.Time   `json:"closed_at,omitempty"`
	// Outcome is how the bureaus stood when the cycle closed.
	Outcome *OutcomeView `json:"outcome,omitempty"`
}

// CycleViewOf shapes a cycle row as GetCycle does, without progress counts
// and notice: the read benchmark's baseline answers with it, so that it
// differs from lawcycle only in how it reaches the database.
func CycleViewOf(c models.Cycle, officeCode, officeName string) (CycleView, error) {
	return cycleView(c, officeCode, officeName)
}

// cycleView is a cycle without its progress counts and notice.
func cycleView(c models.Cycle, officeCode, officeName string) (CycleView, error) {
	outcome, err := decodeOutcome(c.Outcome)
	if err != nil {
		return CycleView{}, fmt.Errorf("cycle %s: %w", c.ID, err)
	}
	return CycleView{
		ID: c.ID, Year: c.Year, Title: c.Title, Status: c.Status, OfficeCode: officeCode, OfficeName: officeName,
		SubmissionDue: chinatime.In(c.SubmissionDue), PublicationDue: chinatime.In(c.PublicationDue),
		DocNo: c.DocNo, CreatedAt: chinatime.In(c.CreatedAt), LaunchedAt: inChina(c.LaunchedAt), FannedOutAt: inChina(c.FannedOutAt),
		Progress: emptyProgress(), Catalogues: splitPins(c.Catalogues), Settings: settingsView(c.Settings),
		ClosingAt: inChina(c.ClosingAt), ClosedAt: inChina(c.ClosedAt), Outcome: outcome,
	}, nil
}

// CreateCycle validates the input and stores a draft cycle with its
// participants, all or nothing.
func (s *Service) CreateCycle(ctx context.Context, p Principal, in CycleInput) (CycleView, error) {
	var id string
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cycle, bureaus, err := s.validateCycle(tx, p, in)
		if err != nil {
			return err
		}
		if cycle.ID, err = newCycleID(cycle.Year); err != nil {
			return err
		}
		cycle.CreatedByID = &p.UserID
		if cycle.Catalogues, err = s.pinCatalogues(tx, cycle.OfficeID); err != nil {
			return err
		}
		if err := tx.Create(&cycle).Error; err != nil {
			return fmt.Errorf("create cycle: %w", err)
		}
		rows := make([]models.Participant, len(bureaus))
		for i, b := range bureaus {
			rows[i] = models.Participant{
				CycleID: cycle.ID, OrgID: b.ID, OrgCode: b.Code, Stage: string(wire.StagePending),
				SubmissionDue: cycle.SubmissionDue, PublicationDue: cycle.PublicationDue, Flags: []string{},
			}
		}
		if err := tx.CreateInBatches(rows, 500).Error; err != nil {
			return fmt.Errorf("create participants: %w", err)
		}
		id = cycle.ID
		return audit.Record(tx, s.now(), p.Actor(), audit.Event{
			Action: "cycle.created", TargetType: "cycle", TargetID: cycle.ID,
			After: map[string]any{
				"year": cycle.Year, "title": cycle.Title, "office_code": strings.TrimSpace(in.OfficeCode),
				"bureaus": len(bureaus), "submission_due": cycle.SubmissionDue, "publication_due": cycle.PublicationDue,
				"catalogues": cycle.Catalogues, "settings": cycle.Settings,
			},
		})
	})
	if err != nil {
		return CycleView{}, err
	}
	return s.GetCycle(ctx, p, id)
}

func (s *Service) validateCycle(tx *gorm.DB, p Principal, in CycleInput) (models.Cycle, []*models.Organisation, error) {
	var invalid []apperr.Detail
	bad := func(field, msg string) { invalid = append(invalid, apperr.Field(-1, field, msg)) }
	thisYear := chinatime.In(s.now()).Year()

	if in.Year < 2000 || in.Year > thisYear {
		bad("year", fmt.Sprintf("报告年度应在2000年至%d年之间，实际为%d", thisYear, in.Year))
	}
	title := strings.TrimSpace(in.Title)
	if title == "" && in.Year > 0 {
		title = fmt.Sprintf("%d年度法治政府建设情况报告", in.Year)
	}
	if utf8.RuneCountInString(title) > 200 {
		bad("title", "标题不能超过200个字")
	}
	docNo := strings.TrimSpace(in.DocNo)
	if utf8.RuneCountInString(docNo) > 64 {
		bad("doc_no", "文号不能超过64个字")
	}
	var settingsErrs fieldErrors
	settings := validateSettings(&settingsErrs, in.Settings)
	invalid = append(invalid, settingsErrs...)

	// Dates: defaults from docs/domain.md#yearly-calendar (3月1日 for departments, before 4月1日
	// for publication); a malformed date is a 400, a wrong order a 422.
	var malformed []apperr.Detail
	parse := func(field, value string, month time.Month, day int) time.Time {
		if strings.TrimSpace(value) == "" {
			return chinatime.EndOfDay(time.Date(in.Year+1, month, day, 12, 0, 0, 0, chinatime.Location))
		}
		t, err := chinatime.ParseDeadline(value)
		if err != nil {
			malformed = append(malformed, apperr.Field(-1, field, err.Error()))
		}
		return t
	}
	subDue := parse("submission_due", in.SubmissionDue, time.March, 1)
	pubDue := parse("publication_due", in.PublicationDue, time.March, 31)
	if len(malformed) > 0 {
		return models.Cycle{}, nil, apperr.Invalid("日期格式不正确", malformed...)
	}
	yearEnd := time.Date(in.Year+1, 1, 1, 0, 0, 0, 0, chinatime.Location)
	switch {
	case subDue.After(pubDue):
		bad("submission_due", fmt.Sprintf("报送截止日期（%s）不能晚于公开截止日期（%s）", chinatime.FormatDate(subDue), chinatime.FormatDate(pubDue)))
	case !subDue.After(yearEnd):
		bad("submission_due", fmt.Sprintf("报送截止日期（%s）应在报告年度（%d年）结束之后", chinatime.FormatDate(subDue), in.Year))
	case !subDue.After(s.now()):
		bad("submission_due", fmt.Sprintf("报送截止日期（%s）已过，请设置今后的日期", chinatime.FormatDate(subDue)))
	}

	officeCode := strings.TrimSpace(in.OfficeCode)
	var office models.Organisation
	if officeCode == "" {
		bad("office_code", "请指定组织本周期的法治办（office_code）")
	} else if err := tx.Take(&office, "code = ?", officeCode).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		bad("office_code", fmt.Sprintf("机构“%s”不存在", officeCode))
	} else if err != nil {
		return models.Cycle{}, nil, fmt.Errorf("look up office: %w", err)
	} else if office.Kind != models.KindOffice {
		bad("office_code", fmt.Sprintf("“%s”是部门，周期只能由法治办组织", officeCode))
	}
	inScope := true
	if office.ID != 0 {
		var err error
		if inScope, err = s.covers(tx, p, office.ID); err != nil {
			return models.Cycle{}, nil, err
		}
	}
	if !inScope {
		bad("office_code", fmt.Sprintf("法治办“%s”不在您的管辖范围内", officeCode))
	}

	bureaus, details, err := s.resolveBureaus(tx, office, in.BureauCodes)
	if err != nil {
		return models.Cycle{}, nil, err
	}
	invalid = append(invalid, details...)

	if docNo != "" && office.ID != 0 {
		var n int64
		if err := tx.Model(&models.Cycle{}).Where("office_id = ? AND doc_no = ?", office.ID, docNo).Count(&n).Error; err != nil {
			return models.Cycle{}, nil, fmt.Errorf("check doc no: %w", err)
		}
		if n > 0 && len(invalid) == 0 {
			return models.Cycle{}, nil, apperr.Conflict(fmt.Sprintf("文号“%s”已被本单位其他周期使用", docNo), apperr.Field(-1, "doc_no", "文号重复"))
		}
	}
	if len(invalid) > 0 {
		return models.Cycle{}, nil, apperr.Validation("周期信息有误，未创建周期", invalid...)
	}
	return models.Cycle{
		Year: in.Year, Title: title, OfficeID: office.ID, Status: models.CycleDraft,
		SubmissionDue: subDue.UTC(), PublicationDue: pubDue.UTC(), DocNo: docNo,
		NoticeExtra: strings.TrimSpace(in.NoticeExtra), Settings: settings,
	}, bureaus, nil
}

// resolveBureaus checks the bureau list: present, no repeats, every code a
// bureau under the office.
func (s *Service) resolveBureaus(tx *gorm.DB, office models.Organisation, codes []string) ([]*models.Organisation, []apperr.Detail, error) {
	var details []apperr.Detail
	bad := func(msg string) { details = append(details, apperr.Field(-1, "bureau_codes", msg)) }
	if len(codes) == 0 {
		bad("请至少选择一个参加本周期的部门（bureau_codes）")
		return nil, details, nil
	}
	if len(codes) > MaxCycleBureaus {
		bad(fmt.Sprintf("一个周期最多 %d 个部门，实际为 %d 个", MaxCycleBureaus, len(codes)))
		return nil, details, nil
	}
	seen := make(map[string]bool, len(codes))
	var dups []string
	clean := make([]string, 0, len(codes))
	for _, c := range codes {
		c = strings.TrimSpace(c)
		if seen[c] {
			dups = append(dups, c)
			continue
		}
		seen[c] = true
		clean = append(clean, c)
	}
	if len(dups) > 0 {
		bad(fmt.Sprintf("部门代码重复：%s", listSome(dups)))
	}
	found, err := orgsByCode(tx, clean)
	if err != nil {
		return nil, nil, err
	}
	var under map[uint]bool
	if office.ID != 0 {
		if under, err = subtree(tx, office.ID); err != nil {
			return nil, nil, err
		}
	}
	var unknown, notBureau, outside []string
	bureaus := make([]*models.Organisation, 0, len(clean))
	for _, c := range clean {
		o := found[c]
		switch {
		case o == nil:
			unknown = append(unknown, c)
		case o.Kind != models.KindBureau:
			notBureau = append(notBureau, c)
		case under != nil && !under[o.ID]:
			outside = append(outside, c)
		default:
			bureaus = append(bureaus, o)
		}
	}
	if len(unknown) > 0 {
		bad(fmt.Sprintf("以下部门代码不存在：%s", listSome(unknown)))
	}
	if len(notBureau) > 0 {
		bad(fmt.Sprintf("以下机构不是部门：%s", listSome(notBureau)))
	}
	if len(outside) > 0 {
		bad(fmt.Sprintf("以下部门不属于法治办“%s”：%s", office.Code, listSome(outside)))
	}
	return bureaus, details, nil
}

// listSome joins up to ten codes, then says how many more.
func listSome(codes []string) string {
	if len(codes) <= 10 {
		return strings.Join(codes, "、")
	}
	return fmt.Sprintf("%s 等 %d 个", strings.Join(codes[:10], "、"), len(codes))
}

// newCycleID is "{year}-{6 random base32 characters}": readable in workflow
// IDs (cycle/2024-k3m9qa) and unique without a central counter.
func newCycleID(year int) (string, error) {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate cycle id: %w", err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return fmt.Sprintf("%d-%s", year, b), nil
}

// GetCycle returns one cycle with progress counts per stage.
func (s *Service) GetCycle(ctx context.Context, p Principal, id string) (CycleView, error) {
	tx := s.DB.WithContext(ctx)
	cycle, office, err := s.loadCycle(tx, p, id)
	if err != nil {
		return CycleView{}, err
	}
	v, err := cycleView(cycle, office.Code, office.Name)
	if err != nil {
		return CycleView{}, err
	}
	var counts []struct {
		Stage string
		N     int64
	}
	if err := tx.Model(&models.Participant{}).Select("stage, COUNT(*) AS n").
		Where("cycle_id = ?", id).Group("stage").Scan(&counts).Error; err != nil {
		return CycleView{}, fmt.Errorf("count stages: %w", err)
	}
	for _, c := range counts {
		v.Progress[c.Stage] = c.N
		v.BureauCount += c.N
	}
	var notice models.Notice
	if err := tx.Take(&notice, "cycle_id = ?", id).Error; err == nil {
		v.DocNo = notice.DocNo
		v.Notice = &NoticeView{DocNo: notice.DocNo, Title: notice.Title, IssuedAt: chinatime.In(notice.IssuedAt)}
	} else if !errors.Is(err, gorm.ErrRecordNotFound) {
		return CycleView{}, fmt.Errorf("load notice: %w", err)
	}
	return v, nil
}

// GetNotice returns the cycle's notice with its full text.
func (s *Service) GetNotice(ctx context.Context, p Principal, id string) (NoticeView, error) {
	tx := s.DB.WithContext(ctx)
	if _, _, err := s.loadCycle(tx, p, id); err != nil {
		return NoticeView{}, err
	}
	var notice models.Notice
	if err := tx.Take(&notice, "cycle_id = ?", id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return NoticeView{}, apperr.NotFound("该周期尚未印发通知")
	} else if err != nil {
		return NoticeView{}, fmt.Errorf("load notice: %w", err)
	}
	return NoticeView{DocNo: notice.DocNo, Title: notice.Title, Body: notice.Body, IssuedAt: chinatime.In(notice.IssuedAt)}, nil
}

// emptyProgress has every stage at zero, so clients see a stable shape.
func emptyProgress() map[string]int64 {
	p := make(map[string]int64, len(wire.Stages))
	for _, st := range wire.Stages {
		p[string(st)] = 0
	}
	return p
}

func (s *Service) loadCycle(tx *gorm.DB, p Principal, id string) (models.Cycle, models.Organisation, error) {
	var cycle models.Cycle
	notFound := apperr.NotFound(fmt.Sprintf("周期“%s”不存在", id))
	if err := tx.Take(&cycle, "id = ?", id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return cycle, models.Organisation{}, notFound
	} else if err != nil {
		return cycle, models.Organisation{}, fmt.Errorf("load cycle: %w", err)
	}
	// A cycle outside the caller's offices, or not granted to a viewer,
	// does not exist for them.
	if p.Role == rules.RoleViewer {
		granted, err := isViewerOf(tx, p, id)
		if err != nil {
			return cycle, models.Organisation{}, err
		}
		if !granted {
			return cycle, models.Organisation{}, notFound
		}
	} else {
		inScope, err := s.covers(tx, p, cycle.OfficeID)
		if err != nil {
			return cycle, models.Organisation{}, err
		}
		if !inScope {
			return cycle, models.Organisation{}, notFound
		}
	}
	var office models.Organisation
	if err := tx.Take(&office, cycle.OfficeID).Error; err != nil {
		return cycle, office, fmt.Errorf("load office: %w", err)
	}
	return cycle, office, nil
}

func inChina(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := chinatime.In(*t)
	return &v
}
