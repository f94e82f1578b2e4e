package apitest

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http/httptest"
)

// Part is one file of a multipart upload, or, without a Name, a plain
// form field whose value is Data.
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
		create := func() (io.Writer, error) { return w.CreateFormFile(p.Field, p.Name) }
		if p.Name == "" {
			create = func() (io.Writer, error) { return w.CreateFormField(p.Field) }
		}
		fw, err := create()
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

// Form is a multipart body of one text field, left out when value is
// empty, and files.
func Form(field, value string, files ...Part) Multipart {
	m := Multipart{}
	if value != "" {
		m = append(m, Part{Field: field, Data: []byte(value)})
	}
	return append(m, files...)
}
