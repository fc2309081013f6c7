package web

import (
	"context"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
)

// reference is the reference data forms and listings show: the choices of
// the select boxes and the names behind the codes.
type reference struct {
	Departments  []domain.Department
	Industries   []domain.Industry
	Townships    []domain.Township
	Department   map[int64]string
	Industry     map[string]string
	Township     map[string]string
	Kinds        []domain.EntityKind
	Statuses     []domain.RegStatus
	RiskClasses  []domain.RiskClass
	InspStatuses []domain.InspectorStatus
	Roles        []domain.Role
}

func (s *Server) reference(ctx context.Context) (*reference, error) {
	ds, err := s.store.ListDepartments(ctx)
	if err != nil {
		return nil, err
	}
	is, err := s.store.ListIndustries(ctx)
	if err != nil {
		return nil, err
	}
	ts, err := s.store.ListTownships(ctx)
	if err != nil {
		return nil, err
	}
	ref := &reference{Departments: ds, Industries: is, Townships: ts,
		Department: map[int64]string{}, Industry: map[string]string{}, Township: map[string]string{},
		Kinds: domain.EntityKinds, Statuses: domain.RegStatuses, RiskClasses: domain.RiskClasses,
		InspStatuses: domain.InspectorStatuses, Roles: domain.Roles}
	for _, d := range ds {
		ref.Department[d.ID] = d.Name
	}
	for _, i := range is {
		ref.Industry[i.Code] = i.Name
	}
	for _, t := range ts {
		ref.Township[t.Code] = t.Name
	}
	return ref, nil
}

func (ref *reference) importx() importx.Reference {
	return importx.Reference{Departments: ref.Departments, Industries: ref.Industries, Townships: ref.Townships}
}
