package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/internal/filetest"
	"github.com/lawcycle/lawcycle/internal/ledgerxlsx"
	"github.com/lawcycle/lawcycle/internal/returntest"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/wire"
)

// linhaiProblems are the four 存在问题 of 临海市人社局's 2021 report (part
// 二), as a bureau enters them in its return's problem sheet (from row 3).
var linhaiProblems = [][]any{
	{1, "执法过程中存在重实体轻程序、“先处罚后调查”等现象，执法记录仪运用还不够普遍", "执法意识有待进一步提高",
		"加大执法人员培训力度，落实执法记录仪使用制度", "劳动保障监察大队", "王明", "", "立行立改"},
	{2, "执法过程中对证据的认定不够严谨，调查不够细致、全面，说理不够充分", "工作人员存在“贪省力”现象",
		"开展案卷质量评查，完善调查取证规范", "政策法规科", "李华", "2030-06-30", "限期整改"},
	{3, "行政争议数量仍在高位运行，接近考核要求的高限", "执法过程中的细小环节有疏忽",
		"加大防范和处置力度，努力降低行政争议发生数", "政策法规科", "李华", "", "长期坚持"},
	{4, "法治政府建设宣传工作有待深化", "宣传方式较为传统",
		"落实“谁执法谁普法”，利用新媒体创新宣传方式", "办公室", "陈静", "2030-12-31", "限期整改"},
}

type rectRow struct {
	ItemID      string     `json:"item_id"`
	Serial      int        `json:"serial"`
	SourceLabel string     `json:"source_label"`
	Description string     `json:"description"`
	Measures    string     `json:"measures"`
	Department  string     `json:"department"`
	Person      string     `json:"person"`
	Category    string     `json:"category"`
	Due         *time.Time `json:"due"`
	Status      string     `json:"status"`
	Evidence    int        `json:"evidence"`
	ClosedAt    *time.Time `json:"closed_at"`
}

// rectAnswer is an action's answer: the item's state.
type rectAnswer struct {
	ItemID string `json:"item_id"`
	Status string `json:"status"`
}

// The rectification ledger over HTTP on the embedded server (issue #6): a
// bureau's approved return with four 存在问题 rows becomes four items; the
// bureau reports progress with evidence and asks for closure; the reviewer
// sends it back once with a reason, then closes it (销号); an office item
// joins the ledger; bad input is refused in Chinese and changes nothing;
// the ledger workbook shows it all.
func TestRectificationOverHTTP(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newStack(t, db)
		r := s.api.Do("POST", "/api/v1/orgs", []map[string]any{
			{"code": "fzb", "name": "临海市法治办", "kind": "office"},
			{"code": "rsj", "name": "临海市人力资源和社会保障局", "kind": "bureau", "parent_code": "fzb"},
			{"code": "scj", "name": "临海市市场监督管理局", "kind": "bureau", "parent_code": "fzb"},
		})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		reviewer := s.login("fzb-reviewer", "reviewer", "fzb")
		bureau := s.login("rsj-clerk", "bureau", "rsj")
		other := s.login("scj-clerk", "bureau", "scj")
		id := s.launchCycle("fzb", []string{"rsj", "scj"})
		path := "/api/v1/cycles/" + id + "/bureaus/rsj"

		// The return with its problems is submitted and approved.
		r = bureau.Do("GET", path+"/template", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		cat, err := catalogue.Builtin().ComposeFor("")
		require.NoError(t, err)
		filled, err := returntest.Fill(r.Body, returntest.Filled{Values: returntest.Plausible(cat), Info: returntest.Info, Problems: linhaiProblems})
		require.NoError(t, err)
		r = bureau.Upload("POST", path+"/submissions", apitest.Multipart{{Field: "file", Name: "报表.xlsx", Data: filled}})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		r = reviewer.Do("POST", path+"/reviews", map[string]any{"decision": "approve"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))

		// Each 存在问题 row becomes an item of the bureau, as written.
		list := func(as apitest.Client, query string) []rectRow {
			t.Helper()
			r := as.Do("GET", "/api/v1/cycles/"+id+"/rectifications"+query, nil)
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
			var rows []rectRow
			r.JSON(t, &rows)
			return rows
		}
		waitFor(t, 30*time.Second, "the four items of the approved return", func() bool {
			return len(list(reviewer, "")) == 4
		})
		items := map[string]rectRow{}
		for _, it := range list(bureau, "") {
			items[it.ItemID] = it
		}
		first, second := items["2025-r1-3"], items["2025-r1-4"]
		require.Equal(t, "自查发现（第1版存在问题第4行）", second.SourceLabel)
		require.Equal(t, linhaiProblems[1][1], second.Description)
		require.Equal(t, linhaiProblems[1][3], second.Measures)
		require.Equal(t, "政策法规科", second.Department)
		require.Equal(t, "李华", second.Person)
		require.Equal(t, "deadline", second.Category)
		require.Equal(t, "2030年6月30日", chinatime.FormatDate(*second.Due))
		require.Equal(t, "immediate", first.Category)
		require.NotNil(t, first.Due, "立行立改 without a date is due by the cycle's default")
		require.Equal(t, "ongoing", items["2025-r1-5"].Category)
		require.Equal(t, "open", second.Status)
		require.Empty(t, list(other, ""), "another bureau sees none of them")

		// Bad input is refused before anything is stored or sent.
		item := path + "/rectifications/" + second.ItemID
		big := append([]byte("%PDF-1.4\n"), make([]byte, 20<<20)...)
		for _, tc := range []struct {
			name   string
			as     apitest.Client
			do     func(apitest.Client) apitest.Response
			status int
			msg    string
		}{
			{"closing without evidence", bureau, upload(item+"/closure", "已整改完毕"), 409, "申请销号须提供整改佐证材料"},
			{"a bureau closing its own item", bureau, post(item+"/verification", map[string]any{"decision": "close"}), 403, "销号由法治办审核人员核验"},
			{"an evidence file too big", bureau, upload(item+"/progress", "见附件", evidence("扫描件.pdf", big)), 413, "“扫描件.pdf”"},
			{"an evidence file of a refused type", bureau, upload(item+"/progress", "见附件", evidence("整改.exe", []byte("MZ\x90\x00"))), 415, "“整改.exe”的文件类型不受支持"},
			{"an office item due in the past", reviewer, post(path+"/rectifications",
				map[string]any{"description": "政务公开栏目更新不及时", "category": "deadline", "due": "2021-12-31"}), 422, "已过"},
			{"a closure asked by the office", reviewer, upload(item+"/closure", "", evidence("报告.pdf", filetest.PDF("x"))), 403, "销号申请只能由责任单位提出"},
		} {
			res := tc.do(tc.as)
			require.Equal(t, tc.status, res.Status, "%s: %s", tc.name, res.Body)
			require.Contains(t, res.Err(t).Error.Message, tc.msg, tc.name)
		}
		var untouched struct {
			Status string            `json:"status"`
			Notes  []json.RawMessage `json:"notes"`
		}
		r = bureau.Do("GET", item, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &untouched)
		require.Equal(t, "open", untouched.Status)
		require.Empty(t, untouched.Notes)

		// Progress with evidence, then a closure request.
		act := func(as apitest.Client, do func(apitest.Client) apitest.Response, status int, want string) {
			t.Helper()
			res := do(as)
			require.Equal(t, status, res.Status, string(res.Body))
			var a rectAnswer
			res.JSON(t, &a)
			require.Equal(t, want, a.Status)
		}
		act(bureau, upload(item+"/progress", "已组织全局执法人员开展证据规则专题培训",
			evidence("培训通知.pdf", filetest.PDF("training")), evidence("培训现场.jpg", filetest.JPEG("training"))), 201, "in_progress")
		act(bureau, upload(item+"/closure", "案卷评查已完成，整改到位，申请销号", evidence("评查报告.docx", filetest.DOCX("review"))), 201, "closure_requested")
		// The reviewer sends it back once, with a reason; a reason is needed.
		res := reviewer.Do("POST", item+"/verification", map[string]any{"decision": "reject"})
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
		act(reviewer, post(item+"/verification", map[string]any{"decision": "reject", "reason": "评查报告未附整改前后的案卷对比，请补充"}), 200, "in_progress")
		act(bureau, upload(item+"/closure", "已补充整改前后案卷对比", evidence("案卷对比.xlsx", filetest.XLSX("compare"))), 201, "closure_requested")
		act(reviewer, post(item+"/verification", map[string]any{"decision": "close"}), 200, "closed")
		// Once closed, it takes nothing more.
		res = bureau.Upload("POST", item+"/progress", note("补充说明"))
		require.Equal(t, http.StatusConflict, res.Status, string(res.Body))

		// The item's history, and its evidence for the bureau only.
		var detail struct {
			Status string `json:"status"`
			Notes  []struct {
				Kind     string `json:"kind"`
				Text     string `json:"text"`
				Evidence []struct {
					Name string `json:"name"`
					URL  string `json:"url"`
				} `json:"evidence"`
			} `json:"notes"`
		}
		r = bureau.Do("GET", item, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &detail)
		require.Equal(t, "closed", detail.Status)
		var kinds []string
		for _, n := range detail.Notes {
			kinds = append(kinds, n.Kind)
		}
		require.Equal(t, []string{"progress", "closure_requested", "rejected", "closure_requested", "closed"}, kinds)
		require.Contains(t, detail.Notes[2].Text, "请补充")
		photo := detail.Notes[0].Evidence[1]
		require.Equal(t, "培训现场.jpg", photo.Name)
		r = bureau.Do("GET", photo.URL, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		require.Equal(t, filetest.JPEG("training"), r.Body)
		require.Equal(t, http.StatusNotFound, other.Do("GET", photo.URL, nil).Status)

		// The office adds a 督察 finding of its own.
		r = reviewer.Do("POST", path+"/rectifications", map[string]any{"description": "政务公开栏目更新不及时", "category": "限期整改",
			"due": "2030-03-31", "measures": "明确专人负责，每月更新", "source_ref": "临法治督〔2026〕2号"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var office rectAnswer
		r.JSON(t, &office)
		require.Equal(t, "2025-d1", office.ItemID)
		require.Equal(t, "open", office.Status)
		require.Len(t, list(bureau, ""), 5)

		// The ledger reflects it.
		r = reviewer.Do("GET", "/api/v1/cycles/"+id+"/ledger.xlsx", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		require.Contains(t, r.Header.Get("Content-Disposition"), "filename*=UTF-8''")
		wb, err := excelize.OpenReader(bytes.NewReader(r.Body))
		require.NoError(t, err)
		defer wb.Close()
		rows, err := wb.GetRows(ledgerxlsx.Sheet)
		require.NoError(t, err)
		require.Equal(t, "临海市法治办2025年度法治政府建设整改台账", rows[0][0])
		require.Equal(t, ledgerxlsx.Headers, rows[2])
		require.Len(t, rows, 3+5)
		var closed, finding []string
		for _, row := range rows[3:] {
			switch row[3] {
			case linhaiProblems[1][1].(string) + "\n原因：" + linhaiProblems[1][2].(string):
				closed = row
			case "政务公开栏目更新不及时":
				finding = row
			}
		}
		require.NotNil(t, closed)
		require.Equal(t, "临海市人力资源和社会保障局", closed[1])
		require.Equal(t, "自查发现（第1版存在问题第4行）", closed[2])
		require.Equal(t, "2030年6月30日（限期整改）", closed[7])
		require.Equal(t, "已销号", closed[9])
		require.Equal(t, chinatime.FormatDate(time.Now()), closed[10])
		for _, want := range []string{"专题培训（佐证材料2份）", "申请销号", "销号申请被退回：评查报告未附整改前后的案卷对比", "核验销号"} {
			require.Contains(t, closed[8], want)
		}
		require.Equal(t, 4, strings.Count(closed[8], "\n"), "one line per note")
		require.NotNil(t, finding)
		require.Equal(t, "督察交办（临法治督〔2026〕2号）", finding[2])
		ongoing := rows[3+items["2025-r1-5"].Serial-1]
		require.True(t, strings.HasPrefix(ongoing[7], "长期坚持（下次检查："), ongoing[7])

		recordFixtures(t, db, "v4", map[string]string{
			"rect-rejected-then-closed": wire.RectificationWorkflowID(id, "rsj", second.ItemID),
			"rect-ongoing-open":         wire.RectificationWorkflowID(id, "rsj", "2025-r1-5"),
			"rect-office-open":          wire.RectificationWorkflowID(id, "rsj", office.ItemID),
			"bureau-approved-items":     wire.BureauWorkflowID(id, "rsj"),
		}, "")
	})
}

func post(path string, body any) func(apitest.Client) apitest.Response {
	return func(c apitest.Client) apitest.Response { return c.Do("POST", path, body) }
}

func upload(path, text string, files ...apitest.Part) func(apitest.Client) apitest.Response {
	return func(c apitest.Client) apitest.Response { return c.Upload("POST", path, note(text, files...)) }
}

// note is a progress report's multipart body: a note and evidence files.
func note(text string, files ...apitest.Part) apitest.Multipart {
	return apitest.Form("note", text, files...)
}

func evidence(name string, data []byte) apitest.Part {
	return apitest.Part{Field: "evidence", Name: name, Data: data}
}
