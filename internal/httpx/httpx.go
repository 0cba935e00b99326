// Package httpx holds small net/http helpers shared by mockapi's handlers.
package httpx

import "net/http"

// StatusWriter notes the status a response was sent with, for request logs.
type StatusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader notes the first final (non-1xx) status and sends it.
func (s *StatusWriter) WriteHeader(code int) {
	if s.status == 0 && code >= 200 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// Write sends body bytes; without an earlier WriteHeader the status is 200.
func (s *StatusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the underlying writer.
func (s *StatusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Status is the status sent: 200 when the handler wrote nothing.
func (s *StatusWriter) Status() int {
	if s.status == 0 {
		return http.StatusOK
	}
	return s.status
}
