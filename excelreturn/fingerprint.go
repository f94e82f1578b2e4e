package excelreturn

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strconv"

	"github.com/lawcycle/lawcycle/catalogue"
)

// Fingerprint is the structure fingerprint a template carries in its
// metadata sheet (hex sha256). It covers FormatID, the sheet layout, the
// catalogue's structure (catalogue.Catalogue.Fingerprint: parts and their
// versions, every section and indicator with key, name, unit, type, scale,
// bounds, choices and required) and the row every indicator sits on. Help
// texts, messages and cross-field rules are left out: they change what the
// server says about a value, not where the value is or how it is read, so
// fixing a typo in a help text does not turn templates already sent out
// into strangers.
func Fingerprint(c *catalogue.Catalogue) string {
	w := &fingerprintWriter{h: sha256.New(), buf: make([]byte, 0, 256)}
	w.line("format", FormatID)
	w.line(append([]string{"sheets"}, SheetGuide, SheetInfo, SheetIndicators, SheetProblems, SheetPlans, SheetMeta)...)
	for _, f := range InfoFields {
		w.line("info", f.Key, strconv.FormatBool(f.Prefill), strconv.FormatBool(f.Required))
	}
	w.line("info-cols", strconv.Itoa(InfoFirstRow), InfoLabelCol, InfoValueCol)
	w.line("indicator-cols", strconv.Itoa(IndicatorHeaderRow), strconv.Itoa(IndicatorFirstRow),
		ColCode, ColName, ColUnit, ColValue, ColLastYear, ColExplain, ColRequirement, ColKey)
	w.line(append([]string{"problems", strconv.Itoa(ProblemFirstRow), strconv.Itoa(ProblemInputRows)}, ProblemColumns...)...)
	w.line(append([]string{"categories"}, ProblemCategories...)...)
	w.line(append([]string{"plans", strconv.Itoa(PlanFirstRow), strconv.Itoa(PlanInputRows)}, PlanColumns...)...)

	// What each indicator cell means is the catalogue's structure; the
	// catalogue fingerprints it itself (parts, sections, indicators).
	w.line("catalogue", c.Fingerprint())
	for _, s := range IndicatorLayout(c) {
		w.line("section-row", s.Section.Key, strconv.Itoa(s.Row))
		for _, r := range s.Indicators {
			w.line("row", r.Indicator.Key, strconv.Itoa(r.Row), r.Code)
		}
	}
	return hex.EncodeToString(w.h.Sum(nil))
}

type fingerprintWriter struct {
	h   hash.Hash
	buf []byte
}

// line writes one record: quoted fields separated by spaces, so no field
// can run into the next.
func (w *fingerprintWriter) line(fields ...string) {
	w.buf = w.buf[:0]
	for i, f := range fields {
		if i > 0 {
			w.buf = append(w.buf, ' ')
		}
		w.buf = strconv.AppendQuote(w.buf, f)
	}
	w.buf = append(w.buf, '\n')
	_, _ = w.h.Write(w.buf)
}
