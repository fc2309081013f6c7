package report

import (
	"context"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/metrics"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// Load gathers the annual summary of year under filter as actor a may see
// it: the figures, the filings, the bulletins and the cases. The web page,
// the XLSX download and `yiyeyicha report annual` all come from here.
func Load(ctx context.Context, st *store.Store, a domain.Actor, year int, filter metrics.Filter) (*Annual, error) {
	d, err := st.Dashboard(ctx, a, year, filter)
	if err != nil {
		return nil, err
	}
	industries, err := st.ListIndustries(ctx)
	if err != nil {
		return nil, err
	}
	sums, err := st.ListSummaries(ctx, a, year)
	if err != nil {
		return nil, err
	}
	bulletins, err := st.ListBulletins(ctx, a, year)
	if err != nil {
		return nil, err
	}
	cases, err := st.ListCases(ctx, a, year, false)
	if err != nil {
		return nil, err
	}
	an := &Annual{Dashboard: d, Industries: map[string]string{}, Bulletins: bulletins, Cases: cases}
	for _, in := range industries {
		an.Industries[in.Code] = in.Name
	}
	for _, s := range sums {
		if filter.Dept != 0 && s.Department.ID != filter.Dept {
			continue
		}
		an.Filings = append(an.Filings, Filing{Department: s.Department.Name, Summary: s.Summary})
	}
	return an, nil
}
