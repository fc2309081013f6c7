package importx

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// FuzzReadEntitiesCSV feeds arbitrary bytes to the CSV reader. Whatever
// comes in, the result is either rows or an application error (never a
// panic or an internal error); errors name a data row and a reason; and
// rows that were accepted survive export and re-import unchanged.
// Seeds: testdata/fuzz/FuzzReadEntitiesCSV.
func FuzzReadEntitiesCSV(f *testing.F) {
	f.Add([]byte("统一社会信用代码,名称,行业,乡镇,信用风险分类\r\n91350100M000100Y43,垣曲县某店,餐饮服务,新城镇,A\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadEntities(bytes.NewReader(data), "fuzz.csv", testRef, Options{})
		if err != nil {
			if rows != nil {
				t.Fatalf("rows and error together: %v", err)
			}
			var ve *domain.ValidationError
			var de *domain.Error
			switch {
			case errors.As(err, &ve):
				for _, fe := range ve.Errors {
					if fe.Row < 2 || fe.Field == "" || fe.Key == "" {
						t.Fatalf("field error without row, field or key: %+v", fe)
					}
				}
			case errors.As(err, &de):
				if de.Kind != domain.KindInvalid || de.Key == "" {
					t.Fatalf("file error %v has kind %q", err, de.Kind)
				}
			default:
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if len(rows) == 0 {
			t.Fatal("no rows and no error")
		}
		var buf bytes.Buffer
		err = WriteEntities(&buf, "csv", testRef, func(fn func(*domain.Entity) error) error {
			for i := range rows {
				if err := fn(&rows[i].Entity); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		again, err := ReadEntities(&buf, "again.csv", testRef, Options{})
		if err != nil {
			t.Fatalf("re-import of export failed: %v\nexport:\n%s", err, buf.String())
		}
		want := make([]domain.Entity, len(rows))
		for i := range rows {
			want[i] = rows[i].Entity
		}
		got := make([]domain.Entity, len(again))
		for i := range again {
			got[i] = again[i].Entity
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("export→import changed rows (-first +second):\n%s", diff)
		}
	})
}
