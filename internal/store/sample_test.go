package store_test

import (
	"math/rand/v2"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

func TestSampleEntityCodes(t *testing.T) {
	s := storetest.New(t)
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(1, 2))
	if codes, err := s.SampleEntityCodes(ctx, 5, rng); err != nil || len(codes) != 0 {
		t.Fatalf("empty store: %v, %v", codes, err)
	}
	f := storetest.Seed(t, s)
	if _, err := s.ImportEntities(ctx, f.Office, entityRows(f, 1, 20), domain.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	codes, err := s.SampleEntityCodes(ctx, 200, rng)
	if err != nil || len(codes) != 200 {
		t.Fatalf("SampleEntityCodes: %d codes, %v", len(codes), err)
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if _, err := s.PublicEntity(ctx, c); err != nil {
			t.Errorf("sampled code %s: %v", c, err)
		}
		seen[c] = true
	}
	if len(seen) < 15 {
		t.Errorf("200 samples of 20 businesses hit only %d", len(seen))
	}
}
