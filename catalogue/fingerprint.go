package catalogue

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// fingerprintFormat is hashed with the structure so that a change of what
// is hashed can never collide with an old fingerprint.
const fingerprintFormat = "lawcycle-catalogue-structure/1"

type fpIndicator struct {
	Key      string   `json:"key"`
	Name     string   `json:"name"`
	Unit     string   `json:"unit"`
	Type     Type     `json:"type"`
	Scale    int      `json:"scale"`
	Min      *string  `json:"min"`
	Max      *string  `json:"max"`
	Choices  []string `json:"choices"`
	Required bool     `json:"required"`
}

type fpSection struct {
	Key        string        `json:"key"`
	Name       string        `json:"name"`
	Indicators []fpIndicator `json:"indicators"`
}

type fpDoc struct {
	Format   string      `json:"format"`
	Parts    []string    `json:"parts"`
	Sections []fpSection `json:"sections"`
}

// Fingerprint is a hex SHA-256 of the catalogue's structure: the parts and
// every section and indicator as the template lays them out and the reader
// interprets them (keys, names, units, types, scales, bounds, choices,
// required), in order. A template carries it so a return filled on a
// different structure is recognised. Help texts, rules and flags are left
// out: rewording a help changes neither the cells nor their meaning.
//
// The structure is hashed as JSON of fixed structs: every string is quoted
// and escaped and every list delimited, so no two structures encode alike.
func (c *Catalogue) Fingerprint() string {
	doc := fpDoc{Format: fingerprintFormat, Parts: []string{}, Sections: []fpSection{}}
	for _, p := range c.Parts {
		doc.Parts = append(doc.Parts, p.String())
	}
	for _, s := range c.Sections {
		fs := fpSection{Key: s.Key, Name: s.Name, Indicators: []fpIndicator{}}
		for _, ind := range s.Indicators {
			fi := fpIndicator{
				Key: ind.Key, Name: ind.Name, Unit: ind.Unit, Type: ind.Type, Scale: ind.Scale,
				Choices: append([]string{}, ind.Choices...), Required: ind.Required,
			}
			// Canonical form, so 100 and 100.0 in the file hash alike.
			if ind.Min != nil {
				s := plain(*ind.Min)
				fi.Min = &s
			}
			if ind.Max != nil {
				s := plain(*ind.Max)
				fi.Max = &s
			}
			fs.Indicators = append(fs.Indicators, fi)
		}
		doc.Sections = append(doc.Sections, fs)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		// Only strings, ints and bools: marshalling cannot fail.
		panic("catalogue: fingerprint: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
