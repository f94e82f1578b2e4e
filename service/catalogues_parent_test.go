package service_test

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/service"
)

// officeTree is a city office (city) with a county office (county) below
// it, another top-level office (other), a bureau without a sector under
// each, and a principal per person: root (platform admin), city-admin,
// county-admin, county-reviewer, other-admin.
type officeTree struct {
	svc *service.Service
	as  map[string]service.Principal
}

func newOfficeTree(t *testing.T, db *gorm.DB) *officeTree {
	t.Helper()
	ctx := t.Context()
	svc := &service.Service{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Temporal: &recordingTemporal{}}
	_, err := svc.EnsureAdmin(ctx, "", rootToken)
	require.NoError(t, err)
	root, err := svc.Authenticate(ctx, rootToken)
	require.NoError(t, err)
	_, err = svc.CreateOrgs(ctx, root, []service.OrgInput{
		{Code: "city", Name: "某市法治办", Kind: models.KindOffice},
		{Code: "city-scj", Name: "某市市场监管局", Kind: models.KindBureau, ParentCode: "city"},
		{Code: "county", Name: "某县法治办", Kind: models.KindOffice, ParentCode: "city"},
		{Code: "county-scj", Name: "某县市场监管局", Kind: models.KindBureau, ParentCode: "county"},
		{Code: "other", Name: "另一市法治办", Kind: models.KindOffice},
		{Code: "other-scj", Name: "另一市市场监管局", Kind: models.KindBureau, ParentCode: "other"},
	})
	require.NoError(t, err)
	tree := &officeTree{svc: svc, as: map[string]service.Principal{"root": root}}
	for _, u := range []struct {
		name string
		role rules.Role
		org  string
	}{
		{"city-admin", rules.RoleAdmin, "city"}, {"county-admin", rules.RoleAdmin, "county"},
		{"county-reviewer", rules.RoleReviewer, "county"}, {"other-admin", rules.RoleAdmin, "other"},
	} {
		_, err := svc.CreateUser(ctx, root, service.UserInput{Username: u.name, Password: u.name + "-password", Role: u.role, OrgCode: u.org})
		require.NoError(t, err)
		var user models.User
		require.NoError(t, db.Take(&user, "username = ?", u.name).Error)
		p, err := svc.PrincipalForUser(ctx, user.ID, "req-"+u.name)
		require.NoError(t, err)
		tree.as[u.name] = p
	}
	return tree
}

// sectorPart is a minimal sector part that composes with the built-in
// general part.
func sectorPart(id, version string) []byte {
	return []byte(`id: ` + id + `
kind: sector
version: "` + version + `"
name: 应急管理部门行业指标
sections:
  - key: ` + id + `_work
    name: 应急管理执法
    indicators:
      - key: ` + id + `_cases
        name: 应急管理行政处罚案件数
        unit: 件
        type: integer
        required: true
        help: 本年度作出的应急管理行政处罚决定数。
`)
}

// cycleFor creates a draft cycle of office for its bureaus, as p.
func (f *officeTree) cycleFor(t *testing.T, p string, office string, bureaus ...string) (service.CycleView, error) {
	t.Helper()
	return f.svc.CreateCycle(t.Context(), f.as[p], service.CycleInput{Year: 2025, OfficeCode: office, BureauCodes: bureaus,
		SubmissionDue: "2027-03-01", PublicationDue: "2027-03-31"})
}

// templateLabel is the catalogue label a bureau's template carries.
func (f *officeTree) templateLabel(t *testing.T, p, cycle, org string) string {
	t.Helper()
	file, err := f.svc.Template(t.Context(), f.as[p], cycle, org)
	require.NoError(t, err)
	wb, err := excelize.OpenReader(bytes.NewReader(file.Data))
	require.NoError(t, err)
	defer wb.Close()
	props, err := wb.GetDocProps()
	require.NoError(t, err)
	_, label, ok := strings.Cut(props.Keywords, "; ")
	require.True(t, ok, "keywords %q", props.Keywords)
	return label
}

func partRefs(t *testing.T, f *officeTree, p string) []string {
	t.Helper()
	parts, err := f.svc.ListCatalogues(t.Context(), f.as[p])
	require.NoError(t, err)
	refs := make([]string, len(parts))
	for i, v := range parts {
		refs[i] = v.ID + "@" + v.Version
	}
	return refs
}

// A catalogue part a city office uploads, and each newer version of it,
// reaches the cycles of the county offices below it: a cycle sees the parts
// of its office and of every office above, the installation's and the
// built-in ones. A part never reaches an office beside or above the
// uploader.
func TestParentOfficeCataloguesReachChildCycles(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newOfficeTree(t, db)
		ctx := t.Context()
		_, err := f.svc.UploadCatalogue(ctx, f.as["city-admin"], sectorPart("yjgl", "2026.1"))
		require.NoError(t, err)

		require.Contains(t, partRefs(t, f, "county-admin"), "yjgl@2026.1", "the county sees its city's part")
		require.Contains(t, partRefs(t, f, "county-reviewer"), "yjgl@2026.1")
		require.NotContains(t, partRefs(t, f, "other-admin"), "yjgl@2026.1", "another city never sees it")

		// The county may give its bureaus the city's sector.
		_, err = f.svc.CreateOrgs(ctx, f.as["county-admin"], []service.OrgInput{
			{Code: "county-yjj", Name: "某县应急管理局", Kind: models.KindBureau, ParentCode: "county", Sector: "yjgl"},
		})
		require.NoError(t, err)

		// The county's cycle pins it, and its bureau's template has it.
		first, err := f.cycleFor(t, "county-admin", "county", "county-scj", "county-yjj")
		require.NoError(t, err)
		require.Equal(t, []string{"general@2025.1", "hrss@2025.1", "yjgl@2026.1"}, first.Catalogues)
		require.Equal(t, "general@2025.1+yjgl@2026.1", f.templateLabel(t, "county-admin", first.ID, "county-yjj"))
		require.Equal(t, "general@2025.1", f.templateLabel(t, "county-admin", first.ID, "county-scj"))

		// A newer version from the city reaches the county's next cycle;
		// the first keeps the version it pinned.
		_, err = f.svc.UploadCatalogue(ctx, f.as["city-admin"], sectorPart("yjgl", "2026.2"))
		require.NoError(t, err)
		second, err := f.cycleFor(t, "county-admin", "county", "county-yjj")
		require.NoError(t, err)
		require.Equal(t, []string{"general@2025.1", "hrss@2025.1", "yjgl@2026.2"}, second.Catalogues)
		require.Equal(t, "general@2025.1+yjgl@2026.2", f.templateLabel(t, "county-admin", second.ID, "county-yjj"))
		require.Equal(t, "general@2025.1+yjgl@2026.1", f.templateLabel(t, "county-admin", first.ID, "county-yjj"))

		// What the county uploads serves the county, not the city above it.
		_, err = f.svc.UploadCatalogue(ctx, f.as["county-admin"], sectorPart("xfjy", "2026.1"))
		require.NoError(t, err)
		third, err := f.cycleFor(t, "county-admin", "county", "county-scj")
		require.NoError(t, err)
		require.Contains(t, third.Catalogues, "xfjy@2026.1")
		city, err := f.cycleFor(t, "city-admin", "city", "city-scj")
		require.NoError(t, err)
		require.Equal(t, []string{"general@2025.1", "hrss@2025.1", "yjgl@2026.2"}, city.Catalogues)
		require.NotContains(t, partRefs(t, f, "city-admin"), "xfjy@2026.1")
	})
}

// A city office's admin acts within the city's subtree (docs/domain.md#roles; scope.go):
// the county offices below it and their cycles are in it, so the admin may
// run a county's cycle as the county's own admin does. The county's
// people never reach the city's cycles, another city's never the county's.
func TestParentOfficeAdminActsOnChildCycles(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newOfficeTree(t, db)
		ctx := t.Context()
		county, err := f.cycleFor(t, "county-admin", "county", "county-scj")
		require.NoError(t, err)
		city, err := f.cycleFor(t, "city-admin", "city", "city-scj")
		require.NoError(t, err)

		actions := map[string]func(p service.Principal) error{
			"get county cycle": func(p service.Principal) error {
				_, err := f.svc.GetCycle(ctx, p, county.ID)
				return err
			},
			"get city cycle": func(p service.Principal) error {
				_, err := f.svc.GetCycle(ctx, p, city.ID)
				return err
			},
			"county template": func(p service.Principal) error {
				_, err := f.svc.Template(ctx, p, county.ID, "county-scj")
				return err
			},
			"create county cycle": func(p service.Principal) error {
				_, err := f.svc.CreateCycle(ctx, p, service.CycleInput{Year: 2025, OfficeCode: "county", BureauCodes: []string{"county-scj"},
					SubmissionDue: "2027-03-01", PublicationDue: "2027-03-31"})
				return err
			},
			"create county bureau": func(p service.Principal) error {
				_, err := f.svc.CreateOrgs(ctx, p, []service.OrgInput{
					{Code: "new-" + p.Username, Name: "某县新局", Kind: models.KindBureau, ParentCode: "county"}})
				return err
			},
			// The county's cycle is a draft: whoever may close it is told
			// so (409), everyone else is refused before.
			"close county cycle": func(p service.Principal) error {
				_, err := f.svc.CloseCycle(ctx, p, county.ID, service.CloseInput{Reason: "结束"})
				return err
			},
		}
		const ok, forbidden, notFound, conflict, invalid = "", apperr.CodeForbidden, apperr.CodeNotFound, apperr.CodeConflict, apperr.CodeValidation
		for _, tc := range []struct{ action, who, code string }{
			{"get county cycle", "city-admin", ok}, {"get county cycle", "county-admin", ok},
			{"get county cycle", "county-reviewer", ok}, {"get county cycle", "other-admin", notFound},
			{"get city cycle", "city-admin", ok}, {"get city cycle", "county-admin", notFound},
			{"get city cycle", "county-reviewer", notFound}, {"get city cycle", "other-admin", notFound},
			{"county template", "city-admin", ok}, {"county template", "county-admin", ok},
			{"county template", "other-admin", notFound},
			{"create county cycle", "city-admin", ok}, {"create county cycle", "county-admin", ok},
			{"create county cycle", "other-admin", invalid},
			{"create county bureau", "city-admin", ok}, {"create county bureau", "county-admin", ok},
			{"create county bureau", "other-admin", invalid},
			{"close county cycle", "city-admin", conflict}, {"close county cycle", "county-admin", conflict},
			{"close county cycle", "county-reviewer", forbidden}, {"close county cycle", "other-admin", notFound},
		} {
			err := actions[tc.action](f.as[tc.who])
			if tc.code == ok {
				require.NoError(t, err, "%s as %s", tc.action, tc.who)
				continue
			}
			ae, isApp := apperr.As(err)
			require.True(t, isApp, "%s as %s: %v", tc.action, tc.who, err)
			require.Equal(t, tc.code, ae.Code, "%s as %s: %s %v", tc.action, tc.who, ae.Message, ae.Details)
		}
	})
}
