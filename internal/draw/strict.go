package draw

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// checkMembers refuses a JSON document in which an object has the same
// member twice. encoding/json keeps the last of them silently, so two
// readers of one bundle could see two different draws; the spec (§13) and
// the independent verifier refuse such a bundle, and so does ReadBundle.
// The error names the member and where it is, as a path from the root
// ("result.visits[3].team[0]").
func checkMembers(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		object bool
		keys   map[string]bool
		index  int
		name   string // path of this container
		key    bool   // the next token of an object is a member name
		member string
	}
	var stack []*frame
	// child is the path of the value about to be read in the top container.
	child := func() string {
		if len(stack) == 0 {
			return ""
		}
		f := stack[len(stack)-1]
		if f.object {
			if f.name == "" {
				return f.member
			}
			return f.name + "." + f.member
		}
		return f.name + "[" + strconv.Itoa(f.index) + "]"
	}
	// valueDone advances the top container after one of its values.
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		f := stack[len(stack)-1]
		if f.object {
			f.key = true
		} else {
			f.index++
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if len(stack) > 0 {
			if f := stack[len(stack)-1]; f.object && f.key {
				if k, ok := tok.(string); ok {
					if f.keys[k] {
						where := f.name
						if where == "" {
							where = "the bundle"
						}
						return fmt.Errorf("duplicate member %q in %s", k, where)
					}
					f.keys[k] = true
					f.member, f.key = k, false
					continue
				}
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, keys: map[string]bool{}, name: child(), key: true})
		case json.Delim('['):
			stack = append(stack, &frame{name: child()})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			valueDone()
		default:
			valueDone()
		}
	}
}
