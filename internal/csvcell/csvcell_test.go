package csvcell

import "testing"

func TestSafe(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "",
		"Ann Reader":            "Ann Reader",
		"=cmd|' /C calc'!A0":    "'=cmd|' /C calc'!A0",
		"+44 113 000":           "'+44 113 000",
		"@SUM(A1)":              "'@SUM(A1)",
		"\t=1+1":                "'\t=1+1",
		"\r=1+1":                "'\r=1+1",
		"-12.50":                "-12.50",
		"-12":                   "-12",
		"-1+1":                  "'-1+1",
		"-Inf":                  "'-Inf",
		"-1e9":                  "'-1e9",
		"-.5":                   "'-.5",
		"-":                     "'-",
		"12.50":                 "12.50",
		"a=1":                   "a=1",
		"HYPERLINK(\"x\")":      "HYPERLINK(\"x\")",
		"-=HYPERLINK(\"evil\")": "'-=HYPERLINK(\"evil\")",
	} {
		if got := Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
	}
}
