package revisit

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/draw"
)

func pool(n int) []Visit {
	out := make([]Visit, n)
	for i := range out {
		out[i] = Visit{ID: int64(100 + i), Code: "91350100M000100Y43"}
	}
	return out
}

func setup(t *testing.T, n, count int) (Announcement, []Visit, string, string, draw.PublicValue) {
	t.Helper()
	p := pool(n)
	a := Announcement{Year: 2026, Count: count, AnnouncedAt: "2026-11-02T02:00:00Z", PublicValue: "福彩3D 2026300期开奖号码", PoolHash: PoolHash(p), PoolSize: n}
	secret := strings.Repeat("ab", 16)
	b, _ := draw.ParseSecret(secret)
	pv, err := draw.ParsePublicValue("3 8 1")
	if err != nil {
		t.Fatal(err)
	}
	return a, p, Commitment(a, b), secret, pv
}

func TestDrawDeterministicAndOrderFree(t *testing.T) {
	a, p, c, secret, pv := setup(t, 50, 5)
	s1, err := Draw(a, p, c, secret, pv)
	if err != nil {
		t.Fatal(err)
	}
	if len(s1.Picks) != 5 {
		t.Fatalf("%d picks", len(s1.Picks))
	}
	shuffled := append([]Visit(nil), p...)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	s2, err := Draw(a, shuffled, c, secret, pv)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s1, s2); diff != "" {
		t.Errorf("pool order changed the sample:\n%s", diff)
	}
	for i := 1; i < len(s1.Picks); i++ {
		if s1.Picks[i-1].Key >= s1.Picks[i].Key {
			t.Errorf("picks not in key order")
		}
	}
	// A count above the pool takes the whole pool.
	a.Count = 80
	c2 := Commitment(a, mustSecret(t, secret))
	all, err := Draw(a, p, c2, secret, pv)
	if err != nil || len(all.Picks) != 50 {
		t.Errorf("whole pool: %d, %v", len(all.Picks), err)
	}
}

func mustSecret(t *testing.T, s string) []byte {
	t.Helper()
	b, err := draw.ParseSecret(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDrawRefusesTampering(t *testing.T) {
	a, p, c, secret, pv := setup(t, 30, 3)
	base, err := Draw(a, p, c, secret, pv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Draw(a, p[:29], c, secret, pv); err == nil {
		t.Error("a visit dropped from the pool went unnoticed")
	}
	swapped := append([]Visit(nil), p...)
	swapped[0].Code = "9131000063159284XQ"
	if _, err := Draw(a, swapped, c, secret, pv); err == nil {
		t.Error("a changed business went unnoticed")
	}
	if _, err := Draw(a, p, c, strings.Repeat("cd", 16), pv); err == nil || !strings.Contains(err.Error(), "commitment") {
		t.Errorf("wrong secret: %v", err)
	}
	if _, err := Draw(a, p, c, secret, draw.PublicValue{}); err == nil {
		t.Error("missing public value accepted")
	}
	// Another public value gives another sample (with overwhelming odds).
	pv2, _ := draw.ParsePublicValue("3 8 2")
	other, err := Draw(a, p, c, secret, pv2)
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Equal(base.Picks, other.Picks) || base.Seed == other.Seed {
		t.Error("the public value does not change the sample")
	}
	// The commitment binds the announcement: changing the count breaks it.
	a.Count = 4
	if _, err := Draw(a, p, c, secret, pv); err == nil {
		t.Error("a changed announcement kept its commitment")
	}
}

func TestUniform(t *testing.T) {
	// Over 400 secrets, each of 20 visits is picked 4 of 20 times on
	// average: 80 times. A chi-square goodness of fit on 19 df stays below
	// 43.8 (p = 0.001) for the fixed seed list.
	p := pool(20)
	counts := make(map[int64]int)
	for s := range 400 {
		a := Announcement{Year: 2026, Count: 4, AnnouncedAt: "2026-11-02T02:00:00Z", PoolHash: PoolHash(p), PoolSize: 20}
		secret := fmt.Sprintf("%064x", s+1)
		b := mustSecret(t, secret)
		smp, err := Draw(a, p, Commitment(a, b), secret, draw.PublicValue{})
		if err != nil {
			t.Fatal(err)
		}
		for _, pk := range smp.Picks {
			counts[pk.ID]++
		}
	}
	chi := 0.0
	for _, v := range p {
		d := float64(counts[v.ID]) - 80
		chi += d * d / 80
	}
	if chi > 43.8 {
		t.Errorf("chi-square %.1f: picks %v", chi, counts)
	}
}
