package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/mockapi-go/mockapi"
	"github.com/mockapi-go/mockapi/openapi"
)

// specSource reads the -spec description again, as the server first read
// it: recorded traffic is imported, a description written over several
// files bundled into one. A description that does not load is the
// loader's error, located in the file that has the problem.
func specSource(location string) mockapi.SpecSource {
	return func(ctx context.Context) ([]byte, error) {
		spec, err := readSpec(ctx, location)
		if err != nil {
			return nil, err
		}
		spec, derived, err := imported(spec, location)
		if err != nil || derived {
			return spec, err
		}
		_, err = openapi.Parse(ctx, spec, openapi.WithName(location))
		if errors.Is(err, openapi.ErrExternalRef) {
			bundled, err := openapi.Bundle(ctx, location)
			if err != nil {
				if located := checkFiles(specFiles(location)); located != nil {
					return nil, located // the file at fault, rather than the one that refers to it
				}
				return nil, err
			}
			return bundled, nil
		}
		if err != nil {
			return nil, err
		}
		return spec, nil
	}
}

// checkFiles finds the first of a description's files that is missing or
// is not YAML (JSON is YAML), and says which and where: the bundler names
// only the file that refers to it.
func checkFiles(files []string) error {
	for i, f := range files {
		data, err := readLimited(f, openapi.MaxDocumentSize)
		if err != nil {
			if i > 0 {
				return fmt.Errorf("%s, which %s refers to: %w", f, files[0], err)
			}
			return err
		}
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
	}
	return nil
}

// maxWatched bounds the files a watch follows.
const maxWatched = 1000

// specFiles lists the file a description is in and every local file it
// refers to ($ref, externalValue), transitively, at most maxWatched, and
// only within the description's directory, where the loader reads.
// Files that cannot be read or parsed are listed but not followed: their
// next change is a change too.
func specFiles(file string) []string {
	files := []string{filepath.Clean(file)}
	seen := map[string]bool{files[0]: true}
	root := filepath.Dir(files[0])
	for i := 0; i < len(files) && len(files) < maxWatched; i++ {
		data, err := readLimited(files[i], openapi.MaxDocumentSize)
		if err != nil {
			continue
		}
		var doc any
		if yaml.Unmarshal(data, &doc) != nil {
			continue
		}
		dir := filepath.Dir(files[i])
		refs(doc, 0, func(ref string) {
			name, _, _ := strings.Cut(ref, "#")
			if name == "" || strings.Contains(name, "://") {
				return
			}
			if u, err := url.PathUnescape(name); err == nil {
				name = u
			}
			if !filepath.IsAbs(name) {
				name = filepath.Join(dir, name)
			}
			name = filepath.Clean(name)
			if rel, err := filepath.Rel(root, name); err != nil || !filepath.IsLocal(rel) {
				return // outside the description's directory: the loader does not read it
			}
			if !seen[name] && len(files) < maxWatched {
				seen[name] = true
				files = append(files, name)
			}
		})
	}
	return files
}

// refs calls fn with every $ref and externalValue string in v.
func refs(v any, depth int, fn func(string)) {
	if depth > 256 {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && (k == "$ref" || k == "externalValue") {
				fn(s)
				continue
			}
			refs(x, depth+1, fn)
		}
	case []any:
		for _, x := range v {
			refs(x, depth+1, fn)
		}
	}
}

// stamp is what the watch compares: each file's size and modification
// time, or its absence.
func stamp(files []string) string {
	var b strings.Builder
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			fmt.Fprintf(&b, "%s -\n", f)
			continue
		}
		fmt.Fprintf(&b, "%s %d %d\n", f, st.Size(), st.ModTime().UnixNano())
	}
	return b.String()
}

// watcher polls a description's files and reloads the default project
// when one of them changed.
type watcher struct {
	file  string
	files []string
	last  string
}

// newWatcher stamps the files of a description: call it before the
// description is first read, so that no edit goes unseen.
func newWatcher(file string) *watcher {
	w := &watcher{file: file, files: specFiles(file)}
	w.last = stamp(w.files)
	return w
}

// run polls every interval until ctx ends. A reload that fails is logged
// with the located error; the last good version serves on, and the next
// change is tried again.
func (w *watcher) run(ctx context.Context, server *mockapi.Server, interval time.Duration, logger *slog.Logger) {
	file, files, last := w.file, w.files, w.last
	logger.Info("watching the spec", "spec", file, "files", len(files), "every", interval)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// Stamped before reading: an edit made while the reload reads is
		// seen by the next look.
		now := stamp(files)
		if now == last {
			continue
		}
		p, changed, err := server.Reload(ctx, "default")
		// The files may now refer to others: follow what they name now,
		// and look again at once (a reload of what is stored is a no-op).
		next := specFiles(file)
		last = now
		if !slices.Equal(next, files) {
			files, last = next, ""
		}
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			logger.Error("spec reload failed; the last good version serves on", "spec", file, "err", err)
		case changed:
			logger.Info("spec reloaded", "spec", file, "version", p.Version, "files", len(files))
		}
	}
}
