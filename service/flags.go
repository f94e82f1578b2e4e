package service

import (
	"encoding/json"
	"fmt"
)

func decodeFlags(raw string) ([]string, error) {
	flags := []string{}
	if raw == "" || raw == "null" {
		return flags, nil
	}
	if err := json.Unmarshal([]byte(raw), &flags); err != nil {
		return nil, fmt.Errorf("decode flags %q: %w", raw, err)
	}
	return flags, nil
}
