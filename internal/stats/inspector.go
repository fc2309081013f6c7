package stats

import "math"

// InspectorCount is one inspector's visits by risk class: K of the N visits
// of each class found a problem in the inspector's part.
type InspectorCount struct {
	ID      int64
	ByClass map[string]Proportion
}

// Flag marks an inspector whose finding rate lies outside the funnel of
// what chance allows, given the risk mix of the visits.
type Flag int

// The flags, from none to the 99.8% limit.
const (
	FlagNone  Flag = 0 // within the 95% limits
	FlagWatch Flag = 1 // outside 95%: one in twenty inspectors will be here by chance
	FlagAlarm Flag = 2 // outside 99.8%: look at this inspector's records
)

// InspectorRate is an inspector's finding rate adjusted by indirect
// standardisation: observed findings against the findings expected if each
// visit found problems at the county rate of its risk class. Because
// inspectors are assigned at random, a ratio far from 1 is about the
// inspector (or the items they check), not the businesses they drew.
type InspectorRate struct {
	ID       int64      `json:"id"`
	Visits   Proportion `json:"visits"`   // crude: visits with a finding / visits
	Expected float64    `json:"expected"` // Σ visits of class × class rate
	// Ratio is observed / expected (standardised finding ratio); defined
	// only when Expected > 0.
	Ratio        float64 `json:"ratio"`
	RatioDefined bool    `json:"ratio_defined"`
	// Z is (observed − expected) / √(Σ visits × rate × (1 − rate)), the
	// binomial standard score; 0 when the variance is 0.
	Z    float64 `json:"z"`
	Flag Flag    `json:"flag"`
	// High is set for a flagged inspector who finds more than expected.
	High bool `json:"high"`
}

// AdjustInspectors computes each inspector's standardised finding ratio
// against the class rates of cal (a calibration over all the visits the
// inspectors took part in). Classes an inspector visited that cal does not
// know count with rate 0.
func AdjustInspectors(cal Calibration, inspectors []InspectorCount) []InspectorRate {
	rate := map[string]float64{}
	for _, c := range cal.Classes {
		rate[c.Class] = c.Visits.Rate()
	}
	out := make([]InspectorRate, 0, len(inspectors))
	for _, in := range inspectors {
		r := InspectorRate{ID: in.ID}
		variance := 0.0
		for class, p := range in.ByClass {
			q := rate[class]
			r.Visits = r.Visits.Add(p)
			r.Expected += float64(p.N) * q
			variance += float64(p.N) * q * (1 - q)
		}
		if r.Expected > 0 {
			r.Ratio, r.RatioDefined = float64(r.Visits.K)/r.Expected, true
		}
		if variance > 0 {
			r.Z = (float64(r.Visits.K) - r.Expected) / math.Sqrt(variance)
			switch a := math.Abs(r.Z); {
			case a > Z998:
				r.Flag = FlagAlarm
			case a > Z95:
				r.Flag = FlagWatch
			}
			r.High = r.Flag != FlagNone && r.Z > 0
		}
		out = append(out, r)
	}
	return out
}
