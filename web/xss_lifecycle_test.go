package web_test

import (
	"html/template"
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

// attrBreakNoSpace is attrBreak as a URL can carry it: the service refuses
// web addresses with spaces.
const attrBreakNoSpace = `"><img/src=x/onerror=alert(1)>`

// Review comments, extension reasons and decisions, and publication
// details carrying script and attribute-breaking payloads are stored
// verbatim and shown escaped on every page that shows them, including
// the forms that echo them back after a refusal.
func TestLifecyclePayloadsAreStoredVerbatimAndRenderedEscaped(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		all := scriptTag + " " + attrBreak + " " + jsURL + " " + tmplAction
		e.seedOrgs(orgNames{rsj: "人社局" + all})
		e.user("rsj-staff", rules.RoleBureau, "rsj")
		e.user("fzb-admin", rules.RoleAdmin, "fzb")
		e.user("fzb-reviewer", rules.RoleReviewer, "fzb")
		e.user("fzb-viewer", rules.RoleViewer, "")
		id := e.openCycle("周期"+all, wire.StageAwaitingSubmission, "rsj")
		grantViewer(t, e, id, "fzb-viewer")
		ws := "/cycles/" + id + "/bureaus/rsj"
		key := firstIndicatorOf(t, "hrss").Key

		bureau := e.login("rsj-staff")
		bureauToken := bureau.sessionToken()
		reviewer := e.login("fzb-reviewer")
		reviewerToken := reviewer.sessionToken()
		admin := e.login("fzb-admin")
		adminToken := admin.sessionToken()
		viewer := e.login("fzb-viewer")

		// Review comments.
		e.submit(bureau, bureauToken, ws, map[string]any{key: 9})
		comment := "请核实" + all
		general := "整体意见" + scriptTag + attrBreak
		r := reviewer.post(ws+"/reviews", url.Values{"csrf_token": {reviewerToken}, "version": {"1"}, "action": {"submit"},
			"decision": {"return"}, "anchor": {"indicator:" + scriptTag + attrBreak}, "message": {comment}})
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Body)
		requireEscaped(t, r, "refused review echo", comment, scriptTag+attrBreak)
		r = reviewer.post(ws+"/reviews", url.Values{"csrf_token": {reviewerToken}, "version": {"1"}, "action": {"submit"},
			"decision": {"return"}, "anchor": {"indicator:" + key, ""}, "message": {comment, general}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		var stored []models.ReviewComment
		require.NoError(t, db.Order("position").Find(&stored).Error)
		require.Len(t, stored, 2)
		require.Equal(t, comment, stored[0].Message, "stored verbatim")
		require.Equal(t, general, stored[1].Message)

		// An extension request and its refusal.
		reason := "出差" + all
		refusal := "理由不充分" + scriptTag + attrBreak
		r = bureau.post(ws+"/extensions", url.Values{"csrf_token": {bureauToken}, "kind": {"submission"}, "until": {"下个月"}, "reason": {reason}})
		require.Equal(t, http.StatusBadRequest, r.Status, r.Body)
		requireEscaped(t, r, "refused extension echo", reason)
		r = bureau.post(ws+"/extensions", url.Values{"csrf_token": {bureauToken}, "kind": {"submission"}, "until": {"3个工作日"}, "reason": {reason}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		var ext models.Extension
		require.NoError(t, db.Take(&ext, "cycle_id = ?", id).Error)
		require.Equal(t, reason, ext.Reason, "stored verbatim")
		decide := ws + "/extensions/" + strconv.FormatUint(uint64(ext.ID), 10) + "/decision"
		r = admin.post(decide, url.Values{"csrf_token": {adminToken}, "approve": {"yes"}, "due": {"下周"}, "reason": {refusal}})
		require.Equal(t, http.StatusBadRequest, r.Status, r.Body)
		requireEscaped(t, r, "refused decision echo", refusal, reason)
		r = admin.post(decide, url.Values{"csrf_token": {adminToken}, "approve": {"no"}, "reason": {refusal}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.NoError(t, db.Take(&ext, ext.ID).Error)
		require.Equal(t, refusal, ext.DecisionComment, "stored verbatim")

		// Resubmission and approval, then publication.
		e.submit(bureau, bureauToken, ws, map[string]any{key: 12})
		r = reviewer.post(ws+"/reviews", url.Values{"csrf_token": {reviewerToken}, "version": {"2"}, "action": {"submit"}, "decision": {"approve"}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)

		spaced := "https://www.example.gov.cn/a.html?q=" + attrBreak
		pubURL := "https://www.example.gov.cn/a.html?q=" + scriptTag + "&r=" + attrBreakNoSpace
		publisher := "人社局" + all
		indexNo := "编号" + scriptTag + attrBreakNoSpace
		form := url.Values{"csrf_token": {bureauToken}, "url": {spaced}, "issued_on": {chinatime.Date(e.clock.Now())},
			"publisher": {publisher}, "index_no": {indexNo}, "secrecy_reviewed": {"1"}, "leader_approved": {"1"}}
		r = bureau.post(ws+"/publication", form)
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Body)
		require.Contains(t, r.Body, "公开网址")
		requireEscaped(t, r, "refused publication echo", spaced, publisher, indexNo)
		requireNoRaw(t, r, "refused publication echo")
		require.Zero(t, e.count(&models.Publication{}))
		form.Set("url", pubURL)
		r = bureau.post(ws+"/publication", form)
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		var pub models.Publication
		require.NoError(t, db.Take(&pub, "cycle_id = ?", id).Error)
		require.Equal(t, pubURL, pub.URL, "stored verbatim")
		require.Equal(t, publisher, pub.Publisher)
		require.Equal(t, indexNo, pub.IndexNo)

		// Every page that shows them, for everyone who may open it.
		pages := []struct {
			path   string
			who    map[string]*browser
			values []string
		}{
			{ws, map[string]*browser{"bureau": bureau, "reviewer": reviewer, "admin": admin, "viewer": viewer},
				[]string{comment, general, pubURL, publisher, indexNo}},
			{ws + "/submissions/1", map[string]*browser{"bureau": bureau, "reviewer": reviewer, "viewer": viewer}, []string{comment, general}},
			{ws + "/submissions/2", map[string]*browser{"bureau": bureau, "reviewer": reviewer, "viewer": viewer}, []string{comment, general}},
			{ws + "/review", map[string]*browser{"reviewer": reviewer, "admin": admin}, []string{comment, general}},
			{ws + "/extensions", map[string]*browser{"bureau": bureau, "reviewer": reviewer, "admin": admin, "viewer": viewer},
				[]string{reason, refusal}},
			{ws + "/publication", map[string]*browser{"bureau": bureau, "reviewer": reviewer, "admin": admin, "viewer": viewer},
				[]string{pubURL, publisher, indexNo}},
			{ws + "/publication?published=1", map[string]*browser{"bureau": bureau}, []string{indexNo}},
		}
		for _, p := range pages {
			for who, b := range p.who {
				r = b.get(p.path)
				require.Equal(t, http.StatusOK, r.Status, "%s as %s", p.path, who)
				requireEscaped(t, r, p.path+" as "+who, p.values...)
				requireNoRaw(t, r, p.path+" as "+who)
				requireNoInlineCode(t, r, p.path+" as "+who)
			}
		}
		// The link to the published report keeps its payload inert: the
		// address is percent-encoded, never able to close the attribute.
		r = bureau.get(ws + "/publication")
		start := strings.Index(r.Body, `<a href="https://www.example.gov.cn/a.html`) + len(`<a href="`)
		href := r.Body[start : start+strings.Index(r.Body[start:], `"`)]
		require.Equal(t, "https://www.example.gov.cn/a.html?q=%3cscript%3ealert%281%29%3c/script%3e&amp;r=%22%3e%3cimg/src=x/onerror=alert%281%29%3e", href)

		// Milestone lists and the cycle's forms echo names and reasons
		// escaped too.
		now := e.clock.Now()
		require.NoError(t, db.Create(&models.Milestone{CycleID: id, Kind: "publication", Due: now, Listed: 1, CompiledAt: now,
			Entries: mustJSON(t, []map[string]string{{"org_code": "rsj", "org_name": "人社局" + all, "stage": "completed", "status": "late"}})}).Error)
		r = viewer.get("/cycles/" + id + "/milestones")
		require.Equal(t, http.StatusOK, r.Status)
		requireEscaped(t, r, "milestones", "人社局"+all, "周期"+all)
		cycleReason := "顺延" + all
		r = admin.post("/cycles/"+id+"/extend", url.Values{"csrf_token": {adminToken}, "kind": {"publication"}, "date": {"明天"}, "reason": {cycleReason}})
		require.Equal(t, http.StatusBadRequest, r.Status, r.Body)
		requireEscaped(t, r, "refused cycle extension echo", cycleReason)
		r = admin.post("/cycles/"+id+"/close", url.Values{"csrf_token": {adminToken}, "reason": {strings.Repeat("长", 501) + scriptTag + attrBreak}})
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Body)
		requireEscaped(t, r, "refused close echo", scriptTag+attrBreak)
		require.Equal(t, models.CycleOpen, func() string {
			var c models.Cycle
			require.NoError(t, db.Take(&c, "id = ?", id).Error)
			return c.Status
		}())
	})
}

// requireNoRaw checks the URL-shaped payload never appears unescaped
// (requireEscaped covers the others).
func requireNoRaw(t *testing.T, p page, what string) {
	t.Helper()
	require.NotContains(t, p.Body, attrBreakNoSpace, what)
	require.NotContains(t, p.Body, "<img", what)
	require.True(t, strings.Contains(p.Body, template.HTMLEscapeString(scriptTag)), "%s: the payload is on the page, escaped", what)
}
