package store

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store/driver"
)

// nopDriver is a backend whose concerns do nothing; the lifecycle tests
// call none of them except Touch.
type nopDriver struct{ driver.Driver }

func (nopDriver) Projects() driver.Projects     { return nil }
func (nopDriver) Keys() driver.Keys             { return nopKeys{} }
func (nopDriver) Links() driver.Links           { return nil }
func (nopDriver) Records() driver.Records       { return nil }
func (nopDriver) RequestLog() driver.RequestLog { return nil }
func (nopDriver) Users() driver.Users           { return nil }
func (nopDriver) Teams() driver.Teams           { return nil }
func (nopDriver) Quotas() driver.Quotas         { return nil }
func (nopDriver) Close() error                  { return nil }

type nopKeys struct{ driver.Keys }

func (nopKeys) Touch(context.Context, string, time.Time) error { return nil }

// No constructor starts a goroutine its user must know to stop: the flush
// goroutine starts with the first Touch, and Close stops it.
func TestFlushGoroutineStartsLazily(t *testing.T) {
	for _, tc := range []struct {
		name     string
		interval time.Duration
		touch    bool
		want     bool
	}{
		{"new", time.Minute, false, false},
		{"touched", time.Minute, true, true},
		{"touched without interval", 0, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(nopDriver{}, WithTouchInterval(tc.interval))
			if tc.touch {
				require.NoError(t, s.Keys().Touch(t.Context(), "k", time.Now()))
			}
			s.touchMu.Lock()
			started := s.flushing
			s.touchMu.Unlock()
			assert.Equal(t, tc.want, started)
			require.NoError(t, s.Close())
			if started {
				select {
				case <-s.done:
				default:
					t.Fatal("Close returned with the flush goroutine running")
				}
			}
		})
	}
}

// A Touch racing with Close never starts a goroutine that nobody stops.
func TestNoFlushGoroutineAfterClose(t *testing.T) {
	s := New(nopDriver{}, WithTouchInterval(time.Minute))
	require.NoError(t, s.Close())
	s.touch("k", time.Now()) // as a Touch that passed the closed check before Close
	s.touchMu.Lock()
	defer s.touchMu.Unlock()
	assert.False(t, s.flushing)
}
