package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"
)

// Format is a kind of input Import reads.
type Format string

// The formats Import reads.
const (
	HAR     Format = "har"     // HTTP Archive 1.2, as browsers and proxies save it
	Postman Format = "postman" // a Postman collection, v2.1 (v2.0 reads the same)
	Curl    Format = "curl"    // one or more curl command lines
)

// Bounds on hostile input.
const (
	// MaxInputSize is the largest input Import reads.
	MaxInputSize = 64 << 20
	// MaxExchanges is how many requests Import reads; the rest are
	// skipped and counted.
	MaxExchanges = 10_000
	// MaxBodySize is the largest request or response body that is read
	// for a schema and an example; a larger one is described as a body
	// of its media type only.
	MaxBodySize = 1 << 20
	// MaxExampleSize is the largest body kept as an example.
	MaxExampleSize = 64 << 10
)

// ErrUnknownFormat is returned for input that is none of the formats.
var ErrUnknownFormat = errors.New("importer: not a HAR file, a Postman collection or curl commands")

// ErrNothingToImport is returned for input of a known format that holds no
// HTTP request Import can describe.
var ErrNothingToImport = errors.New("importer: no HTTP request to describe")

// Options steer Import. The zero value is fine.
type Options struct {
	// Title is the description's info.title. Empty: the collection's name,
	// else the host most requests went to ("api.example.com"), else
	// "Imported API".
	Title string
	// Format forces the input format. Empty: detected (Detect).
	Format Format
}

// Result is a derived description.
type Result struct {
	// Format is the format read.
	Format Format
	// Operations is how many operations the description has.
	Operations int
	// Requests is how many recorded requests were described; Skipped how
	// many were not (static assets, OPTIONS preflights, other schemes,
	// lines that are not requests, or past MaxExchanges).
	Requests, Skipped int
	doc               *omap
}

// JSON returns the description as JSON.
func (r *Result) JSON() []byte {
	b, err := json.MarshalIndent(r.doc, "", "  ")
	if err != nil {
		panic(err) // built from JSON-encodable values only
	}
	return append(b, '\n')
}

// YAML returns the description as YAML.
func (r *Result) YAML() []byte {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(r.doc); err != nil {
		panic(err)
	}
	_ = enc.Close()
	return b.Bytes()
}

// Detect tells which format data is in, or "" when none: a JSON object
// with "log.entries" is HAR, one with "info" and "item" a Postman
// collection, and text whose first command (after blank lines and
// # comments) is curl is a curl file.
func Detect(data []byte) Format {
	b := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(b) == 0 {
		return ""
	}
	if b[0] == '{' {
		if firstKeyIsAPI(b) {
			// An OpenAPI or Swagger document, told without reading the
			// rest: descriptions run to tens of megabytes.
			return ""
		}
		var top struct {
			Log *struct {
				Entries json.RawMessage `json:"entries"`
			} `json:"log"`
			Info *json.RawMessage `json:"info"`
			Item *json.RawMessage `json:"item"`
			// OpenAPI and Swagger documents are none of ours.
			OpenAPI *json.RawMessage `json:"openapi"`
			Swagger *json.RawMessage `json:"swagger"`
		}
		if json.Unmarshal(b, &top) != nil || top.OpenAPI != nil || top.Swagger != nil {
			return ""
		}
		switch {
		case top.Log != nil && top.Log.Entries != nil:
			return HAR
		case top.Info != nil && top.Item != nil:
			return Postman
		}
		return ""
	}
	for raw := range bytes.SplitSeq(b, []byte("\n")) {
		line := strings.TrimSpace(string(raw))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "$ ")
		if line == "curl" || strings.HasPrefix(line, "curl ") || strings.HasPrefix(line, "curl\t") || strings.HasPrefix(line, "curl.exe ") {
			return Curl
		}
		return ""
	}
	return ""
}

// firstKeyIsAPI tells whether the JSON object b opens with an "openapi" or
// "swagger" member.
func firstKeyIsAPI(b []byte) bool {
	rest := bytes.TrimLeft(b[1:], " \t\r\n")
	for _, key := range []string{`"openapi"`, `"swagger"`} {
		if after, ok := bytes.CutPrefix(rest, []byte(key)); ok {
			after = bytes.TrimLeft(after, " \t\r\n")
			return len(after) > 0 && after[0] == ':'
		}
	}
	return false
}

// Import derives an OpenAPI 3.1 description from recorded traffic: a HAR
// file, a Postman collection v2.1 or a file of curl commands.
func Import(data []byte, o Options) (*Result, error) {
	if len(data) > MaxInputSize {
		return nil, fmt.Errorf("importer: the input has %d bytes, more than %d", len(data), MaxInputSize)
	}
	format := o.Format
	if format == "" {
		format = Detect(data)
	}
	var (
		c   capture
		err error
	)
	switch format {
	case HAR:
		c, err = readHAR(data)
	case Postman:
		c, err = readPostman(data)
	case Curl:
		c, err = readCurl(data)
	default:
		return nil, ErrUnknownFormat
	}
	if err != nil {
		return nil, fmt.Errorf("importer: %s: %w", format, err)
	}
	if len(c.exchanges) == 0 {
		return nil, fmt.Errorf("importer: %s: %w (%d skipped)", format, ErrNothingToImport, c.skipped)
	}
	title := o.Title
	if title == "" {
		title = c.title
	}
	if strings.TrimSpace(title) == "" {
		title = c.host()
	}
	if strings.TrimSpace(title) == "" {
		title = "Imported API"
	}
	doc, ops := build(c, title, format)
	return &Result{Format: format, Operations: ops, Requests: len(c.exchanges), Skipped: c.skipped, doc: doc}, nil
}

// capture is what a reader found: the exchanges, in order.
type capture struct {
	title       string
	description string
	exchanges   []*exchange
	skipped     int
}

// host is the host most exchanges went to (the first one, on a tie), or
// "" when none named one.
func (c *capture) host() string {
	counts := map[string]int{}
	best := ""
	for _, x := range c.exchanges {
		h := x.url.Hostname()
		if h == "" || strings.Contains(x.url.Host, "%7B") {
			continue
		}
		counts[h]++
		if counts[h] > counts[best] {
			best = h
		}
	}
	return best
}

// add keeps x when it is an HTTP request worth describing, within
// MaxExchanges.
func (c *capture) add(x *exchange) {
	if x == nil || len(c.exchanges) >= MaxExchanges || !x.describable() {
		c.skipped++
		return
	}
	c.exchanges = append(c.exchanges, x)
}

// exchange is one recorded request, with its answer when one was
// recorded (status 0: none).
type exchange struct {
	method   string
	url      *url.URL
	base     string            // the path of the server the URL is under ("/api/v2"), when the source says
	pathVars map[string]string // values of the path parameters the source names (Postman's url.variable)
	auth     []string          // headers the source says carry credentials (Postman's auth)
	header   [][2]string
	reqType  string
	reqBody  []byte
	form     [][2]string // form fields given as fields (HAR params, Postman formdata)
	summary  string
	example  string // the name the answer was saved under (Postman)
	status   int
	respType string
	respBody []byte
}

// describable reports whether x is an API call: http(s), not a CORS
// preflight, not a static asset.
func (x *exchange) describable() bool {
	if x.url == nil || !methodAllowed(x.method) {
		return false
	}
	if s := x.url.Scheme; s != "" && s != "http" && s != "https" {
		return false
	}
	p := strings.ToLower(x.url.Path)
	for _, ext := range staticExt {
		if strings.HasSuffix(p, ext) {
			return false
		}
	}
	rt := mediaType(x.respType)
	return !(strings.HasPrefix(rt, "image/") || strings.HasPrefix(rt, "font/") || rt == "text/css" ||
		rt == "text/javascript" || rt == "application/javascript" || rt == "application/x-javascript")
}

var staticExt = []string{".js", ".mjs", ".css", ".map", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".avif",
	".woff", ".woff2", ".ttf", ".otf", ".eot"}

// credential reports whether the header name carries a credential: by
// its name, or because the source said so.
func (x *exchange) credential(name string) bool {
	if secretName(name) {
		return true
	}
	for _, a := range x.auth {
		if strings.EqualFold(a, name) {
			return true
		}
	}
	return false
}

// headerValue returns the first value of a header, by name without case.
func headerValue(h [][2]string, name string) string {
	for _, kv := range h {
		if strings.EqualFold(kv[0], name) {
			return kv[1]
		}
	}
	return ""
}
