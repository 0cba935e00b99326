package mockapi

import (
	"fmt"

	"github.com/mockapi-go/mockapi/store"
)

// Errors of the Server's Go API, tested with errors.Is. They are the
// store's own sentinels, so an error from the store and one from the
// Server compare the same way.
var (
	// ErrNotFound: the project, key or link does not exist.
	ErrNotFound = store.ErrNotFound
	// ErrConflict: the id is taken, or the project kept changing under
	// an update until it gave up.
	ErrConflict = store.ErrConflict
)

// A ValidationError is input the Server's Go API refuses: a field that is
// missing, out of range or inconsistent with the project. The management
// API answers it with 422.
type ValidationError struct {
	// Field names the input in the management API's JSON spelling
	// ("visibility", "rate_limit", "operation_visibility", "spec").
	Field string
	// Reason says what is wrong, in a sentence that names the value.
	Reason string
	// Err is the cause, when there is one (an *openapi.LoadError for a
	// spec that does not load).
	Err error
}

func invalidf(field string, err error, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...), Err: err}
}

// Error returns the reason, prefixed by the field.
func (e *ValidationError) Error() string { return e.Field + ": " + e.Reason }

// Unwrap returns the cause.
func (e *ValidationError) Unwrap() error { return e.Err }

// A ProjectError says why the stored version of a project cannot be
// served: its description does not load or compile, or its settings do not
// parse. The Server remembers it for that version, so a broken project is
// not parsed again on every request; the next update of the project
// (through any instance) is compiled afresh. Requests to the project are
// refused with 500 meanwhile: the project is never served without the
// settings it was given.
type ProjectError struct {
	Project string
	Version int64
	Err     error
}

// Error names the project, its version and the cause.
func (e *ProjectError) Error() string {
	return fmt.Sprintf("mockapi: project %s (version %d) cannot be served: %v", e.Project, e.Version, e.Err)
}

// Unwrap returns the cause.
func (e *ProjectError) Unwrap() error { return e.Err }
