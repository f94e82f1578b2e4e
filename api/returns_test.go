package api_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
	"github.com/lawcycle/lawcycle/filestore"
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
	admin := service.Principal{Username: "admin", Role: models.RolePlatformAdmin}
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
		ReportSHA: reportSHA, ReportName: "报告.txt", Catalogue: "general", Values: "{}", Explanations: "{}", Info: "{}",
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
