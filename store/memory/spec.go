package memory

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/mockapi-go/mockapi/store"
)

// packAbove is the size above which a project's description is kept
// compressed. A description is read back only to compile a new version of
// the project, to reload it or to hand it to the management API, never on
// a request, while the largest ones stay in memory as long as the process:
// GitHub's 12.4 MB take 1.5 MB compressed, for about 50 ms to compress
// once and 80 ms to read back.
const packAbove = 256 << 10

// packedSpec is a description as the store keeps it: as given when small,
// compressed with flate when large. It never changes once made, so it can
// be read without the store's lock.
type packedSpec struct {
	data   []byte
	packed bool // data is flate-compressed
	size   int  // the description's length
}

func packSpec(spec []byte) packedSpec {
	if len(spec) <= packAbove {
		return packedSpec{data: slices.Clone(spec), size: len(spec)}
	}
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestSpeed) // the level is valid: no error
	_, _ = w.Write(spec)                         // a bytes.Buffer does not fail
	_ = w.Close()
	return packedSpec{data: bytes.Clone(b.Bytes()), packed: true, size: len(spec)}
}

// bytes returns a copy of the description, nil when there is none.
func (s packedSpec) bytes() ([]byte, error) {
	if !s.packed {
		return slices.Clone(s.data), nil
	}
	out := make([]byte, s.size)
	r := flate.NewReader(bytes.NewReader(s.data))
	defer r.Close()
	if _, err := io.ReadFull(r, out); err != nil {
		return nil, fmt.Errorf("memory: reading a stored description back: %w", err)
	}
	return out, nil
}

// storedProject is a project as the store keeps it: a copy whose Spec is
// nil, the description being in spec.
type storedProject struct {
	store.Project
	spec packedSpec
}

// keep copies p for the store, compressing a large description: call it
// before taking the store's lock.
func keep(p *store.Project) *storedProject {
	c := &storedProject{Project: *p, spec: packSpec(p.Spec)}
	c.Spec = nil
	c.Settings = slices.Clone(p.Settings)
	c.OperationVisibility = maps.Clone(p.OperationVisibility)
	return c
}

// project returns a copy of the stored project, without its description:
// the caller adds it with withSpec, outside the store's lock.
func (s *storedProject) project() (*store.Project, packedSpec) {
	c := s.Project
	c.Settings = slices.Clone(s.Settings)
	c.OperationVisibility = maps.Clone(s.OperationVisibility)
	return &c, s.spec
}

// withSpec sets p.Spec from the stored description.
func withSpec(p *store.Project, spec packedSpec) (*store.Project, error) {
	b, err := spec.bytes()
	if err != nil {
		return nil, err
	}
	p.Spec = b
	return p, nil
}
