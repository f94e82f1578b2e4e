package service

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/creditcode"
	"github.com/lawcycle/lawcycle/models"
)

// Org codes appear in workflow IDs (cycle/{id}/bureau/{code}) and URLs, so
// they exclude "/" and spaces.
var (
	orgCodePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
	sectorPattern  = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
)

// OrgInput is one organisation to create (docs/api.md#routes: POST /api/v1/orgs).
type OrgInput struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	ParentCode string `json:"parent_code,omitempty"`
	CreditCode string `json:"credit_code,omitempty"`
	// Sector picks the catalogue's sector part (e.g. hrss); it must name a
	// sector built in or uploaded for the organisation's offices.
	Sector string `json:"sector,omitempty"`
	// ContactEmail is the organisation's own mailbox for notifications.
	ContactEmail string `json:"contact_email,omitempty"`
}

// OrgView is an organisation as the API shows it.
type OrgView struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	ParentCode   string `json:"parent_code,omitempty"`
	CreditCode   string `json:"credit_code,omitempty"`
	Sector       string `json:"sector,omitempty"`
	ContactEmail string `json:"contact_email,omitempty"`
}

// CreateOrgs validates and creates organisations all or nothing. A parent
// may be an existing organisation or one earlier in the same batch.
func (s *Service) CreateOrgs(ctx context.Context, p Principal, in []OrgInput) ([]OrgView, error) {
	if len(in) == 0 {
		return nil, apperr.Validation("请至少提供一个机构")
	}
	if len(in) > 20000 {
		return nil, apperr.Validation("一次最多创建 20000 个机构，请分批提交")
	}
	var out []OrgView
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		rows, err := s.validateOrgs(tx, p, in)
		if err != nil {
			return err
		}
		out = make([]OrgView, 0, len(rows))
		byCode := map[string]*models.Organisation{}
		for i := range rows {
			row := rows[i].org
			if code := rows[i].parentCode; code != "" {
				if parent, ok := byCode[code]; ok {
					row.ParentID = &parent.ID
				}
			}
			if err := tx.Create(&row).Error; err != nil {
				if isDuplicate(err) {
					return apperr.Conflict("机构代码或统一社会信用代码已被使用", apperr.Field(i, "code", fmt.Sprintf("机构“%s”与已有机构重复", row.Code)))
				}
				return fmt.Errorf("create organisation %s: %w", row.Code, err)
			}
			byCode[row.Code] = &row
			view := orgView(row, rows[i].parentCode)
			if err := audit.Record(tx, s.now(), p.Actor(), audit.Event{
				Action: "org.created", TargetType: "organisation", TargetID: row.Code, After: view,
			}); err != nil {
				return err
			}
			out = append(out, view)
		}
		return nil
	})
	return out, err
}

type orgRow struct {
	org        models.Organisation
	parentCode string
}

func (s *Service) validateOrgs(tx *gorm.DB, p Principal, in []OrgInput) ([]orgRow, error) {
	var invalid, conflicts []apperr.Detail
	bad := func(i int, field, msg string) { invalid = append(invalid, apperr.Field(i, field, msg)) }

	codes := make([]string, 0, len(in))
	credits := []string{}
	for _, o := range in {
		codes = append(codes, strings.TrimSpace(o.Code))
		if c := creditcode.Normalize(o.CreditCode); c != "" {
			credits = append(credits, c)
		}
		if pc := strings.TrimSpace(o.ParentCode); pc != "" {
			codes = append(codes, pc)
		}
	}
	existing, err := orgsByCode(tx, codes)
	if err != nil {
		return nil, err
	}
	takenCredit := map[string]bool{}
	if len(credits) > 0 {
		var used []string
		for _, chunk := range chunks(credits, 500) {
			var part []string
			if err := tx.Model(&models.Organisation{}).Where("credit_code IN ?", chunk).Pluck("credit_code", &part).Error; err != nil {
				return nil, fmt.Errorf("look up credit codes: %w", err)
			}
			used = append(used, part...)
		}
		for _, c := range used {
			takenCredit[c] = true
		}
	}
	scope, err := s.scope(tx, p)
	if err != nil {
		return nil, err
	}

	batch := map[string]string{} // code → kind, for parents within the batch
	// above is, for each code of the batch, the nearest existing
	// organisation above it (0: none), whose offices' catalogues decide
	// which sectors are known.
	above := map[string]uint{}
	sectors := map[uint]*knownSectors{}
	batchCredit := map[string]int{}
	rows := make([]orgRow, 0, len(in))
	for i, o := range in {
		code := strings.TrimSpace(o.Code)
		name := strings.TrimSpace(o.Name)
		kind := strings.TrimSpace(o.Kind)
		parentCode := strings.TrimSpace(o.ParentCode)
		credit := creditcode.Normalize(o.CreditCode)
		sector := strings.TrimSpace(o.Sector)
		email, emailMsg := checkEmail(o.ContactEmail)
		if emailMsg != "" {
			bad(i, "contact_email", emailMsg)
		}

		switch {
		case code == "":
			bad(i, "code", "机构代码不能为空")
		case !orgCodePattern.MatchString(code):
			bad(i, "code", fmt.Sprintf("机构代码“%s”格式不正确：只能使用字母、数字和“-”“_”“.”，以字母或数字开头，最长64位", code))
		case existing[code] != nil:
			conflicts = append(conflicts, apperr.Field(i, "code", fmt.Sprintf("机构代码“%s”已存在", code)))
		case batch[code] != "":
			bad(i, "code", fmt.Sprintf("机构代码“%s”在本次提交中重复出现", code))
		}
		if msg := checkName(name); msg != "" {
			bad(i, "name", msg)
		}
		if kind != models.KindOffice && kind != models.KindBureau {
			bad(i, "kind", fmt.Sprintf("机构类型“%s”无效，应为 office（法治办）或 bureau（部门）", kind))
		}
		if credit != "" {
			if err := creditcode.Validate(credit); err != nil {
				bad(i, "credit_code", err.Error())
			} else if takenCredit[credit] {
				conflicts = append(conflicts, apperr.Field(i, "credit_code", fmt.Sprintf("统一社会信用代码“%s”已被其他机构使用", credit)))
			} else if j, dup := batchCredit[credit]; dup {
				bad(i, "credit_code", fmt.Sprintf("统一社会信用代码“%s”与本次提交的第%d项重复", credit, j+1))
			}
			batchCredit[credit] = i
		}

		var parentID *uint
		parentKind := ""
		switch {
		case parentCode == "":
			if kind == models.KindBureau {
				bad(i, "parent_code", "部门必须指定所属法治办（parent_code）")
			} else if !p.IsPlatformAdmin() {
				bad(i, "parent_code", "只有平台管理员可以创建顶级法治办，请指定上级机构（parent_code）")
			}
		case existing[parentCode] != nil:
			parentID, parentKind = &existing[parentCode].ID, existing[parentCode].Kind
			if !scope.contains(existing[parentCode].ID) {
				bad(i, "parent_code", fmt.Sprintf("上级机构“%s”不在您的管辖范围内", parentCode))
			}
		case batch[parentCode] != "":
			parentKind = batch[parentCode]
		default:
			bad(i, "parent_code", fmt.Sprintf("上级机构“%s”不存在；如在本次一并创建，请把上级机构排在前面", parentCode))
		}
		if parentKind == models.KindBureau {
			bad(i, "parent_code", fmt.Sprintf("上级机构“%s”是部门，上级只能是法治办", parentCode))
		}
		var anchor uint
		switch {
		case parentID != nil:
			anchor = *parentID
		case parentCode != "" && batch[parentCode] != "":
			anchor = above[parentCode]
		}
		switch {
		case sector == "":
		case !sectorPattern.MatchString(sector):
			bad(i, "sector", fmt.Sprintf("行业代码“%s”格式不正确，应为小写字母开头的字母、数字或下划线（如 hrss）", sector))
		default:
			known := sectors[anchor]
			if known == nil {
				if known, err = s.knownSectors(tx, anchor); err != nil {
					return nil, err
				}
				sectors[anchor] = known
			}
			if !known.has(sector) {
				bad(i, "sector", fmt.Sprintf("行业代码“%s”不存在（没有该行业的指标体系）。可用的行业：%s；"+
					"不属于这些行业的机构请留空，新的行业请先上传其指标体系", sector, known))
			}
		}
		if code != "" && batch[code] == "" {
			batch[code] = kind
			above[code] = anchor
		}

		org := models.Organisation{Code: code, Name: name, Kind: kind, ParentID: parentID, Sector: sector, ContactEmail: email}
		if credit != "" {
			org.CreditCode = &credit
		}
		rows = append(rows, orgRow{org: org, parentCode: parentCode})
	}
	if len(invalid) > 0 {
		return nil, apperr.Validation("机构信息有误，未创建任何机构", append(invalid, conflicts...)...)
	}
	if len(conflicts) > 0 {
		return nil, apperr.Conflict("机构已存在，未创建任何机构", conflicts...)
	}
	return rows, nil
}

// knownSectors are the sectors with a catalogue part that the cycles of an
// organisation's offices can use, in id order.
type knownSectors struct {
	ids   []string
	names map[string]string
}

// knownSectors lists the sectors usable under org (0: none, the built-in
// and installation-wide parts only): a sector without a part would leave
// its bureaus' returns without their sector part.
func (s *Service) knownSectors(tx *gorm.DB, org uint) (*knownSectors, error) {
	reg, err := s.registry(tx, &org)
	if err != nil {
		return nil, err
	}
	k := &knownSectors{ids: reg.Sectors(), names: map[string]string{}}
	for _, id := range k.ids {
		if p, ok := reg.Latest(id); ok {
			k.names[id] = p.Name
		}
	}
	return k, nil
}

func (k *knownSectors) has(id string) bool {
	_, ok := k.names[id]
	return ok
}

// String lists the sectors as “hrss（人力资源和社会保障部门行业指标）、…”.
func (k *knownSectors) String() string {
	if len(k.ids) == 0 {
		return "（暂无）"
	}
	s := make([]string, len(k.ids))
	for i, id := range k.ids {
		s[i] = fmt.Sprintf("%s（%s）", id, k.names[id])
	}
	return strings.Join(s, "、")
}

func checkName(name string) string {
	switch {
	case name == "":
		return "机构名称不能为空"
	case utf8.RuneCountInString(name) > 200:
		return "机构名称不能超过200个字"
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return "机构名称不能包含换行或控制字符"
		}
	}
	return ""
}

// ListOrgs returns the organisations the principal may see, by code.
func (s *Service) ListOrgs(ctx context.Context, p Principal) ([]OrgView, error) {
	tx := s.DB.WithContext(ctx)
	scope, err := s.scope(tx, p)
	if err != nil {
		return nil, err
	}
	var orgs []models.Organisation
	if err := tx.Order("code").Find(&orgs).Error; err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	codeByID := make(map[uint]string, len(orgs))
	for _, o := range orgs {
		codeByID[o.ID] = o.Code
	}
	out := []OrgView{}
	for _, o := range orgs {
		if !scope.contains(o.ID) {
			continue
		}
		parent := ""
		if o.ParentID != nil {
			parent = codeByID[*o.ParentID]
		}
		out = append(out, orgView(o, parent))
	}
	return out, nil
}

// GetOrg returns one organisation by code, if the principal may see it.
func (s *Service) GetOrg(ctx context.Context, p Principal, code string) (OrgView, error) {
	tx := s.DB.WithContext(ctx)
	var o models.Organisation
	if err := tx.Take(&o, "code = ?", code).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return OrgView{}, apperr.NotFound(fmt.Sprintf("机构“%s”不存在", code))
	} else if err != nil {
		return OrgView{}, fmt.Errorf("get organisation: %w", err)
	}
	inScope, err := s.covers(tx, p, o.ID)
	if err != nil {
		return OrgView{}, err
	}
	if !inScope {
		return OrgView{}, apperr.NotFound(fmt.Sprintf("机构“%s”不存在", code))
	}
	parent := ""
	if o.ParentID != nil {
		var po models.Organisation
		if err := tx.Select("code").Take(&po, *o.ParentID).Error; err == nil {
			parent = po.Code
		}
	}
	return orgView(o, parent), nil
}

func orgView(o models.Organisation, parentCode string) OrgView {
	v := OrgView{Code: o.Code, Name: o.Name, Kind: o.Kind, ParentCode: parentCode, Sector: o.Sector, ContactEmail: o.ContactEmail}
	if o.CreditCode != nil {
		v.CreditCode = *o.CreditCode
	}
	return v
}

// orgsByCode loads the organisations with the given codes, in chunks that
// stay under every database's bound-parameter limit.
func orgsByCode(tx *gorm.DB, codes []string) (map[string]*models.Organisation, error) {
	out := make(map[string]*models.Organisation, len(codes))
	for _, chunk := range chunks(codes, 500) {
		var orgs []models.Organisation
		if err := tx.Where("code IN ?", chunk).Find(&orgs).Error; err != nil {
			return nil, fmt.Errorf("look up organisations: %w", err)
		}
		for i := range orgs {
			out[orgs[i].Code] = &orgs[i]
		}
	}
	return out, nil
}

func chunks(s []string, n int) [][]string {
	var out [][]string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	if len(s) > 0 {
		out = append(out, s)
	}
	return out
}
