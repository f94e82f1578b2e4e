package apitest

// Actors of the authorisation matrices (api/authz_test.go and
// web/authz_test.go): every role, bound to the organisation that owns the
// resources under test ("own") or to another office's ("other").
const (
	Anon          = "anonymous"
	Platform      = "platform_admin"
	AdminOwn      = "admin/own"
	AdminOther    = "admin/other"
	ReviewerOwn   = "reviewer/own"
	ReviewerOther = "reviewer/other"
	BureauOwn     = "bureau/own"
	BureauOther   = "bureau/other"
	Viewer        = "viewer"
	ViewerOther   = "viewer/ungranted"
)

// Actors lists them all.
var Actors = []string{Anon, Platform, AdminOwn, AdminOther, ReviewerOwn, ReviewerOther, BureauOwn, BureauOther, Viewer, ViewerOther}

// Statuses gives the expected status per actor; "*" is everyone else.
type Statuses map[string]int

// Of is the status expected for actor.
func (s Statuses) Of(actor string) int {
	if v, ok := s[actor]; ok {
		return v
	}
	return s["*"]
}
