package dashboard

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSessionsExpiry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		ttl   time.Duration
		after time.Duration
		live  bool
	}{
		{"fresh", time.Hour, 0, true},
		{"just before the end", time.Hour, time.Hour - time.Nanosecond, true},
		{"at the end", time.Hour, time.Hour, false},
		{"long after", time.Hour, 48 * time.Hour, false},
		{"the default lifetime", 0, DefaultSessionTTL - time.Second, true},
		{"past the default lifetime", 0, DefaultSessionTTL, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
			s := NewSessions(tc.ttl)
			s.SetClock(func() time.Time { return now })
			id, sess := s.Create()
			require.Len(t, id, 27, "160 bits in base64url")
			assert.Equal(t, now.Add(s.TTL()), sess.Expires)
			now = now.Add(tc.after)
			got, ok := s.Get(id)
			assert.Equal(t, tc.live, ok)
			if tc.live {
				assert.Equal(t, sess, got)
			} else {
				assert.Equal(t, 0, s.Len(), "an expired session is forgotten")
			}
		})
	}
}

func TestSessionsKeepOnlyHashes(t *testing.T) {
	t.Parallel()
	s := NewSessions(time.Hour)
	id, sess := s.Create()
	id2, sess2 := s.Create()
	assert.NotEqual(t, id, id2)
	assert.NotEqual(t, sess.CSRF, sess2.CSRF)
	assert.NotEqual(t, id, sess.CSRF)
	for h, x := range s.m {
		assert.NotContains(t, []string{id, id2}, h, "the id itself is not kept")
		assert.Len(t, h, 64)
		assert.NotContains(t, fmt.Sprint(x), id)
	}
	_, ok := s.Get(hashID(id))
	assert.False(t, ok, "the stored digest is no session id")
	_, ok = s.Get("")
	assert.False(t, ok)

	s.Delete(id)
	_, ok = s.Get(id)
	assert.False(t, ok, "signed out")
	_, ok = s.Get(id2)
	assert.True(t, ok, "the other session stays")
}

func TestSessionsBounded(t *testing.T) {
	t.Parallel()
	now := time.Now()
	s := NewSessions(time.Hour)
	s.max = 3
	s.SetClock(func() time.Time { return now })
	first, _ := s.Create()
	for range 5 {
		now = now.Add(time.Second)
		s.Create()
	}
	assert.LessOrEqual(t, s.Len(), 3)
	_, ok := s.Get(first)
	assert.False(t, ok, "the session closest to expiry went first")
}

func TestSessionsFlash(t *testing.T) {
	t.Parallel()
	s := NewSessions(time.Hour)
	id, _ := s.Create()
	other, _ := s.Create()
	s.AddFlash(id, "Key revoked.")
	s.AddFlash(id, "Settings saved.")
	for range 20 {
		s.AddFlash(id, "spam")
	}
	s.AddFlash("nobody", "lost")
	assert.Empty(t, s.TakeFlash(other))
	got := s.TakeFlash(id)
	assert.Len(t, got, 10, "bounded")
	assert.Equal(t, []string{"Key revoked.", "Settings saved."}, got[:2])
	assert.Empty(t, s.TakeFlash(id), "taken once")
}

func TestNewToken(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 100 {
		tok := NewToken()
		assert.Len(t, tok, 27)
		assert.False(t, strings.ContainsAny(tok, "+/="), "URL-safe")
		assert.False(t, seen[tok])
		seen[tok] = true
	}
	assert.True(t, Equal("abc", "abc"))
	assert.False(t, Equal("abc", "abd"))
	assert.False(t, Equal("", ""), "an empty token matches nothing")
}
