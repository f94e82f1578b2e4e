package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
	"github.com/lawcycle/lawcycle/internal/returntest"
)

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	root := newRootCommand()
	root.SetOut(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

// `lawcycle template` writes a blank template that `lawcycle check`
// accepts once filled, and refuses, naming the cell, with a bad value.
func TestTemplateAndCheckCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	blank := filepath.Join(dir, "blank.xlsx")
	out, err := runCLI(t, "template", "--sector", "hrss", "--out", blank)
	require.NoError(t, err, out)
	require.Contains(t, out, "general@")
	require.Contains(t, out, "hrss@")

	_, err = runCLI(t, "template", "--sector", "nosuch", "--out", filepath.Join(dir, "x.xlsx"))
	require.ErrorContains(t, err, `unknown sector "nosuch"`)

	data, err := os.ReadFile(blank)
	require.NoError(t, err)
	cat, err := catalogue.Builtin().ComposeFor("hrss")
	require.NoError(t, err)
	values := returntest.Plausible(cat)
	write := func(name string, values map[string]any) string {
		// A blank template has no bureau prefilled: the bureau types its name.
		info := map[string]string{"org_name": "临海市人力资源和社会保障局"}
		for k, v := range returntest.Info {
			info[k] = v
		}
		filled, err := returntest.Fill(data, returntest.Filled{Values: values, Info: info})
		require.NoError(t, err)
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, filled, 0o644))
		return path
	}

	out, err = runCLI(t, "check", write("good.xlsx", values))
	require.NoError(t, err, out)
	require.Contains(t, out, "校验通过")

	values["review_cases"] = "十二件"
	out, err = runCLI(t, "check", write("bad.xlsx", values))
	require.ErrorIs(t, err, errReturnInvalid)
	require.Contains(t, out, "错误  "+excelreturn.SheetIndicators+"!D")
	require.Contains(t, out, "十二件")

	out, err = runCLI(t, "check", "--json", filepath.Join(dir, "bad.xlsx"))
	require.ErrorIs(t, err, errReturnInvalid)
	var res excelreturn.Result
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	require.Len(t, res.Errors, 1)
	require.Equal(t, "review_cases", res.Errors[0].Indicator)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("这不是表格"), 0o644))
	out, err = runCLI(t, "check", filepath.Join(dir, "notes.txt"))
	require.ErrorIs(t, err, errReturnInvalid)
	require.Contains(t, out, "错误  ")
}
