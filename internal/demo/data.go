package demo

import "github.com/yiyeyicha/yiyeyicha/internal/domain"

// Division is Yuanqu County's administrative division code (垣曲县, 运城市,
// 山西省); every demo credit code carries it.
const Division = "140827"

// CountyName is the county prefix of demo business names and addresses.
const CountyName = "垣曲县"

// Townships are the county's township-level divisions: five towns (镇,
// codes 1xx) and six townships (乡, codes 2xx), with the county seat
// 新城镇 first. Demo data: the codes follow the national scheme's pattern.
var Townships = []domain.Township{
	{Code: "140827100", Name: "新城镇"},
	{Code: "140827101", Name: "历山镇"},
	{Code: "140827102", Name: "古城镇"},
	{Code: "140827103", Name: "王茅镇"},
	{Code: "140827104", Name: "毛家湾镇"},
	{Code: "140827200", Name: "英言乡"},
	{Code: "140827201", Name: "蒲掌乡"},
	{Code: "140827202", Name: "解峪乡"},
	{Code: "140827203", Name: "华峰乡"},
	{Code: "140827204", Name: "长直乡"},
	{Code: "140827205", Name: "皋落乡"},
}

// townshipWeight spreads businesses as a county does: most in the seat,
// then the larger towns.
var townshipWeight = []int{38, 9, 9, 8, 6, 5, 5, 5, 5, 5, 5}

// Industries are the joint-inspection industries of the Yuanqu plan.
var Industries = []domain.Industry{
	{Code: "catering", Name: "餐饮服务"},
	{Code: "hotel", Name: "宾馆旅店"},
	{Code: "private_school", Name: "民办学校/校外培训"},
	{Code: "entertainment", Name: "娱乐场所/网吧"},
	{Code: "gas_station", Name: "加油站"},
	{Code: "pharmacy", Name: "药品零售"},
	{Code: "school_canteen", Name: "学校食堂"},
	{Code: "construction", Name: "建筑施工"},
	{Code: "auto_repair", Name: "机动车维修"},
	{Code: "swimming", Name: "游泳场所"},
	{Code: "food_production", Name: "食品生产"},
	{Code: "fireworks", Name: "烟花爆竹零售"},
}

// industryProfile says how an industry's businesses look: how common they
// are, which legal forms they take (per mille of enterprise, individual,
// cooperative) and how they are named.
type industryProfile struct {
	weight      int
	kindPermill [3]int   // 91 enterprise, 92 individual, 93 cooperative
	enterprise  []string // name suffixes of companies (有限公司 …)
	individual  []string // name suffixes of individual businesses (个体工商户)
	cooperative []string // name suffixes of cooperatives
}

// profiles is indexed like Industries.
var profiles = []industryProfile{
	{weight: 340, kindPermill: [3]int{120, 880, 0},
		enterprise: []string{"餐饮管理有限公司", "餐饮服务有限公司", "饮食文化有限公司"},
		individual: []string{"小吃部", "饭店", "面馆", "餐馆", "快餐店", "烧烤店", "火锅店", "饺子馆", "早餐店", "农家乐", "凉皮店", "羊汤馆"}},
	{weight: 60, kindPermill: [3]int{400, 600, 0},
		enterprise: []string{"酒店管理有限公司", "宾馆有限公司", "大酒店有限公司"},
		individual: []string{"宾馆", "旅店", "快捷酒店", "客栈", "招待所", "旅社"}},
	{weight: 35, kindPermill: [3]int{700, 300, 0},
		enterprise: []string{"教育咨询有限公司", "教育科技有限公司", "培训学校有限公司"},
		individual: []string{"艺术培训中心", "书法培训部", "舞蹈培训中心", "托管中心"}},
	{weight: 35, kindPermill: [3]int{350, 650, 0},
		enterprise: []string{"文化娱乐有限公司", "网络科技有限公司"},
		individual: []string{"网吧", "KTV", "歌舞厅", "网络会所", "电竞馆"}},
	{weight: 12, kindPermill: [3]int{950, 50, 0},
		enterprise: []string{"石油销售有限公司", "加油站有限公司", "能源有限公司"},
		individual: []string{"加油站"}},
	{weight: 55, kindPermill: [3]int{450, 550, 0},
		enterprise: []string{"医药连锁有限公司", "大药房有限公司"},
		individual: []string{"大药房", "药店", "中西药店", "诊所药房"}},
	{weight: 15, kindPermill: [3]int{500, 500, 0},
		enterprise: []string{"团餐管理有限公司", "后勤服务有限公司"},
		individual: []string{"学校食堂", "中心学校食堂", "幼儿园食堂"}},
	{weight: 80, kindPermill: [3]int{1000, 0, 0},
		enterprise: []string{"建筑工程有限公司", "建筑安装有限公司", "建设工程有限公司", "路桥工程有限公司", "装饰工程有限公司"}},
	{weight: 80, kindPermill: [3]int{250, 750, 0},
		enterprise: []string{"汽车服务有限公司", "汽车销售服务有限公司"},
		individual: []string{"汽车修理厂", "汽修部", "汽车维修服务中心", "轮胎店", "摩托车修理部"}},
	{weight: 8, kindPermill: [3]int{500, 500, 0},
		enterprise: []string{"体育文化有限公司", "健身服务有限公司"},
		individual: []string{"游泳馆", "健身游泳中心"}},
	{weight: 60, kindPermill: [3]int{450, 300, 250},
		enterprise:  []string{"食品有限公司", "面业有限公司", "酒业有限公司", "农产品加工有限公司"},
		individual:  []string{"豆制品厂", "粮油加工厂", "面粉厂", "糕点坊", "醋坊"},
		cooperative: []string{"核桃专业合作社", "花椒种植专业合作社", "小杂粮专业合作社", "养殖专业合作社", "食用菌专业合作社"}},
	{weight: 20, kindPermill: [3]int{100, 900, 0},
		enterprise: []string{"烟花爆竹经营有限公司"},
		individual: []string{"烟花爆竹零售点", "烟花爆竹经销部"}},
}

// brands are trade names (字号) of the kind county businesses choose.
var brands = []string{
	"鑫源", "兴隆", "福满", "聚源", "宏达", "金鼎", "华盛", "永顺", "天和", "盛世",
	"瑞丰", "恒通", "德顺", "利民", "康泰", "安泰", "顺心", "百味", "友谊", "和美",
	"舜乡", "历山", "中条", "黄河", "亳清", "望仙", "东方", "新世纪", "阳光", "万家",
	"佳和", "鸿运", "祥和", "吉祥", "喜来", "金源", "昌盛", "汇丰", "丰泽", "晋南",
	"河东", "垣兴", "垣鑫", "众诚", "同心", "润泽", "红星", "春晓", "悦来", "福星",
	"宏图", "腾飞", "锦华", "嘉禾", "金桥", "老街", "老城", "诚信", "兴旺", "泰和",
	"瑞祥", "金福", "银河", "长城", "富民", "惠民", "乐康", "鼎盛", "荣华", "新兴",
}

// surnames are common Chinese family names, most frequent first.
var surnames = []string{
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
	"林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程",
	"曹", "袁", "邓", "许", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏",
	"薛", "叶", "阎", "余", "潘", "杜", "戴", "夏", "田", "任", "姜", "范", "方", "石", "姚",
	"崔", "康", "毛", "秦", "史", "侯", "孟", "段", "雷", "尹", "常", "武", "乔", "贺", "柴",
}

// givenChars are characters of given names; a name takes one or two.
var givenChars = []string{
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
	"明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "文", "红", "玉", "兰",
	"志", "海", "鹏", "飞", "斌", "峰", "亮", "辉", "宁", "晶", "鑫", "波", "彬", "瑞", "晋",
	"垣", "荣", "利", "春", "雪", "梅", "琴", "云", "龙", "虎", "宏", "俊", "凯", "浩", "宇",
}

// villages are parts of village and street names in the townships.
var villages = []string{
	"东关", "西关", "南街", "北街", "上寨", "下寨", "河东", "河西", "沟口", "岭头",
	"东滩", "西滩", "北坡", "南坡", "后河", "前河", "店头", "马家", "王家", "李家",
	"张庄", "赵庄", "窑头", "峪口", "堡子", "新庄", "旧城", "中庄", "东峰", "西峰",
}

// streets are street names of the county seat.
var streets = []string{"舜乡街", "中条大街", "望仙大街", "亳清路", "五福涧路", "鑫源路", "商城路", "东环路", "西环路", "南环路", "北环路", "迎宾路", "府前街", "建设路"}

// department describes a demo department and how many inspectors it has.
type department struct {
	code, name, short string
	weight            int      // share of the inspector directory
	labels            []string // 分类标注 of its inspectors
	expertise         []string // 业务专长
}

// departments are the county departments of the joint inspections.
var departments = []department{
	{"SCJG", "垣曲县市场监督管理局", "市场监管局", 60, []string{"食品安全", "特种设备", "计量", "药品", "价格", "广告"}, []string{"餐饮服务食品安全检查", "食品生产许可核查", "药品零售质量管理", "特种设备安全监察", "计量器具检定监督", "价格监督检查"}},
	{"XFJY", "垣曲县消防救援大队", "消防救援大队", 25, []string{"消防监督", "火灾调查"}, []string{"人员密集场所消防检查", "消防设施检测", "火灾隐患排查"}},
	{"WSJK", "垣曲县卫生健康局", "卫生健康局", 25, []string{"公共卫生", "医疗监督", "学校卫生"}, []string{"公共场所卫生监督", "生活饮用水卫生", "学校卫生监督"}},
	{"STHJ", "运城市生态环境局垣曲分局", "生态环境分局", 15, []string{"大气", "水", "固废"}, []string{"餐饮油烟治理", "危险废物管理", "油气回收检查"}},
	{"GA", "垣曲县公安局", "公安局", 30, []string{"治安管理", "特种行业", "危爆物品"}, []string{"旅馆业治安管理", "娱乐场所治安管理", "烟花爆竹治安管理"}},
	{"JYKJ", "垣曲县教育科技局", "教育科技局", 15, []string{"民办教育", "校外培训", "校园安全"}, []string{"民办学校办学行为", "校外培训机构监管", "学校食堂管理"}},
	{"WHLY", "垣曲县文化和旅游局", "文化和旅游局", 12, []string{"文化市场", "旅游市场"}, []string{"网吧经营检查", "娱乐场所经营检查", "游泳场所经营许可"}},
	{"ZJ", "垣曲县住房和城乡建设管理局", "住建局", 18, []string{"建筑安全", "燃气"}, []string{"建筑施工安全检查", "城镇燃气安全", "工程质量监督"}},
	{"JTYS", "垣曲县交通运输局", "交通运输局", 15, []string{"道路运输", "机动车维修"}, []string{"机动车维修经营检查", "道路运输安全"}},
	{"YJGL", "垣曲县应急管理局", "应急管理局", 18, []string{"安全生产", "危险化学品", "烟花爆竹"}, []string{"危险化学品经营安全", "烟花爆竹经营许可", "工贸行业安全生产"}},
	{"SW", "垣曲县商务局", "商务局", 10, []string{"成品油", "商贸流通"}, []string{"成品油市场监管", "商贸流通安全"}},
	{"RSJ", "垣曲县人力资源和社会保障局", "人社局", 8, []string{"劳动保障监察"}, []string{"劳动用工检查", "农民工工资支付"}},
	{"ZHZF", "垣曲县综合行政执法局", "综合执法局", 25, []string{"市容", "燃气", "门前三包"}, []string{"门前三包检查", "餐饮燃气使用安全", "户外广告管理"}},
	{"YBJ", "垣曲县医疗保障局", "医保局", 8, []string{"医保基金监管"}, []string{"定点药店医保基金使用"}},
	{"NYNC", "垣曲县农业农村局", "农业农村局", 16, []string{"农产品质量", "农资"}, []string{"农产品质量安全", "农资经营检查"}},
}

// conflictReasons are the reasons inspectors declare for a conflict (回避).
var conflictReasons = []string{"近亲属经营", "曾在该企业任职", "与经营者存在经济往来", "同学关系", "本人持股"}

// mobilePrefixes are mainland mobile number prefixes.
var mobilePrefixes = []string{"130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156", "158", "159", "180", "182", "183", "185", "186", "187", "188", "189"}
