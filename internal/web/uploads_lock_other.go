//go:build !unix

package web

import (
	"errors"
	"os"
)

// tryLock reports that file locks are not used on this system; abandoned
// upload directories are then recognised by age alone.
func tryLock(*os.File) error { return errors.ErrUnsupported }
