package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
)

// errReturnInvalid makes the exit status non-zero after the messages are printed.
var errReturnInvalid = errors.New("the return has errors")

func newCheckCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "check FILE.xlsx",
		Short: "validate a filled return offline and print its errors and warnings; exit status 1 on errors",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return fmt.Errorf("open %s: %w", args[0], err)
			}
			defer f.Close()
			st, err := f.Stat()
			if err != nil {
				return err
			}
			res, err := excelreturn.Parse(f, st.Size(), excelreturn.Expect{
				Resolve: catalogue.Builtin().ComposeLabel,
				Limits:  excelreturn.DefaultLimits(),
			})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				if err := enc.Encode(res); err != nil {
					return err
				}
			} else {
				printResult(out, args[0], res)
			}
			if !res.OK() {
				return errReturnInvalid
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the full result (values, errors, warnings) as JSON")
	return cmd
}

func printResult(w io.Writer, name string, res *excelreturn.Result) {
	for _, is := range res.Errors {
		fmt.Fprintf(w, "错误  %s\n", issueLine(is))
	}
	for _, is := range res.Warnings {
		fmt.Fprintf(w, "提醒  %s\n", issueLine(is))
	}
	switch {
	case !res.OK():
		fmt.Fprintf(w, "%s：%d 处错误，%d 处提醒。请修改错误后再报送。\n", name, len(res.Errors), len(res.Warnings))
	case len(res.Warnings) > 0:
		fmt.Fprintf(w, "%s：校验通过，有 %d 处提醒，请在“说明”列写明原因。\n", name, len(res.Warnings))
	default:
		fmt.Fprintf(w, "%s：校验通过。\n", name)
	}
}

func issueLine(is excelreturn.Issue) string {
	where := is.Sheet
	if is.Cell != "" {
		where += "!" + is.Cell
	}
	if is.IndicatorName != "" {
		where += " 「" + is.IndicatorName + "」"
	}
	if where == "" {
		return is.Message
	}
	return where + "：" + is.Message
}
