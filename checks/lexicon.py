"""Column names and URL slugs seen on real government sites (rulebook §0.3), per concept."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Concept:
    standard: str                 # the name the rules ask for
    synonyms: tuple[str, ...]     # other names seen on real sites
    slugs: tuple[str, ...]        # pinyin URL path segments
    keyword: str                  # must appear in an anchor matched by slug only


COLUMNS = {
    "platform": Concept(
        "政府信息公开",
        ("政务公开", "信息公开", "政府信息公开目录", "信息公开目录", "政府信息公开专栏", "部门信息公开目录",
         "政府信息公开平台", "政务信息公开"),
        ("zfxxgk", "xxgk", "zwgk", "gkml", "gkmlpt", "xxgkml"),
        "公开",
    ),
    "guide": Concept(
        "政府信息公开指南", ("信息公开指南", "公开指南", "政务公开指南"), ("guide", "xxgkzn", "gkzn", "zfxxgkzn"), "指南",
    ),
    "rules": Concept(
        "政府信息公开制度", ("信息公开制度", "公开制度", "本局公开制度", "政务公开制度"), ("xxgkzd", "zfxxgkzd", "gkzd"), "制度",
    ),
    "statutory": Concept(
        "法定主动公开内容", ("主动公开目录", "主动公开基本目录", "法定主动内容", "法定主动公开"), ("fdzdgknr", "fdzdgk"), "主动公开",
    ),
    "annual_report": Concept(
        "政府信息公开年报",
        ("政府信息公开工作年度报告", "信息公开年报", "政府信息公开年度报告", "年度报告", "年报", "信息公开年度报告"),
        ("ndbg", "xxgknb", "zfxxgknb", "gknb"),
        "年",
    ),
    # 咨询建言 channels (V-INTER); 网上信访 and 纪检举报 are special channels that do not count.
    "interaction": Concept(
        "互动交流",
        ("政民互动", "互动回应", "咨询投诉", "区长信箱", "县长信箱", "市长信箱", "书记信箱", "局长信箱", "领导信箱",
         "我要咨询", "我要建议", "在线咨询", "网上咨询", "咨询建言"),
        ("hdjl", "zmhd", "zxts", "hdjlpt"),
        "信箱",
    ),
    "standard_catalog": Concept(
        "基层政务公开标准目录",
        ("基层政务公开", "政务公开标准目录", "标准目录", "标准化规范化工作", "试点领域标准目录", "基层政务公开标准化规范化",
         "基层政务公开专栏", "政务公开事项标准目录"),
        ("jczwgk", "bzml"),
        "目录",
    ),
}

# 条例第二十条 categories (rulebook §3.1) and 第二十一条 (设区的市级、县级): words that name the category
# in a column or item title. Category 15 (其他) has no content of its own and is not counted.
ART20_CATEGORIES = {
    "（一）行政法规、规章和行政规范性文件": ("规章", "规范性文件", "政策文件", "政府文件", "部门文件", "文件资料", "政策法规"),
    "（二）机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名": ("机构职能", "机构设置", "内设机构", "职能职责", "领导信息", "领导之窗", "负责人信息", "机构概况"),
    "（三）国民经济和社会发展规划、专项规划、区域规划及相关政策": ("规划", "政府工作报告"),
    "（四）国民经济和社会发展统计信息": ("统计信息", "统计数据", "统计公报", "数据发布", "经济运行"),
    "（五）行政许可和其他对外管理服务事项": ("行政许可", "办事指南", "许可结果", "双公示", "审批结果", "行政审批"),
    "（六）行政处罚、行政强制": ("行政处罚", "行政强制", "行政执法", "执法公示"),
    "（七）财政预算、决算": ("预决算", "预算", "决算", "三公经费"),
    "（八）行政事业性收费项目及其依据、标准": ("收费项目", "收费标准", "行政事业性收费", "收费目录"),
    "（九）政府集中采购项目的目录、标准及实施情况": ("政府采购", "集中采购", "采购意向", "采购公告"),
    "（十）重大建设项目的批准和实施情况": ("重大建设项目", "重点项目", "项目批准", "项目实施"),
    "（十一）扶贫、教育、医疗、社会保障、促进就业": ("扶贫", "乡村振兴", "教育", "医疗", "卫生健康", "社会保障", "就业"),
    "（十二）突发公共事件的应急预案、预警信息及应对情况": ("应急预案", "预警信息", "突发事件", "应急管理"),
    "（十三）环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查": (
        "环境保护", "生态环境", "公共卫生", "安全生产", "食品药品", "食品安全", "产品质量", "监督检查", "抽检"),
    "（十四）公务员招考的职位、名额、报考条件及录用结果": ("公务员招考", "公务员", "招录", "录用", "招考"),
}
ART21_CATEGORIES = {
    "市政建设": ("市政建设", "市政设施", "城市建设", "城乡建设"),
    "公共服务": ("公共服务",),
    "公益事业": ("公益事业",),
    "土地征收": ("土地征收", "征地"),
    "房屋征收": ("房屋征收",),
    "治安管理": ("治安管理", "治安"),
    "社会救助": ("社会救助", "低保", "救助"),
}

# The 26 pilot areas of 基层政务公开 (rulebook §4.1), with the names used before the 2018 reform.
STANDARD_AREAS = {
    "国土空间规划": ("国土空间规划", "城乡规划"),
    "重大建设项目": ("重大建设项目",),
    "公共资源交易": ("公共资源交易",),
    "财政预决算": ("财政预决算", "预决算"),
    "安全生产": ("安全生产",),
    "税收管理": ("税收管理",),
    "征地补偿": ("征地补偿", "征地"),
    "国有土地上房屋征收与补偿": ("房屋征收",),
    "农村危房改造": ("农村危房改造", "危房改造"),
    "城市综合执法": ("城市综合执法", "综合执法"),
    "市政服务": ("市政服务",),
    "保障性住房": ("保障性住房",),
    "扶贫（乡村振兴）": ("扶贫", "乡村振兴"),
    "救灾": ("救灾",),
    "社会救助": ("社会救助",),
    "养老服务": ("养老服务",),
    "户籍管理": ("户籍管理",),
    "涉农补贴": ("涉农补贴",),
    "就业": ("就业",),
    "社会保险": ("社会保险",),
    "食品药品监管": ("食品药品",),
    "公共文化服务": ("公共文化",),
    "公共法律服务": ("公共法律服务",),
    "生态环境": ("生态环境", "环境保护"),
    "卫生健康": ("卫生健康", "医疗卫生"),
    "义务教育": ("义务教育",),
}
# Elements every catalogue table must carry (国办发〔2019〕54号), with header words seen on real tables.
CATALOGUE_ELEMENTS = {
    "公开事项": ("公开事项", "事项名称", "一级事项", "二级事项"),
    "公开内容": ("公开内容",),
    "公开依据": ("公开依据",),
    "公开时限": ("公开时限",),
    "公开主体": ("公开主体",),
    "公开方式": ("公开方式",),
    "公开渠道": ("公开渠道", "公开载体"),
    "公开对象": ("公开对象",),
}

# Text that marks a column page as empty (检查指标 V-COL 空白栏目).
BLANK_MARKERS = ("暂无信息", "暂无数据", "暂无内容", "正在建设中", "栏目建设中", "没有相关信息", "暂无记录")

# Text of an HTTP-200 page that is really an error page (soft 404).
SOFT_404_MARKERS = ("页面不存在", "页面未找到", "找不到页面", "您访问的页面不存在", "已被删除", "404 Not Found",
                    "Page Not Found", "页面已删除", "访问的页面不存在")

# The central list of 规章/行政规范性文件 (rulebook §3.6).
COLUMNS["normative"] = Concept(
    "规范性文件",
    ("行政规范性文件", "规章和规范性文件", "规章及规范性文件", "规章与规范性文件", "规范性文件库", "政府规章",
     "规章库", "规章规范性文件", "规范性文件目录"),
    ("gfxwj", "xzgfxwj", "gfxwjk", "gzk", "zfgz", "gfxwjml"),
    "规",
)

# 依申请公开 (条例第二十七至二十九条, rulebook §3.2 OGI-27-29).
COLUMNS["request"] = Concept(
    "依申请公开",
    ("政府信息依申请公开", "依申请公开政府信息", "政府信息公开申请", "依申请公开平台", "在线申请公开", "网上申请公开",
     "依申请公开专栏"),
    ("ysqgk", "ysq", "zfxxgksq", "ysqgkpt"),
    "申请",
)
# 权责清单 (要点2020 (一), rulebook §8.1).
COLUMNS["power_list"] = Concept(
    "权责清单",
    ("权力清单", "责任清单", "权力和责任清单", "权力清单和责任清单", "权责清单公开", "部门权责清单", "权责事项清单",
     "权责清单目录", "政府部门权责清单"),
    ("qzqd", "qlqd", "zrqd", "qlzrqd", "qlqdzrqd"),
    "清单",
)
# Service portals run by a province (or the State Council) that host district lists and forms; the
# crawl records links to them but does not fetch them.
SERVICE_PORTAL_HOSTS = ("gdzwfw.gov.cn", "gjzwfw.gov.cn", "zjzwfw.gov.cn", "jszwfw.gov.cn", "hbzwfw.gov.cn",
                        "sczwfw.gov.cn")

# Key areas of 条例第二十、二十一条 with a column of their own (issue 9, rulebook §3.1 rows 7, 9, 10,
# 13, 14): lexicon concept per area.
COLUMNS["area_finance"] = Concept(
    "财政预决算",
    ("预决算", "财政预决算公开", "预决算公开", "财政预算", "部门预决算", "财政资金", "政府预决算", "财政信息",
     "预算决算", "部门预算决算"),
    ("czyjs", "yjsgk", "czxx", "czzj", "yjs"),
    "算",
)
COLUMNS["area_health"] = Concept(
    "公共卫生",
    ("公共卫生信息", "疫情信息", "疫情防控", "卫生健康", "卫生健康信息", "疾病预防控制", "传染病疫情", "医疗卫生"),
    ("ggws", "yqfk", "wsjk", "yqxx"),
    "卫生",
)
COLUMNS["area_procurement"] = Concept(
    "政府采购",
    ("政府采购信息", "采购公告", "采购信息", "政府集中采购", "采购意向", "政府采购公告", "招标采购"),
    ("zfcg", "cggg", "cgxx"),
    "采购",
)
COLUMNS["area_projects"] = Concept(
    "重大建设项目",
    ("重大项目", "重点项目", "重点建设项目", "重大建设项目信息", "重大建设项目批准和实施", "重大项目建设"),
    ("zdjsxm", "zdxm", "zdjs"),
    "项目",
)
COLUMNS["area_civil_service"] = Concept(
    "公务员招考",
    ("公务员招录", "考试录用公务员", "公务员考录", "招考录用", "人事招考", "招录信息", "人事招录", "招考信息"),
    ("gwyzk", "gwyzl", "rszk", "zkxx"),
    "招",
)
COLUMNS["area_public_enterprises"] = Concept(
    "公共企事业单位信息公开",
    ("公共企事业单位", "公共企事业单位办事公开", "企事业单位信息公开", "公共企事业单位公开"),
    ("ggqsydw", "qsydwxxgk", "ggqsy"),
    "企事业",
)
# 领导信息 and 领导分工 (条例第二十条（二）负责人姓名; 要点2020 六(一): the leader in charge of 政务公开 named).
COLUMNS["leaders"] = Concept(
    "领导信息",
    ("领导之窗", "领导分工", "政府领导", "领导简介", "领导介绍", "领导成员", "领导班子", "负责人信息", "区领导",
     "县领导", "市领导", "局领导", "领导风采", "领导活动"),
    ("ldxx", "ldzc", "ldfg", "zfld", "ldjj", "ldbz"),
    "领导",
)
# 政务新媒体 list (rulebook §1.3, §8.8) and the platforms its accounts run on, with the words naming them.
COLUMNS["new_media"] = Concept(
    "政务新媒体",
    ("新媒体矩阵", "政务新媒体矩阵", "两微一端", "政务微博", "政务微信", "新媒体", "政务新媒体名录", "新媒体平台",
     "政务新媒体账号", "官方微信", "官方微博", "微信公众号"),
    ("xmt", "zwxmt", "xmtjz"),
    "媒体",
)
NEW_MEDIA_PLATFORMS = {
    "微信公众号": ("微信公众号", "微信公众平台", "公众号", "微信"),
    "微博": ("新浪微博", "微博"),
    "抖音": ("抖音",),
    "今日头条": ("今日头条", "头条号", "头条"),
    "快手": ("快手",),
    "微信视频号": ("视频号",),
    "客户端": ("客户端", "APP", "App"),
    "小程序": ("小程序",),
    "哔哩哔哩": ("哔哩哔哩", "B站"),
}
# 政府公报 (国办发〔2016〕80号: the 标准文本; rulebook §8.7). 统计公报 is another thing and never matches.
COLUMNS["gazette"] = Concept(
    "政府公报",
    ("公报", "区政府公报", "市政府公报", "县政府公报", "人民政府公报", "政府公报专栏", "政府公报数据库"),
    ("zfgb", "gb"),
    "政府公报",
)
# 意见征集 on draft decisions (要点2020 (二); 重大行政决策程序暂行条例, rulebook §8.4).
COLUMNS["consultation"] = Concept(
    "意见征集",
    ("征求意见", "公开征求意见", "网上征集", "民意征集", "征集调查", "草案征求意见", "决策预公开", "重大行政决策预公开",
     "政策草案意见征集", "意见征集专栏", "草案意见征集", "决策征求意见"),
    ("yjzj", "zqyj", "myzj", "zjdc", "jcygk"),
    "征",
)
# 机构职能 (条例第二十条（二）; 要点2020 (一) 机构职能目录; rulebook §8.2).
COLUMNS["functions"] = Concept(
    "机构职能",
    ("机构职能目录", "机构设置", "职能职责", "机构概况", "部门职能", "机构信息", "组织机构", "机构与职能", "内设机构",
     "主要职责", "机构职能信息", "部门机构职能"),
    ("jgzn", "jgsz", "znzz", "jggk", "zzjg", "jgznml"),
    "机构",
)
# A phone number as offices print it: "联系电话：0754-88888812", "电话：（0754）8888 8812".
PHONE_PATTERN = r"电\s*话\s*[:：]?\s*[(（]?0\d{2,3}[)）\-－]?\s*\d{3,4}\s*\d{4}"
