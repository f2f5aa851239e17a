package society

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"testing"
)

// TestCapitalIsNotAGift: share money is capital and never enters the
// fighting fund, so the society imports neither the fund nor the gift
// packages; as a domain package it knows nothing of HTTP either.
func TestCapitalIsNotAGift(t *testing.T) {
	forbidden := map[string]bool{
		"github.com/coopress/coopress/internal/fund":      true,
		"github.com/coopress/coopress/internal/donation":  true,
		"github.com/coopress/coopress/internal/supporter": true,
		"net/http": true,
	}
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) < 5 {
		t.Fatalf("%d files, %v", len(files), err)
	}
	for _, f := range files {
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range parsed.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); forbidden[p] {
				t.Errorf("%s imports %s", f, p)
			}
		}
	}
}
