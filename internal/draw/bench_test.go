package draw

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

// benchPool returns n businesses in strata A–D (40/30/20/10 %).
func benchPool(n int) ([]Business, *Announcement) {
	a := &Announcement{Rounding: RoundCeil, Strata: []Stratum{{Name: "A", Ratio: "1/100"}, {Name: "B", Ratio: "1/50"}, {Name: "C", Ratio: "1/10"}, {Name: "D", Ratio: "3/10"}}}
	bs := make([]Business, n)
	for i := range bs {
		bs[i] = Business{Code: bigCode(i), Stratum: stratumOf(i)}
		a.Strata[bs[i].Stratum[0]-'A'].Pool++
	}
	return bs, a
}

func bigCode(i int) string {
	c, _ := validate.MakeCreditCode("91", "140827", fmt.Sprintf("%08d", i))
	return c
}

func stratumOf(i int) string {
	switch h := (i * 2654435761) % 10; {
	case h < 4:
		return "A"
	case h < 7:
		return "B"
	case h < 9:
		return "C"
	}
	return "D"
}

// BenchmarkKeys computes the 1,000,000 business keys alone: the floor
// below which no draw can go.
func BenchmarkKeys(b *testing.B) {
	bs, _ := benchPool(1_000_000)
	k := NewKeyer(Seed("bench"))
	var key [32]byte
	defer cpuTime(b)()
	for b.Loop() {
		for i := range bs {
			k.Entity(bs[i].Stratum, bs[i].Code, &key)
		}
	}
}

// BenchmarkDraw is the full stratified draw over the same 1,000,000
// businesses in 4 strata: keys, quotas and selection in visit order. The
// target is at most 1.5 × BenchmarkKeys.
func BenchmarkDraw(b *testing.B) {
	bs, a := benchPool(1_000_000)
	seed := Seed("bench")
	defer cpuTime(b)()
	for b.Loop() {
		s, err := NewSelector(seed, a)
		if err != nil {
			b.Fatal(err)
		}
		for i := range bs {
			s.Add(&bs[i])
		}
		if _, _, err := s.Result(); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuTime reports the process's CPU time per operation as well: the
// machine is shared, and wall time then measures the neighbours too.
func cpuTime(b *testing.B) func() {
	start := cpu()
	return func() { b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op") }
}

func cpu() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// TestLargePool streams a pool through the snapshot hash and the draw
// without holding it in memory. It runs when YIYEYICHA_DRAW_POOL gives the
// size; for the 10,000,000 pool (docs/draw-spec.md, "Performance"):
//
//	go test -c -o /tmp/draw.test ./internal/draw
//	YIYEYICHA_DRAW_POOL=10000000 /usr/bin/time -v /tmp/draw.test -test.run TestLargePool -test.v
func TestLargePool(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("YIYEYICHA_DRAW_POOL"))
	if n == 0 {
		t.Skip("set YIYEYICHA_DRAW_POOL to the pool size")
	}
	// Freeze: snapshot hash and counts per stratum, streamed in code order.
	h := NewPoolHasher(false)
	for i := 0; i < n; i++ {
		b := Business{Code: bigCode(i), Name: "商户" + strconv.Itoa(i), Stratum: stratumOf(i), Industry: "catering"}
		if err := h.AddBusiness(&b); err != nil {
			t.Fatal(err)
		}
	}
	sum := h.Summary()
	a := &Announcement{Rounding: RoundCeil, Strata: []Stratum{{Name: "A", Ratio: "1/100"}, {Name: "B", Ratio: "1/50"}, {Name: "C", Ratio: "1/10"}, {Name: "D", Ratio: "3/10"}}}
	for i := range a.Strata {
		a.Strata[i].Pool = sum.Strata[a.Strata[i].Name]
	}
	// Draw: a second pass, as the store would stream it again.
	s, err := NewSelector(Seed("large"), a)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		b := Business{Code: bigCode(i), Name: "商户" + strconv.Itoa(i), Stratum: stratumOf(i), Industry: "catering"}
		if err := s.Add(&b); err != nil {
			t.Fatal(err)
		}
	}
	strata, picks, err := s.Result()
	if err != nil {
		t.Fatal(err)
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("pool %d, hash %s, strata %v, %d picks; peak RSS %d MiB, Go heap in use %d MiB",
		n, sum.Hash[:16], strata, len(picks), ru.Maxrss/1024, ms.HeapInuse>>20)
}
