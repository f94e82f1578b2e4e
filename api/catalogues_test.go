package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
)

// An office admin uploads a sector part: bad files are refused with every
// problem at once, duplicates and older versions are refused, the part is
// pinned by the office's next cycle and invisible to other offices.
func TestCatalogueUpload(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		root := newClient(t, db)
		seedOffice(t, root)
		own := loginAs(t, root, "fzb-admin", "admin", "fzb")
		other := loginAs(t, root, "other-admin", "admin", "other")
		upload := func(c apitest.Client, body string) apitest.Response {
			return c.Send("POST", "/api/v1/catalogues", "application/yaml", []byte(body))
		}
		before := count(t, db, &models.CataloguePart{})

		// Every problem of a bad file at once, with its path and line.
		bad := strings.NewReplacer("unit: 件", "unit: 公斤", "type: integer", "type: number").Replace(sectorYAML("water"))
		r := upload(own, bad)
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, string(r.Body))
		e := r.Err(t)
		require.Len(t, e.Error.Details, 2, string(r.Body))
		require.Equal(t, "sections[0].indicators[0].unit", e.Error.Details[0].Field)
		require.Contains(t, e.Error.Details[0].Message, "公斤")
		require.Contains(t, e.Error.Details[0].Message, "第 11 行")
		require.Equal(t, "sections[0].indicators[0].type", e.Error.Details[1].Field)

		require.Equal(t, http.StatusUnsupportedMediaType, own.Do("POST", "/api/v1/catalogues", sectorYAML("water")).Status, "JSON content type")
		require.Equal(t, http.StatusConflict, upload(own, strings.Replace(sectorYAML("hrss"), `"2026.1"`, `"2025.1"`, 1)).Status, "the built-in hrss@2025.1 again")
		require.Equal(t, http.StatusConflict, upload(own, strings.Replace(sectorYAML("hrss"), `"2026.1"`, `"2024.9"`, 1)).Status, "older than the latest hrss")
		require.Equal(t, before, count(t, db, &models.CataloguePart{}), "refusals store nothing")

		r = upload(own, sectorYAML("water"))
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		require.Equal(t, http.StatusConflict, upload(root, sectorYAML("water")).Status, "the same id and version from anyone")

		type part struct {
			ID         string `json:"id"`
			Version    string `json:"version"`
			OfficeCode string `json:"office_code"`
			Builtin    bool   `json:"builtin"`
		}
		var list []part
		r = own.Do("GET", "/api/v1/catalogues", nil)
		require.Equal(t, http.StatusOK, r.Status)
		r.JSON(t, &list)
		require.Contains(t, list, part{"water", "2026.1", "fzb", false})
		r = other.Do("GET", "/api/v1/catalogues", nil)
		require.NotContains(t, string(r.Body), `"water"`, "another office's part")
		require.Equal(t, http.StatusNotFound, other.Do("GET", "/api/v1/catalogues/water/2026.1", nil).Status)
		r = own.Do("GET", "/api/v1/catalogues/water/2026.1", nil)
		require.Equal(t, http.StatusOK, r.Status)
		require.Contains(t, string(r.Body), "water_cases")

		// The office's next cycle pins it; another office's does not.
		r = own.Do("POST", "/api/v1/cycles", map[string]any{"year": 2025, "office_code": "fzb", "bureau_codes": []string{"rsj"}, "submission_due": "2027-03-01", "publication_due": "2027-03-31"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), `"water@2026.1"`)
		r = other.Do("POST", "/api/v1/cycles", map[string]any{"year": 2025, "office_code": "other", "bureau_codes": []string{"other-rsj"}, "submission_due": "2027-03-01", "publication_due": "2027-03-31"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		require.NotContains(t, string(r.Body), "water")

		// Stored parts are immutable.
		require.Error(t, db.Model(&models.CataloguePart{}).Where("part_id = ?", "water").Update("name", "x").Error)
	})
}

// An office admin naming an office that does not exist gets a 422 naming
// the field, not an error from walking an organisation that is not there.
func TestCycleForUnknownOfficeByOfficeAdmin(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		root := newClient(t, db)
		seedOffice(t, root)
		own := loginAs(t, root, "fzb-admin2", "admin", "fzb")
		r := own.Do("POST", "/api/v1/cycles", map[string]any{"year": 2025, "office_code": "nosuch", "bureau_codes": []string{"rsj"},
			"submission_due": "2027-03-01", "publication_due": "2027-03-31"})
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), "nosuch")
		r = own.Do("POST", "/api/v1/cycles", map[string]any{"year": 2025, "office_code": "other", "bureau_codes": []string{"other-rsj"},
			"submission_due": "2027-03-01", "publication_due": "2027-03-31"})
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), "不在您的管辖范围内")
	})
}

// Users and organisations take optional e-mail addresses for notifications;
// a malformed one is refused naming the field.
func TestEmailAddresses(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		root := newClient(t, db)
		seedOffice(t, root)
		r := root.Do("POST", "/api/v1/users", map[string]any{"username": "mailer", "password": "mailer-password", "role": "reviewer",
			"org_code": "fzb", "email": "reviewer@example.gov.cn"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), `"email":"reviewer@example.gov.cn"`)
		var u models.User
		require.NoError(t, db.Take(&u, "username = ?", "mailer").Error)
		require.Equal(t, "reviewer@example.gov.cn", u.Email)

		for _, bad := range []string{"not-an-address", "张三 <a@b.cn>", "a@localhost"} {
			r = root.Do("POST", "/api/v1/users", map[string]any{"username": "bad-mail", "password": "bad-mail-password", "role": "reviewer", "email": bad})
			require.Equal(t, http.StatusUnprocessableEntity, r.Status, bad)
			require.Equal(t, "email", r.Err(t).Error.Details[0].Field)
		}
		r = root.Do("POST", "/api/v1/orgs", map[string]any{"code": "mail-bureau", "name": "邮件局", "kind": "bureau", "parent_code": "fzb",
			"contact_email": "office@example.gov.cn"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), `"contact_email":"office@example.gov.cn"`)
		r = root.Do("POST", "/api/v1/orgs", map[string]any{"code": "bad-mail-bureau", "name": "坏邮件局", "kind": "bureau", "parent_code": "fzb",
			"contact_email": "office at example"})
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, string(r.Body))
	})
}
