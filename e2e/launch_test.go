package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
)

// The first acceptance check, in-process: three bureaus, a cycle,
// a launch, and all three in awaiting_submission within seconds.
func TestLaunchBringsBureausToAwaitingSubmission(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newStack(t, db)
		codes := s.seed("fzb", 3)
		id := s.createCycle("fzb", codes)

		r := s.api.Do("POST", "/api/v1/cycles/"+id+"/launch", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var launched struct {
			Status string `json:"status"`
			Notice struct {
				DocNo string `json:"doc_no"`
				Title string `json:"title"`
			} `json:"notice"`
		}
		r.JSON(t, &launched)
		require.Equal(t, "open", launched.Status)
		require.Regexp(t, `^法治办〔\d{4}〕\d+号$`, launched.Notice.DocNo)
		require.Equal(t, "关于报送2025年度法治政府建设情况报告的通知", launched.Notice.Title)

		waitFor(t, 20*time.Second, "3 bureaus in awaiting_submission", func() bool {
			return s.cycle(id).Progress["awaiting_submission"] == 3
		})
		v := s.cycle(id)
		require.Equal(t, "open", v.Status)
		require.Equal(t, int64(0), v.Progress["pending"])
		waitFor(t, 10*time.Second, "fan-out recorded", func() bool { return s.cycle(id).FannedOutAt != nil })

		r = s.api.Do("GET", "/api/v1/cycles/"+id+"/bureaus", nil)
		require.Equal(t, http.StatusOK, r.Status)
		var rows []struct {
			OrgCode       string    `json:"org_code"`
			Stage         string    `json:"stage"`
			Round         int       `json:"round"`
			SubmissionDue time.Time `json:"submission_due"`
			Flags         []string  `json:"flags"`
		}
		r.JSON(t, &rows)
		require.Len(t, rows, 3)
		for i, row := range rows {
			require.Equal(t, codes[i], row.OrgCode)
			require.Equal(t, "awaiting_submission", row.Stage)
			require.Equal(t, 1, row.Round)
			require.Equal(t, "2027-03-01T23:59:59+08:00", row.SubmissionDue.Format(time.RFC3339))
			require.NotNil(t, row.Flags)
		}

		// The notice is stored with its full text and deadlines.
		r = s.api.Do("GET", "/api/v1/cycles/"+id+"/notice", nil)
		require.Equal(t, http.StatusOK, r.Status)
		var notice struct{ Body string }
		r.JSON(t, &notice)
		require.Contains(t, notice.Body, "请于2027年3月1日前")
		require.Contains(t, notice.Body, "应于2027年3月31日前")
		require.Contains(t, notice.Body, "fzb法治办")

		requireAwaitingSubmission(t, temporalClient, id, codes)

		// A second launch is refused and starts nothing new.
		r = s.api.Do("POST", "/api/v1/cycles/"+id+"/launch", nil)
		require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
		require.Contains(t, r.Err(t).Error.Message, "不能重复启动")
		var notices int64
		require.NoError(t, db.Model(&models.Notice{}).Where("cycle_id = ?", id).Count(&notices).Error)
		require.Equal(t, int64(1), notices)
	})
}
