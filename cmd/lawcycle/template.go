package main

import (
	"bytes"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
)

func newTemplateCommand() *cobra.Command {
	var out, sector string
	cmd := &cobra.Command{
		Use:   "template --out FILE",
		Short: "write a blank return template for a catalogue (general part plus --sector)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := catalogue.Builtin().ComposeFor(sector)
			if err != nil {
				return err
			}
			if sector != "" && len(cat.Parts) < 2 {
				return fmt.Errorf("unknown sector %q (built in: %v)", sector, catalogue.Builtin().Sectors())
			}
			var buf bytes.Buffer
			if err := excelreturn.WriteTemplate(&buf, excelreturn.TemplateInput{Catalogue: cat, GeneratedAt: time.Now()}); err != nil {
				return err
			}
			if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
				return fmt.Errorf("write %s: %w", out, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "已生成空白模板 %s（指标体系 %s，%d 项指标）\n", out, cat.Label(), len(cat.Indicators()))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "file to write (.xlsx)")
	cmd.Flags().StringVar(&sector, "sector", "", "sector extension to include, e.g. hrss")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}
