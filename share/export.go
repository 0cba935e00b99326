package share

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/internal/oas"
	"github.com/mockapi-go/mockapi/openapi"
)

// serverMark stands for the share URL in a cached export; each request
// replaces it with its own URL. It cannot be mistaken for a URL an author
// wrote: it starts with a NUL character.
const serverMark = "\x00mockapi-share-url\x00"

// exportTemplate returns the API description as JSON with the hidden
// operations (and paths left without operations) removed, and every servers
// list, at the top, on paths and on operations, pointing at serverMark plus
// the base path the mock routes that server under. The cached document is
// not changed: the JSON is decoded into fresh values and edited there.
func exportTemplate(doc *openapi.Document, hidden func(*openapi.Operation) bool) ([]byte, error) {
	raw, err := json.Marshal(doc.Kin())
	if err != nil {
		return nil, fmt.Errorf("share: encode description: %w", err)
	}
	var root map[string]any
	if err := json.Unmarshal(raw, &root); err != nil {
		return nil, fmt.Errorf("share: decode description: %w", err)
	}
	paths, _ := root["paths"].(map[string]any)
	removed := false
	for _, op := range doc.Operations() {
		if !hidden(op) {
			continue
		}
		item, _ := paths[op.Key].(map[string]any)
		if item == nil {
			continue
		}
		delete(item, strings.ToLower(op.Method))
		removed = true
		if !hasOperation(item) {
			delete(paths, op.Key)
		}
	}
	if removed {
		// Components only hidden operations used go with them.
		var full map[string]any
		if err := json.Unmarshal(raw, &full); err != nil {
			return nil, fmt.Errorf("share: decode description: %w", err)
		}
		pruneComponents(root, full)
	}
	for k := range root {
		if strings.HasPrefix(k, "x-") {
			delete(root, k) // the author's extensions are not the API
		}
	}
	root["servers"] = rewriteServers(doc.Kin().Servers)
	for key, v := range paths {
		item, _ := v.(map[string]any)
		pi := doc.Kin().Paths.Value(key)
		if item == nil || pi == nil {
			continue
		}
		if len(pi.Servers) > 0 {
			item["servers"] = rewriteServers(pi.Servers)
		}
		for method, op := range pi.Operations() {
			o, _ := item[strings.ToLower(method)].(map[string]any)
			if o != nil && op.Servers != nil && len(*op.Servers) > 0 {
				o["servers"] = rewriteServers(*op.Servers)
			}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("share: encode export: %w", err)
	}
	return buf.Bytes(), nil
}

// hasOperation reports whether a path item (as decoded JSON) still holds an
// operation.
func hasOperation(item map[string]any) bool {
	for _, m := range []string{"get", "put", "post", "delete", "options", "head", "patch", "trace", "query"} {
		if _, ok := item[m]; ok {
			return true
		}
	}
	return false
}

// rewriteServers maps servers to share servers with the same base paths
// (one per distinct path, descriptions kept); no servers becomes the share
// URL itself.
func rewriteServers(servers openapi3.Servers) []any {
	out := []any{}
	seen := map[string]bool{}
	for _, s := range servers {
		if s == nil {
			continue
		}
		p := oas.ServerPath(s)
		if seen[p] {
			continue
		}
		seen[p] = true
		m := map[string]any{"url": serverMark + p}
		if s.Description != "" {
			m["description"] = s.Description
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		out = append(out, map[string]any{"url": serverMark})
	}
	return out
}

// markJSON is serverMark as it appears inside an encoded JSON string.
var markJSON = func() []byte {
	b, _ := json.Marshal(serverMark)
	return b[1 : len(b)-1]
}()

// renderExport puts the share URL (without a trailing slash) where the
// template has serverMark.
func renderExport(template []byte, shareURL string) []byte {
	u, _ := json.Marshal(strings.TrimSuffix(shareURL, "/"))
	return bytes.ReplaceAll(template, markJSON, u[1:len(u)-1])
}

// pruneComponents removes from root's components those that the full
// document reaches from its paths and root no longer does: what only
// hidden operations used (their schemas, examples with personal data...).
// Components nothing used stay, as the author wrote them.
func pruneComponents(root, full map[string]any) {
	comps, _ := root["components"].(map[string]any)
	if comps == nil {
		return
	}
	before, after := reachable(full), reachable(root)
	for section, v := range comps {
		entries, _ := v.(map[string]any)
		for name := range entries {
			ref := "#/components/" + section + "/" + escapePointer(name)
			if before[ref] && !after[ref] {
				delete(entries, name)
			}
		}
	}
	for k := range comps {
		if strings.HasPrefix(k, "x-") {
			delete(comps, k)
		}
	}
}

// reachable returns the local component references ("#/components/...")
// reachable from everything in doc but its components, following
// references through components.
func reachable(doc map[string]any) map[string]bool {
	seen := map[string]bool{}
	comps, _ := doc["components"].(map[string]any)
	var queue []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "$ref" && strings.HasPrefix(s, "#/components/") && !seen[s] {
					seen[s] = true
					queue = append(queue, s)
					continue
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for k, v := range doc {
		if k != "components" {
			walk(v)
		}
	}
	for len(queue) > 0 {
		ref := queue[0]
		queue = queue[1:]
		parts := strings.SplitN(strings.TrimPrefix(ref, "#/components/"), "/", 3)
		if len(parts) < 2 {
			continue
		}
		section, _ := comps[parts[0]].(map[string]any)
		walk(section[unescapePointer(parts[1])])
	}
	return seen
}

var (
	pointerEscaper   = strings.NewReplacer("~", "~0", "/", "~1")
	pointerUnescaper = strings.NewReplacer("~1", "/", "~0", "~")
)

func escapePointer(s string) string   { return pointerEscaper.Replace(s) }
func unescapePointer(s string) string { return pointerUnescaper.Replace(s) }
