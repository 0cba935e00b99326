package mocktest

import (
	"bytes"
	"context"
	"errors"
	"io/fs"

	"github.com/mockapi-go/mockapi/openapi"
)

// Source is where New reads the API description from. Make one with File,
// URL, Bytes, FS or Document; the set is closed, so a spec of the wrong
// kind is a compile error, not a test failure.
type Source interface {
	load(ctx context.Context, opts []openapi.Option) (*openapi.Document, error)
}

type fileSource string

// File is a document on disk, by path; relative $refs and externalValues
// are read beside it.
func File(path string) Source { return fileSource(path) }

func (f fileSource) load(ctx context.Context, opts []openapi.Option) (*openapi.Document, error) {
	return openapi.LoadFile(ctx, string(f), opts...)
}

type urlSource string

// URL is a document served over http(s), fetched when the server starts.
func URL(url string) Source { return urlSource(url) }

func (u urlSource) load(ctx context.Context, opts []openapi.Option) (*openapi.Document, error) {
	return openapi.LoadURL(ctx, string(u), opts...)
}

type bytesSource []byte

// Bytes is the document itself, JSON or YAML. A document given as bytes
// reads no file: its external $refs and externalValues are not followed.
func Bytes(doc []byte) Source { return bytesSource(bytes.Clone(doc)) }

func (b bytesSource) load(ctx context.Context, opts []openapi.Option) (*openapi.Document, error) {
	return openapi.Parse(ctx, b, opts...)
}

type fsSource struct {
	fsys fs.FS
	name string
}

// FS is the document name in fsys (an embed.FS, os.DirFS, fstest.MapFS);
// relative $refs are read from the same file system.
func FS(fsys fs.FS, name string) Source { return fsSource{fsys, name} }

func (f fsSource) load(ctx context.Context, opts []openapi.Option) (*openapi.Document, error) {
	if f.fsys == nil {
		return nil, errors.New("FS: nil fs.FS")
	}
	return openapi.LoadFS(ctx, f.fsys, f.name, opts...)
}

type docSource struct{ doc *openapi.Document }

// Document is a description already loaded; WithLoadOptions does not
// apply to it.
func Document(doc *openapi.Document) Source { return docSource{doc} }

func (d docSource) load(context.Context, []openapi.Option) (*openapi.Document, error) {
	if d.doc == nil {
		return nil, errors.New("Document: nil *openapi.Document")
	}
	return d.doc, nil
}
