package openapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
)

// MaxDocumentSize is the largest document the loader reads (64 MiB); the
// largest public API descriptions are around 13 MB.
const MaxDocumentSize = 64 << 20

// Option configures loading.
type Option func(*config)

type config struct {
	strict bool
	client *http.Client
	name   string
}

// Strict makes problems that are normally warnings (the document fails
// kin-openapi's validation: examples or defaults that contradict their
// schema, patterns RE2 cannot compile, conflicting paths, ...) errors.
func Strict() Option { return func(c *config) { c.strict = true } }

// WithHTTPClient sets the client used by LoadURL and for http(s) $refs. The
// default is a client with a 30 s timeout.
func WithHTTPClient(c *http.Client) Option { return func(cfg *config) { cfg.client = c } }

// WithName sets the name errors and warnings use for a document given as
// bytes (the default is "document").
func WithName(name string) Option { return func(c *config) { c.name = name } }

// LoadError is a document that cannot be used, with where the problem is.
type LoadError struct {
	File    string // file path, URL or name of the document
	Pointer string // JSON pointer of the offending value; "" for the whole document
	Line    int    // 1-based line, 0 when unknown
	Err     error
}

// Error renders "openapi: FILE:LINE: POINTER: cause".
func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString("openapi: ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Pointer != "" {
		b.WriteString(": ")
		b.WriteString(pointerPath(e.Pointer))
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *LoadError) Unwrap() error { return e.Err }

// Sentinel causes of a LoadError, for errors.Is.
var (
	ErrNotAPI      = errors.New("not an OpenAPI or Swagger description")
	ErrUnsupported = errors.New("unsupported OpenAPI version")
	// ErrExternalRef: a document given as bytes refers to other files;
	// Bundle makes one self-contained document of it.
	ErrExternalRef = errors.New("a document given as bytes cannot refer to other files")
)

// Warning is a problem the loader found and tolerated.
type Warning struct {
	Pointer string // JSON pointer of the value concerned, "" when unknown
	Line    int    // 1-based line, 0 when unknown
	Message string
}

// String renders "line N: a.b.c: message".
func (w Warning) String() string {
	loc := pointerPath(w.Pointer)
	if w.Line > 0 {
		loc = fmt.Sprintf("line %d: %s", w.Line, loc)
	}
	if loc == "" {
		return w.Message
	}
	return loc + ": " + w.Message
}

// Path is the Pointer as people read a document: "/paths/~1pets/get" is
// "paths./pets.get"; "" when the pointer is unknown.
func (w Warning) Path() string { return pointerPath(w.Pointer) }

// pointerPath renders a JSON pointer the way people read a document:
// "/paths/~1pets/get" becomes "paths./pets.get".
func pointerPath(p string) string {
	return strings.Join(splitPointer(p), ".")
}

// Parse loads a document from bytes. Relative external $refs cannot be
// resolved without a location: use LoadFile or LoadFS for multi-file
// documents.
func Parse(ctx context.Context, data []byte, opts ...Option) (*Document, error) {
	cfg := newConfig(opts)
	name := cfg.name
	if name == "" {
		name = "document"
	}
	loader := openapi3.NewLoader()
	loader.Context = ctx
	// A document given as bytes (an upload, say) reads no files and no URLs.
	loader.IsExternalRefsAllowed = false
	loader.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
		return nil, fmt.Errorf("external $ref %q: %w", u, ErrExternalRef)
	}
	return load(ctx, data, name, nil, nil, loader, cfg)
}

// LoadFile loads a document from a file; relative $refs are read from the
// file's directory and cannot leave it (by ".." or by a symbolic link), and
// http(s) $refs are fetched.
func LoadFile(ctx context.Context, file string, opts ...Option) (*Document, error) {
	cfg := newConfig(opts)
	data, err := readLimited(func() (io.ReadCloser, error) { return os.Open(file) })
	if err != nil {
		return nil, &LoadError{File: file, Err: err}
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, &LoadError{File: file, Err: err}
	}
	dir := filepath.Dir(abs)
	fromDir := fileRefReader(dir)
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
		if u.Scheme == "http" || u.Scheme == "https" {
			return readHTTP(ctx, cfg.client, u.String())
		}
		return fromDir(u)
	}
	return load(ctx, data, file, &url.URL{Path: filepath.ToSlash(abs)}, dirFiles(dir), loader, cfg)
}

// LoadFS loads the document at name in fsys; relative $refs are read from
// fsys and cannot leave it.
func LoadFS(ctx context.Context, fsys fs.FS, name string, opts ...Option) (*Document, error) {
	cfg := newConfig(opts)
	data, err := readLimited(func() (io.ReadCloser, error) { return fsys.Open(name) })
	if err != nil {
		return nil, &LoadError{File: name, Err: err}
	}
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
		if u.Scheme != "" || u.Host != "" {
			return nil, fmt.Errorf("external $ref %q: only files inside the file system can be referred to", u)
		}
		p := strings.TrimPrefix(path.Clean(u.Path), "/")
		if !fs.ValidPath(p) {
			return nil, fmt.Errorf("external $ref %q leaves the file system", u)
		}
		return readRegular(fsys, p, MaxDocumentSize)
	}
	files, err := fs.Sub(fsys, path.Dir(strings.TrimPrefix(path.Clean(name), "/")))
	if err != nil {
		return nil, &LoadError{File: name, Err: err}
	}
	return load(ctx, data, name, &url.URL{Path: "/" + strings.TrimPrefix(path.Clean(name), "/")}, files, loader, cfg)
}

// LoadURL loads a document over http(s); relative $refs are fetched relative
// to its URL.
func LoadURL(ctx context.Context, rawURL string, opts ...Option) (*Document, error) {
	cfg := newConfig(opts)
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &LoadError{File: rawURL, Err: errors.New("not an http(s) URL")}
	}
	data, err := readHTTP(ctx, cfg.client, rawURL)
	if err != nil {
		return nil, &LoadError{File: rawURL, Err: err}
	}
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
		if u.Scheme != "http" && u.Scheme != "https" {
			return nil, fmt.Errorf("external $ref %q: a document loaded from a URL can refer only to http(s) URLs", u)
		}
		return readHTTP(ctx, cfg.client, u.String())
	}
	return load(ctx, data, rawURL, u, nil, loader, cfg)
}

// readHTTP GETs rawURL, reading at most MaxDocumentSize bytes.
func readHTTP(ctx context.Context, client *http.Client, rawURL string) ([]byte, error) {
	return readLimited(func() (io.ReadCloser, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/json, application/yaml;q=0.9, */*;q=0.5")
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, fmt.Errorf("GET %s: %s", rawURL, resp.Status)
		}
		return resp.Body, nil
	})
}

// Bundle loads the document at a location (a file path or an http(s) URL,
// as Load) and returns it as one self-contained JSON document: every
// external $ref is moved into components and referred to from there, so
// that Parse loads the result with no files around. It is how a
// description written over several files is stored, or uploaded, as one.
// The result is the repaired document the loader serves.
func Bundle(ctx context.Context, location string, opts ...Option) ([]byte, error) {
	doc, err := Load(ctx, location, opts...)
	if err != nil {
		return nil, err
	}
	// doc is this function's own: internalising changes it in place.
	doc.t.InternalizeRefs(ctx, nil)
	out, err := json.Marshal(doc.t)
	if err != nil {
		return nil, &LoadError{File: location, Err: fmt.Errorf("bundling: %w", err)}
	}
	return out, nil
}

// Load loads a document from a location that is an http(s) URL or a file
// path: what a command-line flag such as -spec holds.
func Load(ctx context.Context, location string, opts ...Option) (*Document, error) {
	if strings.HasPrefix(location, "http://") || strings.HasPrefix(location, "https://") {
		return LoadURL(ctx, location, opts...)
	}
	return LoadFile(ctx, location, opts...)
}

func newConfig(opts []Option) *config {
	cfg := &config{}
	for _, o := range opts {
		o(cfg)
	}
	if cfg.client == nil {
		cfg.client = &http.Client{Timeout: 30 * time.Second}
	}
	return cfg
}

func readLimited(open func() (io.ReadCloser, error)) ([]byte, error) {
	rc, err := open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, MaxDocumentSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxDocumentSize {
		return nil, fmt.Errorf("document is larger than %d bytes", MaxDocumentSize)
	}
	return data, nil
}

// load turns raw bytes into a Document. It never panics: a panic inside
// kin-openapi on a hostile document becomes an error.
// files is where ReadFile reads; nil reads nothing.
func load(ctx context.Context, data []byte, file string, loc *url.URL, files fs.FS, loader *openapi3.Loader, cfg *config) (doc *Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc = nil
			err = &LoadError{File: file, Err: fmt.Errorf("document could not be read (loader panic: %v)\n%s", r, firstFrames(debug.Stack()))}
		}
	}()
	raw, err := parseRaw(data)
	if err != nil {
		return nil, &LoadError{File: file, Err: err}
	}
	root, ok := raw.root.(map[string]any)
	if !ok {
		return nil, &LoadError{File: file, Err: fmt.Errorf("%w: the top level is not a mapping", ErrNotAPI)}
	}
	version, err := detectVersion(root)
	if err != nil {
		p := ""
		if _, has := root["openapi"]; has {
			p = "/openapi"
		} else if _, has := root["swagger"]; has {
			p = "/swagger"
		}
		return nil, &LoadError{File: file, Pointer: p, Line: raw.line(p), Err: err}
	}
	if err := checkRefs(raw, file); err != nil {
		return nil, err
	}
	var warnings []Warning
	if version != "2.0" {
		f := newFixer(strings.HasPrefix(version, "3.1") || strings.HasPrefix(version, "3.2"))
		f.fixRefs(root)
		f.fixDocument(root)
		warnings = f.warnings()
	}
	var (
		t     *openapi3.T
		split *splitDoc
		js    []byte
	)
	if version != "2.0" && (loc == nil || !raw.external) {
		// Without files to follow, the document is decoded in pieces;
		// what splitDocument does not take apart goes to kin whole.
		split, err = splitDocument(root)
		if err != nil && !errors.Is(err, errNotSplit) {
			return nil, &LoadError{File: file, Err: err}
		}
	}
	if split == nil {
		if js, err = json.Marshal(root); err != nil {
			return nil, &LoadError{File: file, Err: err}
		}
	}
	raw.root, root = nil, nil // let the generic tree go before kin builds its own
	if split != nil {
		t, err = split.decode()
		if pe := (*pieceError)(nil); errors.As(err, &pe) {
			return nil, &LoadError{File: file, Pointer: pe.pointer, Line: raw.line(pe.pointer), Err: pe.err}
		}
		split = nil
		if err := loader.ResolveRefsIn(t, nil); err != nil {
			return nil, locate(raw, file, err)
		}
	}

	switch {
	case t != nil:
	case version == "2.0":
		var d2 openapi2.T
		if err := json.Unmarshal(js, &d2); err != nil {
			return nil, &LoadError{File: file, Err: fmt.Errorf("reading Swagger 2.0: %w", err)}
		}
		t, err = openapi2conv.ToV3WithLoader(&d2, loader, loc)
		if err != nil {
			return nil, &LoadError{File: file, Err: fmt.Errorf("converting Swagger 2.0: %w", err)}
		}
	default:
		if loc != nil {
			t, err = loader.LoadFromDataWithPath(js, loc)
		} else {
			t, err = loader.LoadFromData(js)
		}
		if err != nil {
			return nil, locate(raw, file, err)
		}
	}
	js = nil
	warmPatterns(ctx, raw.patterns)
	raw.patterns = nil
	raw.keepLess()

	// The validation only warns, unless Strict: it runs when the warnings
	// are first asked for, on the document as kin-openapi read it (indexing
	// gives a document without paths an empty set of them).
	vt := *t
	validation := sync.OnceValue(func() []Warning {
		problems := validate(context.WithoutCancel(ctx), &vt, cfg.strict)
		pointers := make([]string, len(problems))
		for i, p := range problems {
			pointers[i] = p.Pointer
		}
		for i, line := range raw.lines(pointers) {
			problems[i].Line = line
		}
		return problems
	})
	if cfg.strict {
		if problems := validation(); len(problems) > 0 {
			msgs := make([]string, 0, len(problems))
			for _, p := range problems {
				msgs = append(msgs, p.String())
			}
			return nil, &LoadError{File: file, Err: fmt.Errorf("%d validation problem(s):\n  %s", len(problems), strings.Join(msgs, "\n  "))}
		}
	}
	d, err := newDocument(t, file, version)
	if err != nil {
		return nil, &LoadError{File: file, Err: err}
	}
	d.fixes, d.validation, d.files = warnings, validation, files
	return d, nil
}

// detectVersion reads "openapi" or "swagger" and accepts 2.0, 3.0.x, 3.1.x
// and 3.2.x.
func detectVersion(root map[string]any) (string, error) {
	if v, ok := root["openapi"]; ok {
		s := fmt.Sprint(v)
		switch {
		case strings.HasPrefix(s, "3.0"), strings.HasPrefix(s, "3.1"), strings.HasPrefix(s, "3.2"):
			return s, nil
		}
		return "", fmt.Errorf("%w %q (2.0, 3.0.x, 3.1.x and 3.2.x are supported)", ErrUnsupported, s)
	}
	if v, ok := root["swagger"]; ok {
		s := fmt.Sprint(v)
		if s == "2.0" || s == "2" {
			return "2.0", nil
		}
		return "", fmt.Errorf("%w: swagger %q (2.0, 3.0.x, 3.1.x and 3.2.x are supported)", ErrUnsupported, s)
	}
	return "", fmt.Errorf("%w: neither an \"openapi\" nor a \"swagger\" field", ErrNotAPI)
}

// locate turns a kin-openapi loading error into a LoadError, recovering the
// JSON pointer from the reference it names where it can.
func locate(raw *rawDoc, file string, err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "#/"); i >= 0 {
		end := strings.IndexAny(msg[i:], "\" '")
		if end < 0 {
			end = len(msg) - i
		}
		p := msg[i+1 : i+end]
		return &LoadError{File: file, Pointer: p, Line: raw.line(p), Err: err}
	}
	return &LoadError{File: file, Err: err}
}

func firstFrames(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	if len(lines) > 20 {
		lines = lines[:20]
	}
	return strings.Join(lines, "\n")
}
