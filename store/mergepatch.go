package store

import (
	"encoding/json"
	"fmt"
)

// MergePatch applies a JSON merge patch (RFC 7396) to a JSON document and
// returns the result. Backends that cannot patch in their query language use
// it inside a transaction.
func MergePatch(doc, patch json.RawMessage) (json.RawMessage, error) {
	var d, p any
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("merge patch: document: %w", err)
	}
	if err := json.Unmarshal(patch, &p); err != nil {
		return nil, fmt.Errorf("%w: merge patch: %v", ErrInvalid, err)
	}
	return json.Marshal(mergePatch(d, p))
}

func mergePatch(doc, patch any) any {
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
		dm[k] = mergePatch(dm[k], v)
	}
	return dm
}
