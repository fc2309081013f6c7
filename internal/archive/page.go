package archive

import (
	"bytes"
	_ "embed"
	"html/template"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
)

//go:embed page.html
var pageSrc string

// cst is China Standard Time, in which the record's times are printed.
var cst = time.FixedZone("CST", 8*3600)

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"date": func(d domain.Date) string { return d.String() },
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(cst).Format("2006-01-02 15:04")
	},
	"add": func(a, b int) int { return a + b },
}).Parse(pageSrc))

// Page renders the printable page of a record (record.html): the business,
// the tasks, the team, every department's items with their results and
// findings, the sign-offs and publication dates, the joint record, the
// archive mark and the attachments with their SHA-256. It loads nothing
// from elsewhere: its style, print style included, is inline.
func Page(rec *domain.ArchiveRecord, p *i18n.Printer) ([]byte, error) {
	var b bytes.Buffer
	err := pageTmpl.Execute(&b, struct {
		R *domain.ArchiveRecord
		P *i18n.Printer
	}{rec, p})
	return b.Bytes(), err
}
