package api

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/excelreturn"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/internal/httpkit"
	"github.com/lawcycle/lawcycle/service"
)

// Upload limits: the return and the report travel in one multipart body.
var (
	maxReturnSize = excelreturn.DefaultLimits().MaxFileSize
	uploadLimit   = int(maxReturnSize + filestore.MaxReportSize + 1<<20)
)

func (h *handlers) downloadTemplate(c *fiber.Ctx) error {
	f, err := h.svc.Template(c.UserContext(), principal(c), c.Params("id"), c.Params("org"))
	if err != nil {
		return err
	}
	return sendFile(c, f, service.ContentTypeXLSX)
}

// submitReturn takes the multipart upload of docs/api.md. An invalid return is
// answered 422 with one detail per cell, or, when the client accepts a
// workbook, with the bureau's own workbook annotated.
func (h *handlers) submitReturn(c *fiber.Ctx) error {
	file, err := formFile(c, "file", true)
	if err != nil {
		return err
	}
	report, err := formFile(c, "report", false)
	if err != nil {
		return err
	}
	p := principal(c)
	out, err := h.svc.Submit(c.UserContext(), p, c.Params("id"), c.Params("org"), *file, report)
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Code == apperr.CodeValidation && wantsWorkbook(c) {
			return h.annotatedRefusal(c, p, *file)
		}
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *handlers) annotatedRefusal(c *fiber.Ctx, p service.Principal, file service.Upload) error {
	_, res, err := h.svc.Check(c.UserContext(), p, c.Params("id"), c.Params("org"), file)
	if err != nil {
		return err
	}
	f, err := service.Annotated(file, res)
	if err != nil {
		return err
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return sendFile(c, f, service.ContentTypeXLSX)
}

// checkReturn validates without submitting: JSON by default, the annotated
// workbook with ?format=xlsx.
func (h *handlers) checkReturn(c *fiber.Ctx) error {
	file, err := formFile(c, "file", true)
	if err != nil {
		return err
	}
	out, res, err := h.svc.Check(c.UserContext(), principal(c), c.Params("id"), c.Params("org"), *file)
	if err != nil {
		return err
	}
	switch c.Query("format") {
	case "", "json":
		return c.JSON(out)
	case "xlsx":
		f, err := service.Annotated(*file, res)
		if err != nil {
			return err
		}
		return sendFile(c, f, service.ContentTypeXLSX)
	}
	return apperr.Invalid("format 只能是 json 或 xlsx", apperr.Field(-1, "format", "取值无效"))
}

func (h *handlers) listSubmissions(c *fiber.Ctx) error {
	out, err := h.svc.ListSubmissions(c.UserContext(), principal(c), c.Params("id"), c.Params("org"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *handlers) getSubmission(c *fiber.Ctx) error {
	v, err := versionParam(c)
	if err != nil {
		return err
	}
	out, err := h.svc.GetSubmission(c.UserContext(), principal(c), c.Params("id"), c.Params("org"), v)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *handlers) submissionFile(which string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := versionParam(c)
		if err != nil {
			return err
		}
		f, ct, err := h.svc.SubmissionFile(c.UserContext(), principal(c), c.Params("id"), c.Params("org"), v, which)
		if err != nil {
			return err
		}
		return sendFile(c, f, ct)
	}
}

func (h *handlers) annotatedSubmission(c *fiber.Ctx) error {
	v, err := versionParam(c)
	if err != nil {
		return err
	}
	f, err := h.svc.AnnotatedSubmission(c.UserContext(), principal(c), c.Params("id"), c.Params("org"), v)
	if err != nil {
		return err
	}
	return sendFile(c, f, service.ContentTypeXLSX)
}

func versionParam(c *fiber.Ctx) (int, error) {
	v, err := strconv.Atoi(c.Params("version"))
	if err != nil || v < 1 {
		return 0, apperr.Invalid(fmt.Sprintf("版本号“%s”无效，应为从 1 开始的整数", c.Params("version")))
	}
	return v, nil
}

// formFile reads one part of a multipart upload. The whole body is already
// bounded by the route's limit; each part is bounded again here.
func formFile(c *fiber.Ctx, field string, required bool) (*service.Upload, error) {
	if !httpkit.IsMultipart(c) {
		return nil, apperr.UnsupportedMedia("请用 multipart/form-data 上传文件（字段 file 为报表，report 为报告）")
	}
	limit, what := maxReturnSize, "报表"
	if field == "report" {
		limit, what = filestore.MaxReportSize, "报告"
	}
	up, err := httpkit.FormFile(c, field, what, limit)
	if err != nil {
		return nil, err
	}
	if up == nil {
		if required {
			return nil, apperr.Invalid(fmt.Sprintf("缺少上传字段“%s”", field), apperr.Field(-1, field, "请选择要上传的文件"))
		}
		return nil, nil
	}
	return (*service.Upload)(up), nil
}

func wantsWorkbook(c *fiber.Ctx) bool {
	return strings.Contains(c.Get(fiber.HeaderAccept), service.ContentTypeXLSX)
}

// sendFile answers a download (httpkit.SendFile).
func sendFile(c *fiber.Ctx, f service.TemplateFile, contentType string) error {
	return httpkit.SendFile(c, f.Name, f.Data, contentType)
}
