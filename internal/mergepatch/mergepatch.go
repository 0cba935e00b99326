// Package mergepatch applies JSON merge patches (RFC 7396), for the store
// backends that cannot patch in their query language and for the mock's
// PATCH of a resource.
package mergepatch

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ErrPatch is wrapped by the error Apply returns for a patch that is not
// JSON.
var ErrPatch = errors.New("merge patch: malformed patch")

// Apply applies a JSON merge patch to a JSON document and returns the
// result.
func Apply(doc, patch json.RawMessage) (json.RawMessage, error) {
	var d, p any
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("merge patch: document: %w", err)
	}
	if err := json.Unmarshal(patch, &p); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPatch, err)
	}
	return json.Marshal(merge(d, p))
}

func merge(doc, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	dm, ok := doc.(map[string]any)
	if !ok {
		dm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(dm, k)
			continue
		}
		dm[k] = merge(dm[k], v)
	}
	return dm
}
