package demo

import (
	"context"
	"fmt"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// demoItem is one inspection item of a department's catalogue (检查事项).
type demoItem struct {
	dept, code, name, content, basis string
	method                           domain.ItemMethod
	key                              bool // 重点检查事项
}

// catalogue holds the demo items, by department code then item code.
// Items are shared between industries, as real catalogues are: the fire
// brigade's 疏散通道 item is the same item in every list that holds it.
var catalogue = []demoItem{
	{"SCJG", "SCJG-001", "食品经营许可", "是否取得有效的食品经营许可证，许可事项与实际经营是否一致", "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》第十一条", domain.MethodOnSite, true},
	{"SCJG", "SCJG-002", "从业人员健康管理", "从事接触直接入口食品工作的人员是否持有有效健康证明", "《中华人民共和国食品安全法》第四十五条", domain.MethodDocument, false},
	{"SCJG", "SCJG-003", "进货查验记录", "是否查验供货者许可证和产品合格证明，是否如实记录进货查验情况", "《中华人民共和国食品安全法》第五十三条、第五十四条", domain.MethodDocument, false},
	{"SCJG", "SCJG-004", "餐饮具清洗消毒", "餐饮具是否按要求清洗消毒，保洁设施是否正常使用", "《中华人民共和国食品安全法》第五十六条", domain.MethodOnSite, false},
	{"SCJG", "SCJG-005", "加油机计量", "在用加油机是否经强制检定合格并在有效期内，铅封是否完好", "《中华人民共和国计量法》第九条；《加油站计量监督管理办法》第五条", domain.MethodOnSite, true},
	{"SCJG", "SCJG-006", "药品经营许可与质量管理", "是否持有有效药品经营许可证，是否执行药品经营质量管理规范", "《中华人民共和国药品管理法》第五十一条、第五十三条", domain.MethodOnSite, true},
	{"SCJG", "SCJG-007", "处方药销售管理", "处方药是否凭处方销售，执业药师是否在岗", "《药品流通监督管理办法》第十八条", domain.MethodOnSite, false},
	{"SCJG", "SCJG-008", "食品生产许可", "是否取得食品生产许可证，生产条件是否保持符合要求", "《中华人民共和国食品安全法》第三十五条；《食品生产许可管理办法》第二条", domain.MethodOnSite, true},
	{"SCJG", "SCJG-009", "出厂检验记录", "是否对出厂食品逐批检验并保存检验记录", "《中华人民共和国食品安全法》第五十一条、第五十二条", domain.MethodDocument, false},
	{"SCJG", "SCJG-010", "特种设备使用登记", "电梯、锅炉等特种设备是否办理使用登记并定期检验", "《中华人民共和国特种设备安全法》第三十三条、第四十条", domain.MethodOnSite, false},
	{"SCJG", "SCJG-011", "食品安全管理制度", "是否配备食品安全管理人员，是否建立食品安全自查制度", "《中华人民共和国食品安全法》第四十四条、第四十七条", domain.MethodDocument, false},
	{"SCJG", "SCJG-012", "明码标价", "是否按规定明码标价", "《中华人民共和国价格法》第十三条", domain.MethodOnSite, false},

	{"XFJY", "XFJY-001", "疏散通道与安全出口", "疏散通道、安全出口是否畅通，是否被占用、堵塞、封闭", "《中华人民共和国消防法》第二十八条", domain.MethodOnSite, true},
	{"XFJY", "XFJY-002", "灭火器材配置", "是否按标准配置灭火器材并保持完好有效", "《中华人民共和国消防法》第十六条第二项", domain.MethodOnSite, false},
	{"XFJY", "XFJY-003", "消防安全责任制", "是否落实消防安全责任制，是否开展防火检查和员工培训", "《中华人民共和国消防法》第十六条；《机关、团体、企业、事业单位消防安全管理规定》第六条", domain.MethodDocument, false},
	{"XFJY", "XFJY-004", "自动消防设施", "火灾自动报警、自动喷水灭火系统是否正常运行并定期检测", "《中华人民共和国消防法》第十六条第三项", domain.MethodOnSite, true},
	{"XFJY", "XFJY-005", "电气线路与燃气管路", "电器产品、燃气用具的安装使用及线路、管路敷设是否符合消防技术标准", "《中华人民共和国消防法》第二十七条", domain.MethodOnSite, false},

	{"WSJK", "WSJK-001", "公共场所卫生许可", "是否取得公共场所卫生许可证并在有效期内", "《公共场所卫生管理条例》第八条", domain.MethodDocument, false},
	{"WSJK", "WSJK-002", "从业人员健康合格证明", "公共场所直接为顾客服务的人员是否持有健康合格证明", "《公共场所卫生管理条例》第七条", domain.MethodDocument, false},
	{"WSJK", "WSJK-003", "用品用具清洗消毒", "床上用品、茶具等是否一客一换一消毒", "《公共场所卫生管理条例实施细则》第十四条", domain.MethodOnSite, false},
	{"WSJK", "WSJK-004", "游泳池水质", "游泳池水质是否定期检测，检测结果是否公示", "《公共场所卫生管理条例实施细则》第十九条", domain.MethodOnSite, true},
	{"WSJK", "WSJK-005", "学校传染病防控", "是否落实晨午检、因病缺勤追踪和传染病报告制度", "《学校卫生工作条例》第二十条；《中华人民共和国传染病防治法》第三十条", domain.MethodDocument, false},

	{"STHJ", "STHJ-001", "油烟净化设施", "是否安装油烟净化设施并保持正常使用，油烟是否达标排放", "《中华人民共和国大气污染防治法》第八十一条", domain.MethodOnSite, true},
	{"STHJ", "STHJ-002", "油气回收装置", "加油站是否安装油气回收装置并保持正常使用", "《中华人民共和国大气污染防治法》第四十七条", domain.MethodOnSite, true},
	{"STHJ", "STHJ-003", "危险废物贮存与转移", "废机油、废铅蓄电池等危险废物是否规范贮存并执行转移联单", "《中华人民共和国固体废物污染环境防治法》第七十七条、第八十二条", domain.MethodOnSite, false},
	{"STHJ", "STHJ-004", "排污许可与登记", "是否依法取得排污许可证或填报排污登记表", "《排污许可管理条例》第二条、第二十四条", domain.MethodDocument, false},

	{"GA", "GA-001", "旅客住宿登记", "是否按规定对旅客实名登记并上传信息", "《旅馆业治安管理办法》第六条", domain.MethodOnSite, true},
	{"GA", "GA-002", "特种行业许可", "是否取得特种行业许可证", "《旅馆业治安管理办法》第四条", domain.MethodDocument, false},
	{"GA", "GA-003", "娱乐场所治安管理", "是否按规定安装运行监控设备，是否有涉黄涉赌涉毒行为", "《娱乐场所管理条例》第十五条、第十四条", domain.MethodOnSite, true},
	{"GA", "GA-004", "烟花爆竹储存管理", "烟花爆竹储存是否超量，是否与居住场所设置在同一建筑物内", "《烟花爆竹安全管理条例》第二十条", domain.MethodOnSite, true},

	{"JYKJ", "JYKJ-001", "办学许可", "是否取得办学许可证，办学内容与许可是否一致", "《中华人民共和国民办教育促进法》第十二条", domain.MethodDocument, true},
	{"JYKJ", "JYKJ-002", "收费与预收费管理", "收费项目和标准是否公示，预收费是否纳入监管账户", "《中华人民共和国民办教育促进法》第三十八条", domain.MethodDocument, false},
	{"JYKJ", "JYKJ-003", "教师资格", "从业教师是否具备相应教师资格", "《中华人民共和国教师法》第十条", domain.MethodDocument, false},
	{"JYKJ", "JYKJ-004", "学校食堂管理责任", "是否落实校长（园长）陪餐和食堂管理责任制度", "《学校食品安全与营养健康管理规定》第九条、第四十条", domain.MethodDocument, false},

	{"WHLY", "WHLY-001", "网吧经营许可与未成年人", "是否取得网络文化经营许可证，是否接纳未成年人", "《互联网上网服务营业场所管理条例》第七条、第二十一条", domain.MethodOnSite, true},
	{"WHLY", "WHLY-002", "娱乐经营许可", "是否取得娱乐经营许可证，歌曲曲目是否合规", "《娱乐场所管理条例》第九条、第十三条", domain.MethodOnSite, false},
	{"WHLY", "WHLY-003", "游泳场所救生员", "是否按规定配备持证救生员和救生器材", "《经营高危险性体育项目许可管理办法》第六条", domain.MethodOnSite, true},

	{"ZJ", "ZJ-001", "施工现场安全防护", "临边洞口防护、脚手架、起重机械是否符合安全要求", "《建设工程安全生产管理条例》第二十八条、第三十四条", domain.MethodOnSite, true},
	{"ZJ", "ZJ-002", "施工许可", "是否依法取得施工许可证", "《中华人民共和国建筑法》第七条", domain.MethodDocument, false},
	{"ZJ", "ZJ-003", "建筑安全结构", "经营场所是否擅自改变建筑主体和承重结构", "《建设工程质量管理条例》第十五条", domain.MethodOnSite, false},

	{"JTYS", "JTYS-001", "维修经营备案", "是否办理机动车维修经营备案", "《机动车维修管理规定》第八条", domain.MethodDocument, false},
	{"JTYS", "JTYS-002", "维修质量与档案", "是否执行竣工出厂合格证和维修档案制度", "《机动车维修管理规定》第三十一条、第三十六条", domain.MethodDocument, false},

	{"YJGL", "YJGL-001", "危险化学品经营许可", "加油站是否取得危险化学品经营许可证", "《危险化学品安全管理条例》第三十三条", domain.MethodDocument, true},
	{"YJGL", "YJGL-002", "烟花爆竹经营许可", "是否取得烟花爆竹经营（零售）许可证", "《烟花爆竹安全管理条例》第十九条", domain.MethodDocument, true},
	{"YJGL", "YJGL-003", "安全生产责任与应急预案", "是否建立安全生产责任制，是否制定应急预案并演练", "《中华人民共和国安全生产法》第二十二条、第八十一条", domain.MethodDocument, false},

	{"SW", "SW-001", "成品油零售经营资格", "是否取得成品油零售经营批准证书", "《山西省成品油市场管理办法》第十条", domain.MethodDocument, true},
	{"SW", "SW-002", "成品油进销存台账", "是否建立成品油购销台账，油品来源是否合法", "《山西省成品油市场管理办法》第二十条", domain.MethodDocument, false},

	{"ZHZF", "ZHZF-001", "燃气使用安全", "是否使用合格燃气器具，是否安装燃气泄漏报警装置", "《城镇燃气管理条例》第二十八条；《山西省燃气管理条例》第三十五条", domain.MethodOnSite, true},
	{"ZHZF", "ZHZF-002", "门前三包", "是否落实门前市容、环境卫生、秩序责任", "《城市市容和环境卫生管理条例》第十条", domain.MethodOnSite, false},
	{"ZHZF", "ZHZF-003", "餐厨垃圾处置", "餐厨垃圾是否交由有资质单位收运处置并建立台账", "《山西省城乡生活垃圾管理条例》第三十三条", domain.MethodDocument, false},

	{"YBJ", "YBJ-001", "定点药店医保基金使用", "是否存在串换药品、虚假结算等违规使用医保基金行为", "《医疗保障基金使用监督管理条例》第十五条", domain.MethodDocument, true},

	{"RSJ", "RSJ-001", "劳动合同与工资支付", "是否依法签订劳动合同、按时足额支付工资", "《中华人民共和国劳动合同法》第十条；《保障农民工工资支付条例》第十一条", domain.MethodDocument, false},
}

// demoList is an industry's joint list as the demo publishes it.
type demoList struct {
	industry  string
	subject   string
	frequency int
	ratios    [4]domain.Ratio
	notes     string
	parts     []demoPart // lead first
}

type demoPart struct {
	dept     string
	division string
	items    []string
}

// jointLists are the demo's joint lists, one per industry of the plan.
var jointLists = []demoList{
	{"catering", "餐饮服务经营者", 1, [4]domain.Ratio{100, 300, 1000, 3000}, "小型餐饮可与食品销售合并检查", []demoPart{
		{"SCJG", "牵头组织联合检查，负责食品安全检查并汇总结果", []string{"SCJG-001", "SCJG-002", "SCJG-003", "SCJG-004"}},
		{"XFJY", "负责消防安全检查", []string{"XFJY-001", "XFJY-002"}},
		{"STHJ", "负责餐饮油烟排放检查", []string{"STHJ-001"}},
		{"ZHZF", "负责燃气使用安全和门前三包检查", []string{"ZHZF-001", "ZHZF-002"}},
	}},
	{"hotel", "宾馆、旅店、民宿经营者", 1, [4]domain.Ratio{100, 300, 1000, 3000}, "", []demoPart{
		{"GA", "牵头组织联合检查，负责治安管理检查", []string{"GA-001", "GA-002"}},
		{"XFJY", "负责消防安全检查", []string{"XFJY-001", "XFJY-003", "XFJY-004"}},
		{"WSJK", "负责公共场所卫生检查", []string{"WSJK-001", "WSJK-003"}},
		{"SCJG", "负责特种设备和价格检查", []string{"SCJG-010", "SCJG-012"}},
		{"ZJ", "负责建筑结构安全检查", []string{"ZJ-003"}},
	}},
	{"private_school", "民办学校、校外培训机构", 2, [4]domain.Ratio{500, 1000, 3000, 5000}, "寒暑假期间可增加检查频次", []demoPart{
		{"JYKJ", "牵头组织联合检查，负责办学行为检查", []string{"JYKJ-001", "JYKJ-002", "JYKJ-003"}},
		{"SCJG", "负责收费公示和食品安全检查", []string{"SCJG-012", "SCJG-001"}},
		{"WSJK", "负责传染病防控检查", []string{"WSJK-005"}},
		{"XFJY", "负责消防安全检查", []string{"XFJY-001", "XFJY-002"}},
	}},
	{"entertainment", "歌舞娱乐场所、互联网上网服务营业场所", 2, [4]domain.Ratio{300, 1000, 3000, 6000}, "", []demoPart{
		{"WHLY", "牵头组织联合检查，负责文化市场经营检查", []string{"WHLY-001", "WHLY-002"}},
		{"GA", "负责治安管理检查", []string{"GA-003"}},
		{"XFJY", "负责消防安全检查", []string{"XFJY-001", "XFJY-004", "XFJY-005"}},
	}},
	{"gas_station", "加油站", 1, [4]domain.Ratio{1000, 2000, 5000, 10000}, "", []demoPart{
		{"SW", "牵头组织联合检查，负责成品油经营资格和台账检查", []string{"SW-001", "SW-002"}},
		{"YJGL", "负责危险化学品安全检查", []string{"YJGL-001", "YJGL-003"}},
		{"XFJY", "负责消防安全检查", []string{"XFJY-002", "XFJY-005"}},
		{"SCJG", "负责加油机计量检查", []string{"SCJG-005"}},
		{"STHJ", "负责油气回收检查", []string{"STHJ-002"}},
	}},
	{"pharmacy", "药品零售企业", 1, [4]domain.Ratio{200, 500, 2000, 5000}, "", []demoPart{
		{"SCJG", "牵头组织联合检查，负责药品质量管理检查", []string{"SCJG-006", "SCJG-007"}},
		{"YBJ", "负责医保基金使用检查", []string{"YBJ-001"}},
		{"XFJY", "负责消防安全检查", []string{"XFJY-002"}},
	}},
	{"school_canteen", "学校（幼儿园）食堂", 2, [4]domain.Ratio{5000, 5000, 10000, 10000}, "学校食堂每学期至少检查一次", []demoPart{
		{"JYKJ", "牵头组织联合检查，负责食堂管理责任落实检查", []string{"JYKJ-004"}},
		{"SCJG", "负责食品安全检查", []string{"SCJG-001", "SCJG-002", "SCJG-004"}},
		{"WSJK", "负责传染病防控检查", []string{"WSJK-005"}},
		{"ZHZF", "负责燃气使用安全检查", []string{"ZHZF-001"}},
	}},
	{"construction", "房屋建筑和市政工程施工单位", 2, [4]domain.Ratio{500, 1000, 3000, 5000}, "", []demoPart{
		{"ZJ", "牵头组织联合检查，负责施工安全和许可检查", []string{"ZJ-001", "ZJ-002"}},
		{"RSJ", "负责农民工工资支付检查", []string{"RSJ-001"}},
		{"STHJ", "负责施工扬尘和危险废物检查", []string{"STHJ-003"}},
		{"XFJY", "负责施工现场消防安全检查", []string{"XFJY-002"}},
	}},
	{"auto_repair", "机动车维修经营者", 1, [4]domain.Ratio{100, 300, 1000, 3000}, "", []demoPart{
		{"JTYS", "牵头组织联合检查，负责维修经营检查", []string{"JTYS-001", "JTYS-002"}},
		{"STHJ", "负责危险废物检查", []string{"STHJ-003"}},
		{"XFJY", "负责消防安全检查", []string{"XFJY-002", "XFJY-005"}},
	}},
	{"swimming", "游泳场所经营者", 2, [4]domain.Ratio{1000, 2000, 5000, 10000}, "开放季节内检查", []demoPart{
		{"WHLY", "牵头组织联合检查，负责高危险性体育项目经营检查", []string{"WHLY-003"}},
		{"WSJK", "负责水质和卫生检查", []string{"WSJK-004", "WSJK-002"}},
		{"SCJG", "负责特种设备检查", []string{"SCJG-010"}},
	}},
	{"food_production", "食品生产企业、小作坊", 1, [4]domain.Ratio{300, 500, 2000, 5000}, "", []demoPart{
		{"SCJG", "牵头组织联合检查，负责食品生产许可和检验检查", []string{"SCJG-008", "SCJG-009", "SCJG-011"}},
		{"STHJ", "负责排污许可检查", []string{"STHJ-004"}},
		{"YJGL", "负责安全生产检查", []string{"YJGL-003"}},
		{"XFJY", "负责消防安全检查", []string{"XFJY-003"}},
	}},
	{"fireworks", "烟花爆竹零售经营者", 1, [4]domain.Ratio{2000, 3000, 6000, 10000}, "春节前集中检查", []demoPart{
		{"YJGL", "牵头组织联合检查，负责经营许可检查", []string{"YJGL-002"}},
		{"GA", "负责储存治安管理检查", []string{"GA-004"}},
		{"XFJY", "负责消防安全检查", []string{"XFJY-002"}},
	}},
}

// cateringV2 is the second published version of the catering list: the
// office asked for 餐厨垃圾 to be checked and the fire brigade folded its
// extinguisher item into the evacuation check.
var cateringV2 = struct {
	reason string
	parts  map[string][]string
}{
	reason: "依据《山西省城乡生活垃圾管理条例》增加餐厨垃圾处置检查；消防灭火器材检查并入日常监督",
	parts:  map[string][]string{"XFJY": {"XFJY-001"}, "ZHZF": {"ZHZF-001", "ZHZF-002", "ZHZF-003"}},
}

// draftIndustry is left with an open draft whose co-departments have not
// all confirmed, so the staff pages show the sign-off in progress.
const draftIndustry = "fireworks"

// writeLists writes the catalogues and publishes the joint lists: every
// list in version 1, the catering list also in version 2, and the
// fireworks list as a draft awaiting a confirmation.
func writeLists(ctx context.Context, s *store.Store, deptIDs map[string]int64) error {
	sys := domain.System
	ids := map[string]int64{}
	for _, c := range catalogue {
		it := domain.CatalogItem{DepartmentID: deptIDs[c.dept], Code: c.code, Name: c.name, Content: c.content, LegalBasis: c.basis, Method: c.method}
		if c.key {
			it.Kind = domain.ItemKey
		}
		if err := s.SaveCatalogItem(ctx, sys, &it); err != nil {
			return fmt.Errorf("demo: catalogue item %s: %w", c.code, err)
		}
		ids[c.code] = it.ID
	}
	itemIDs := func(codes []string) []int64 {
		out := make([]int64, len(codes))
		for i, c := range codes {
			out[i] = ids[c]
		}
		return out
	}
	for _, l := range jointLists {
		h := domain.ListHeader{Subject: l.subject, Frequency: l.frequency, Notes: l.notes,
			Ratios: domain.Ratios{domain.RiskA: l.ratios[0], domain.RiskB: l.ratios[1], domain.RiskC: l.ratios[2], domain.RiskD: l.ratios[3]}}
		var co []int64
		for _, p := range l.parts[1:] {
			co = append(co, deptIDs[p.dept])
		}
		v, err := s.CreateJointList(ctx, sys, l.industry, deptIDs[l.parts[0].dept], h, co)
		if err != nil {
			return fmt.Errorf("demo: list %s: %w", l.industry, err)
		}
		for _, p := range l.parts {
			if err := s.SetDraftPart(ctx, sys, v.ID, deptIDs[p.dept], p.division, itemIDs(p.items)); err != nil {
				return fmt.Errorf("demo: list %s: %w", l.industry, err)
			}
		}
		for i, p := range l.parts[1:] {
			if l.industry == draftIndustry && i == len(l.parts)-2 {
				break // the last co-department has not confirmed yet
			}
			if err := s.ConfirmPart(ctx, sys, v.ID, deptIDs[p.dept]); err != nil {
				return fmt.Errorf("demo: list %s: %w", l.industry, err)
			}
		}
		if l.industry == draftIndustry {
			continue
		}
		if _, err := s.PublishVersion(ctx, sys, v.ID); err != nil {
			return fmt.Errorf("demo: list %s: %w", l.industry, err)
		}
		if l.industry != "catering" {
			continue
		}
		d, err := s.OpenDraft(ctx, sys, v.ListID, cateringV2.reason)
		if err != nil {
			return fmt.Errorf("demo: list %s v2: %w", l.industry, err)
		}
		for _, p := range l.parts {
			items, changed := cateringV2.parts[p.dept]
			if !changed {
				continue
			}
			if err := s.SetDraftPart(ctx, sys, d.ID, deptIDs[p.dept], p.division, itemIDs(items)); err != nil {
				return fmt.Errorf("demo: list %s v2: %w", l.industry, err)
			}
		}
		for _, p := range l.parts[1:] {
			if err := s.ConfirmPart(ctx, sys, d.ID, deptIDs[p.dept]); err != nil {
				return fmt.Errorf("demo: list %s v2: %w", l.industry, err)
			}
		}
		if _, err := s.PublishVersion(ctx, sys, d.ID); err != nil {
			return fmt.Errorf("demo: list %s v2: %w", l.industry, err)
		}
	}
	return nil
}
