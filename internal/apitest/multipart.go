package apitest

import (
	"bytes"
	"mime/multipart"
	"net/http/httptest"
)

// Part is one file of a multipart upload.
type Part struct {
	Field, Name string
	Data        []byte
}

// Multipart is a request body carrying files, as a browser's upload form
// sends them.
type Multipart []Part

// Encode returns the body and its content type.
func (m Multipart) Encode() ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range m {
		fw, err := w.CreateFormFile(p.Field, p.Name)
		if err != nil {
			return nil, "", err
		}
		if _, err := fw.Write(p.Data); err != nil {
			return nil, "", err
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

// Upload sends files as multipart/form-data; extra headers (e.g. Accept)
// are set as given.
func (c Client) Upload(method, path string, m Multipart, headers ...string) Response {
	c.T.Helper()
	body, ct, err := m.Encode()
	if err != nil {
		c.T.Fatal(err)
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	return c.Raw(req)
}

// Send sends a raw body with the given content type.
func (c Client) Send(method, path, contentType string, body []byte) Response {
	c.T.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	return c.Raw(req)
}
