package driver

import "time"

// Driver is what a backend implements: the concerns and Close. Wrap
// one with store.New; the portable store.Store validates arguments, refuses
// calls after Close and stamps ids and times before a driver sees a call,
// so a driver may assume well-formed arguments.
type Driver interface {
	Projects() Projects
	Keys() Keys
	Links() Links
	Records() Records
	RequestLog() RequestLog
	Users() Users
	Teams() Teams
	Quotas() Quotas
	// Close releases the connection. The Store calls it once.
	Close() error
}

// ClockSetter is implemented by drivers that stamp times themselves (such
// as records' CreatedAt and UpdatedAt). store.New hands them the Store's
// clock (time.Now unless store.WithClock says otherwise) before any other
// call; a driver shared by several Stores uses the clock of the latest.
type ClockSetter interface {
	SetClock(now func() time.Time)
}
