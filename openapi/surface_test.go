package openapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kinPath is the module whose types must not appear in the surface v1
// promises to keep.
const kinPath = "github.com/getkin/"

// escapeHatches are the exported members allowed to mention kin-openapi:
// they are documented outside the compatibility promise.
var escapeHatches = map[string]bool{"Document.Kin": true, "Operation.Kin": true}

// exportData builds the package at pattern and its dependencies and returns
// the export data file of each, by import path, so that go/types can read
// them as the compiler does.
func exportData(t *testing.T, pattern string) map[string]string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not available:", err)
	}
	cmd := exec.Command(goTool, "list", "-export", "-deps", "-json=ImportPath,Export", pattern)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	require.NoError(t, err, "go list -export")
	files := map[string]string{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct{ ImportPath, Export string }
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else {
			require.NoError(t, err)
		}
		files[p.ImportPath] = p.Export
	}
	return files
}

func exportImporter(fset *token.FileSet, files map[string]string) types.Importer {
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := files[path]
		if !ok || f == "" {
			return nil, fmt.Errorf("no export data for %q", path)
		}
		return os.Open(f)
	})
}

// kinLeaks lists the exported members of pkg whose types mention a
// kin-openapi type, other than the escape hatches: functions, methods,
// variables, constants, exported struct fields and interface methods,
// followed through unexported types of pkg that users can still reach.
func kinLeaks(pkg *types.Package, allowed map[string]bool) []string {
	var leaks []string
	seen := map[types.Type]bool{}
	var mentions func(t types.Type) bool
	mentions = func(t types.Type) bool {
		if seen[t] {
			return false
		}
		seen[t] = true
		defer delete(seen, t)
		switch t := t.(type) {
		case *types.Alias:
			if o := t.Obj(); o.Pkg() != nil && strings.HasPrefix(o.Pkg().Path(), kinPath) {
				return true
			}
			return mentions(types.Unalias(t))
		case *types.Named:
			o := t.Obj()
			if o.Pkg() != nil && strings.HasPrefix(o.Pkg().Path(), kinPath) {
				return true
			}
			for i := range t.TypeArgs().Len() {
				if mentions(t.TypeArgs().At(i)) {
					return true
				}
			}
			if o.Pkg() != pkg || o.Exported() {
				return false // another package's, or checked on its own
			}
			// An unexported type of ours: what users can reach of it.
			for i := range t.NumMethods() {
				if m := t.Method(i); m.Exported() && mentions(m.Type()) {
					return true
				}
			}
			return mentions(t.Underlying())
		case *types.Pointer:
			return mentions(t.Elem())
		case *types.Slice:
			return mentions(t.Elem())
		case *types.Array:
			return mentions(t.Elem())
		case *types.Chan:
			return mentions(t.Elem())
		case *types.Map:
			return mentions(t.Key()) || mentions(t.Elem())
		case *types.Signature:
			return mentions(t.Params()) || mentions(t.Results())
		case *types.Tuple:
			for i := range t.Len() {
				if mentions(t.At(i).Type()) {
					return true
				}
			}
		case *types.Struct:
			for i := range t.NumFields() {
				if f := t.Field(i); (f.Exported() || f.Embedded()) && mentions(f.Type()) {
					return true
				}
			}
		case *types.Interface:
			for i := range t.NumMethods() {
				if m := t.Method(i); m.Exported() && mentions(m.Type()) {
					return true
				}
			}
		}
		return false
	}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() || allowed[name] {
			continue
		}
		tn, isType := obj.(*types.TypeName)
		if !isType {
			if mentions(obj.Type()) {
				leaks = append(leaks, name)
			}
			continue
		}
		if tn.IsAlias() {
			if mentions(obj.Type()) {
				leaks = append(leaks, name)
			}
			continue
		}
		named := obj.Type().(*types.Named)
		switch u := named.Underlying().(type) {
		case *types.Struct:
			for i := range u.NumFields() {
				if f := u.Field(i); (f.Exported() || f.Embedded()) && !allowed[name+"."+f.Name()] && mentions(f.Type()) {
					leaks = append(leaks, name+"."+f.Name())
				}
			}
		case *types.Interface:
			for i := range u.NumMethods() {
				if m := u.Method(i); m.Exported() && !allowed[name+"."+m.Name()] && mentions(m.Type()) {
					leaks = append(leaks, name+"."+m.Name())
				}
			}
		default:
			if mentions(u) {
				leaks = append(leaks, name)
			}
		}
		for i := range named.NumMethods() {
			if m := named.Method(i); m.Exported() && !allowed[name+"."+m.Name()] && mentions(m.Type()) {
				leaks = append(leaks, name+"."+m.Name())
			}
		}
	}
	sort.Strings(leaks)
	return leaks
}

// No exported function, method, field, variable or type of the package
// mentions a kin-openapi type, except the documented escape hatches: a
// kin-openapi upgrade must not be able to break a mockapi v1 caller.
func TestNoKinTypeInTheSurface(t *testing.T) {
	t.Parallel()
	const self = "github.com/mockapi-go/mockapi/openapi"
	files := exportData(t, self)
	fset := token.NewFileSet()
	pkg, err := exportImporter(fset, files).Import(self)
	require.NoError(t, err)
	require.NotNil(t, pkg.Scope().Lookup("Document"), "the package was read")
	assert.Empty(t, kinLeaks(pkg, escapeHatches), "exported members that mention kin-openapi types")

	// The escape hatches are what they claim to be: the check can see them.
	assert.ElementsMatch(t, []string{"Document.Kin", "Operation.Kin"}, kinLeaks(pkg, nil))
}

// The packages that build on openapi (mock, share, auth, the Server, ...)
// keep kin-openapi out of their own signatures too: none of them has an
// escape hatch.
func TestNoKinTypeInAnyPublicPackage(t *testing.T) {
	t.Parallel()
	const module = "github.com/mockapi-go/mockapi"
	files := exportData(t, module+"/...")
	fset := token.NewFileSet()
	imp := exportImporter(fset, files)
	checked := 0
	for path := range files {
		if path != module && !strings.HasPrefix(path, module+"/") ||
			path == module+"/openapi" || strings.Contains(path, "/internal") || strings.Contains(path, "/examples") {
			continue
		}
		pkg, err := imp.Import(path)
		require.NoError(t, err)
		assert.Empty(t, kinLeaks(pkg, nil), "%s: exported members that mention kin-openapi types", path)
		checked++
	}
	assert.GreaterOrEqual(t, checked, 5, "mock, share, auth, store and the root package were checked")
}

// kinLeaks finds every way a kin-openapi type can reach a caller.
func TestKinLeaksFindsLeaks(t *testing.T) {
	t.Parallel()
	const src = `package leaky

import "github.com/getkin/kin-openapi/openapi3"

type Doc struct {
	T      *openapi3.T
	Name   string
	hidden *openapi3.T
}

func (d *Doc) Kin() *openapi3.T { return d.hidden }
func (d *Doc) Title() string    { return "" }

func ServerPath(s *openapi3.Server) string { return "" }

type inner struct{ P openapi3.Parameters }

func Inner() inner { return inner{} }

type Option func(*openapi3.T)

var Schemas []map[string]*openapi3.Schema

type Params = openapi3.Parameters

type Getter interface{ Get() openapi3.Responses }

type Clean struct{ hidden *openapi3.T }

func NewClean() Clean { return Clean{} }

type private struct{ t *openapi3.T }

func (private) Hidden() int { return 0 }

func Private() private { return private{} }
`
	files := exportData(t, "github.com/getkin/kin-openapi/openapi3")
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "leaky.go", src, parser.SkipObjectResolution)
	require.NoError(t, err)
	conf := types.Config{Importer: exportImporter(fset, files)}
	pkg, err := conf.Check("example.com/leaky", fset, []*ast.File{f}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"Doc.Kin", "Doc.T", "Getter.Get", "Inner", "Option", "Params", "Schemas", "ServerPath"},
		kinLeaks(pkg, nil))
	assert.Equal(t, []string{"Doc.T", "Getter.Get", "Inner", "Option", "Params", "Schemas", "ServerPath"},
		kinLeaks(pkg, map[string]bool{"Doc.Kin": true}))
}
