//go:build unix

package openapi

import "syscall"

// openNonBlock keeps an open of a FIFO that replaced a checked file from
// blocking; it changes nothing for regular files.
const openNonBlock = syscall.O_NONBLOCK
