package driver

import "context"

// Watcher is implemented by drivers that can tell a Store, unasked, that a
// project changed through any Store on the same database. A Store whose
// driver is one answers Projects.Version from memory while its watch is
// up, and reads the database again for a project once told it changed;
// while the watch is down, it reads the version on every call, as it does
// over drivers that are not Watchers.
type Watcher interface {
	// Watch listens for project changes until ctx ends or the connection
	// it listens on fails, and returns why it stopped (ctx.Err() when ctx
	// ended). It calls ready once it listens: from then on, every project
	// created, updated or deleted by a transaction that commits is named
	// by a call to changed, after the commit, in commit order. changed may
	// also name a project that did not change. Both are called from Watch's
	// goroutine, never at once.
	Watch(ctx context.Context, ready func(), changed func(project string)) error
}
