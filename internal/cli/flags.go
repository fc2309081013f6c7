package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
)

// flags is the flag set of one command with environment fallbacks. The
// standard flag package stops at the first positional argument; people type
// `import entities a.xlsx --db x.db`, so parse moves the flags in front
// first.
type flags struct {
	m     *Main
	cmd   string // "import", "user add"
	usage string // English help with Chinese terms: synopsis and description
	fs    *flag.FlagSet
	env   map[string]string // flag name → environment variable
	lang  *string
}

func (m *Main) newFlags(cmd, usage string) *flags {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := &flags{m: m, cmd: cmd, usage: usage, fs: fs, env: map[string]string{}}
	f.lang = f.String("lang", "YIYEYICHA_LANG", "zh-CN", "language of messages (提示语言): zh-CN or en")
	return f
}

// envNote appends the environment variable to a flag's help.
func envNote(help, env string) string {
	if env == "" {
		return help
	}
	return help + " (env " + env + ")"
}

// String defines a string flag with an optional environment fallback.
func (f *flags) String(name, env, def, help string) *string {
	if env != "" {
		f.env[name] = env
	}
	return f.fs.String(name, def, envNote(help, env))
}

// Bool defines a boolean flag with an optional environment fallback.
func (f *flags) Bool(name, env string, def bool, help string) *bool {
	if env != "" {
		f.env[name] = env
	}
	return f.fs.Bool(name, def, envNote(help, env))
}

// Int defines an integer flag with an optional environment fallback.
func (f *flags) Int(name, env string, def int, help string) *int {
	if env != "" {
		f.env[name] = env
	}
	return f.fs.Int(name, def, envNote(help, env))
}

// DB defines the --db flag shared by the commands that open a store.
func (f *flags) DB() *string {
	return f.String("db", "YIYEYICHA_DB", "", "database: a SQLite file path (数据库文件) or a postgres:// URL")
}

func (f *flags) isBool(name string) bool {
	fl := f.fs.Lookup(name)
	if fl == nil {
		return false
	}
	b, ok := fl.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// reorder splits args into flags (with their values) and positional
// arguments, keeping their order within each group. "--" ends the flags.
func (f *flags) reorder(args []string) (flagArgs, positional []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		flagArgs = append(flagArgs, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f.fs.Lookup(name) != nil && !f.isBool(name) && i+1 < len(args) {
			i++
			flagArgs = append(flagArgs, args[i])
		}
	}
	return flagArgs, positional
}

// parse parses args, applies environment fallbacks to the flags not given
// on the command line, and selects the message language. It prints the
// help for --help and a usage message for a bad flag.
func (f *flags) parse(args []string) (positional []string, err error) {
	flagArgs, pos := f.reorder(args)
	err = f.fs.Parse(append(flagArgs, append([]string{"--"}, pos...)...))
	if errors.Is(err, flag.ErrHelp) {
		f.printHelp(f.m.Stdout)
		return nil, errHelp
	}
	if err != nil {
		return nil, f.m.usageErr(f.cmd, "cli.usage.bad_flag", "err", err.Error())
	}
	given := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	names := make([]string, 0, len(f.env))
	for name := range f.env {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		env := f.env[name]
		if given[name] {
			continue
		}
		if v := f.m.getenv(env); v != "" {
			if err := f.fs.Set(name, v); err != nil {
				return nil, f.m.usageErr(f.cmd, "cli.usage.bad_env", "env", env, "err", err.Error())
			}
		}
	}
	switch l := strings.ToLower(*f.lang); {
	case strings.HasPrefix(l, "zh"):
		f.m.p = i18n.For(i18n.ZH)
	case strings.HasPrefix(l, "en"):
		f.m.p = i18n.For(i18n.EN)
	default:
		f.m.p = i18n.For(i18n.ZH)
		return nil, f.m.usageErr(f.cmd, "cli.usage.bad_lang", "lang", *f.lang)
	}
	return f.fs.Args(), nil
}

// printHelp writes the command's help: its usage text, then the flags.
func (f *flags) printHelp(w io.Writer) {
	fmt.Fprint(w, f.usage)
	fmt.Fprintln(w, "\nFlags (may stand before or after the arguments):")
	f.fs.SetOutput(w)
	f.fs.PrintDefaults()
	f.fs.SetOutput(io.Discard)
}

// args checks the number of positional arguments.
func (f *flags) args(pos []string, min, max int, what string) error {
	if len(pos) < min || len(pos) > max {
		return f.m.usageErr(f.cmd, "cli.usage.args", "want", what)
	}
	return nil
}
