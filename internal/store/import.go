package store

import (
	"context"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// ImportEntities is being written.
func (s *Store) ImportEntities(ctx context.Context, a domain.Actor, rows []domain.EntityRow, opt domain.ImportOptions) (*domain.ImportReport, error) {
	return nil, domain.E("store.ImportEntities", domain.KindInternal, "err.internal")
}

// ImportInspectors is being written.
func (s *Store) ImportInspectors(ctx context.Context, a domain.Actor, rows []domain.InspectorRow, opt domain.ImportOptions) (*domain.ImportReport, error) {
	return nil, domain.E("store.ImportInspectors", domain.KindInternal, "err.internal")
}

var (
	_ domain.Directory = (*Store)(nil)
	_ domain.Accounts  = (*Store)(nil)
)
