package proxy

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mockapi-go/mockapi/openapi"
)

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), the members
// the recorder fills.
type harLog struct {
	Log struct {
		Version string       `json:"version"`
		Creator harNameValue `json:"creator"`
		Entries []harEntry   `json:"entries"`
	} `json:"log"`
}

type harNameValue struct {
	Name    string `json:"name"`
	Value   string `json:"value,omitempty"`
	Version string `json:"version,omitempty"`
}

type harEntry struct {
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         harRequest  `json:"request"`
	Response        harResponse `json:"response"`
	Cache           struct{}    `json:"cache"`
	Timings         harTimings  `json:"timings"`
}

type harRequest struct {
	Method      string         `json:"method"`
	URL         string         `json:"url"`
	HTTPVersion string         `json:"httpVersion"`
	Cookies     []harNameValue `json:"cookies"`
	Headers     []harNameValue `json:"headers"`
	QueryString []harNameValue `json:"queryString"`
	PostData    *harPostData   `json:"postData,omitempty"`
	HeadersSize int            `json:"headersSize"`
	BodySize    int            `json:"bodySize"`
}

type harPostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
}

type harResponse struct {
	Status      int            `json:"status"`
	StatusText  string         `json:"statusText"`
	HTTPVersion string         `json:"httpVersion"`
	Cookies     []harNameValue `json:"cookies"`
	Headers     []harNameValue `json:"headers"`
	Content     harContent     `json:"content"`
	RedirectURL string         `json:"redirectURL"`
	HeadersSize int            `json:"headersSize"`
	BodySize    int            `json:"bodySize"`
}

type harContent struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
}

type harTimings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// HAR returns the exchanges recorded (at most RecordOptions.MaxHAREntries,
// oldest first) as a HAR 1.2 log, scrubbed like the examples: credentials,
// cookies, and headers, query parameters and JSON members named like
// secrets are "REDACTED".
func (rec *Recorder) HAR() ([]byte, error) {
	rec.mu.Lock()
	var l harLog
	l.Log.Version = "1.2"
	l.Log.Creator = harNameValue{Name: "mockapi", Version: "1"}
	l.Log.Entries = slices.Clone(rec.har)
	rec.mu.Unlock()
	if l.Log.Entries == nil {
		l.Log.Entries = []harEntry{}
	}
	return json.MarshalIndent(l, "", "  ")
}

// WriteHAR writes HAR to path atomically.
func (rec *Recorder) WriteHAR(path string) error {
	b, err := rec.HAR()
	if err != nil {
		return err
	}
	return writeAtomic(path, b)
}

// credentialNames are the header and query names of doc's API-key
// security schemes, lower-cased: secrets whatever they are called.
func credentialNames(doc *openapi.Document) map[string]bool {
	out := map[string]bool{}
	if doc == nil || doc.Kin().Components == nil {
		return out
	}
	for _, s := range doc.Kin().Components.SecuritySchemes {
		if s != nil && s.Value != nil && s.Value.Name != "" {
			out[strings.ToLower(s.Value.Name)] = true
		}
	}
	return out
}

// harExchange is one forwarded exchange, scrubbed.
func harExchange(r *http.Request, target string, reqBody []byte, res *result, at time.Time, doc *openapi.Document) harEntry {
	creds := credentialNames(doc)
	secret := func(name string) bool { return Secret(name) || creds[strings.ToLower(name)] }
	e := harEntry{StartedDateTime: at.UTC().Format(time.RFC3339Nano), Time: millis(res.elapsed)}
	e.Timings = harTimings{Wait: millis(res.elapsed)}

	u, _ := url.Parse(target)
	q := url.Values{}
	if u != nil {
		q = u.Query()
		for k := range q {
			if secret(k) {
				for i := range q[k] {
					q[k][i] = Redacted
				}
			}
		}
		u.RawQuery = q.Encode()
		target = u.String()
	}
	e.Request = harRequest{Method: r.Method, URL: target, HTTPVersion: "HTTP/1.1", Cookies: []harNameValue{},
		Headers: harHeaders(outboundHeader(r.Header), secret), QueryString: []harNameValue{}, HeadersSize: -1, BodySize: len(reqBody)}
	for _, k := range sortedKeys(q) {
		for _, v := range q[k] {
			e.Request.QueryString = append(e.Request.QueryString, harNameValue{Name: k, Value: v})
		}
	}
	for _, c := range r.Cookies() {
		e.Request.Cookies = append(e.Request.Cookies, harNameValue{Name: c.Name, Value: Redacted})
	}
	if len(reqBody) > 0 {
		ct := r.Header.Get("Content-Type")
		e.Request.PostData = &harPostData{MimeType: ct, Text: scrubbedText(ct, reqBody)}
	}

	ct := res.header.Get("Content-Type")
	e.Response = harResponse{Status: res.status, StatusText: http.StatusText(res.status), HTTPVersion: "HTTP/1.1",
		Cookies: []harNameValue{}, Headers: harHeaders(res.header, secret), RedirectURL: res.header.Get("Location"),
		HeadersSize: -1, BodySize: len(res.body)}
	for _, c := range (&http.Response{Header: res.header}).Cookies() {
		e.Response.Cookies = append(e.Response.Cookies, harNameValue{Name: c.Name, Value: Redacted})
	}
	e.Response.Content = harContent{Size: len(res.body), MimeType: ct}
	if len(res.body) > 0 {
		if utf8.Valid(res.body) {
			e.Response.Content.Text = scrubbedText(ct, res.body)
		} else {
			e.Response.Content.Text = base64.StdEncoding.EncodeToString(res.body)
			e.Response.Content.Encoding = "base64"
		}
	}
	return e
}

// harHeaders lists h sorted by name, secrets and cookies redacted.
func harHeaders(h http.Header, secret func(string) bool) []harNameValue {
	out := []harNameValue{}
	for _, k := range sortedKeys(h) {
		redact := secret(k) || strings.EqualFold(k, "Set-Cookie")
		for _, v := range h[k] {
			if redact {
				v = Redacted
			}
			out = append(out, harNameValue{Name: k, Value: v})
		}
	}
	return out
}

// scrubbedText is a body as HAR text: JSON with secret members redacted;
// any other text as it is, unless it is a form, whose secret fields are
// redacted.
func scrubbedText(ct string, body []byte) string {
	if isJSON(ct) {
		var v any
		if json.Unmarshal(body, &v) == nil {
			b, _ := json.Marshal(scrub(v))
			return string(b)
		}
	}
	if strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded") {
		if form, err := url.ParseQuery(string(body)); err == nil {
			for k := range form {
				if Secret(k) {
					for i := range form[k] {
						form[k][i] = Redacted
					}
				}
			}
			return form.Encode()
		}
	}
	return string(body)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
