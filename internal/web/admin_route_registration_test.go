package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/dbtest"
)

// TestEveryAdminPatternGoesThroughAdminRoute reads the package's source.
// Every route is registered in routes.go: no other file calls Handle,
// HandleFunc or adminRoute (but adminRoute itself, which hands its wrapper
// to the mux), nor takes them as method values. In routes.go every
// pattern is a string literal, so this test sees it: a registration whose
// pattern is computed fails, except inside a local helper (page, signin),
// which passes its own pattern parameter on and whose calls are checked in
// turn. Every literal under /admin goes through adminRoute (so it has a
// rule and is in the recorded table), never straight on the mux or
// through a helper; and the recorded table is exactly the adminRoute calls
// in the source.
func TestEveryAdminPatternGoesThroughAdminRoute(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var viaAdminRoute []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		viaAdminRoute = append(viaAdminRoute, checkRegistrations(t, fset, name, f)...)
	}
	h := newHarness(t, dbtest.SQLite(t), withStaff())
	var recorded []string
	for _, r := range h.srv.AdminRoutes() {
		recorded = append(recorded, r.Pattern)
	}
	slices.Sort(recorded)
	slices.Sort(viaAdminRoute)
	if len(recorded) == 0 || !slices.Equal(recorded, viaAdminRoute) {
		t.Fatalf("recorded routes %v\nadminRoute calls in the source %v", recorded, viaAdminRoute)
	}
}

// checkRegistrations applies TestEveryAdminPatternGoesThroughAdminRoute's
// rules to one parsed file and returns the patterns it passes to
// adminRoute.
func checkRegistrations(t *testing.T, fset *token.FileSet, name string, f *ast.File) []string {
	t.Helper()
	adminPath := regexp.MustCompile(`^([A-Z]+ )?/admin(/|$)`)
	registers := map[string]bool{"Handle": true, "HandleFunc": true, "adminRoute": true}
	// helpers maps a local registering helper (page := func(pattern
	// string, …) { mux.Handle(pattern, …) }) to its pattern parameter.
	helpers := map[*ast.FuncLit]string{}
	if name == "routes.go" {
		ast.Inspect(f, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
				return true
			}
			id, ok1 := as.Lhs[0].(*ast.Ident)
			fl, ok2 := as.Rhs[0].(*ast.FuncLit)
			if ok1 && ok2 && len(fl.Type.Params.List) > 0 && len(fl.Type.Params.List[0].Names) > 0 {
				registers[id.Name] = true
				helpers[fl] = fl.Type.Params.List[0].Names[0].Name
			}
			return true
		})
	}
	var via []string
	for _, decl := range f.Decls {
		if fn, ok := decl.(*ast.FuncDecl); ok && fn.Name.Name == "adminRoute" && name == "admin.go" {
			continue // its mux.Handle is the registration it makes for routes.go
		}
		var inHelper []string // the pattern parameters of the helpers we are inside
		var walk func(n ast.Node) bool
		walk = func(n ast.Node) bool {
			if fl, ok := n.(*ast.FuncLit); ok {
				if param, ok := helpers[fl]; ok {
					inHelper = append(inHelper, param)
					ast.Inspect(fl.Body, walk)
					inHelper = inHelper[:len(inHelper)-1]
					return false
				}
			}
			if sel, ok := n.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Handle" || sel.Sel.Name == "HandleFunc") && name != "routes.go" {
				t.Errorf("%s: %s used outside routes.go", fset.Position(sel.Pos()), sel.Sel.Name)
			}
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			callee := ""
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				callee = fn.Sel.Name
			case *ast.Ident:
				callee = fn.Name
			}
			if !registers[callee] {
				return true
			}
			if name != "routes.go" {
				t.Errorf("%s: %s registers a route outside routes.go", fset.Position(call.Pos()), callee)
				return true
			}
			arg := call.Args[0] // adminRoute(mux, pattern, …); the others take the pattern first
			if callee == "adminRoute" && len(call.Args) > 1 {
				arg = call.Args[1]
			}
			lit, ok := arg.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				if id, ok := arg.(*ast.Ident); ok && slices.Contains(inHelper, id.Name) {
					return true // a helper passing on its own pattern; its callers are checked
				}
				t.Errorf("%s: %s's pattern is not a string literal: write the pattern out so that this check can see it",
					fset.Position(arg.Pos()), callee)
				return true
			}
			v, _ := strconv.Unquote(lit.Value)
			switch {
			case !adminPath.MatchString(v):
			case callee == "adminRoute":
				via = append(via, v)
			default:
				t.Errorf("%s: %s(%q) registers a staff route without adminRoute", fset.Position(lit.Pos()), callee, v)
			}
			return true
		}
		ast.Inspect(decl, walk)
	}
	return via
}
