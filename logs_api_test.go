package mockapi

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
)

func TestLogsAndAnalyticsGoAPI(t *testing.T) {
	s, c, _ := startWith(t, Options{})
	c.admin("POST", "/projects", map[string]any{"id": "pets", "spec": petsSpec, "visibility": "public"}, 201)
	for range 3 {
		status, _, _ := c.do("GET", "/p/pets/pets", "")
		require.Equal(t, http.StatusOK, status)
	}
	es, err := s.Logs(t.Context(), "pets", store.LogQuery{Limit: 2})
	require.NoError(t, err)
	require.Len(t, es, 2, "the limit holds")
	more, err := s.Logs(t.Context(), "pets", store.LogQuery{Limit: 2, After: es[1].Cursor()})
	require.NoError(t, err)
	assert.Len(t, more, 1, "the next page holds the rest")

	_, err = s.Logs(t.Context(), "nope", store.LogQuery{})
	assert.ErrorIs(t, err, ErrNotFound)

	a, err := s.Analytics(t.Context(), "pets", "24h")
	require.NoError(t, err)
	assert.Equal(t, 3, a.Total)
	assert.Equal(t, "24h", a.Period)
	all, err := s.Analytics(t.Context(), "", "")
	require.NoError(t, err)
	assert.Equal(t, 3, all.Total)
	assert.Equal(t, "7d", all.Period)

	_, err = s.Analytics(t.Context(), "pets", "soon")
	var ve *ValidationError
	assert.ErrorAs(t, err, &ve)
	_, err = s.Analytics(t.Context(), "nope", "7d")
	assert.ErrorIs(t, err, ErrNotFound)
}
