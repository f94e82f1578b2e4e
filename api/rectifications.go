package api

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/httpkit"
	"github.com/lawcycle/lawcycle/service"
)

// evidenceLimit is the body limit of the routes that take evidence: the
// files' total and room for the note and the multipart framing.
const evidenceLimit = service.MaxEvidenceTotal + 1<<20

// Multipart fields of a progress report or closure request.
const (
	fieldNote     = "note"
	fieldEvidence = "evidence"
)

func (h *handlers) listRectifications(c *fiber.Ctx) error {
	f, err := rectFilter(c)
	if err != nil {
		return err
	}
	out, err := h.svc.ListRectifications(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// ledger answers the ledger workbook, named in Chinese after the office
// and year.
func (h *handlers) ledger(c *fiber.Ctx) error {
	f, err := rectFilter(c)
	if err != nil {
		return err
	}
	file, err := h.svc.Ledger(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return sendFile(c, file, service.ContentTypeXLSX)
}

// rectFilter reads the list's query: org, status, category, overdue, and
// paging by serial (after, limit).
func rectFilter(c *fiber.Ctx) (service.RectFilter, error) {
	f := service.RectFilter{Org: c.Query("org"), Status: c.Query("status"), Category: c.Query("category")}
	switch c.Query("overdue") {
	case "", "false", "0":
	case "true", "1":
		f.Overdue = true
	default:
		return f, apperr.Invalid(fmt.Sprintf("overdue 只能是 true 或 false，实际为“%s”", c.Query("overdue")),
			apperr.Field(-1, "overdue", "取值无效"))
	}
	for _, q := range []struct {
		name string
		dst  *int
	}{{"after", &f.After}, {"limit", &f.Limit}} {
		raw := c.Query(q.name)
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			return f, apperr.Invalid(fmt.Sprintf("%s 应为整数，实际为“%s”", q.name, raw), apperr.Field(-1, q.name, "取值无效"))
		}
		*q.dst = n
	}
	return f, nil
}

func (h *handlers) getRectification(c *fiber.Ctx) error {
	out, err := h.svc.GetRectification(c.UserContext(), principal(c), c.Params("id"), c.Params("org"), c.Params("item"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// rectProgress takes a progress report or closure request: a multipart
// body with a note and evidence files.
func (h *handlers) rectProgress(closure bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := progressForm(c)
		if err != nil {
			return err
		}
		op := h.svc.ReportRectProgress
		if closure {
			op = h.svc.RequestRectClosure
		}
		out, err := op(c.UserContext(), principal(c), c.Params("id"), c.Params("org"), c.Params("item"), in)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(out)
	}
}

// progressForm reads the note and the evidence files. A file over the
// size limit is passed on unread, for the service to refuse by name.
func progressForm(c *fiber.Ctx) (service.RectProgressInput, error) {
	var in service.RectProgressInput
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if !strings.HasPrefix(ct, fiber.MIMEMultipartForm) {
		return in, apperr.UnsupportedMedia("请用 multipart/form-data 提交（字段 note 为说明，evidence 为佐证材料，可多个）")
	}
	form, err := c.MultipartForm()
	if err != nil {
		return in, apperr.Invalid("请求体不是有效的 multipart/form-data")
	}
	for name := range form.Value {
		if name != fieldNote {
			return in, apperr.Invalid(fmt.Sprintf("未知字段“%s”：说明请用字段 note", name), apperr.Field(-1, name, "未知字段"))
		}
	}
	for name := range form.File {
		if name != fieldEvidence {
			return in, apperr.Invalid(fmt.Sprintf("未知字段“%s”：佐证材料请用字段 evidence 上传", name), apperr.Field(-1, name, "未知字段"))
		}
	}
	if notes := form.Value[fieldNote]; len(notes) > 0 {
		in.Note = notes[0]
	}
	for _, fh := range form.File[fieldEvidence] {
		up := service.EvidenceUpload{Name: fh.Filename, Size: fh.Size}
		if fh.Size <= service.MaxEvidenceSize {
			if up.Data, err = httpkit.ReadPart(fh, service.MaxEvidenceSize); err != nil {
				return in, err
			}
		}
		in.Evidence = append(in.Evidence, up)
	}
	return in, nil
}

func (h *handlers) verifyRectification(c *fiber.Ctx) error {
	var in service.RectVerifyInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	out, err := h.svc.VerifyRectification(c.UserContext(), principal(c), c.Params("id"), c.Params("org"), c.Params("item"), in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *handlers) rectEvidence(c *fiber.Ctx) error {
	f, ct, err := h.svc.RectEvidenceFile(c.UserContext(), principal(c), c.Params("id"), c.Params("org"), c.Params("item"), c.Params("sha"))
	if err != nil {
		return err
	}
	return sendFile(c, f, ct)
}
