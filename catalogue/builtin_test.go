package catalogue_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/lawcycle/lawcycle/catalogue"
)

func hrssCatalogue(t *testing.T) *catalogue.Catalogue {
	t.Helper()
	c, err := catalogue.Builtin().ComposeFor("hrss")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The embedded files are loaded strictly: this test is what lets Builtin
// panic on them instead of returning an error nobody could handle.
func TestBuiltinFilesLoad(t *testing.T) {
	for _, id := range []string{"general", "hrss"} {
		data, ok := catalogue.BuiltinSource(id)
		if !ok {
			t.Fatalf("no builtin source for %s", id)
		}
		p, err := catalogue.Load(data, id+".yaml")
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if p.ID != id {
			t.Errorf("%s.yaml has id %q", id, p.ID)
		}
	}
}

func TestBuiltinComposes(t *testing.T) {
	r := catalogue.Builtin()
	tests := []struct {
		sector string
		label  string
	}{
		{"", "general@2025.1"},
		{"hrss", "general@2025.1+hrss@2025.1"},
		// A bureau whose sector has no part of its own fills the general one.
		{"sme", "general@2025.1"},
	}
	for _, tt := range tests {
		t.Run(tt.sector, func(t *testing.T) {
			c, err := r.ComposeFor(tt.sector)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Label(); got != tt.label {
				t.Errorf("Label = %q, want %q", got, tt.label)
			}
		})
	}
	if got := r.Sectors(); !slices.Equal(got, []string{"hrss"}) {
		t.Errorf("Sectors = %v, want [hrss]", got)
	}
}

func TestBuiltinSize(t *testing.T) {
	c := hrssCatalogue(t)
	if n := len(c.Sections); n < 8 {
		t.Errorf("%d sections, want at least 8", n)
	}
	if n := len(c.Indicators()); n < 40 {
		t.Errorf("%d indicators, want at least 40", n)
	}
	general, _ := catalogue.Builtin().ComposeFor("")
	wantSections := []string{
		"leadership", "review_litigation", "normative_documents", "major_decisions",
		"enforcement_systems", "enforcement_staff", "legal_education", "government_openness",
	}
	var got []string
	for _, s := range general.Sections {
		got = append(got, s.Key)
	}
	if !slices.Equal(got, wantSections) {
		t.Errorf("general sections = %v\nwant %v", got, wantSections)
	}
}

// Every text a person reads must be there and say why: help of every
// indicator, help and message of every rule and flag.
func TestBuiltinTexts(t *testing.T) {
	c := hrssCatalogue(t)
	for _, ind := range c.Indicators() {
		if len([]rune(ind.Help)) < 15 {
			t.Errorf("indicator %s: help %q is too short to say what to count", ind.Key, ind.Help)
		}
	}
	for _, r := range c.Rules {
		if strings.TrimSpace(r.Help) == "" || strings.TrimSpace(r.Message) == "" {
			t.Errorf("rule %s lacks help or message", r.Key)
		}
	}
	for _, f := range c.Flags {
		if strings.TrimSpace(f.Help) == "" || strings.TrimSpace(f.Message) == "" {
			t.Errorf("flag %s lacks help or message", f.Key)
		}
	}
}

// The content decisions docs/domain.md#catalogue asks for, pinned so a later edit of the
// YAML cannot quietly undo them.
func TestBuiltinContent(t *testing.T) {
	c := hrssCatalogue(t)
	types := map[catalogue.Type]int{}
	for _, ind := range c.Indicators() {
		types[ind.Type]++
		switch {
		case ind.Unit == "万元" && (ind.Type != catalogue.Decimal || ind.Scale != 6):
			t.Errorf("%s: 万元 must be decimal with scale 6, is %s scale %d", ind.Key, ind.Type, ind.Scale)
		case strings.Contains(ind.Name, "率") && ind.Type != catalogue.Percent:
			t.Errorf("%s: a rate must be a percent, is %s", ind.Key, ind.Type)
		}
	}
	for _, typ := range []catalogue.Type{catalogue.Integer, catalogue.Decimal, catalogue.Percent, catalogue.Text, catalogue.Date, catalogue.Choice} {
		if types[typ] == 0 {
			t.Errorf("no %s indicator", typ)
		}
	}
	if ind, _ := c.Indicator("leader_law_report"); ind == nil || !slices.Equal(ind.Choices, []string{"是", "否"}) || !ind.Required {
		t.Errorf("leader_law_report must be a required 是/否 choice: %+v", ind)
	}
	if ind, _ := c.Indicator("legal_education_plan_date"); ind == nil || ind.Type != catalogue.Date {
		t.Errorf("legal_education_plan_date must be a date: %+v", ind)
	}

	rules := map[string]catalogue.Rule{}
	for _, r := range c.Rules {
		rules[r.Key] = r
	}
	// Errors only where no honest return can break the rule; warnings where
	// carried-over cases or counting by hearing can (docs/domain.md#catalogue).
	severities := map[string]catalogue.Severity{
		"review_closed_within_cases":                catalogue.SeverityError,
		"review_outcomes_within_closed":             catalogue.SeverityError,
		"litigation_outcomes_within_closed":         catalogue.SeverityError,
		"leader_appearance_within_litigation":       catalogue.SeverityWarning,
		"work_injury_decisions_within_applications": catalogue.SeverityWarning,
		"arbitration_closed_within_accepted":        catalogue.SeverityWarning,
		"arbitration_mediated_within_closed":        catalogue.SeverityError,
		"litigation_needs_leader_appearance":        catalogue.SeverityWarning,
		"penalties_all_published":                   catalogue.SeverityWarning,
		"random_joint_within_total":                 catalogue.SeverityError,
		"normative_reviewed_within_issued":          catalogue.SeverityError,
		"normative_all_reviewed":                    catalogue.SeverityWarning,
		"licences_granted_within_decided":           catalogue.SeverityError,
		"certified_within_staff":                    catalogue.SeverityError,
		"withdrawn_within_requests":                 catalogue.SeverityError,
		"decisions_reviewed_within_made":            catalogue.SeverityError,
		"penalty_within_inspection_cases":           catalogue.SeverityWarning,
		"no_proof_within_service_items":             catalogue.SeverityWarning,
		"work_injury_needs_decisions":               catalogue.SeverityWarning,
		"litigation_closed_within_cases":            catalogue.SeverityError,
	}
	for key, want := range severities {
		r, ok := rules[key]
		if !ok {
			t.Errorf("rule %s missing", key)
			continue
		}
		if r.Severity != want {
			t.Errorf("rule %s severity %s, want %s", key, r.Severity, want)
		}
	}
	for _, r := range c.Rules {
		if r.Kind == catalogue.RuleRequires && r.Severity != catalogue.SeverityWarning {
			t.Errorf("requires rule %s is %s: a blank follow-up may have a reason, so it is a warning", r.Key, r.Severity)
		}
	}
	flags := map[string]catalogue.Flag{}
	for _, f := range c.Flags {
		flags[f.Key] = f
	}
	if f := flags["leader_appearance_below_full"]; f.Kind != catalogue.FlagThreshold || f.Indicator != "leader_appearance_rate" || f.Op != "<" || f.Value == nil || f.Value.String() != "100" {
		t.Errorf("leader_appearance_below_full = %+v, want leader_appearance_rate < 100", f)
	}
	for _, key := range []string{"general_change_vs_last_year", "hrss_change_vs_last_year"} {
		if f := flags[key]; f.Kind != catalogue.FlagChange || f.Ratio == nil || f.Ratio.String() != "0.5" {
			t.Errorf("%s = %+v, want a change flag with ratio 0.5", key, f)
		}
	}
}

// The parts' general instructions travel with the composition, general
// first, so the template can show them.
func TestComposeKeepsPartHelp(t *testing.T) {
	cat, err := catalogue.Builtin().ComposeFor("hrss")
	if err != nil {
		t.Fatal(err)
	}
	general, _ := catalogue.Builtin().Latest("general")
	hrss, _ := catalogue.Builtin().Latest("hrss")
	var want []string
	for _, p := range []*catalogue.Part{general, hrss} {
		if p.Help != "" {
			want = append(want, p.Help)
		}
	}
	if len(want) == 0 || !slices.Equal(cat.Help, want) {
		t.Fatalf("Help = %q, want %q", cat.Help, want)
	}
}
