package mock

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// TestOlderRecordsReshapedOnce shows records written before the handler
// was built (under an older description) checked, reshaped and written
// back when first read, then served as stored; a session's read writes
// nothing.
func TestOlderRecordsReshapedOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	records := memory.New(store.WithTouchInterval(0)).Records()
	scope := store.Scope{Project: "p"}
	old := map[int64]string{
		1: `{"id":1,"name":"Rex","status":"bogus","createdAt":"2024-01-02T03:04:05Z"}`, // status no longer valid
		2: `{"id":2,"name":"Tom","status":"sold","createdAt":"2024-01-02T03:04:05Z"}`,
		3: `{"id":3,"name":"Kit","status":"bogus","createdAt":"2024-01-02T03:04:05Z"}`,
	}
	for id, data := range old {
		_, err := records.Create(ctx, scope, "/pets", intStoreID(id), []byte(data))
		require.NoError(t, err)
	}
	time.Sleep(2 * time.Millisecond)
	h := newCRUD(t, WithStore(records, "p"), WithSeedRecords(0))
	res := h.resourceList[0]
	for _, r := range h.resourceList {
		if r.Collection == "/pets" {
			res = r
		}
	}

	// A session's read shapes the answer but leaves the base record alone.
	w := call(t, h, "GET", "/api/pets/3", "", "X-Mock-Session", "s1")
	require.Equal(t, 200, w.Code, w.Body.String())
	rec, err := records.Get(ctx, scope, "/pets", intStoreID(3))
	require.NoError(t, err)
	assert.False(t, h.trusted(rec))

	w = call(t, h, "GET", "/api/pets", "")
	require.Equal(t, 200, w.Code, w.Body.String())
	w = call(t, h, "GET", "/api/pets/3", "")
	require.Equal(t, 200, w.Code, w.Body.String())
	for id := range old {
		rec, err := records.Get(ctx, scope, "/pets", intStoreID(id))
		require.NoError(t, err)
		assert.True(t, h.trusted(rec), "record %d marked", id)
		var v map[string]any
		require.NoError(t, json.Unmarshal(rec.Data, &v))
		assert.True(t, h.validFor(res.item, v), "record %d reshaped: %s", id, rec.Data)
		assert.Equal(t, float64(id), v["id"])
	}
	// Served as stored from now on: the same bytes twice.
	a := call(t, h, "GET", "/api/pets/1", "")
	b := call(t, h, "GET", "/api/pets/1", "")
	assert.JSONEq(t, a.Body.String(), b.Body.String())
}
