package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// Publication is recorded only with the disclosure metadata complete and
// both confirmations given, by the bureau or its office, once.
func TestPublicationIsValidatedAndRecordedOnce(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newLifecycle(t, db)
		e.stage("rsj", wire.StageAwaitingPublication)
		path := e.rsj + "/publication"
		r := e.as["rsj"].Do("GET", path, nil)
		require.Equal(t, http.StatusNotFound, r.Status, string(r.Body))
		requireMessage(t, r, "尚未登记公开信息")

		// scj published with an index number rsj may not reuse.
		_, used := seedLifecycle(t, db, e.cycle, "scj")
		ok := publicationBody()
		tomorrow := time.Now().Add(48 * time.Hour).Format(time.DateOnly)
		e.expectRefused([]refused{
			{"no url", "rsj", "POST", path, with(ok, "url", nil), 422, "请填写公开网址"},
			{"ftp url", "rsj", "POST", path, with(ok, "url", "ftp://example.gov.cn/a"), 422, "应为以 http:// 或 https:// 开头的完整网址"},
			{"relative url", "rsj", "POST", path, with(ok, "url", "www.example.gov.cn/a"), 422, "完整网址"},
			{"long url", "rsj", "POST", path, with(ok, "url", "https://example.gov.cn/"+strings.Repeat("a", 1000)), 422, "不能超过1000个字"},
			{"no issued on", "rsj", "POST", path, with(ok, "issued_on", nil), 422, "请填写成文日期"},
			{"malformed issued on", "rsj", "POST", path, with(ok, "issued_on", "2026/03/20"), 400, "成文日期"},
			{"issued in the future", "rsj", "POST", path, with(ok, "issued_on", tomorrow), 422, "不能晚于今天"},
			{"no publisher", "rsj", "POST", path, with(ok, "publisher", " "), 422, "请填写发布单位"},
			{"long index no", "rsj", "POST", path, with(ok, "index_no", strings.Repeat("1", 101)), 422, "索引号不能超过100个字"},
			{"no secrecy review", "rsj", "POST", path, with(ok, "secrecy_reviewed", false), 422, "请先完成保密审查"},
			{"no leader approval", "rsj", "POST", path, with(ok, "leader_approved", nil), 422, "请先经主要负责人审定"},
			{"index no in use", "rsj", "POST", path, with(ok, "index_no", used.IndexNo), 409, "已被其他公开报告使用"},
			{"a viewer", "viewer", "POST", path, ok, 403, "无权"},
			{"another bureau", "scj", "POST", path, ok, 404, "没有单位“rsj”"},
		})
		r = e.as["rsj"].Do("POST", path, with(ok, "secrecy_reviewed", false, "leader_approved", false))
		require.Equal(t, http.StatusUnprocessableEntity, r.Status)
		fields := []string{}
		for _, d := range r.Err(t).Error.Details {
			fields = append(fields, d.Field)
		}
		require.Equal(t, []string{"secrecy_reviewed", "leader_approved"}, fields)

		// The office records it on the bureau's behalf.
		published := time.Now()
		e.temporal.results[wire.UpdatePublish] = wire.PublishResult{IndexNo: "11331002002673575G/2025-00001", Late: true,
			Stage: wire.StageCompleted, PublishedAt: published}
		r = e.as["reviewer"].Do("POST", path, ok)
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), `"index_no":"11331002002673575G/2025-00001","late":true,"stage":"completed"`)
		var req wire.PublishRequest
		name, _, _ := e.lastUpdate(&req)
		require.Equal(t, wire.UpdatePublish, name)
		require.Equal(t, "政府网站", req.Method)
		require.Equal(t, "2026-03-20", req.IssuedOn)
		require.Empty(t, req.IndexNo)
		require.True(t, req.SecrecyReviewed && req.LeaderApproved)
		require.Equal(t, wire.ActorRoleReviewer, req.By.Role)

		e.stage("rsj", wire.StageCompleted)
		e.expectRefused([]refused{{"twice", "rsj", "POST", path, ok, 409, "不能重复登记"}})
		e.stage("rsj", wire.StageUnderReview)
		e.expectRefused([]refused{{"before approval", "admin", "POST", path, ok, 409, "报表审核通过后才能登记公开"}})

		seedLifecycle(t, db, e.cycle, "rsj")
		for _, who := range []string{"rsj", "admin", "viewer"} {
			r := e.as[who].Do("GET", path, nil)
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
			require.Contains(t, string(r.Body), `"method":"政府网站"`)
		}
	})
}

// Anyone lists published reports, by report year or all, and downloads a
// report's file; nothing unpublished shows.
func TestPublicReports(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newLifecycle(t, db)
		anon := e.root.With("")
		// 2025: rsj published version 1, which has a report; scj has not
		// published. 2024: scj published a version without a report.
		seedLifecycle(t, db, e.cycle, "rsj")
		r := e.root.Do("POST", "/api/v1/cycles", map[string]any{"year": 2024, "office_code": "fzb", "bureau_codes": []string{"scj"},
			"submission_due": "2027-03-01", "publication_due": "2027-03-31"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var old struct{ ID string }
		r.JSON(t, &old)
		sha, err := filestore.Put(db, []byte("{}"), "application/json")
		require.NoError(t, err)
		require.NoError(t, db.Create(&models.Submission{CycleID: old.ID, OrgCode: "scj", Version: 1, Round: 1, FileSHA: sha, FileName: "报表.xlsx",
			ReturnSHA: sha, Catalogue: "general@2025.1", Values: "{}", Explanations: "{}", Info: "{}", Problems: "[]", Plans: "[]",
			Warnings: "[]", SubmittedAt: time.Now()}).Error)
		seedLifecycle(t, db, old.ID, "scj")

		type report struct {
			CycleID   string `json:"cycle_id"`
			Year      int    `json:"year"`
			OrgCode   string `json:"org_code"`
			OrgName   string `json:"org_name"`
			IndexNo   string `json:"index_no"`
			Publisher string `json:"publisher"`
			ReportURL string `json:"report_url"`
		}
		list := func(query string) []report {
			r := anon.Do("GET", "/api/v1/public/reports"+query, nil)
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
			var out []report
			r.JSON(t, &out)
			return out
		}
		all := list("")
		require.Len(t, all, 2)
		require.Equal(t, []int{2025, 2024}, []int{all[0].Year, all[1].Year})
		require.Equal(t, "某市人力资源和社会保障局", all[0].OrgName)
		require.Equal(t, "/api/v1/public/reports/"+e.cycle+"/rsj/report", all[0].ReportURL)
		require.Empty(t, all[1].ReportURL, "scj's version has no report file")
		require.Equal(t, []report{all[0]}, list("?year=2025"))
		require.Equal(t, []report{all[1]}, list("?year=2024"))
		require.Empty(t, list("?year=2023"))
		for _, bad := range []string{"abc", "1999", "-1", "20250", "+2025"} {
			r := anon.Do("GET", "/api/v1/public/reports?year="+bad, nil)
			require.Equal(t, http.StatusBadRequest, r.Status, bad)
			requireMessage(t, r, "无效")
		}
		// One cycle's reports, a page at a time.
		require.Equal(t, []report{all[1]}, list("?cycle="+old.ID))
		require.Equal(t, []report{all[0]}, list("?limit=1"))
		var first []struct{ ID uint }
		r = anon.Do("GET", "/api/v1/public/reports?limit=1", nil)
		r.JSON(t, &first)
		require.Len(t, first, 1)
		require.Equal(t, fmt.Sprintf(`</api/v1/public/reports?after=%d&limit=1>; rel="next"`, first[0].ID), r.Header.Get("Link"),
			"a full page points at the next")
		r = anon.Do("GET", "/api/v1/public/reports", nil)
		require.Empty(t, r.Header.Get("Link"), "the last page points nowhere")
		require.Equal(t, []report{all[1]}, list(fmt.Sprintf("?limit=1&after=%d", first[0].ID)))
		for _, bad := range []string{"limit=0", "limit=1001", "limit=+5", "after=x", "after=999999"} {
			r := anon.Do("GET", "/api/v1/public/reports?"+bad, nil)
			require.Equal(t, http.StatusBadRequest, r.Status, bad)
		}

		r = anon.Do("GET", all[0].ReportURL, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		require.Equal(t, "2025年度法治政府建设情况报告", string(r.Body))
		require.Equal(t, filestore.TypeText, r.Header.Get("Content-Type"))
		require.Contains(t, r.Header.Get("Content-Disposition"),
			"filename*=UTF-8''"+url.PathEscape("某市人力资源和社会保障局2025年度法治政府建设情况报告.txt"))

		for _, p := range []string{
			"/api/v1/public/reports/" + old.ID + "/scj/report",    // published without a report file
			"/api/v1/public/reports/" + e.cycle + "/scj/report",   // not published
			"/api/v1/public/reports/" + e.cycle + "/ghost/report", // no such bureau
		} {
			r := anon.Do("GET", p, nil)
			require.Equal(t, http.StatusNotFound, r.Status, "%s: %s", p, r.Body)
		}
	})
}
