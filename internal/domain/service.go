package domain

import (
	"context"
	"time"
)

// Page asks for one page of a listing. Size is clamped by the store to
// [1, MaxPageSize]; Number counts from 1.
type Page struct {
	Number int
	Size   int
}

// MaxPageSize caps any listing page.
const MaxPageSize = 500

// DefaultPageSize is used when a page size is not given.
const DefaultPageSize = 50

// Norm returns p with Number ≥ 1 and Size within bounds.
func (p Page) Norm() Page {
	if p.Number < 1 {
		p.Number = 1
	}
	if p.Size < 1 {
		p.Size = DefaultPageSize
	}
	if p.Size > MaxPageSize {
		p.Size = MaxPageSize
	}
	return p
}

// Offset is the number of rows before the page.
func (p Page) Offset() int { p = p.Norm(); return (p.Number - 1) * p.Size }

// List is one page of results and the total count across all pages.
type List[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
	Page  int `json:"page"`
	Size  int `json:"size"`
}

// EntityFilter selects entities. Empty fields do not filter. Query matches
// the name (substring) or the code (prefix).
type EntityFilter struct {
	Query     string
	Industry  string
	Township  string
	RiskClass RiskClass
	Status    RegStatus
	Sort      string // "name", "code", "risk", "updated"; "-" prefix for descending
	Page      Page
}

// InspectorFilter selects inspectors. Query matches name or certificate
// number.
type InspectorFilter struct {
	Query        string
	DepartmentID int64
	Status       InspectorStatus
	Expert       *bool
	Label        string
	Sort         string // "name", "cert", "expiry", "department"; "-" prefix for descending
	Page         Page
}

// AuditFilter selects audit rows.
type AuditFilter struct {
	ObjectType string
	ObjectKey  string
	ActorID    int64
	Page       Page
}

// ImportOptions control a directory import.
type ImportOptions struct {
	DryRun         bool // compute the report, write nothing
	AcceptBadCodes bool // accept rows whose only fault is the check character, flagged
}

// Change is what an import would do or did to one record.
type Change struct {
	Row    int      `json:"row"`              // spreadsheet row number
	Key    string   `json:"key"`              // credit code or inspector key
	Op     string   `json:"op"`               // "create", "update", "unchanged"
	Fields []string `json:"fields,omitempty"` // changed fields on update
}

// ImportReport summarises an import or its preview.
type ImportReport struct {
	Created   int      `json:"created"`
	Updated   int      `json:"updated"`
	Unchanged int      `json:"unchanged"`
	Flagged   int      `json:"flagged"` // rows accepted with a flagged code
	Changes   []Change `json:"changes"`
	DryRun    bool     `json:"dry_run"`
}

// Session is a logged-in browser session; the cookie holds the token, the
// store only its SHA-256.
type Session struct {
	User      User
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIToken describes one API token of a user, never the token itself (the
// store keeps only its hash).
type APIToken struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Directory is the service the faces use for the two directories (两库) and
// the reference data. Every method checks the actor's rights itself and
// writes its audit row in the same transaction as the change.
type Directory interface {
	ListDepartments(ctx context.Context) ([]Department, error)
	GetDepartment(ctx context.Context, id int64) (*Department, error)
	SaveDepartment(ctx context.Context, a Actor, d *Department) error // create when ID is 0
	ListTownships(ctx context.Context) ([]Township, error)
	SaveTownship(ctx context.Context, a Actor, t *Township) error
	ListIndustries(ctx context.Context) ([]Industry, error)
	SaveIndustry(ctx context.Context, a Actor, in *Industry) error

	ListEntities(ctx context.Context, a Actor, f EntityFilter) (*List[Entity], error)
	GetEntity(ctx context.Context, a Actor, id int64) (*Entity, error)
	GetEntityByCode(ctx context.Context, a Actor, code string) (*Entity, error)
	SaveEntity(ctx context.Context, a Actor, e *Entity) error // create when ID is 0
	ImportEntities(ctx context.Context, a Actor, rows []EntityRow, opt ImportOptions) (*ImportReport, error)

	ListInspectors(ctx context.Context, a Actor, f InspectorFilter) (*List[Inspector], error)
	GetInspector(ctx context.Context, a Actor, id int64) (*Inspector, error)
	SaveInspector(ctx context.Context, a Actor, in *Inspector) error // create when ID is 0
	ImportInspectors(ctx context.Context, a Actor, rows []InspectorRow, opt ImportOptions) (*ImportReport, error)

	ListAudit(ctx context.Context, a Actor, f AuditFilter) (*List[AuditEntry], error)
}

// EntityRow is an entity read from one spreadsheet row, with the row number
// as the spreadsheet shows it, for error messages.
type EntityRow struct {
	Row    int
	Entity Entity
}

// InspectorRow is an inspector read from one spreadsheet row. Department is
// given by name or code in files; the importer resolves it to an ID.
type InspectorRow struct {
	Row       int
	Inspector Inspector
}

// Accounts is the service for users, sessions and API tokens.
type Accounts interface {
	CreateUser(ctx context.Context, a Actor, u *User, password string) error
	ListUsers(ctx context.Context, a Actor) ([]User, error)
	GetUser(ctx context.Context, a Actor, id int64) (*User, error)
	SetPassword(ctx context.Context, a Actor, userID int64, password string) error
	SetDisabled(ctx context.Context, a Actor, userID int64, disabled bool) error

	// Login checks the password and opens a session; it returns the token
	// for the cookie. A wrong username or password is KindUnauthorized.
	Login(ctx context.Context, username, password string) (token string, u *User, err error)
	SessionUser(ctx context.Context, token string) (*User, error)
	Logout(ctx context.Context, token string) error
	RevokeSessions(ctx context.Context, a Actor, userID int64) error

	CreateToken(ctx context.Context, a Actor, name string) (token string, err error)
	TokenUser(ctx context.Context, token string) (*User, error)
}
