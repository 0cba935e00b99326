package mock

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/internal/ratelog"
	"github.com/mockapi-go/mockapi/store"
)

// storeFailed answers an error of the store: 400 for invalid input, 503
// with Retry-After when the store is busy or unreachable, else 500.
func (h *Handler) storeFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrInvalid) {
		problem.Write(w, problem.New(http.StatusBadRequest, problem.CodeValidation, err.Error()))
		return
	}
	if errors.Is(err, store.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
		// Busy or unreachable: the client may retry; the cause is for
		// the operator's log, unless the client went away (the store
		// call ended with its request).
		if r.Context().Err() == nil {
			h.logFailure(r, "the mock's store is unavailable", err)
		}
		w.Header().Set("Retry-After", "1")
		problem.Write(w, problem.New(http.StatusServiceUnavailable, problem.CodeUnavailable, "the mock's store is busy; retry shortly"))
		return
	}
	// The store's own words (a database's error text) are for the
	// operator's log, never for the client (security L4).
	h.internalError(w, r, "the mock's store failed", err)
}

// internalError answers 500 with a fixed message and logs the cause, when
// the handler has a logger.
func (h *Handler) internalError(w http.ResponseWriter, r *http.Request, msg string, err error) {
	h.logFailure(r, msg, err)
	problem.Write(w, problem.New(http.StatusInternalServerError, problem.CodeMockFailure, msg))
}

// failureLog holds back repeated failures per logger and message: a store
// that fails every request under load is logged once per burst, with the
// number of failures held back since the last line.
var failureLog ratelog.Limiter[failureKey]

type failureKey struct {
	logger *slog.Logger
	msg    string
}

func (h *Handler) logFailure(r *http.Request, msg string, err error) {
	l := h.cfg.logger
	if l == nil {
		return
	}
	ok, held := failureLog.Allow(failureKey{l, msg}, time.Now())
	if !ok {
		return
	}
	attrs := []slog.Attr{slog.String("error", err.Error())}
	if held > 0 {
		attrs = append(attrs, slog.Int("suppressed", held))
	}
	l.LogAttrs(r.Context(), slog.LevelError, "mock: "+msg, attrs...)
}
