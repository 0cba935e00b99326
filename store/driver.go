package store

// Driver is what a backend implements. Use it through a Store, which
// validates arguments and refuses calls after Close before a driver sees them.
type Driver interface {
	Projects() Projects
	Keys() Keys
	Links() Links
	Records() Records
	RequestLog() RequestLog
	// Close releases the connection. The Store calls it once.
	Close() error
}
