package openapi

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// MaxReferencedFileSize bounds a file a document refers to for a value,
// such as an example's externalValue (1 MiB).
const MaxReferencedFileSize = 1 << 20

// errNoFiles is what ReadFile says for a document that was not loaded from
// a directory or a file system.
var errNoFiles = errors.New("the document was not loaded from a file, so it can refer to none")

// ReadFile reads a file the document refers to for a value, such as an
// example's externalValue: a relative, slash-separated path, resolved
// against the document's own directory and never outside it (no "..", no
// absolute paths, no symbolic links that leave the directory). Only regular
// files of at most MaxReferencedFileSize bytes are read.
//
// A document from LoadFile reads from its directory on disk; one from
// LoadFS reads through its fs.FS only. A document from Parse or LoadURL
// reads no files at all: ReadFile always fails.
func (d *Document) ReadFile(name string) ([]byte, error) {
	if d.files == nil {
		return nil, fmt.Errorf("%q: %w", name, errNoFiles)
	}
	p, err := localPath(name)
	if err != nil {
		return nil, err
	}
	return readRegular(d.files, p, MaxReferencedFileSize)
}

// localPath turns a reference such as "./examples/pet.json" into a path
// fs.ValidPath accepts, refusing what would leave the directory.
func localPath(ref string) (string, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("%q is not a relative path: %w", ref, err)
	}
	if u.Scheme != "" || u.Host != "" || u.Opaque != "" {
		return "", fmt.Errorf("%q is not a relative path: URLs are not fetched", ref)
	}
	p := u.Path
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, `\`) || filepath.IsAbs(p) {
		return "", fmt.Errorf("%q is not a relative path inside the document's directory", ref)
	}
	p = path.Clean(p)
	if p == ".." || strings.HasPrefix(p, "../") || !fs.ValidPath(p) {
		return "", fmt.Errorf("%q leaves the document's directory", ref)
	}
	return p, nil
}

// readRegular reads name from fsys when it is a regular file of at most max
// bytes. The file is looked at before it is opened, so that a FIFO or a
// device is never opened (opening a FIFO blocks).
func readRegular(fsys fs.FS, name string, max int64) ([]byte, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if err := checkRegular(name, st, max); err != nil {
		return nil, err
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file may have been replaced between Stat and Open.
	if st, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := checkRegular(name, st, max); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, max)
	}
	return data, nil
}

func checkRegular(name string, st fs.FileInfo, max int64) error {
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", name)
	}
	if st.Size() > max {
		return fmt.Errorf("%s is larger than %d bytes", name, max)
	}
	return nil
}

// dirFiles is a directory on disk seen through os.Root: nothing outside
// it can be opened, by ".." or by a symbolic link. A root is opened for
// each call, so a Document holds no file descriptor.
type dirFiles string

func (d dirFiles) Open(name string) (fs.File, error) {
	root, err := os.OpenRoot(string(d))
	if err != nil {
		return nil, err
	}
	defer root.Close()
	f, err := root.OpenFile(name, os.O_RDONLY|openNonBlock, 0)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (d dirFiles) Stat(name string) (fs.FileInfo, error) {
	root, err := os.OpenRoot(string(d))
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return root.Stat(name)
}

// fileRefReader reads the relative $refs of a document loaded from a file:
// files inside the document's directory only (through os.Root), regular
// files of at most MaxDocumentSize bytes.
func fileRefReader(dir string) func(*url.URL) ([]byte, error) {
	files := dirFiles(dir)
	return func(u *url.URL) ([]byte, error) {
		if u.Host != "" || (u.Scheme != "" && u.Scheme != "file") {
			return nil, fmt.Errorf("external $ref %q: only http(s) URLs and files in the document's directory can be referred to", u)
		}
		rel, err := filepath.Rel(dir, filepath.FromSlash(path.Clean(u.Path)))
		if err != nil {
			return nil, fmt.Errorf("external $ref %q leaves the document's directory", u.Path)
		}
		rel = filepath.ToSlash(rel)
		if rel == ".." || strings.HasPrefix(rel, "../") || !fs.ValidPath(rel) {
			return nil, fmt.Errorf("external $ref %q leaves the document's directory", u.Path)
		}
		data, err := readRegular(files, rel, MaxDocumentSize)
		if err != nil {
			return nil, fmt.Errorf("external $ref: %w", err)
		}
		return data, nil
	}
}
