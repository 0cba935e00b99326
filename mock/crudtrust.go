package mock

// Trust: records are validated when written, not when read.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"

	"github.com/brianvoe/gofakeit/v6"

	"github.com/mockapi-go/mockapi/store"
)

// trusted reports a record written since this handler was built, so under
// this version of the description: it was shaped to the item schema then
// and is served as stored.
func (h *Handler) trusted(rec *store.Record) bool {
	return !rec.UpdatedAt.Before(h.state.built)
}

// errStale aborts a reshape whose record changed since it was read.
var errStale = errors.New("mock: record changed since read")

// reshapeStored brings a record written under an older version of the
// description to the item schema, once: the shaped record is written back,
// so that later reads trust it (trusted) instead of checking it again. A
// record that changed since rec was read, one that cannot be made valid
// and records of a session (whose overlay a read must not grow) are left
// as they are and returned unchanged; reads then shape them as before.
func (h *Handler) reshapeStored(ctx context.Context, scope store.Scope, coll string, res *resource, rec *store.Record, faker func() *gofakeit.Faker) *store.Record {
	if h.trusted(rec) || scope.Session != "" || res.item == nil {
		return rec
	}
	var data map[string]any
	if json.Unmarshal(rec.Data, &data) != nil {
		return rec
	}
	shaped, ok := h.shape(res.item, data, faker, false, res.IDField).(map[string]any)
	if !ok || !h.validFor(res.item, shaped) {
		return rec
	}
	out, err := json.Marshal(shaped)
	if err != nil {
		return rec
	}
	updated, err := h.state.records.Update(ctx, scope, coll, rec.ID, func(cur json.RawMessage) (json.RawMessage, error) {
		if !bytes.Equal(cur, rec.Data) {
			return nil, errStale
		}
		return out, nil
	})
	if err != nil || !h.trusted(updated) {
		return rec
	}
	return updated
}
