package mockapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/store"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		problem.Write(w, problem.New(http.StatusInternalServerError, problem.CodeMockFailure, err.Error()))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func badRequest(w http.ResponseWriter, format string, args ...any) {
	problem.Write(w, problem.New(http.StatusBadRequest, problem.CodeValidation, fmt.Sprintf(format, args...)))
}

func unprocessable(w http.ResponseWriter, detail string) {
	problem.Write(w, problem.New(http.StatusUnprocessableEntity, problem.CodeValidation, detail))
}

// readJSON decodes a JSON request body strictly: unknown fields are errors.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if tooLarge(w, err) {
			return false
		}
		if errors.Is(err, io.EOF) {
			badRequest(w, "the request needs a JSON body")
		} else {
			badRequest(w, "the JSON body is not valid: %v", err)
		}
		return false
	}
	return true
}

// nullableTime reads a JSON time or null (the zero time), or answers 400.
func nullableTime(w http.ResponseWriter, field string, raw json.RawMessage) (time.Time, bool) {
	var at *time.Time
	if err := json.Unmarshal(raw, &at); err != nil {
		badRequest(w, "%s: %v", field, err)
		return time.Time{}, false
	}
	if at == nil {
		return time.Time{}, true
	}
	return *at, true
}

// tooLarge answers 413 when err says the body passed maxAdminBody.
func tooLarge(w http.ResponseWriter, err error) bool {
	var mbe *http.MaxBytesError
	if !errors.As(err, &mbe) {
		return false
	}
	problem.Write(w, problem.New(http.StatusRequestEntityTooLarge, problem.CodeValidation,
		fmt.Sprintf("the request body is larger than %d bytes", mbe.Limit)))
	return true
}

// storeError answers a store failure with the status it stands for.
func (s *Server) storeError(w http.ResponseWriter, what string, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		problem.Write(w, problem.New(http.StatusNotFound, problem.CodeNotFound, what+" not found"))
	case errors.Is(err, store.ErrConflict):
		// "store: conflict: a project with id "x" already exists" reads
		// better without the sentinel's words.
		msg := strings.TrimPrefix(err.Error(), store.ErrConflict.Error()+": ")
		msg = strings.TrimSuffix(msg, ": "+store.ErrConflict.Error())
		problem.Write(w, problem.New(http.StatusConflict, problem.CodeConflict, what+": "+msg))
	case errors.Is(err, store.ErrInvalid):
		unprocessable(w, err.Error())
	default:
		s.logger.Warn("mockapi: management API: store failed", "what", what, "err", err)
		problem.Write(w, problem.New(http.StatusServiceUnavailable, problem.CodeUnavailable, "the store failed"))
	}
}

func (s *Server) url(path string) string { return s.o.BaseURL + path }

// apiError answers an error of the Go API: a *ValidationError is 422, a
// project that cannot be served 500, and the store's errors what
// storeError makes of them.
func (s *Server) apiError(w http.ResponseWriter, what string, err error) {
	var ve *ValidationError
	var pe *ProjectError
	var qe *QuotaError
	switch {
	case errors.As(err, &qe):
		writeQuotaExceeded(w, &exceeded{Subject: qe.Subject, Name: qe.Name, Size: qe.Size, Used: qe.Used})
	case errors.As(err, &ve):
		unprocessable(w, ve.Error())
	case errors.As(err, &pe):
		problem.Write(w, problem.New(http.StatusInternalServerError, problem.CodeMockFailure, pe.Error()))
	default:
		s.storeError(w, what, err)
	}
}

func isNotFoundErr(err error) bool { return errors.Is(err, store.ErrNotFound) }
