package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/api"
	"github.com/lawcycle/lawcycle/rules"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/service"
)

// seeded is a stored submission version and the workbook it was made from.
type seeded struct {
	file []byte
}

// seedSubmission stores version 1 of org's return directly, as the
// workflow's activity would, so read routes have something to serve
// without a Temporal server.
func seedSubmission(t *testing.T, svc *service.Service, db *gorm.DB, cycleID, org string) seeded {
	t.Helper()
	admin := service.Principal{Username: "admin", Role: rules.RolePlatformAdmin}
	tmpl, err := svc.Template(t.Context(), admin, cycleID, org)
	require.NoError(t, err)
	parsed, err := json.Marshal(excelreturn.Result{Return: &excelreturn.Return{Values: catalogue.Values{}}})
	require.NoError(t, err)
	fileSHA, err := filestore.Put(db, tmpl.Data, service.ContentTypeXLSX)
	require.NoError(t, err)
	returnSHA, err := filestore.Put(db, parsed, "application/vnd.lawcycle.return+json")
	require.NoError(t, err)
	reportSHA, err := filestore.Put(db, []byte("2025年度法治政府建设情况报告"), filestore.TypeText)
	require.NoError(t, err)
	require.NoError(t, db.Create(&models.Submission{
		CycleID: cycleID, OrgCode: org, Version: 1, Round: 1, FileSHA: fileSHA, FileName: "报表.xlsx", ReturnSHA: returnSHA,
		ReportSHA: reportSHA, ReportName: "报告.txt", Catalogue: "general@2025.1+hrss@2025.1", Values: "{}", Explanations: "{}", Info: "{}",
		Problems: "[]", Plans: "[]", Warnings: "[]", SubmittedBy: "rsj", SubmittedAt: time.Now(),
	}).Error)
	return seeded{file: tmpl.Data}
}

// yamlBody is a request body sent as application/yaml.
type yamlBody string

// sectorYAML is a minimal valid sector catalogue part.
func sectorYAML(id string) string {
	return `id: ` + id + `
kind: sector
version: "2026.1"
name: 测试行业指标
sections:
  - key: ` + id + `_work
    name: 测试板块
    indicators:
      - key: ` + id + `_cases
        name: 测试案件数
        unit: 件
        type: integer
        required: true
        help: 本年度办理的测试案件数。
`
}

// A bureau's template shows, beside each indicator, the value it reported
// in the same office's cycle of the previous year.
func TestTemplateShowsLastYearsValues(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		svc := &service.Service{DB: db, Logger: log}
		_, err := svc.EnsureAdmin(t.Context(), "", adminToken)
		require.NoError(t, err)
		root := apitest.Client{T: t, App: api.New(api.Deps{Service: svc, DB: db, Logger: log}), Token: adminToken}
		seedOffice(t, root)
		create := func(year int) string {
			r := root.Do("POST", "/api/v1/cycles", map[string]any{"year": year, "office_code": "fzb", "bureau_codes": []string{"rsj"},
				"submission_due": "2027-03-01", "publication_due": "2027-03-31"})
			require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
			var c struct{ ID string }
			r.JSON(t, &c)
			return c.ID
		}
		last := create(2024)
		seedSubmission(t, svc, db, last, "rsj")
		// The seeded version has no values; store one that has.
		require.NoError(t, db.Create(&models.Submission{
			CycleID: last, OrgCode: "rsj", Version: 2, Round: 2, FileSHA: "x", FileName: "报表.xlsx", ReturnSHA: "y",
			Catalogue: "general@2025.1", Values: `{"review_cases":{"number":"12"},"penalty_fines":{"number":"23.66465"}}`,
			Explanations: "{}", Info: "{}", Problems: "[]", Plans: "[]", Warnings: "[]", SubmittedBy: "rsj", SubmittedAt: time.Now(),
		}).Error)
		this := create(2025)

		r := root.Do("GET", "/api/v1/cycles/"+this+"/bureaus/rsj/template", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		wb, err := excelize.OpenReader(bytes.NewReader(r.Body))
		require.NoError(t, err)
		defer wb.Close()
		rows, err := wb.GetRows(excelreturn.SheetIndicators, excelize.Options{RawCellValue: true})
		require.NoError(t, err)
		lastYear := map[string]string{}
		for _, row := range rows {
			if len(row) >= 8 {
				lastYear[row[7]] = row[4]
			}
		}
		require.Equal(t, "12", lastYear["review_cases"])
		require.Equal(t, "23.66465", lastYear["penalty_fines"])
		require.Empty(t, lastYear["litigation_cases"], "not reported last year")

		// The previous year's own template has no reference values.
		r = root.Do("GET", "/api/v1/cycles/"+last+"/bureaus/rsj/template", nil)
		require.Equal(t, http.StatusOK, r.Status)
	})
}
