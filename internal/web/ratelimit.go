package web

import (
	"sync"
	"time"
)

// Login attempts are limited per client address and per username: five
// failures within five minutes lock either out until the oldest failure
// leaves the window. Guessing passwords against one account from many
// addresses, or many accounts from one address, both hit a limit.
const (
	loginMaxFailures = 5
	loginWindow      = 5 * time.Minute
)

// loginLimiter counts recent login failures in memory. It is per process;
// a restart forgets, which is acceptable for a county-sized deployment.
type loginLimiter struct {
	mu       sync.Mutex
	max      int
	window   time.Duration
	failures map[string][]time.Time
}

func newLoginLimiter(max int, window time.Duration) *loginLimiter {
	return &loginLimiter{max: max, window: window, failures: map[string][]time.Time{}}
}

// recent drops failures older than the window and returns those left.
func (l *loginLimiter) recent(key string, now time.Time) []time.Time {
	ts := l.failures[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.window {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.failures, key)
		return nil
	}
	l.failures[key] = ts
	return ts
}

// Blocked reports whether any of keys has reached the limit.
func (l *loginLimiter) Blocked(now time.Time, keys ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if len(l.recent(k, now)) >= l.max {
			return true
		}
	}
	return false
}

// Fail records a failure against every key.
func (l *loginLimiter) Fail(now time.Time, keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		l.failures[k] = append(l.recent(k, now), now)
	}
	// Bound memory under a flood of distinct usernames: forget keys whose
	// failures have all expired.
	if len(l.failures) > 10000 {
		for k := range l.failures {
			l.recent(k, now)
		}
	}
}

// Reset forgets the failures of key (after a successful login).
func (l *loginLimiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}
