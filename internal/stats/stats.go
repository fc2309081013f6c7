// Package stats holds the arithmetic of the evaluation (监督评价): binomial
// proportions with Wilson score intervals, the calibration of the risk
// classes (问题发现率 per class, lift over the pooled rate, whether the
// classes separate), per-inspector finding rates adjusted for the risk mix of
// their visits, and the weighted department score. It knows no database,
// screen or clock: the store counts, this package judges.
package stats

import (
	"math"
	"strconv"
)

// Z95 is the two-sided 95% standard normal quantile.
const Z95 = 1.959963984540054

// Z998 is the two-sided 99.8% standard normal quantile, the outer limit of a
// funnel plot.
const Z998 = 3.090232306167813

// Proportion is k successes out of n trials: visits with a finding out of
// visits, joint visits out of visits, results published on time out of
// results published.
type Proportion struct {
	K int64 `json:"k"`
	N int64 `json:"n"`
}

// Rate is K/N, or 0 when N is 0 (use Defined to tell the two apart).
func (p Proportion) Rate() float64 {
	if p.N <= 0 {
		return 0
	}
	return float64(p.K) / float64(p.N)
}

// Defined reports whether the proportion has at least one trial.
func (p Proportion) Defined() bool { return p.N > 0 }

// Percent formats the rate as a percentage with one decimal ("30.0%"), or
// "—" without trials, for tables and chart labels.
func (p Proportion) Percent() string {
	if !p.Defined() {
		return "—"
	}
	return strconv.FormatFloat(100*p.Rate(), 'f', 1, 64) + "%"
}

// Add returns the sum of two proportions (pooling).
func (p Proportion) Add(q Proportion) Proportion { return Proportion{K: p.K + q.K, N: p.N + q.N} }

// Interval is a confidence interval for a rate, both ends in [0, 1].
type Interval struct {
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
}

// Percent formats the interval as percentages ("10.8% – 60.3%").
func (i Interval) Percent() string {
	f := func(v float64) string { return strconv.FormatFloat(100*v, 'f', 1, 64) + "%" }
	return f(i.Lo) + " – " + f(i.Hi)
}

// Overlaps reports whether two intervals share a point.
func (i Interval) Overlaps(j Interval) bool { return i.Lo <= j.Hi && j.Lo <= i.Hi }

// Wilson returns the Wilson score interval of p at the normal quantile z
// (Z95 for 95%). Unlike the textbook p ± z·√(p(1−p)/n), it stays inside
// [0, 1] and is sensible for 0 of 20 or 20 of 20, which is exactly what a
// low-risk class with few findings produces. With no trials it is [0, 1].
func Wilson(p Proportion, z float64) Interval {
	if p.N <= 0 {
		return Interval{0, 1}
	}
	n := float64(p.N)
	ph := float64(p.K) / n
	z2 := z * z
	den := 1 + z2/n
	centre := (ph + z2/(2*n)) / den
	half := z / den * math.Sqrt(ph*(1-ph)/n+z2/(4*n*n))
	lo, hi := centre-half, centre+half
	// At k = 0 and k = n the formula gives exactly 0 and 1 in exact
	// arithmetic; clamp the rounding.
	if p.K == 0 || lo < 0 {
		lo = 0
	}
	if p.K == p.N || hi > 1 {
		hi = 1
	}
	return Interval{Lo: lo, Hi: hi}
}
