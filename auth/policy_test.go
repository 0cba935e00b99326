package auth_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
)

// M3: an x-mock-visibility that is not a string (a list, an object, ...)
// opened the operation to the project's visibility while the log said
// "treated as private". Every value that does not parse is private.
func TestExtensionVisibilityFailsClosed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		value string // YAML
		want  store.Visibility
	}{
		{"[public]", store.Private},
		{"{level: public}", store.Private},
		{"[]", store.Private},
		{"{}", store.Private},
		{"1", store.Private},
		{"true", store.Private},
		{"null", store.Private},
		{"pubilc", store.Private},
		{"public", store.Public},
		{"AUTHENTICATED", store.Authenticated},
		{"inherit", store.Public},
		{`""`, store.Public},
	} {
		t.Run(tc.value, func(t *testing.T) {
			t.Parallel()
			spec := fmt.Sprintf(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get: {operationId: op, x-mock-visibility: %s, responses: {"200": {description: ok}}}
`, tc.value)
			doc, err := openapi.Parse(context.Background(), []byte(spec))
			require.NoError(t, err)
			p := &auth.Policy{Project: "p", Visibility: store.Public, Document: doc}
			assert.Equal(t, tc.want, p.OperationVisibility(doc.Operation("op")))
		})
	}
}
