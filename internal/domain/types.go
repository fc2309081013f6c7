package domain

import "time"

// Department is a county government department (市场监管局, 消防救援大队 …),
// with its liaison (联络员) and its leader in charge (分管领导).
type Department struct {
	ID           int64     `json:"id"`
	Code         string    `json:"code"` // short stable code, e.g. "SCJG"
	Name         string    `json:"name"` // 垣曲县市场监督管理局
	ShortName    string    `json:"short_name"`
	Liaison      string    `json:"liaison"`
	LiaisonPhone string    `json:"liaison_phone"`
	Leader       string    `json:"leader"`
	LeaderPhone  string    `json:"leader_phone"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Township is a township-level division (乡镇) of the county.
type Township struct {
	Code string `json:"code"` // 9-digit division code, e.g. 140827100
	Name string `json:"name"`
}

// Industry is an industry (行业) whose businesses are inspected jointly.
type Industry struct {
	Code string `json:"code"` // stable code, e.g. "catering"
	Name string `json:"name"` // 餐饮服务
}

// Role is what a user may do. Department and inspector users belong to one
// department and see and edit its work only.
type Role string

// The roles of the staff side. The public needs no account.
const (
	RoleOffice     Role = "office"     // 领导小组办公室 (双随机办)
	RoleDepartment Role = "department" // department staff: lead or co-department
	RoleInspector  Role = "inspector"  // 执法检查人员
	RoleDiscipline Role = "discipline" // 纪检: read-only audit, revisits
)

// Roles lists every role in display order.
var Roles = []Role{RoleOffice, RoleDepartment, RoleInspector, RoleDiscipline}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// NeedsDepartment reports whether users of role r must belong to a department.
func (r Role) NeedsDepartment() bool { return r == RoleDepartment || r == RoleInspector }

// User is a staff account.
type User struct {
	ID           int64     `json:"id"`
	Username     string    `json:"username"`
	DisplayName  string    `json:"display_name"`
	Role         Role      `json:"role"`
	DepartmentID int64     `json:"department_id,omitempty"` // 0 for office and discipline
	InspectorID  int64     `json:"inspector_id,omitempty"`  // the directory record of an inspector user
	Disabled     bool      `json:"disabled"`
	CreatedAt    time.Time `json:"created_at"`
}

// EntityKind is the legal form of a market entity, read from the second
// character of its credit code for market entities (91, 92, 93).
type EntityKind string

// The kinds of market entity.
const (
	KindEnterprise  EntityKind = "enterprise"  // 企业
	KindIndividual  EntityKind = "individual"  // 个体工商户
	KindCooperative EntityKind = "cooperative" // 农民专业合作社
	KindOther       EntityKind = "other"       // other registered bodies
)

// EntityKinds lists the kinds in display order.
var EntityKinds = []EntityKind{KindEnterprise, KindIndividual, KindCooperative, KindOther}

// RegStatus is the registration status (登记状态) of an entity.
type RegStatus string

// Registration statuses. Only active entities are normally inspected.
const (
	StatusActive    RegStatus = "active"    // 存续
	StatusCancelled RegStatus = "cancelled" // 注销
	StatusRevoked   RegStatus = "revoked"   // 吊销
	StatusWithdrawn RegStatus = "withdrawn" // 撤销
	StatusMovedOut  RegStatus = "moved_out" // 迁出
)

// RegStatuses lists the statuses in display order.
var RegStatuses = []RegStatus{StatusActive, StatusCancelled, StatusRevoked, StatusWithdrawn, StatusMovedOut}

// RiskClass is the credit-risk class (信用风险分类): A low, B general,
// C higher, D high.
type RiskClass string

// The four risk classes.
const (
	RiskA RiskClass = "A"
	RiskB RiskClass = "B"
	RiskC RiskClass = "C"
	RiskD RiskClass = "D"
)

// RiskClasses lists the classes from low to high risk.
var RiskClasses = []RiskClass{RiskA, RiskB, RiskC, RiskD}

// Entity is a market entity in the object directory (检查对象名录库).
type Entity struct {
	ID           int64      `json:"id"`
	Code         string     `json:"code"`         // 统一社会信用代码, normalised
	CodeFlagged  bool       `json:"code_flagged"` // accepted although the check character is wrong
	Name         string     `json:"name"`
	Kind         EntityKind `json:"kind"`
	IndustryCode string     `json:"industry"`
	TownshipCode string     `json:"township"`
	Address      string     `json:"address"`
	LegalRep     string     `json:"legal_rep"` // 法定代表人 / 经营者
	Status       RegStatus  `json:"status"`
	RiskClass    RiskClass  `json:"risk_class"`
	RiskSetOn    Date       `json:"risk_set_on"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// InspectorStatus is whether an inspector is available (在岗/休假/调离).
type InspectorStatus string

// Inspector statuses.
const (
	InspectorOnDuty      InspectorStatus = "on_duty"     // 在岗
	InspectorOnLeave     InspectorStatus = "on_leave"    // 休假
	InspectorTransferred InspectorStatus = "transferred" // 调离
)

// InspectorStatuses lists the statuses in display order.
var InspectorStatuses = []InspectorStatus{InspectorOnDuty, InspectorOnLeave, InspectorTransferred}

// Conflict is an inspector's declared conflict of interest (回避) with one
// business. Conflicts are private: never shown on the public portal.
type Conflict struct {
	EntityCode string `json:"entity_code"`
	Reason     string `json:"reason"`
	DeclaredOn Date   `json:"declared_on"`
}

// Inspector is a person in the inspector directory (执法检查人员名录库):
// an enforcement officer with a certificate, or an expert (业务专家) who may
// hold none.
type Inspector struct {
	ID           int64           `json:"id"`
	DepartmentID int64           `json:"department_id"`
	Name         string          `json:"name"`
	IDNumber     string          `json:"id_number,omitempty"` // resident ID, optional, private
	CertNo       string          `json:"cert_no"`             // 执法证号
	CertExpiry   Date            `json:"cert_expiry"`         // 有效期至
	Labels       []string        `json:"labels"`              // 分类标注
	Expertise    string          `json:"expertise"`           // 业务专长
	Expert       bool            `json:"expert"`              // 业务专家
	Status       InspectorStatus `json:"status"`
	Phone        string          `json:"phone,omitempty"`
	Conflicts    []Conflict      `json:"conflicts"`
	UpdatedAt    time.Time       `json:"updated_at"`
}

// Certified reports whether the inspector holds an enforcement certificate
// valid on day d.
func (in *Inspector) Certified(d Date) bool {
	return in.CertNo != "" && !in.CertExpiry.IsZero() && !in.CertExpiry.Before(d)
}

// AuditEntry is one row of the append-only audit log, written in the same
// transaction as the change it records.
type AuditEntry struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	ActorID    int64     `json:"actor_id"`
	ActorName  string    `json:"actor_name"`
	Action     string    `json:"action"`           // e.g. "entity.update"
	ObjectType string    `json:"object_type"`      // e.g. "entity"
	ObjectKey  string    `json:"object_key"`       // e.g. the credit code
	Before     string    `json:"before,omitempty"` // JSON of the record before, "" on create
	After      string    `json:"after,omitempty"`  // JSON of the record after, "" on delete
}

// PublicEntity is what the public portal shows of an entity: never the risk
// class, never anything about inspectors' private data.
type PublicEntity struct {
	Code     string     `json:"code"`
	Name     string     `json:"name"`
	Kind     EntityKind `json:"kind"`
	Industry string     `json:"industry"` // industry name
	Township string     `json:"township"` // township name
	Address  string     `json:"address"`
	Status   RegStatus  `json:"status"`
}

// Stats are the directory counts shown on home pages.
type Stats struct {
	Entities    int               `json:"entities"`
	ByRisk      map[RiskClass]int `json:"by_risk"`
	Inspectors  int               `json:"inspectors"`
	Experts     int               `json:"experts"`
	Departments int               `json:"departments"`
	Industries  int               `json:"industries"`
	Townships   int               `json:"townships"`
}
