package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
)

const exportUsage = `Usage: yiyeyicha export entities|inspectors|catalog|lists -o FILE [--format xlsx|csv] --db DB

Exports the entity directory (检查对象名录库), the inspector directory
(执法检查人员名录库), every department's item catalogue (检查事项) or the
current version of every published joint list (一业一查清单) in the
columns that import reads, with Chinese headers,
so that export → import round-trips. The format defaults to the extension of
FILE; -o - writes to standard output (then --format is required). The file
appears only once complete.
`

func (m *Main) runExport(ctx context.Context, args []string) error {
	f := m.newFlags("export", exportUsage)
	db := f.DB()
	format := f.String("format", "", "", "file format (文件格式): xlsx or csv; default from the extension of -o")
	out := f.String("o", "", "", "output file, or - for standard output")
	f.fs.StringVar(out, "output", "", "same as -o")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.args(pos, 1, 1, "entities|inspectors|catalog|lists"); err != nil {
		return err
	}
	kind := pos[0]
	if kind != "entities" && kind != "inspectors" && kind != "catalog" && kind != "lists" {
		return m.usageErr(f.cmd, "cli.usage.kind", "kind", kind)
	}
	if *out == "" {
		return m.usageErr(f.cmd, "cli.usage.no_output")
	}
	if *format == "" && *out != "-" {
		*format = strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
	}
	if *format != "xlsx" && *format != "csv" {
		return m.usageErr(f.cmd, "cli.usage.format", "format", *format)
	}
	st, err := m.openStore(ctx, f, *db, false)
	if err != nil {
		return err
	}
	ref, err := reference(ctx, st)
	if err != nil {
		return err
	}
	n := 0
	write := func(w io.Writer) error {
		switch kind {
		case "entities":
			return importx.WriteEntities(w, *format, ref, func(fn func(*domain.Entity) error) error {
				return st.EachEntity(ctx, domain.System, domain.EntityFilter{Sort: "code"}, func(e *domain.Entity) error { n++; return fn(e) })
			})
		case "catalog":
			items, err := st.ListCatalogItems(ctx, domain.System, domain.CatalogFilter{})
			if err != nil {
				return err
			}
			n = len(items)
			return importx.WriteCatalog(w, *format, ref, items)
		case "lists":
			vs, err := st.CurrentJointListVersions(ctx)
			if err != nil {
				return err
			}
			for _, v := range vs {
				for _, p := range v.Parts {
					n += len(p.Items)
				}
			}
			return importx.WriteJointLists(w, *format, ref, vs)
		}
		return importx.WriteInspectors(w, *format, ref, func(fn func(*domain.Inspector) error) error {
			return st.EachInspector(ctx, domain.System, domain.InspectorFilter{}, func(in *domain.Inspector) error { n++; return fn(in) })
		})
	}
	if *out == "-" {
		return write(m.Stdout)
	}
	if err := writeFileAtomic(*out, func(f *os.File) error { return write(f) }); err != nil {
		return err
	}
	fmt.Fprintln(m.Stderr, m.printer().T("cli.export.done", "n", n, "file", *out))
	return nil
}
