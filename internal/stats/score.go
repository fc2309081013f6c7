package stats

// Component is one part of a department's score: a value in [0, 1] (a
// rate where higher is better) and its weight, an office setting.
type Component struct {
	Key     string  `json:"key"`
	Value   float64 `json:"value"`
	Defined bool    `json:"defined"` // false when the department had nothing to measure (no visits yet)
	Weight  float64 `json:"weight"`
}

// Score is 100 × the weighted mean of the defined components. Components
// without data drop out and the remaining weights are rescaled, so a
// department is neither punished nor rewarded for having had no referrals.
// ok is false when no weighted component is defined.
func Score(cs []Component) (score float64, ok bool) {
	var sum, wsum float64
	for _, c := range cs {
		if !c.Defined || c.Weight <= 0 {
			continue
		}
		v := min(max(c.Value, 0), 1)
		sum += c.Weight * v
		wsum += c.Weight
	}
	if wsum == 0 {
		return 0, false
	}
	return 100 * sum / wsum, true
}
