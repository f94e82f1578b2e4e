package excelreturn_test

// Helpers that run the office tools bureaus' files pass through: openpyxl
// (Python) and LibreOffice Calc. Tests using them skip when a tool is absent,
// unless LAWCYCLE_REQUIRE_OFFICE_TOOLS is set (CI sets it), when they fail.
//
// Install on Debian/Ubuntu:
//
//	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
//	    python3-openpyxl libreoffice-calc-nogui

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// requireOfficeToolsEnv, when set, turns a missing office tool from a skip
// into a failure.
const requireOfficeToolsEnv = "LAWCYCLE_REQUIRE_OFFICE_TOOLS"

// officeToolTimeout bounds one run of a tool; LibreOffice's first start in a
// fresh profile takes a few seconds on a small machine.
const officeToolTimeout = 3 * time.Minute

// officeToolAbsent skips the test, or fails it when CI requires the tools.
func officeToolAbsent(t testing.TB, tool, why string) {
	t.Helper()
	if os.Getenv(requireOfficeToolsEnv) != "" {
		t.Fatalf("%s is required (%s is set) but not usable: %s", tool, requireOfficeToolsEnv, why)
	}
	t.Skipf("%s not usable (%s); install with `DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-openpyxl libreoffice-calc-nogui`; set %s=1 to fail instead of skipping",
		tool, why, requireOfficeToolsEnv)
}

// openpyxlPythonPath is the interpreter with the Debian python3-openpyxl
// package: the system one, not whatever python3 a version manager puts
// first on PATH.
const openpyxlPythonPath = "/usr/bin/python3"

var openpyxlProbe struct {
	once sync.Once
	why  string // empty when usable
}

// openpyxlPython returns the interpreter to run openpyxl scripts with, or
// skips/fails the test when openpyxl cannot be imported.
func openpyxlPython(t testing.TB) string {
	t.Helper()
	openpyxlProbe.once.Do(func() {
		out, err := exec.Command(openpyxlPythonPath, "-c", "import openpyxl").CombinedOutput()
		if err != nil {
			openpyxlProbe.why = strings.TrimSpace(err.Error() + ": " + string(out))
		}
	})
	if openpyxlProbe.why != "" {
		officeToolAbsent(t, "openpyxl", openpyxlProbe.why)
	}
	return openpyxlPythonPath
}

// openpyxlRun runs a Python script with openpyxl available and returns its
// standard output. A script name without a directory is taken from
// testdata/ (openpyxl_roundtrip.py, openpyxl_fill.py, openpyxl_inspect.py).
func openpyxlRun(t testing.TB, script string, args ...string) string {
	t.Helper()
	python := openpyxlPython(t)
	if !strings.ContainsRune(script, filepath.Separator) {
		script = filepath.Join("testdata", script)
	}
	ctx, cancel := context.WithTimeout(context.Background(), officeToolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, append([]string{script}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", python, strings.Join(append([]string{script}, args...), " "), err, stderr.String())
	}
	return stdout.String()
}

// openpyxlRoundTrip loads a workbook with openpyxl, saves it again and
// returns the saved bytes.
func openpyxlRoundTrip(t testing.TB, in []byte) []byte {
	t.Helper()
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "in.xlsx"), filepath.Join(dir, "out.xlsx")
	officeWriteFile(t, src, in)
	openpyxlRun(t, "openpyxl_roundtrip.py", src, dst)
	return officeReadFile(t, dst)
}

// openpyxlFill fills cells the way a person would and returns the saved
// workbook. Each assignment is 'SHEET!CELL=VALUE' with VALUE typed by a
// prefix (int:12, float:0.95, date:2024-12-16, str:…, none:).
func openpyxlFill(t testing.TB, in []byte, assignments ...string) []byte {
	t.Helper()
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "in.xlsx"), filepath.Join(dir, "out.xlsx")
	officeWriteFile(t, src, in)
	openpyxlRun(t, "openpyxl_fill.py", append([]string{src, dst}, assignments...)...)
	return officeReadFile(t, dst)
}

var libreofficeProbe struct {
	once sync.Once
	bin  string
	why  string
}

// libreofficeBinary finds libreoffice (or soffice) or skips/fails the test.
func libreofficeBinary(t testing.TB) string {
	t.Helper()
	libreofficeProbe.once.Do(func() {
		for _, name := range []string{"libreoffice", "soffice"} {
			if p, err := exec.LookPath(name); err == nil {
				libreofficeProbe.bin = p
				return
			}
		}
		libreofficeProbe.why = "neither libreoffice nor soffice on PATH"
	})
	if libreofficeProbe.bin == "" {
		officeToolAbsent(t, "LibreOffice", libreofficeProbe.why)
	}
	return libreofficeProbe.bin
}

// libreofficeConvert opens a file with LibreOffice Calc headless and saves
// it in another format, returning the result. inExt is the extension the
// input is given ("xlsx"); format is what --convert-to takes: "xlsx", "xls",
// "ods", or with an explicit filter, "xlsx:Calc MS Excel 2007 XML". Each
// call runs in its own profile and HOME, so parallel runs do not clash.
func libreofficeConvert(t testing.TB, in []byte, inExt, format string) []byte {
	t.Helper()
	bin := libreofficeBinary(t)
	dir := t.TempDir()
	srcDir, outDir, home := filepath.Join(dir, "src"), filepath.Join(dir, "out"), filepath.Join(dir, "home")
	for _, d := range []string{srcDir, outDir, home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	src := filepath.Join(srcDir, "return."+inExt)
	officeWriteFile(t, src, in)
	ctx, cancel := context.WithTimeout(context.Background(), officeToolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--norestore", "--nolockcheck",
		"--convert-to", format, "--outdir", outDir, src)
	cmd.Env = append(os.Environ(), "HOME="+home, "TMPDIR="+dir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("libreoffice --convert-to %s: %v\n%s", format, err, out.String())
	}
	ext, _, _ := strings.Cut(format, ":")
	dst := filepath.Join(outDir, "return."+ext)
	if _, err := os.Stat(dst); err != nil {
		t.Fatalf("libreoffice --convert-to %s wrote nothing: %v\n%s", format, err, out.String())
	}
	return officeReadFile(t, dst)
}

// libreofficeRoundTrip opens an .xlsx in LibreOffice Calc and saves it as
// .xlsx again, as a bureau using LibreOffice does.
func libreofficeRoundTrip(t testing.TB, in []byte) []byte {
	t.Helper()
	return libreofficeConvert(t, in, "xlsx", "xlsx")
}

func officeWriteFile(t testing.TB, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func officeReadFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
