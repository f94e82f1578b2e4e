package catalogue_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/lawcycle/lawcycle/catalogue"
)

// composeEdited composes the builtin general part with its YAML edited.
func composeEdited(t *testing.T, old, new string) *catalogue.Catalogue {
	t.Helper()
	src, _ := catalogue.BuiltinSource("general")
	text := string(src)
	if old != "" {
		if !strings.Contains(text, old) {
			t.Fatalf("general.yaml has no %q", old)
		}
		text = strings.Replace(text, old, new, 1)
	}
	p, err := catalogue.Load([]byte(text), "general.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := catalogue.Compose(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFingerprint(t *testing.T) {
	src, _ := catalogue.BuiltinSource("general")
	// The blocks of two adjacent indicators, to swap them.
	text := string(src)
	i := strings.Index(text, "      - key: review_upheld\n")
	j := strings.Index(text, "      - key: review_corrected\n")
	k := strings.Index(text, "      - key: litigation_cases\n")
	if i < 0 || j < i || k < j {
		t.Fatal("general.yaml: review_upheld, review_corrected, litigation_cases not in that order")
	}
	upheld, corrected := text[i:j], text[j:k]

	base := composeEdited(t, "", "").Fingerprint()
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(base) {
		t.Fatalf("fingerprint %q is not hex sha256", base)
	}
	builtin, _ := catalogue.Builtin().ComposeFor("")
	if got := builtin.Fingerprint(); got != base {
		t.Errorf("the same structure gives %s and %s", got, base)
	}
	hrss := hrssCatalogue(t).Fingerprint()
	if hrss == base || hrss != hrssCatalogue(t).Fingerprint() {
		t.Errorf("hrss fingerprint %s: must differ from general and be stable", hrss)
	}

	tests := []struct {
		name     string
		old, new string
		changes  bool
	}{
		{"indicator name", "name: 行政复议案件数\n", "name: 行政复议案件总数\n", true},
		{"unit", "        unit: 次\n", "        unit: 场\n", true},
		{"type and scale", "        type: integer\n        required: true\n        help: >-\n          本年度本单位作为被申请人", "        type: decimal\n        scale: 1\n        required: true\n        help: >-\n          本年度本单位作为被申请人", true},
		{"bounds", "        scale: 1\n        help: >-\n          负责人出庭", "        scale: 1\n        min: 50\n        help: >-\n          负责人出庭", true},
		{"choices", "choices: [是, 否]", "choices: [否, 是]", true},
		{"required", "        required: true\n        help: >-\n          本年度党组", "        help: >-\n          本年度党组", true},
		{"section name", "name: 行政复议与行政应诉", "name: 行政复议和行政应诉", true},
		{"version", `version: "2025.1"`, `version: "2025.2"`, true},
		{"indicator key", "      - key: leader_law_report\n", "      - key: leader_reports_on_law\n", true},
		{"indicator order", upheld + corrected, corrected + upheld, true},
		// Rewording a help changes neither the cells nor their meaning.
		{"indicator help", "只传达文件、没有研究部署的不计。", "只传达文件而没有研究部署的不计。", false},
		{"section help", "本单位作为复议机关办理的案件不在此统计。", "本单位作为复议机关办理的案件不统计。", false},
		{"rule message", "message: 已审结的复议案件是复议案件的一部分，不能多于复议案件数", "message: 审结件数不能多于复议案件数", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := composeEdited(t, tt.old, tt.new).Fingerprint()
			if (got != base) != tt.changes {
				t.Errorf("changed = %v, want %v", got != base, tt.changes)
			}
		})
	}
}

// 100 and 100.0 are the same bound; writing it differently must not make
// old templates look foreign.
func TestFingerprintCanonicalBounds(t *testing.T) {
	a := composeEdited(t, "        scale: 1\n        help: >-\n          负责人出庭", "        scale: 1\n        max: 100\n        help: >-\n          负责人出庭")
	b := composeEdited(t, "        scale: 1\n        help: >-\n          负责人出庭", "        scale: 1\n        max: 100.0\n        help: >-\n          负责人出庭")
	if a.Fingerprint() != b.Fingerprint() {
		t.Error("max 100 and max 100.0 give different fingerprints")
	}
}
