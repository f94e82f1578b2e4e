package api

import (
	"bufio"
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/service"
)

func auditFilter(c *fiber.Ctx, defaultLimit int) (service.AuditFilter, error) {
	f := service.AuditFilter{Action: c.Query("action"), TargetID: c.Query("target_id"), Limit: defaultLimit}
	if raw := c.Query("after_seq"); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 0 {
			return f, apperr.Invalid("after_seq 应为非负整数", apperr.Field(-1, "after_seq", "取值无效"))
		}
		f.AfterSeq = n
	}
	if raw := c.Query("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return f, apperr.Invalid("limit 应为整数", apperr.Field(-1, "limit", "取值无效"))
		}
		f.Limit = n
	}
	return f, nil
}

// listAudit pages through the audit log (?action=&target_id=&after_seq=&limit=).
func (h *handlers) listAudit(c *fiber.Ctx) error {
	f, err := auditFilter(c, 100)
	if err != nil {
		return err
	}
	out, err := h.svc.ListAudit(c.UserContext(), principal(c), f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// exportAudit streams the whole (filtered) log as CSV for Excel: UTF-8 with
// a byte-order mark, Chinese headers, and cells that Excel would read as
// formulas defused.
func (h *handlers) exportAudit(c *fiber.Ctx) error {
	f, err := auditFilter(c, 0)
	if err != nil {
		return err
	}
	p := principal(c)
	name := "audit-" + chinatime.In(time.Now()).Format("20060102-150405") + ".csv"
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		// The request context ends with the handler; the export must not.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		_, _ = w.WriteString("\ufeff")
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"序号", "时间", "操作人", "角色", "机构", "操作", "对象类型", "对象", "变更前", "变更后", "请求编号", "哈希"})
		err := h.svc.EachAudit(ctx, p, f, func(e service.AuditEntry) error {
			return cw.Write([]string{
				strconv.FormatInt(e.Seq, 10), e.At.Format("2006-01-02 15:04:05"), cell(e.ActorName), e.ActorRole, cell(e.OrgCode),
				e.Action, e.TargetType, cell(e.TargetID), cell(string(e.Before)), cell(string(e.After)), e.RequestID, e.Hash,
			})
		})
		if err != nil {
			h.log.Error("audit export interrupted", "error", err)
			_ = cw.Write([]string{"导出中断：服务器内部错误，请重试"})
		}
		cw.Flush()
	})
	return nil
}

// cell keeps a value that starts like a formula from being evaluated when
// the file is opened in a spreadsheet (CSV injection).
func cell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
