package api

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// The parts of an OpenAPI document the tests look at.
type oaParam struct {
	Ref      string `json:"$ref"`
	Name     string `json:"name"`
	In       string `json:"in"`
	Required bool   `json:"required"`
}

type oaOperation struct {
	Summary    string                     `json:"summary"`
	Security   *[]map[string][]string     `json:"security"`
	Parameters []oaParam                  `json:"parameters"`
	Responses  map[string]json.RawMessage `json:"responses"`
}

type oaDoc struct {
	OpenAPI    string                            `json:"openapi"`
	Security   []map[string][]string             `json:"security"`
	Paths      map[string]map[string]oaOperation `json:"paths"`
	Components struct {
		Parameters map[string]oaParam         `json:"parameters"`
		Schemas    map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

func loadDoc(t *testing.T) (oaDoc, map[string]any) {
	t.Helper()
	var doc oaDoc
	dec := json.NewDecoder(bytes.NewReader(openAPIDoc))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON of the expected shape: %v", err)
	}
	var raw map[string]any
	if err := json.Unmarshal(openAPIDoc, &raw); err != nil {
		t.Fatal(err)
	}
	return doc, raw
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// TestOpenAPIMatchesRoutes checks the document against the route table and
// the registered handler, both ways: every route is documented with its
// summary, authentication, path and query parameters, and every documented
// operation is served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc, _ := loadDoc(t)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	if len(doc.Security) != 1 || doc.Security[0]["bearer"] == nil {
		t.Errorf("document-wide security = %v, want bearer", doc.Security)
	}
	params := func(op oaOperation) (path, query []string) {
		for _, p := range op.Parameters {
			if p.Ref != "" {
				name := strings.TrimPrefix(p.Ref, "#/components/parameters/")
				cp, ok := doc.Components.Parameters[name]
				if !ok {
					t.Errorf("parameter %s is not defined", p.Ref)
				}
				p = cp
			}
			switch p.In {
			case "path":
				path = append(path, p.Name)
				if !p.Required {
					t.Errorf("path parameter %s is not required", p.Name)
				}
			case "query":
				query = append(query, p.Name)
			}
		}
		sort.Strings(path)
		sort.Strings(query)
		return path, query
	}

	documented := map[string]bool{}
	for _, rt := range routes {
		t.Run(rt.Method+" "+rt.Path, func(t *testing.T) {
			op, ok := doc.Paths[rt.Path][strings.ToLower(rt.Method)]
			if !ok {
				t.Fatalf("not in the OpenAPI document")
			}
			documented[rt.Method+" "+rt.Path] = true
			if op.Summary != rt.Summary {
				t.Errorf("summary = %q, route table says %q", op.Summary, rt.Summary)
			}
			public := op.Security != nil && len(*op.Security) == 0
			if public == rt.Auth {
				t.Errorf("document says public=%v, route table says auth=%v", public, rt.Auth)
			}
			if _, ok := op.Responses["500"]; !ok {
				t.Errorf("no 500 response documented")
			}
			if _, ok := op.Responses["401"]; ok != rt.Auth {
				t.Errorf("401 documented = %v, want %v", ok, rt.Auth)
			}
			var wantPath []string
			for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
				wantPath = append(wantPath, m[1])
			}
			sort.Strings(wantPath)
			wantQuery := slices.Clone(rt.Query)
			sort.Strings(wantQuery)
			gotPath, gotQuery := params(op)
			if diff := cmp.Diff(wantPath, gotPath); diff != "" {
				t.Errorf("path parameters (-route +doc):\n%s", diff)
			}
			if diff := cmp.Diff(wantQuery, gotQuery); diff != "" {
				t.Errorf("query parameters (-route +doc):\n%s", diff)
			}
		})
	}

	// And back: every documented operation is registered, as the handler
	// actually routes it, and none is missing from the table.
	srv := New(nil, nil).(*server)
	for path, ops := range doc.Paths {
		for method, op := range ops {
			m := strings.ToUpper(method)
			if !documented[m+" "+path] {
				t.Errorf("%s %s (%q) is documented but not in the route table", m, path, op.Summary)
			}
			concrete := pathParam.ReplaceAllString(path, "x1")
			r := httptest.NewRequest(m, concrete, nil)
			if _, pattern := srv.mux.Handler(r); pattern != m+" "+path {
				t.Errorf("%s %s is served by pattern %q", m, concrete, pattern)
			}
		}
	}
}

// TestOpenAPIRefsResolve checks that every $ref in the document points at
// something defined.
func TestOpenAPIRefsResolve(t *testing.T) {
	_, raw := loadDoc(t)
	var walk func(v any, at string)
	n := 0
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				n++
				if !resolves(raw, ref) {
					t.Errorf("%s: $ref %q does not resolve", at, ref)
				}
			}
			for k, x := range v {
				walk(x, at+"/"+k)
			}
		case []any:
			for _, x := range v {
				walk(x, at+"[]")
			}
		}
	}
	walk(raw, "#")
	if n < 50 {
		t.Errorf("only %d $refs found; the walk is broken", n)
	}
}

func resolves(doc map[string]any, ref string) bool {
	if !strings.HasPrefix(ref, "#/") {
		return false
	}
	var cur any = doc
	for _, part := range strings.Split(ref[2:], "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[part]; !ok {
			return false
		}
	}
	return true
}

// jsonFields lists the JSON names of t's fields, embedded structs included.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// TestOpenAPISchemasMatchTypes checks that each schema has exactly the
// properties the Go type it describes encodes, so that the document cannot
// drift from the answers.
func TestOpenAPISchemasMatchTypes(t *testing.T) {
	doc, raw := loadDoc(t)
	for name, typ := range map[string]reflect.Type{
		"Entity":           reflect.TypeFor[domain.Entity](),
		"Inspector":        reflect.TypeFor[domain.Inspector](),
		"Conflict":         reflect.TypeFor[domain.Conflict](),
		"Department":       reflect.TypeFor[domain.Department](),
		"Industry":         reflect.TypeFor[domain.Industry](),
		"Township":         reflect.TypeFor[domain.Township](),
		"AuditEntry":       reflect.TypeFor[domain.AuditEntry](),
		"PublicEntity":     reflect.TypeFor[domain.PublicEntity](),
		"ImportReport":     reflect.TypeFor[domain.ImportReport](),
		"Change":           reflect.TypeFor[domain.Change](),
		"Me":               reflect.TypeFor[Me](),
		"Error":            reflect.TypeFor[ErrorBody](),
		"FieldIssue":       reflect.TypeFor[FieldIssue](),
		"EntityList":       reflect.TypeFor[domain.List[domain.Entity]](),
		"CatalogItem":      reflect.TypeFor[domain.CatalogItem](),
		"ListItem":         reflect.TypeFor[domain.ListItem](),
		"ListPart":         reflect.TypeFor[domain.ListPart](),
		"JointListVersion": reflect.TypeFor[domain.JointListVersion](),
		"VersionSummary":   reflect.TypeFor[domain.VersionSummary](),
		"JointList":        reflect.TypeFor[domain.JointList](),
		"ItemChange":       reflect.TypeFor[domain.ItemChange](),
		"FieldChange":      reflect.TypeFor[domain.FieldChange](),
		"VersionDiff":      reflect.TypeFor[domain.VersionDiff](),
		"ListHeader":       reflect.TypeFor[domain.ListHeader](),
		"ListCreate":       reflect.TypeFor[ListCreate](),
		"PartBody":         reflect.TypeFor[PartBody](),
		"DepartmentsBody":  reflect.TypeFor[DepartmentsBody](),
		"ReasonBody":       reflect.TypeFor[ReasonBody](),
		"ListImportChange": reflect.TypeFor[domain.ListImportChange](),
		"ListImportReport": reflect.TypeFor[domain.ListImportReport](),
		"Draw":             reflect.TypeFor[domain.Draw](),
		"DrawParty":        reflect.TypeFor[domain.DrawParty](),
		"AnnounceBody":     reflect.TypeFor[AnnounceBody](),
		"PartyBody":        reflect.TypeFor[PartyBody](),
		"PublicValueBody":  reflect.TypeFor[PublicValueBody](),
		"PublicValueEntry": reflect.TypeFor[PublicValueEntry](),
	} {
		t.Run(name, func(t *testing.T) {
			var s struct {
				Properties map[string]json.RawMessage `json:"properties"`
			}
			if err := json.Unmarshal(doc.Components.Schemas[name], &s); err != nil || s.Properties == nil {
				t.Fatalf("schema %s missing or without properties: %v", name, err)
			}
			var props []string
			for p := range s.Properties {
				props = append(props, p)
			}
			sort.Strings(props)
			if diff := cmp.Diff(jsonFields(typ), props); diff != "" {
				t.Errorf("properties (-Go type +schema):\n%s", diff)
			}
		})
	}
	// The error object inside Error, too.
	errProps := raw["components"].(map[string]any)["schemas"].(map[string]any)["Error"].(map[string]any)["properties"].(map[string]any)["error"].(map[string]any)["properties"].(map[string]any)
	var got []string
	for p := range errProps {
		got = append(got, p)
	}
	sort.Strings(got)
	if diff := cmp.Diff(jsonFields(reflect.TypeFor[ErrorDetail]()), got); diff != "" {
		t.Errorf("Error.error properties (-Go +schema):\n%s", diff)
	}
}

func TestOpenAPIServed(t *testing.T) {
	h := New(nil, nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequestWithContext(t.Context(), "GET", "/api/v1/openapi.json", nil))
	if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), openAPIDoc) {
		t.Fatalf("GET openapi.json: %d, %d bytes", w.Code, w.Body.Len())
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if w.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("no nosniff header")
	}
}
