package httpkit

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
)

// Upload is one file of a multipart form.
type Upload struct {
	Name string
	Data []byte
}

// IsMultipart reports whether the request is a multipart form.
func IsMultipart(c *fiber.Ctx) bool {
	return strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm)
}

// FormFile reads the file of field, at most limit bytes; what names it in
// messages (「报表」). nil when the request is not a multipart form, the
// field is absent, or it is the empty file input a browser sends when
// nothing was chosen: whether a file is required is the caller's to say.
func FormFile(c *fiber.Ctx, field, what string, limit int64) (*Upload, error) {
	if !IsMultipart(c) {
		return nil, nil
	}
	fh, err := c.FormFile(field)
	if err != nil || (fh.Filename == "" && fh.Size == 0) {
		return nil, nil
	}
	if fh.Size > limit {
		return nil, apperr.TooLarge(fmt.Sprintf("上传的%s为 %.1f MB，超过 %d MB 的上限", what, float64(fh.Size)/(1<<20), limit>>20))
	}
	data, err := ReadPart(fh, limit)
	if err != nil {
		return nil, err
	}
	// The name outlives the request (stored, shown); Fiber lends it.
	return &Upload{Name: strings.Clone(fh.Filename), Data: data}, nil
}

// ReadPart reads one file of a multipart form, at most limit+1 bytes, so
// a caller can tell a file over the limit.
func ReadPart(fh *multipart.FileHeader, limit int64) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	return data, nil
}

// SendFile answers a download that is never cached; the name is encoded
// per RFC 6266 so Chinese names survive every browser, with an ASCII
// fallback that keeps the extension.
func SendFile(c *fiber.Ctx, name string, data []byte, contentType string) error {
	NoStore(c)
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, ContentDisposition(name))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	return c.Send(data)
}

// ContentDisposition is the attachment header for name.
func ContentDisposition(name string) string {
	return fmt.Sprintf(`attachment; filename="download%s"; filename*=UTF-8''%s`, extension(name), url.PathEscape(name))
}

func extension(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 && len(name)-i <= 6 && !strings.ContainsAny(name[i:], "\"\\/ ;\r\n") {
		return name[i:]
	}
	return ""
}
