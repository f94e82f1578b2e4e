package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/web"
	"github.com/lawcycle/lawcycle/wire"
)

// After approval the bureau records its publication: without the 保密审查
// and 审定 confirmations it is refused and nothing is stored; then it gets
// a generated 索引号, on time. Another bureau publishing after its due date
// is flagged late. Publishing twice is refused.
func TestPublication(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		e.seedOrgs(orgNames{})
		e.user("rsj-staff", rules.RoleBureau, "rsj")
		e.user("fzb-reviewer", rules.RoleReviewer, "fzb")
		e.user("fzb-viewer", rules.RoleViewer, "")
		id := e.openCycle("2025年度法治政府建设情况报告", wire.StageAwaitingPublication, "rsj", "scj")
		grantViewer(t, e, id, "fzb-viewer")
		e.seedApproved(id, "rsj")
		e.seedApproved(id, "scj")
		ws := "/cycles/" + id + "/bureaus/rsj"
		today := chinatime.Date(e.clock.Now())

		bureau := e.login("rsj-staff")
		token := bureau.sessionToken()
		r := bureau.get(ws + "/publication")
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		for _, s := range []string{"登记公开信息", `name="secrecy_reviewed"`, `name="leader_approved"`, `name="index_no"`,
			`value="某市人力资源和社会保障局"`, `value="政府网站"`} {
			require.Contains(t, r.Body, s)
		}
		requireNoInlineCode(t, r, "publication form")

		good := url.Values{"csrf_token": {token}, "url": {"https://www.example.gov.cn/art/2026/3/20/art_1.html"}, "issued_on": {today},
			"publisher": {"某市人力资源和社会保障局"}, "method": {"政府网站"}, "secrecy_reviewed": {"1"}, "leader_approved": {"1"}}
		without := func(fields ...string) url.Values {
			out := url.Values{}
			for k, v := range good {
				out[k] = v
			}
			for _, f := range fields {
				out.Del(f)
			}
			return out
		}
		for _, c := range []struct {
			name   string
			form   url.Values
			status int
			says   []string
		}{
			{"no confirmations", without("secrecy_reviewed", "leader_approved"), 422, []string{"公开信息有 2 处问题", "请先完成保密审查", "请先经主要负责人审定"}},
			{"no secrecy review", without("secrecy_reviewed"), 422, []string{"请先完成保密审查"}},
			{"not a web address", func() url.Values { f := without(); f.Set("url", "www.example.gov.cn"); return f }(), 422,
				[]string{"公开网址“www.example.gov.cn”无效"}},
			{"issued tomorrow", func() url.Values {
				f := without()
				f.Set("issued_on", chinatime.Date(e.clock.Now().AddDate(0, 0, 2)))
				return f
			}(), 422, []string{"不能晚于今天"}},
		} {
			r = bureau.post(ws+"/publication", c.form)
			require.Equal(t, c.status, r.Status, "%s: %s", c.name, r.Body)
			for _, s := range c.says {
				require.Contains(t, r.Body, s, c.name)
			}
			require.Contains(t, r.Body, "系统未作任何更改", c.name)
			require.Contains(t, r.Body, `value="`+c.form.Get("url")+`"`, "%s: the form keeps what was typed", c.name)
			require.Equal(t, c.form.Get("secrecy_reviewed") != "", containsChecked(r.Body, "secrecy_reviewed"), c.name)
			require.Zero(t, e.count(&models.Publication{}), c.name)
			require.Equal(t, string(wire.StageAwaitingPublication), e.stageOf(id, "rsj"), c.name)
		}

		r = bureau.post(ws+"/publication", good)
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, ws+"/publication?published=1", r.Location)
		year := strconv.Itoa(chinatime.In(e.clock.Now()).Year())
		indexNo := "11331002002673575G/" + year + "-00001"
		r = bureau.get(r.Location)
		require.Equal(t, http.StatusOK, r.Status)
		require.Contains(t, r.Body, "已登记公开，索引号 <span class=\"code\">"+indexNo+"</span>")
		require.Contains(t, r.Body, "按期公开")
		require.NotContains(t, r.Body, "逾期公开")
		require.NotContains(t, r.Body, `action="`+ws+`/publication"`, "no form once published")
		require.Equal(t, string(wire.StageCompleted), e.stageOf(id, "rsj"))

		// Everyone who reads the bureau sees the record, on the workspace too.
		for _, who := range []string{"fzb-reviewer", "fzb-viewer"} {
			b := e.login(who)
			for _, path := range []string{ws + "/publication", ws} {
				r = b.get(path)
				require.Equal(t, http.StatusOK, r.Status, who)
				require.Contains(t, r.Body, indexNo, who)
				require.Contains(t, r.Body, `href="https://www.example.gov.cn/art/2026/3/20/art_1.html"`, who)
			}
		}

		// Twice is refused.
		r = bureau.post(ws+"/publication", good)
		require.Equal(t, http.StatusConflict, r.Status, r.Body)
		require.Contains(t, r.Body, "本单位已登记公开信息，不能重复登记")
		require.Equal(t, int64(1), e.count(&models.Publication{}))

		// The office records scj's publication on its behalf, after its due
		// date: late, with the 索引号 it was given.
		require.NoError(t, db.Model(&models.Participant{}).Where("cycle_id = ? AND org_code = ?", id, "scj").
			Update("publication_due", e.clock.Now().AddDate(0, 0, -3)).Error)
		reviewer := e.login("fzb-reviewer")
		scj := url.Values{}
		for k, v := range good {
			scj[k] = v
		}
		scj.Set("csrf_token", reviewer.sessionToken())
		scj.Set("url", "https://www.example.gov.cn/scj/report.html")
		scj.Set("publisher", "某市市场监督管理局")
		scj.Set("index_no", "SCJ-2026-7")
		r = reviewer.post("/cycles/"+id+"/bureaus/scj/publication", scj)
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		r = reviewer.get(r.Location)
		require.Contains(t, r.Body, "SCJ-2026-7")
		require.Contains(t, r.Body, "已标记为逾期公开")
		require.Contains(t, r.Body, `<span class="flag">逾期公开</span>`)
		var pub models.Publication
		require.NoError(t, db.Take(&pub, "cycle_id = ? AND org_code = ?", id, "scj").Error)
		require.True(t, pub.Late)
		require.Equal(t, "fzb-reviewer", pub.RecordedBy)

		// A viewer has no form, even before publication.
		require.NoError(t, db.Where("org_code = ?", "scj").Delete(&models.Publication{}).Error)
		require.NoError(t, db.Model(&models.Participant{}).Where("cycle_id = ? AND org_code = ?", id, "scj").
			Update("stage", string(wire.StageAwaitingPublication)).Error)
		r = e.login("fzb-viewer").get("/cycles/" + id + "/bureaus/scj/publication")
		require.Equal(t, http.StatusOK, r.Status)
		require.NotContains(t, r.Body, `action="/cycles/`+id+`/bureaus/scj/publication"`)
		require.Contains(t, r.Body, "本单位尚未登记公开信息")
	})
}

// containsChecked reports whether the page's checkbox named name is ticked.
func containsChecked(body, name string) bool {
	return strings.Contains(body, `name="`+name+`" value="1" checked`)
}
