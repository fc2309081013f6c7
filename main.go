// Command yiyeyicha is the 一业一查 joint double-random (双随机、一公开)
// supervision platform: run `yiyeyicha demo` to see it, `yiyeyicha --help`
// for the commands.
package main

import (
	"os"

	"github.com/yiyeyicha/yiyeyicha/internal/cli"
)

func main() {
	os.Exit(cli.Execute(os.Args[1:]))
}
