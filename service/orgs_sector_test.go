package service_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/service"
)

// An organisation whose sector has no catalogue part would get a return
// without its sector part; it is refused (422, detail on sector naming the
// known sectors), and a batch holding one stores nothing. Known are the
// built-in sectors and those uploaded for the installation or by an office
// at or above the new organisation.
func TestCreateOrgsRefusesUnknownSector(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newOfficeTree(t, db)
		ctx := t.Context()
		_, err := f.svc.UploadCatalogue(ctx, f.as["root"], sectorPart("yjgl", "2026.1"))
		require.NoError(t, err)
		_, err = f.svc.UploadCatalogue(ctx, f.as["city-admin"], sectorPart("xfjy", "2026.1"))
		require.NoError(t, err)
		var before int64
		require.NoError(t, db.Model(&models.Organisation{}).Count(&before).Error)

		refused := func(t *testing.T, err error, index int, sector string, known, unknown []string) {
			t.Helper()
			require.Error(t, err, "sector %q accepted", sector)
			ae, ok := apperr.As(err)
			require.True(t, ok, "%v", err)
			require.Equal(t, http.StatusUnprocessableEntity, ae.Status)
			require.Equal(t, apperr.CodeValidation, ae.Code)
			require.Len(t, ae.Details, 1, "%v", ae.Details)
			d := ae.Details[0]
			require.Equal(t, "sector", d.Field)
			require.NotNil(t, d.Index)
			require.Equal(t, index, *d.Index)
			require.Contains(t, d.Message, "“"+sector+"”")
			for _, s := range known {
				require.Contains(t, d.Message, s+"（", "the message names %s", s)
			}
			for _, s := range unknown {
				require.NotContains(t, d.Message, s, "the message names %s", s)
			}
			var after int64
			require.NoError(t, db.Model(&models.Organisation{}).Count(&after).Error)
			require.Equal(t, before, after, "nothing stored")
		}

		// One object, as POST /api/v1/orgs with {"sector": "hrs"} sends.
		_, err = f.svc.CreateOrgs(ctx, f.as["root"], []service.OrgInput{
			{Code: "rsj", Name: "某市人社局", Kind: models.KindBureau, ParentCode: "city", Sector: "hrs"},
		})
		refused(t, err, 0, "hrs", []string{"hrss", "yjgl", "xfjy"}, nil)

		// A batch: the valid rows are not stored either.
		_, err = f.svc.CreateOrgs(ctx, f.as["county-admin"], []service.OrgInput{
			{Code: "county-rsj", Name: "某县人社局", Kind: models.KindBureau, ParentCode: "county", Sector: "hrss"},
			{Code: "county-yjj", Name: "某县应急管理局", Kind: models.KindBureau, ParentCode: "county", Sector: "yjgl"},
			{Code: "county-xfj", Name: "某县消防救援局", Kind: models.KindBureau, ParentCode: "county", Sector: "xfjy"},
			{Code: "county-jyj", Name: "某县教育局", Kind: models.KindBureau, ParentCode: "county", Sector: "edu"},
		})
		refused(t, err, 3, "edu", []string{"hrss", "yjgl", "xfjy"}, nil)

		// The city's sector is unknown beside the city, also under an
		// office created in the same batch.
		_, err = f.svc.CreateOrgs(ctx, f.as["other-admin"], []service.OrgInput{
			{Code: "other-town", Name: "另一市某镇法治办", Kind: models.KindOffice, ParentCode: "other"},
			{Code: "other-xfj", Name: "另一市消防救援局", Kind: models.KindBureau, ParentCode: "other-town", Sector: "xfjy"},
		})
		refused(t, err, 1, "xfjy", []string{"hrss", "yjgl"}, []string{"xfjy（"})

		// Known sectors are accepted, down a new branch of the tree too.
		_, err = f.svc.CreateOrgs(ctx, f.as["city-admin"], []service.OrgInput{
			{Code: "county-rsj", Name: "某县人社局", Kind: models.KindBureau, ParentCode: "county", Sector: "hrss"},
			{Code: "town", Name: "某镇法治办", Kind: models.KindOffice, ParentCode: "county"},
			{Code: "town-xfj", Name: "某镇消防救援所", Kind: models.KindBureau, ParentCode: "town", Sector: "xfjy"},
			{Code: "town-yjj", Name: "某镇应急管理办", Kind: models.KindBureau, ParentCode: "town", Sector: "yjgl"},
			{Code: "town-scj", Name: "某镇市场监管所", Kind: models.KindBureau, ParentCode: "town"},
		})
		require.NoError(t, err)
	})
}
