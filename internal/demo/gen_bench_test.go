package demo

import "testing"

// BenchmarkEntity measures generating one business, without the store.
func BenchmarkEntity(b *testing.B) {
	g := newGenerator(Options{Today: fixedToday}.withDefaults())
	i := 0
	for b.Loop() {
		_ = g.entity(i)
		i++
	}
}
