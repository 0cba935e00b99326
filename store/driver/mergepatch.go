package driver

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mockapi-go/mockapi/internal/mergepatch"
)

// MergePatch applies a JSON merge patch (RFC 7396) to a JSON document and
// returns the result; a patch that is not JSON is ErrInvalid. Backends
// that cannot patch in their query language use it inside a transaction.
func MergePatch(doc, patch json.RawMessage) (json.RawMessage, error) {
	out, err := mergepatch.Apply(doc, patch)
	if errors.Is(err, mergepatch.ErrPatch) {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return out, err
}
