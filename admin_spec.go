package mockapi

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"

	"github.com/mockapi-go/mockapi/openapi/importer"
)

// How the management API takes a description. POST /_admin/projects and
// PUT /_admin/projects/{id}/spec accept:
//
//   - a JSON object whose "spec" is the description as a string (JSON or
//     YAML text) or as a JSON object;
//   - the description itself as the body: YAML under a YAML media type
//     (application/yaml, application/x-yaml, text/yaml, text/x-yaml,
//     application/openapi+yaml), or a JSON object with "openapi" or
//     "swagger" at its top. For POST, the project's string fields (id,
//     name, visibility, owner, team) then come from the query string, and
//     name defaults to the description's info.title.
//   - recorded traffic to derive the description from (package
//     openapi/importer): a HAR file or a Postman collection v2.1 as the
//     JSON body or as "spec", or curl commands as a text body (any media
//     type) or as the "spec" string. The derived description, in YAML, is
//     what the project stores and GET .../spec answers.

// yamlTypes are the media types whose body is a YAML description.
var yamlTypes = map[string]bool{
	"application/yaml": true, "application/x-yaml": true, "text/yaml": true, "text/x-yaml": true,
	"application/openapi+yaml": true, "application/vnd.oai.openapi": true,
}

// createFields are the project fields POST /_admin/projects takes from the
// query string when the body is the description.
var createFields = map[string]bool{"id": true, "name": true, "visibility": true, "owner": true, "team": true}

// readBody reads the whole request body, or answers 413 or 400.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if !tooLarge(w, err) {
			badRequest(w, "reading the body: %v", err)
		}
		return nil, false
	}
	return body, true
}

// rawSpec reports whether body, sent with r's Content-Type, is the
// description itself rather than a JSON object carrying it.
func rawSpec(r *http.Request, body []byte) bool {
	if importer.Detect(body) != "" {
		return true
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && yamlTypes[mt] {
		return true
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) // not JSON: YAML text
	}
	_, openapi := top["openapi"]
	_, swagger := top["swagger"]
	return openapi || swagger
}

// specField turns the "spec" of a JSON request into description bytes: a
// string is the text, an object the JSON description. ok is false when
// it is neither (then the answer is written).
func specField(w http.ResponseWriter, raw json.RawMessage) ([]byte, bool) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return nil, true // "spec: is empty", from the Go API
	case raw[0] == '"':
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			badRequest(w, "spec: %v", err)
			return nil, false
		}
		return []byte(text), true
	case raw[0] == '{':
		return raw, true
	}
	badRequest(w, "spec must be the description as a string or as a JSON object")
	return nil, false
}

// readCreate decodes the body of POST /_admin/projects into in, whose
// "spec" field is a json.RawMessage: either the JSON request, or the
// description itself with the other fields from the query string.
func readCreate(w http.ResponseWriter, r *http.Request, in any) bool {
	body, ok := readBody(w, r)
	if !ok {
		return false
	}
	if len(bytes.TrimSpace(body)) > 0 && rawSpec(r, body) {
		fields := map[string]string{"spec": string(body)}
		for k, v := range r.URL.Query() {
			if !createFields[k] {
				badRequest(w, "query parameter %q: with the description as the body, the query names only id, name, visibility, owner and team; set the rest with PATCH", k)
				return false
			}
			fields[k] = v[0]
		}
		body, _ = json.Marshal(fields)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return readJSON(w, r, in)
}

// readSpec reads the body of PUT /_admin/projects/{id}/spec: the
// description itself, or {"spec": ...}.
func readSpec(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, ok := readBody(w, r)
	if !ok || rawSpec(r, body) {
		return body, ok
	}
	var wrapped struct {
		Spec json.RawMessage `json:"spec"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&wrapped); err != nil || wrapped.Spec == nil {
		return body, true // not our wrapper: the loader says what is wrong with it
	}
	return specField(w, wrapped.Spec)
}

// fromTraffic derives the description from recorded traffic (HAR,
// Postman, curl) and returns it as YAML; a description is returned as it
// is. Traffic that yields no description is refused as the spec field's
// error (422), as a description that does not load is.
func (s *Server) fromTraffic(w http.ResponseWriter, spec []byte) ([]byte, bool) {
	spec, err := derive(spec)
	if err != nil {
		s.apiError(w, "project", err)
		return nil, false
	}
	return spec, true
}

// derive returns the description derived from recorded traffic, in YAML,
// or a description as it is; traffic that yields none is a
// *ValidationError naming "spec". The management API and the dashboard
// take captures through it.
func derive(spec []byte) ([]byte, error) {
	if importer.Detect(spec) == "" {
		return spec, nil
	}
	res, err := importer.Import(spec, importer.Options{})
	if err != nil {
		return nil, invalidf("spec", err, "%v", err)
	}
	return res.YAML(), nil
}

// getSpec answers the stored description in its own format.
func (s *Server) getSpec(w http.ResponseWriter, r *http.Request) {
	spec, format, err := s.Spec(r.Context(), r.PathValue("id"))
	if err != nil {
		s.apiError(w, "project", err)
		return
	}
	ct := "application/yaml"
	if format == "json" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(spec)
}

// warningDoc is a load warning as the management API shows it.
type warningDoc struct {
	// Pointer is the JSON pointer of the value concerned; Path the same
	// as people read it ("paths./pets.get"). Both empty when unknown.
	Pointer string `json:"pointer"`
	Path    string `json:"path"`
	// Line is 1-based in the stored description; omitted when unknown.
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// warnings answers every warning of the project's current version.
func (s *Server) warnings(w http.ResponseWriter, r *http.Request) {
	ws, err := s.Warnings(r.Context(), r.PathValue("id"))
	if err != nil {
		s.apiError(w, "project", err)
		return
	}
	out := make([]warningDoc, 0, len(ws))
	for _, x := range ws {
		out = append(out, warningDoc{Pointer: x.Pointer, Path: x.Path(), Line: x.Line, Message: x.Message})
	}
	writeJSON(w, http.StatusOK, out)
}
