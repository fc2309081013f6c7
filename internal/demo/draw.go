package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// demoDraw is one draw of the demo: an industry, its lead department and
// the joint departments (codes), and how far the protocol goes.
type demoDraw struct {
	industry string
	lead     string
	joint    []string
	batch    string
	stop     string // "" executed, "abort" aborted and redrawn to the reveal phase
}

var demoDraws = []demoDraw{
	{industry: "catering", lead: "SCJG", joint: []string{"XFJY", "STHJ", "ZHZF"}, batch: "第一批"},
	{industry: "hotel", lead: "GA", joint: []string{"XFJY", "WSJK", "SCJG"}, batch: "第一批"},
	{industry: "entertainment", lead: "WHLY", joint: []string{"GA", "XFJY"}, batch: "第一批", stop: "abort"},
}

// writeDraws runs the demo's draws through the real protocol: two executed,
// one aborted in public because a liaison did not reveal, and its redraw
// waiting in the reveal phase. Secrets derive from the seed, so the same
// seed gives the same commitments for the same announcement. The public
// value is entered twice: by the first office account and by the system.
func writeDraws(ctx context.Context, s *store.Store, g *generator, today domain.Date, accounts []Account) error {
	var office domain.Actor
	for _, a := range accounts {
		if a.Role == domain.RoleOffice {
			u, err := s.GetUserByUsername(ctx, domain.System, a.Username)
			if err != nil {
				return fmt.Errorf("demo: draws: %w", err)
			}
			office = domain.ActorOf(u)
			break
		}
	}
	depts, err := s.ListDepartments(ctx)
	if err != nil {
		return fmt.Errorf("demo: draws: %w", err)
	}
	byCode := map[string]int64{}
	for _, d := range depts {
		byCode[d.Code] = d.ID
	}
	liaison := func(code string) domain.Actor {
		return domain.Actor{Name: code + "-联络员", Role: domain.RoleDepartment, DepartmentID: byCode[code]}
	}
	secret := func(key, party string) []byte {
		h := sha256.Sum256(fmt.Appendf(nil, "yiyeyicha demo draw secret %d %s %s", g.seed, key, party))
		return h[:]
	}
	start := today.AddDays(14)
	for i, dd := range demoDraws {
		p := domain.DrawParams{Task: fmt.Sprintf("%d年%s行业联合抽查", start.Year, industryName(dd.industry)), Batch: dd.batch,
			Industry: dd.industry, WindowStart: start, WindowEnd: start.AddDays(60), Lead: byCode[dd.lead],
			Ratios:      map[domain.RiskClass]string{domain.RiskA: "1%", domain.RiskB: "2%", domain.RiskC: "10%", domain.RiskD: "30%"},
			Minimum:     map[domain.RiskClass]int{domain.RiskD: 1},
			Cap:         8,
			PublicValue: fmt.Sprintf("中国福利彩票双色球第%d%03d期开奖号码", start.Year, 30+i)}
		p.Title = p.Task + " " + p.Batch
		for _, c := range append([]string{dd.lead}, dd.joint...) {
			p.Departments = append(p.Departments, domain.DrawDept{DepartmentID: byCode[c], Count: 1})
		}
		d, err := s.AnnounceDraw(ctx, domain.System, p)
		if err != nil {
			return fmt.Errorf("demo: draw %s: %w", dd.industry, err)
		}
		for _, pt := range d.Parties {
			c := draw.Commitment(d.AnnouncementHash, pt.Party, secret(d.Key, pt.Party))
			if err := s.CommitDraw(ctx, liaison(pt.Party), d.Key, pt.Party, c); err != nil {
				return fmt.Errorf("demo: draw %s: %w", d.Key, err)
			}
		}
		reveal := func(d *domain.Draw, skip string) error {
			for _, pt := range d.Parties {
				if pt.Party == skip {
					continue
				}
				if err := s.RevealDraw(ctx, liaison(pt.Party), d.Key, pt.Party, hex.EncodeToString(secret(d.Key, pt.Party))); err != nil {
					return fmt.Errorf("demo: draw %s: %w", d.Key, err)
				}
			}
			return nil
		}
		if dd.stop == "abort" {
			// The last party never reveals: the draw is aborted in public and
			// announced again; the redraw waits for its reveals.
			last := d.Parties[len(d.Parties)-1].Party
			if err := reveal(d, last); err != nil {
				return err
			}
			if err := s.AbortDraw(ctx, domain.System, d.Key, last+" 联络员未在揭示期限内揭示秘密值，本次抽取作废，重新公告抽取"); err != nil {
				return fmt.Errorf("demo: draw %s: %w", d.Key, err)
			}
			p.Supersedes = d.Key
			re, err := s.AnnounceDraw(ctx, domain.System, p)
			if err != nil {
				return fmt.Errorf("demo: redraw of %s: %w", d.Key, err)
			}
			for _, pt := range re.Parties {
				c := draw.Commitment(re.AnnouncementHash, pt.Party, secret(re.Key, pt.Party))
				if err := s.CommitDraw(ctx, liaison(pt.Party), re.Key, pt.Party, c); err != nil {
					return fmt.Errorf("demo: draw %s: %w", re.Key, err)
				}
			}
			_, err = s.EnterPublicValue(ctx, office, re.Key, "05 11 16 22 27 33\n07")
			if err != nil {
				return fmt.Errorf("demo: draw %s: %w", re.Key, err)
			}
			continue
		}
		if err := reveal(d, ""); err != nil {
			return err
		}
		value := fmt.Sprintf("%02d %02d %02d %02d %02d %02d\n%02d", 2+i, 9+i, 14+i, 20+i, 26+i, 31-i, 3+i)
		for _, a := range []domain.Actor{office, domain.System} {
			if _, err := s.EnterPublicValue(ctx, a, d.Key, value); err != nil {
				return fmt.Errorf("demo: draw %s: %w", d.Key, err)
			}
		}
		if _, err := s.ExecuteDraw(ctx, domain.System, d.Key); err != nil {
			return fmt.Errorf("demo: draw %s: %w", d.Key, err)
		}
	}
	return nil
}

func industryName(code string) string {
	for _, in := range Industries {
		if in.Code == code {
			return in.Name
		}
	}
	return code
}
