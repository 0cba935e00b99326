package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mockapi-go/mockapi/mock/proxy"
	"github.com/mockapi-go/mockapi/openapi"
)

// upstreamFlags are the flags of partial mocking and recording.
type upstreamFlags struct {
	url, fallback                string
	strict, allowPrivate         bool
	timeout                      time.Duration
	record, recordHAR, recordOps string
}

// upstreamOptions builds the proxy (nil without -upstream) and its
// recorder (nil unless -record or -record-har), and reads the recording
// -record names: nil when there is none yet.
func upstreamOptions(f upstreamFlags, from envSources, logger *slog.Logger) (*proxy.Proxy, *proxy.Recorder, []byte, error) {
	var overlay []byte
	if f.record != "" {
		b, err := os.ReadFile(f.record)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, nil, nil, fmt.Errorf("%s: %w", from.name("record"), err)
		default:
			overlay = b
		}
	}
	if f.url == "" {
		for _, name := range []string{"record-har", "record-operations", "upstream-strict", "upstream-allow-private"} {
			if _, set := from[name]; set {
				return nil, nil, nil, fmt.Errorf("%s needs -upstream", from.name(name))
			}
		}
		if f.recordHAR != "" || f.recordOps != "" || f.strict || f.allowPrivate {
			return nil, nil, nil, errors.New("-record-har, -record-operations, -upstream-strict and -upstream-allow-private need -upstream")
		}
		if f.record != "" && overlay == nil {
			logger.Warn("recording: the file does not exist, and without -upstream nothing is recorded", "file", f.record)
		}
		return nil, nil, overlay, nil
	}
	if f.timeout <= 0 {
		return nil, nil, nil, fmt.Errorf("%s %v is not positive", from.name("upstream-timeout"), f.timeout)
	}
	o := proxy.Options{FallbackOn: splitList(f.fallback), Strict: f.strict, Timeout: f.timeout,
		AllowPrivate: f.allowPrivate, Logger: logger}
	var rec *proxy.Recorder
	if f.record != "" || f.recordHAR != "" {
		rec = proxy.NewRecorder(proxy.RecordOptions{Operations: splitList(f.recordOps)})
		if overlay != nil {
			if err := rec.Load(overlay); err != nil {
				return nil, nil, nil, fmt.Errorf("%s: %w", from.name("record"), err)
			}
		}
		o.Recorder = rec
	} else if f.recordOps != "" {
		return nil, nil, nil, fmt.Errorf("%s needs -record or -record-har", from.name("record-operations"))
	}
	p, err := proxy.New(f.url, o)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", from.name("upstream"), err)
	}
	logger.Info("upstream", "url", f.url, "fallback", f.fallback, "strict", f.strict, "timeout", f.timeout,
		"recording", f.record != "" || f.recordHAR != "")
	return p, rec, overlay, nil
}

// splitList reads a comma-separated list; "" is an empty, non-nil list.
func splitList(s string) []string {
	out := []string{}
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// applyRecording merges a recording into the description the -spec flag
// names, bundling one written over several files first.
func applyRecording(ctx context.Context, spec []byte, location string, overlay []byte, logger *slog.Logger) ([]byte, error) {
	name := location
	if name == "" {
		name = "sample.yaml"
	}
	doc, err := openapi.Parse(ctx, spec, openapi.WithName(name))
	if errors.Is(err, openapi.ErrExternalRef) && location != "" {
		if spec, err = openapi.Bundle(ctx, location); err == nil {
			doc, err = openapi.Parse(ctx, spec, openapi.WithName(name))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("mockserver: %w", err)
	}
	out, warnings, err := proxy.Apply(doc, overlay)
	if err != nil {
		return nil, fmt.Errorf("mockserver: -record: %w", err)
	}
	for _, w := range warnings {
		logger.Warn("recording", "problem", w.String())
	}
	return out, nil
}

// saver writes the recording and its HAR every few seconds when they
// changed, and once more when stopped.
type saver struct {
	rec          *proxy.Recorder
	overlay, har string
	logger       *slog.Logger
	saved        int64
	stopOnce     sync.Once
	quit, done   chan struct{}
}

const saveEvery = 2 * time.Second

func startSaver(rec *proxy.Recorder, overlay, har string, logger *slog.Logger) *saver {
	s := &saver{rec: rec, overlay: overlay, har: har, logger: logger, quit: make(chan struct{}), done: make(chan struct{})}
	go s.loop()
	return s
}

func (s *saver) loop() {
	defer close(s.done)
	t := time.NewTicker(saveEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.save()
		case <-s.quit:
			s.save()
			return
		}
	}
}

func (s *saver) save() {
	n := s.rec.Changes()
	if n == s.saved {
		return
	}
	if s.overlay != "" {
		if err := s.rec.WriteFile(s.overlay); err != nil {
			s.logger.Warn("recording: saving failed", "file", s.overlay, "err", err)
			return
		}
	}
	if s.har != "" {
		if err := s.rec.WriteHAR(s.har); err != nil {
			s.logger.Warn("recording: saving the HAR failed", "file", s.har, "err", err)
			return
		}
	}
	s.saved = n
}

// stop saves what changed and ends the loop; it may be called more than
// once.
func (s *saver) stop() {
	s.stopOnce.Do(func() { close(s.quit) })
	<-s.done
}
