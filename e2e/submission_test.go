package e2e

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/returntest"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// The return's whole path over HTTP on the embedded server: the bureau
// downloads its template, an invalid upload is refused cell by cell and
// changes nothing, a valid one becomes version 1 and moves the bureau to
// under_review through the workflow's update.
func TestSubmissionOverHTTP(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newStack(t, db)
		r := s.api.Do("POST", "/api/v1/orgs", []map[string]any{
			{"code": "fzb", "name": "临海市法治办", "kind": "office"},
			{"code": "rsj", "name": "临海市人力资源和社会保障局", "kind": "bureau", "parent_code": "fzb", "sector": "hrss", "credit_code": "11331002002673575G"},
			{"code": "scj", "name": "临海市市场监督管理局", "kind": "bureau", "parent_code": "fzb"},
		})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		bureau := s.login("rsj-staff", "bureau", "rsj")
		other := s.login("scj-staff", "bureau", "scj")
		id := s.launchCycle("fzb", []string{"rsj", "scj"})
		path := "/api/v1/cycles/" + id + "/bureaus/rsj"

		r = bureau.Do("GET", path+"/template", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		require.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", r.Header.Get("Content-Type"))
		require.Contains(t, r.Header.Get("Content-Disposition"), "filename*=UTF-8''")
		template := r.Body
		require.Equal(t, http.StatusNotFound, other.Do("GET", path+"/template", nil).Status, "another bureau's template")

		cat, err := catalogue.Builtin().ComposeFor("hrss")
		require.NoError(t, err)
		values := returntest.Plausible(cat)
		key := cat.Indicators()[0].Key
		values[key] = "约10件"
		bad, err := returntest.Fill(template, returntest.Filled{Values: values, Info: returntest.Info})
		require.NoError(t, err)

		r = bureau.Upload("POST", path+"/submissions", apitest.Multipart{{Field: "file", Name: "报表.xlsx", Data: bad}})
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, string(r.Body))
		e := r.Err(t)
		require.Equal(t, "validation_failed", e.Error.Code)
		require.Len(t, e.Error.Details, 1, string(r.Body))
		require.Equal(t, excelreturn.SheetIndicators, e.Error.Details[0].Sheet)
		require.Equal(t, key, e.Error.Details[0].Indicator)
		require.NotEmpty(t, e.Error.Details[0].Cell)
		require.Contains(t, e.Error.Details[0].Message, "约10件")

		// The same refusal as the bureau's own workbook, annotated.
		r = bureau.Upload("POST", path+"/submissions", apitest.Multipart{{Field: "file", Name: "报表.xlsx", Data: bad}},
			"Accept", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		require.Equal(t, http.StatusUnprocessableEntity, r.Status)
		wb, err := excelize.OpenReader(bytes.NewReader(r.Body))
		require.NoError(t, err)
		require.Contains(t, wb.GetSheetList(), excelreturn.SheetErrors)
		require.NoError(t, wb.Close())

		// Nothing changed.
		var subs int64
		require.NoError(t, db.Model(&models.Submission{}).Count(&subs).Error)
		require.Zero(t, subs)
		requireAwaitingSubmission(t, temporalClient, id, []string{"rsj"})

		values[key] = 9
		good, err := returntest.Fill(template, returntest.Filled{Values: values, Info: returntest.Info})
		require.NoError(t, err)
		report := []byte("%PDF-1.4\n临海市人力资源和社会保障局2025年度法治政府建设情况报告\n%%EOF\n")
		r = bureau.Upload("POST", path+"/submissions", apitest.Multipart{
			{Field: "file", Name: "报表.xlsx", Data: good}, {Field: "report", Name: "报告.pdf", Data: report}})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var created struct {
			Version int    `json:"version"`
			Stage   string `json:"stage"`
			Values  map[string]struct {
				Number string `json:"number"`
			} `json:"values"`
		}
		r.JSON(t, &created)
		require.Equal(t, 1, created.Version)
		require.Equal(t, "under_review", created.Stage)
		require.Equal(t, "9", created.Values[key].Number)

		// The read model, the workflow and the stored files agree.
		require.Equal(t, int64(1), s.cycle(id).Progress["under_review"])
		q, err := temporalClient.QueryWorkflow(context.Background(), wire.BureauWorkflowID(id, "rsj"), "", wire.QueryState)
		require.NoError(t, err)
		var st wire.BureauState
		require.NoError(t, q.Get(&st))
		require.Equal(t, wire.StageUnderReview, st.Stage)
		r = bureau.Do("GET", path+"/submissions/1/file", nil)
		require.Equal(t, http.StatusOK, r.Status)
		require.Equal(t, good, r.Body)
		r = bureau.Do("GET", path+"/submissions/1/report", nil)
		require.Equal(t, http.StatusOK, r.Status)
		require.Equal(t, report, r.Body)
		require.Equal(t, "application/pdf", r.Header.Get("Content-Type"))
		require.Equal(t, http.StatusNotFound, other.Do("GET", path+"/submissions/1", nil).Status, "another bureau's version")

		// The same return and report sent again are the same submission
		// (its first answer, no new version). The same return with a
		// corrected report, or without it, is another submission: refused
		// while the first is under review, never answered with the first
		// and the new report dropped. Another return is refused too.
		r = bureau.Upload("POST", path+"/submissions", apitest.Multipart{
			{Field: "file", Name: "报表.xlsx", Data: good}, {Field: "report", Name: "报告.pdf", Data: report}})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		r.JSON(t, &created)
		require.Equal(t, 1, created.Version)
		corrected := []byte("%PDF-1.4\n临海市人力资源和社会保障局2025年度法治政府建设情况报告（更正）\n%%EOF\n")
		for _, parts := range []apitest.Multipart{
			{{Field: "file", Name: "报表.xlsx", Data: good}, {Field: "report", Name: "报告.pdf", Data: corrected}},
			{{Field: "file", Name: "报表.xlsx", Data: good}},
		} {
			r = bureau.Upload("POST", path+"/submissions", parts)
			require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
			require.Contains(t, r.Err(t).Error.Message, "更正报表或报告也请等审核退回后再上传")
		}
		r = bureau.Do("GET", path+"/submissions/1/report", nil)
		require.Equal(t, report, r.Body, "the first version keeps its report")
		values[key] = 8
		second, err := returntest.Fill(template, returntest.Filled{Values: values, Info: returntest.Info})
		require.NoError(t, err)
		r = bureau.Upload("POST", path+"/submissions", apitest.Multipart{{Field: "file", Name: "报表.xlsx", Data: second}})
		require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
		require.Contains(t, r.Err(t).Error.Message, "审核中")
		var versions int64
		require.NoError(t, db.Model(&models.Submission{}).Where("cycle_id = ? AND org_code = ?", id, "rsj").Count(&versions).Error)
		require.Equal(t, int64(1), versions)

		// Versions are immutable in the database itself.
		require.Error(t, db.Model(&models.Submission{}).Where("version = 1").Update("values", "{}").Error)
		require.Error(t, db.Where("version = 1").Delete(&models.Submission{}).Error)
	})
}

// login creates a user bound to org and returns a client holding its token.
func (s *stack) login(username, role, org string) apitest.Client {
	s.t.Helper()
	r := s.api.Do("POST", "/api/v1/users", map[string]any{"username": username, "password": username + "-password", "role": role, "org_code": org})
	require.Equal(s.t, http.StatusCreated, r.Status, string(r.Body))
	r = s.api.With("").Do("POST", "/api/v1/tokens", map[string]any{"username": username, "password": username + "-password"})
	require.Equal(s.t, http.StatusCreated, r.Status, string(r.Body))
	var tok struct{ Token string }
	r.JSON(s.t, &tok)
	return s.api.With(tok.Token)
}
