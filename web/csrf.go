package web

import (
	"crypto/subtle"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Why a state-changing request was refused; recorded in the audit log.
const (
	reasonNoOrigin    = "origin_missing"
	reasonCrossOrigin = "origin_mismatch"
	reasonToken       = "csrf_token_mismatch"
)

// checkOrigin requires the request to come from a page of this site: the
// Origin header, or the Referer when a browser sends no Origin, must name
// the request's own scheme and host. A request carrying neither is
// refused; every browser the UI supports sends Origin on a form POST.
func checkOrigin(c *fiber.Ctx) string {
	from := c.Get(fiber.HeaderOrigin)
	if from == "" {
		from = c.Get(fiber.HeaderReferer)
	}
	if from == "" {
		return reasonNoOrigin
	}
	o, err := url.Parse(from)
	if err != nil || o.Host == "" || o.Opaque != "" {
		return reasonCrossOrigin
	}
	scheme := strings.ToLower(c.Protocol())
	if !strings.EqualFold(o.Scheme, scheme) ||
		!strings.EqualFold(withoutDefaultPort(o.Host, scheme), withoutDefaultPort(c.Hostname(), scheme)) {
		return reasonCrossOrigin
	}
	return ""
}

func withoutDefaultPort(host, scheme string) string {
	switch {
	case scheme == "http" && strings.HasSuffix(host, ":80"):
		return strings.TrimSuffix(host, ":80")
	case scheme == "https" && strings.HasSuffix(host, ":443"):
		return strings.TrimSuffix(host, ":443")
	}
	return host
}

// checkToken compares the form's csrf_token with want in constant time.
func checkToken(c *fiber.Ctx, want string) string {
	got := formValue(c, "csrf_token")
	if want == "" || len(got) != len(want) || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return reasonToken
	}
	return ""
}

// formValue reads a field of a url-encoded or multipart body, never the
// query string: tokens and passwords do not belong in URLs.
func formValue(c *fiber.Ctx, name string) string {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	switch {
	case strings.HasPrefix(ct, fiber.MIMEMultipartForm):
		form, err := c.MultipartForm()
		if err != nil || len(form.Value[name]) == 0 {
			return ""
		}
		return strings.Clone(form.Value[name][0])
	case strings.HasPrefix(ct, fiber.MIMEApplicationForm):
		return string(c.Request().PostArgs().Peek(name))
	}
	return ""
}
