package stats

import "math"

// ClassCount is the visits of one risk class and how many of them found a
// problem. Class is the label (A, B, C, D); callers pass the classes from
// low to high risk.
type ClassCount struct {
	Class  string
	Visits Proportion // K = visits with a finding, N = visits
}

// ClassRate is one class's problem-discovery rate (问题发现率) with its 95%
// Wilson interval and its lift over the pooled rate (1.0 = no better than
// inspecting at random).
type ClassRate struct {
	Class       string     `json:"class"`
	Visits      Proportion `json:"visits"`
	Interval    Interval   `json:"interval"`
	Lift        float64    `json:"lift"`
	LiftDefined bool       `json:"lift_defined"`
}

// Verdict says whether the risk classes separate the businesses that have
// problems from those that do not.
type Verdict string

// The verdicts of a calibration.
const (
	// VerdictInsufficient: fewer than two classes with visits, or no
	// finding at all (or only findings): nothing can be said yet.
	VerdictInsufficient Verdict = "insufficient"
	// VerdictSeparated: the rates differ (chi-square test at 5%) and no
	// lower-risk class finds significantly more than a higher-risk one.
	VerdictSeparated Verdict = "separated"
	// VerdictNotSeparated: the rates do not differ significantly: the
	// classes do not tell problem businesses apart, so differentiated
	// ratios only add visits to some businesses for nothing.
	VerdictNotSeparated Verdict = "not_separated"
	// VerdictInverted: the rates differ, but some lower-risk class finds
	// significantly more problems than a higher-risk one.
	VerdictInverted Verdict = "inverted"
)

// Pair names two classes, lower risk first.
type Pair struct {
	Lower  string `json:"lower"`
	Higher string `json:"higher"`
}

// Calibration is the risk calibration (利剑高悬、无事不扰) of one set of
// randomly drawn visits.
type Calibration struct {
	Classes  []ClassRate `json:"classes"`
	Pooled   Proportion  `json:"pooled"`
	PooledCI Interval    `json:"pooled_interval"`
	// ChiSquare is Pearson's statistic of independence between class and
	// finding over the classes with visits; DF its degrees of freedom and
	// P its p-value.
	ChiSquare float64 `json:"chi_square"`
	DF        int     `json:"df"`
	P         float64 `json:"p"`
	// Approximate is set when an expected count is below 5, where the
	// chi-square approximation is rough: read the intervals too.
	Approximate bool `json:"approximate"`
	// Overlaps lists the neighbouring classes (with visits) whose 95%
	// intervals overlap: candidates for merging or for a ratio change.
	Overlaps []Pair `json:"overlaps"`
	// Inversions lists pairs where the lower-risk class's interval lies
	// wholly above the higher-risk class's.
	Inversions []Pair  `json:"inversions"`
	Verdict    Verdict `json:"verdict"`
}

// Alpha is the significance level of the separation test.
const Alpha = 0.05

// Calibrate computes the calibration of classes, given from low to high risk.
func Calibrate(classes []ClassCount) Calibration {
	var c Calibration
	for _, cc := range classes {
		c.Pooled = c.Pooled.Add(cc.Visits)
	}
	c.PooledCI = Wilson(c.Pooled, Z95)
	pooled := c.Pooled.Rate()
	var used []ClassRate // classes with visits, in order
	for _, cc := range classes {
		r := ClassRate{Class: cc.Class, Visits: cc.Visits, Interval: Wilson(cc.Visits, Z95)}
		if cc.Visits.Defined() && pooled > 0 {
			r.Lift, r.LiftDefined = cc.Visits.Rate()/pooled, true
		}
		c.Classes = append(c.Classes, r)
		if cc.Visits.Defined() {
			used = append(used, r)
		}
	}
	if len(used) < 2 || c.Pooled.K == 0 || c.Pooled.K == c.Pooled.N {
		c.Verdict = VerdictInsufficient
		c.P = 1
		return c
	}
	n, k := float64(c.Pooled.N), float64(c.Pooled.K)
	for _, r := range used {
		ni, ki := float64(r.Visits.N), float64(r.Visits.K)
		e1, e0 := ni*k/n, ni*(n-k)/n
		c.ChiSquare += (ki-e1)*(ki-e1)/e1 + (ni-ki-e0)*(ni-ki-e0)/e0
		if e1 < 5 || e0 < 5 {
			c.Approximate = true
		}
	}
	c.DF = len(used) - 1
	c.P = ChiSquareSurvival(c.ChiSquare, c.DF)
	for i := 1; i < len(used); i++ {
		if used[i-1].Interval.Overlaps(used[i].Interval) {
			c.Overlaps = append(c.Overlaps, Pair{used[i-1].Class, used[i].Class})
		}
	}
	for i := range used {
		for j := i + 1; j < len(used); j++ {
			if used[i].Interval.Lo > used[j].Interval.Hi {
				c.Inversions = append(c.Inversions, Pair{used[i].Class, used[j].Class})
			}
		}
	}
	switch {
	case c.P >= Alpha:
		c.Verdict = VerdictNotSeparated
	case len(c.Inversions) > 0:
		c.Verdict = VerdictInverted
	default:
		c.Verdict = VerdictSeparated
	}
	return c
}

// ChiSquareSurvival is P(X ≥ x) for X chi-square distributed with df ≥ 1
// degrees of freedom, from the closed forms for integer df: for even df,
// e^(−x/2) Σ_{i<df/2} (x/2)^i / i!; for odd df, erfc(√(x/2)) plus
// e^(−x/2) Σ_{i=1}^{(df−1)/2} x^(i−1/2) / (Γ(i+1/2)·2^(i−1/2)).
func ChiSquareSurvival(x float64, df int) float64 {
	if df < 1 || math.IsNaN(x) {
		return math.NaN()
	}
	if x <= 0 {
		return 1
	}
	h := x / 2
	if df%2 == 0 {
		term, sum := 1.0, 1.0
		for i := 1; i < df/2; i++ {
			term *= h / float64(i)
			sum += term
		}
		return math.Min(1, math.Exp(-h)*sum)
	}
	p := math.Erfc(math.Sqrt(h))
	// term_i = x^(i−1/2) / (Γ(i+1/2) 2^(i−1/2)); term_1 = √(2x/π), and
	// term_{i+1} = term_i · x / (2i+1).
	term := math.Sqrt(2 * x / math.Pi)
	sum := 0.0
	for i := 1; i <= (df-1)/2; i++ {
		sum += term
		term *= x / float64(2*i+1)
	}
	return math.Min(1, p+math.Exp(-h)*sum)
}
