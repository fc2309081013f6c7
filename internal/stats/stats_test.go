package stats

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// near reports whether got is within tol of want.
func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func TestWilson(t *testing.T) {
	// Hand-computed from centre ± half with z = 1.959964:
	// 3/10: centre (0.3 + 0.19207)/1.38415 = 0.35550, half 0.24772.
	tests := []struct {
		name   string
		p      Proportion
		lo, hi float64
	}{
		{"3 of 10", Proportion{3, 10}, 0.107791, 0.603222},
		{"0 of 10", Proportion{0, 10}, 0, 0.277533},
		{"10 of 10", Proportion{10, 10}, 0.722467, 1},
		{"32 of 280", Proportion{32, 280}, 0.082127, 0.156885},
		{"no trials", Proportion{0, 0}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Wilson(tt.p, Z95)
			if !near(got.Lo, tt.lo, 1e-6) || !near(got.Hi, tt.hi, 1e-6) {
				t.Errorf("Wilson(%v) = [%.6f, %.6f], want [%.6f, %.6f]", tt.p, got.Lo, got.Hi, tt.lo, tt.hi)
			}
			if got.Lo < 0 || got.Hi > 1 || got.Lo > tt.p.Rate() && tt.p.Defined() || got.Hi < tt.p.Rate() {
				t.Errorf("Wilson(%v) = %v does not contain the rate inside [0, 1]", tt.p, got)
			}
		})
	}
}

func TestChiSquareSurvival(t *testing.T) {
	// The 5% critical values of the chi-square table for df = 1…5, and
	// closed forms: df 2 is e^(−x/2); df 1 at x = 1 is erfc(√½) = 0.317311.
	tests := []struct {
		x    float64
		df   int
		want float64
	}{
		{3.841459, 1, 0.05},
		{5.991465, 2, 0.05},
		{7.814728, 3, 0.05},
		{9.487729, 4, 0.05},
		{11.070498, 5, 0.05},
		{1, 1, 0.317311},
		{4, 2, math.Exp(-2)},
		{0, 3, 1},
		{6.634897, 1, 0.01},
		{11.344867, 3, 0.01},
	}
	for _, tt := range tests {
		if got := ChiSquareSurvival(tt.x, tt.df); !near(got, tt.want, 1e-6) {
			t.Errorf("ChiSquareSurvival(%v, %d) = %.7f, want %.7f", tt.x, tt.df, got, tt.want)
		}
	}
	if !math.IsNaN(ChiSquareSurvival(1, 0)) {
		t.Error("df 0 must be NaN")
	}
}

func TestCalibrate(t *testing.T) {
	t.Run("separated", func(t *testing.T) {
		// A 2/100, B 5/100, C 10/50, D 15/30; pooled 32/280 = 0.114286.
		// χ² = 60.5867 on 3 df (hand-computed from the 4×2 table).
		c := Calibrate([]ClassCount{{"A", Proportion{2, 100}}, {"B", Proportion{5, 100}}, {"C", Proportion{10, 50}}, {"D", Proportion{15, 30}}})
		if c.Pooled != (Proportion{32, 280}) {
			t.Fatalf("pooled = %v", c.Pooled)
		}
		wantLift := []float64{0.175, 0.4375, 1.75, 4.375}
		for i, cl := range c.Classes {
			if !cl.LiftDefined || !near(cl.Lift, wantLift[i], 1e-9) {
				t.Errorf("class %s lift = %v, want %v", cl.Class, cl.Lift, wantLift[i])
			}
		}
		if !near(c.ChiSquare, 60.586694, 1e-5) || c.DF != 3 || c.P > 1e-12 {
			t.Errorf("χ² = %v df %d p %v", c.ChiSquare, c.DF, c.P)
		}
		// A [0.0055, 0.0700] and B [0.0215, 0.1118] overlap; B–C and C–D
		// miss by less than 0.002.
		if diff := cmp.Diff([]Pair{{"A", "B"}}, c.Overlaps); diff != "" {
			t.Errorf("overlaps (-want +got):\n%s", diff)
		}
		// D's expected findings are 30 × 32/280 = 3.43 < 5.
		if c.Verdict != VerdictSeparated || len(c.Inversions) != 0 || !c.Approximate {
			t.Errorf("verdict %s, inversions %v, approximate %v", c.Verdict, c.Inversions, c.Approximate)
		}
	})
	t.Run("not separated", func(t *testing.T) {
		// χ² = 0.482478, p = 0.922724.
		c := Calibrate([]ClassCount{{"A", Proportion{5, 100}}, {"B", Proportion{6, 100}}, {"C", Proportion{7, 100}}, {"D", Proportion{4, 80}}})
		if !near(c.ChiSquare, 0.482478, 1e-6) || !near(c.P, 0.922724, 1e-6) {
			t.Errorf("χ² %v p %v", c.ChiSquare, c.P)
		}
		if c.Verdict != VerdictNotSeparated || len(c.Overlaps) != 3 {
			t.Errorf("verdict %s overlaps %v", c.Verdict, c.Overlaps)
		}
	})
	t.Run("inverted", func(t *testing.T) {
		// A finds 30/100, the others 5/100: A's interval [0.219, 0.396]
		// lies above the others' [0.022, 0.112].
		c := Calibrate([]ClassCount{{"A", Proportion{30, 100}}, {"B", Proportion{5, 100}}, {"C", Proportion{5, 100}}, {"D", Proportion{5, 100}}})
		if c.Verdict != VerdictInverted {
			t.Errorf("verdict %s", c.Verdict)
		}
		if diff := cmp.Diff([]Pair{{"A", "B"}, {"A", "C"}, {"A", "D"}}, c.Inversions); diff != "" {
			t.Errorf("inversions (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]Pair{{"B", "C"}, {"C", "D"}}, c.Overlaps); diff != "" {
			t.Errorf("overlaps (-want +got):\n%s", diff)
		}
	})
	t.Run("insufficient", func(t *testing.T) {
		for name, cc := range map[string][]ClassCount{
			"one class":   {{"A", Proportion{0, 0}}, {"B", Proportion{3, 10}}},
			"no findings": {{"A", Proportion{0, 10}}, {"B", Proportion{0, 10}}},
			"all found":   {{"A", Proportion{10, 10}}, {"B", Proportion{5, 5}}},
			"empty":       nil,
		} {
			c := Calibrate(cc)
			if c.Verdict != VerdictInsufficient || c.P != 1 {
				t.Errorf("%s: verdict %s p %v", name, c.Verdict, c.P)
			}
		}
		// A class without visits keeps its row, without a lift.
		c := Calibrate([]ClassCount{{"A", Proportion{0, 0}}, {"B", Proportion{3, 10}}})
		if len(c.Classes) != 2 || c.Classes[0].LiftDefined || !c.Classes[1].LiftDefined || c.Classes[1].Lift != 1 {
			t.Errorf("classes %+v", c.Classes)
		}
	})
	t.Run("approximate", func(t *testing.T) {
		// Expected findings in A: 10 × 4/20 = 2 < 5.
		c := Calibrate([]ClassCount{{"A", Proportion{0, 10}}, {"B", Proportion{4, 10}}})
		if !c.Approximate || c.DF != 1 {
			t.Errorf("approximate %v df %d", c.Approximate, c.DF)
		}
		// χ² for the 2×2 table: 5.0 (each cell (2)²/E: 4/2+4/2+4/8+4/8).
		if !near(c.ChiSquare, 5, 1e-9) {
			t.Errorf("χ² = %v, want 5", c.ChiSquare)
		}
	})
}

func TestAdjustInspectors(t *testing.T) {
	// County rates: A 10/100 = 0.1, D 50/100 = 0.5.
	cal := Calibrate([]ClassCount{{"A", Proportion{10, 100}}, {"D", Proportion{50, 100}}})
	got := AdjustInspectors(cal, []InspectorCount{
		// 10 A + 10 D, 6 found: expected 1 + 5 = 6, ratio 1, z 0.
		{ID: 1, ByClass: map[string]Proportion{"A": {1, 10}, "D": {5, 10}}},
		// 20 D, 18 found: expected 10, variance 5, z = 8/√5 = 3.5777.
		{ID: 2, ByClass: map[string]Proportion{"D": {18, 20}}},
		// 20 A, 0 found: expected 2, variance 1.8, z = −1.4907.
		{ID: 3, ByClass: map[string]Proportion{"A": {0, 20}}},
		// 40 D, 13 found: expected 20, variance 10, z = −2.2136.
		{ID: 4, ByClass: map[string]Proportion{"D": {13, 40}}},
		// Nothing visited.
		{ID: 5},
	})
	want := []struct {
		expected, ratio, z float64
		flag               Flag
		high               bool
	}{
		{6, 1, 0, FlagNone, false},
		{10, 1.8, 3.577709, FlagAlarm, true},
		{2, 0, -1.490712, FlagNone, false},
		{20, 0.65, -2.213594, FlagWatch, false},
		{0, 0, 0, FlagNone, false},
	}
	for i, w := range want {
		g := got[i]
		if !near(g.Expected, w.expected, 1e-9) || !near(g.Ratio, w.ratio, 1e-9) || !near(g.Z, w.z, 1e-6) || g.Flag != w.flag || g.High != w.high {
			t.Errorf("inspector %d = %+v, want %+v", g.ID, g, w)
		}
	}
	if got[4].RatioDefined || !got[2].RatioDefined {
		t.Errorf("ratio defined: %v %v", got[4].RatioDefined, got[2].RatioDefined)
	}
	if got[1].Visits != (Proportion{18, 20}) {
		t.Errorf("crude visits %v", got[1].Visits)
	}
}

func TestScore(t *testing.T) {
	tests := []struct {
		name string
		cs   []Component
		want float64
		ok   bool
	}{
		{"weighted mean", []Component{{"a", 1, true, 2}, {"b", 0.5, true, 1}, {"c", 0, true, 1}}, 100 * 2.5 / 4, true},
		{"undefined drops out", []Component{{"a", 0.8, true, 1}, {"b", 0, false, 3}}, 80, true},
		{"zero weight ignored", []Component{{"a", 0.8, true, 1}, {"b", 0, true, 0}}, 80, true},
		{"clamped", []Component{{"a", 1.5, true, 1}, {"b", -1, true, 1}}, 50, true},
		{"nothing", []Component{{"a", 1, false, 1}}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Score(tt.cs)
			if ok != tt.ok || !near(got, tt.want, 1e-9) {
				t.Errorf("Score = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestPercent(t *testing.T) {
	if got := Wilson(Proportion{3, 10}, Z95).Percent(); got != "10.8% – 60.3%" {
		t.Errorf("interval percent = %q", got)
	}
	for p, want := range map[Proportion]string{{3, 10}: "30.0%", {1, 3}: "33.3%", {0, 0}: "—", {2, 2}: "100.0%"} {
		if got := p.Percent(); got != want {
			t.Errorf("%v.Percent() = %q, want %q", p, got, want)
		}
	}
}
