package store_test

import (
	"errors"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestBadTextIsInvalid hands a NUL byte and invalid UTF-8 to every store
// entry point that takes text from outside. PostgreSQL refuses such text
// outright, so unless the store refuses it first the caller gets an
// internal error (a 500 in every face); it must be KindInvalid naming the
// field instead, on both engines.
func TestBadTextIsInvalid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		saved := entity(1, f)
		if err := s.SaveEntity(ctx, f.Office, saved); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []struct{ name, text string }{{"nul", "a\x00b"}, {"invalid utf-8", "a\xffb"}} {
			t.Run(bad.name, func(t *testing.T) {
				b := bad.text
				withEntity := func(mod func(e *domain.Entity)) func() error {
					return func() error {
						e := entity(2, f)
						mod(e)
						return s.SaveEntity(ctx, f.Office, e)
					}
				}
				for _, tc := range []struct {
					name  string
					field string
					call  func() error
				}{
					{"Login username", domain.FieldUsername, func() error { _, _, err := s.Login(ctx, "office"+b, storetest.Password); return err }},
					{"GetUserByUsername", domain.FieldUsername, func() error { _, err := s.GetUserByUsername(ctx, f.Office, b); return err }},
					{"GetEntityByCode", domain.FieldCode, func() error { _, err := s.GetEntityByCode(ctx, f.Inspector, saved.Code[:10]+b); return err }},
					{"PublicEntity", domain.FieldCode, func() error { _, err := s.PublicEntity(ctx, saved.Code[:10]+b); return err }},
					{"PublicSearch", domain.FieldQuery, func() error { _, err := s.PublicSearch(ctx, "垣曲"+b, domain.Page{}); return err }},
					{"ListEntities query", domain.FieldQuery, func() error {
						_, err := s.ListEntities(ctx, f.Inspector, domain.EntityFilter{Query: "垣曲" + b})
						return err
					}},
					{"ListEntities industry", domain.FieldIndustry, func() error {
						_, err := s.ListEntities(ctx, f.Inspector, domain.EntityFilter{Industry: b})
						return err
					}},
					{"ListEntities township", domain.FieldTownship, func() error {
						_, err := s.ListEntities(ctx, f.Inspector, domain.EntityFilter{Township: b})
						return err
					}},
					{"ListEntities risk class", domain.FieldRiskClass, func() error {
						_, err := s.ListEntities(ctx, f.Inspector, domain.EntityFilter{RiskClass: domain.RiskClass(b)})
						return err
					}},
					{"ListEntities status", domain.FieldStatus, func() error {
						_, err := s.ListEntities(ctx, f.Inspector, domain.EntityFilter{Status: domain.RegStatus(b)})
						return err
					}},
					{"EachEntity query", domain.FieldQuery, func() error {
						return s.EachEntity(ctx, f.Inspector, domain.EntityFilter{Query: b}, func(*domain.Entity) error { return nil })
					}},
					{"ListInspectors query", domain.FieldQuery, func() error {
						_, err := s.ListInspectors(ctx, f.Inspector, domain.InspectorFilter{Query: b})
						return err
					}},
					{"ListInspectors label", domain.FieldLabel, func() error {
						_, err := s.ListInspectors(ctx, f.Inspector, domain.InspectorFilter{Label: b})
						return err
					}},
					{"ListInspectors status", domain.FieldStatus, func() error {
						_, err := s.ListInspectors(ctx, f.Inspector, domain.InspectorFilter{Status: domain.InspectorStatus(b)})
						return err
					}},
					{"EachInspector label", domain.FieldLabel, func() error {
						return s.EachInspector(ctx, f.Office, domain.InspectorFilter{Label: b}, func(*domain.Inspector) error { return nil })
					}},
					{"ListAudit object type", "object_type", func() error {
						_, err := s.ListAudit(ctx, f.Office, domain.AuditFilter{ObjectType: b})
						return err
					}},
					{"ListAudit object key", "object_key", func() error {
						_, err := s.ListAudit(ctx, f.Office, domain.AuditFilter{ObjectKey: b})
						return err
					}},
					{"SaveEntity industry", domain.FieldIndustry, withEntity(func(e *domain.Entity) { e.IndustryCode = b })},
					{"SaveEntity township", domain.FieldTownship, withEntity(func(e *domain.Entity) { e.TownshipCode = b })},
					{"SaveEntity code", domain.FieldCode, withEntity(func(e *domain.Entity) { e.Code = e.Code[:10] + b })},
					{"SaveInspector phone", domain.FieldPhone, func() error {
						in := inspector(1, f.Dept.ID)
						in.Phone = b
						return s.SaveInspector(ctx, f.Office, in)
					}},
					{"ImportEntities industry", domain.FieldIndustry, func() error {
						e := entity(3, f)
						e.IndustryCode = b
						_, err := s.ImportEntities(ctx, f.Office, []domain.EntityRow{{Row: 2, Entity: *e}}, domain.ImportOptions{})
						return err
					}},
					{"ImportInspectors phone", domain.FieldPhone, func() error {
						in := inspector(2, f.Dept.ID)
						in.Phone = b
						_, err := s.ImportInspectors(ctx, f.Office, []domain.InspectorRow{{Row: 2, Inspector: *in}}, domain.ImportOptions{})
						return err
					}},
					{"SaveDepartment name", domain.FieldName, func() error {
						return s.SaveDepartment(ctx, f.Office, &domain.Department{Code: "BAD", Name: b})
					}},
					{"SaveIndustry name", domain.FieldName, func() error {
						return s.SaveIndustry(ctx, f.Office, &domain.Industry{Code: "bad", Name: b})
					}},
					{"CreateToken name", domain.FieldName, func() error { _, err := s.CreateToken(ctx, f.Office, b); return err }},
				} {
					t.Run(tc.name, func(t *testing.T) {
						err := tc.call()
						if k := domain.ErrorKind(err); k != domain.KindInvalid {
							t.Fatalf("kind %q (%v), want %q", k, err, domain.KindInvalid)
						}
						if got := errField(err); got != tc.field {
							t.Errorf("field %q (%v), want %q", got, err, tc.field)
						}
					})
				}
			})
		}
		// Nothing was written by the refused calls.
		l, err := s.ListEntities(ctx, f.Office, domain.EntityFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if l.Total != 1 {
			t.Errorf("%d entities after refused writes, want 1", l.Total)
		}
	})
}

// errField is the field an invalid-input error names: the field of a
// domain.Error, or of the first problem of a ValidationError.
func errField(err error) string {
	var ve *domain.ValidationError
	if errors.As(err, &ve) && len(ve.Errors) > 0 {
		for _, fe := range ve.Errors {
			if fe.Key == "err.bad_text" {
				return fe.Field
			}
		}
		return ve.Errors[0].Field
	}
	var e *domain.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
