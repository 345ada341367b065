//! Content of the demo cases: fictional parties and the facts, provisions and measures of each
//! kind of matter. The provisions cited are real articles of the laws named; the people,
//! companies, addresses and numbers are invented (identity numbers carry valid check digits so
//! that the disclosure masking of a later issue has realistic input).

use serde_json::{Value, json};

use super::ident::{id_card, uscc};

/// A party (当事人), natural person or organisation (R8-a(3)).
#[derive(Debug, Clone, Copy)]
pub enum Party {
    /// A natural person: name, 17 digits of the identity number, address, phone.
    Person(&'static str, &'static str, &'static str, &'static str),
    /// An organisation: name, first 17 characters of the USCC, legal representative, address,
    /// phone.
    Org(
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    ),
}

impl Party {
    /// Name of the party.
    pub fn name(&self) -> &'static str {
        match self {
            Party::Person(name, ..) | Party::Org(name, ..) => name,
        }
    }

    /// The `party` field value.
    pub fn to_json(self) -> Value {
        match self {
            Party::Person(name, id17, address, phone) => json!({
                "kind": "natural_person",
                "name": name,
                "id_type": "居民身份证",
                "id_number": id_card(id17).unwrap_or_default(),
                "address": address,
                "phone": phone,
            }),
            Party::Org(name, uscc17, representative, address, phone) => json!({
                "kind": "organization",
                "name": name,
                "uscc": uscc(uscc17).unwrap_or_default(),
                "legal_representative": representative,
                "address": address,
                "phone": phone,
            }),
        }
    }

    /// The person who speaks for the party (the person, or the legal representative).
    pub fn contact(self) -> Value {
        match self {
            Party::Person(name, id17, address, phone) => json!({
                "name": name, "id_type": "居民身份证", "id_number": id_card(id17).unwrap_or_default(),
                "phone": phone, "address": address, "role": "当事人本人",
            }),
            Party::Org(name, _, representative, address, phone) => json!({
                "name": representative, "phone": phone, "address": address,
                "organization": name, "role": "法定代表人",
            }),
        }
    }

    /// Address.
    pub fn address(&self) -> &'static str {
        match self {
            Party::Person(_, _, address, _) | Party::Org(_, _, _, address, _) => address,
        }
    }

    /// Whether the party is an organisation.
    pub fn is_org(&self) -> bool {
        matches!(self, Party::Org(..))
    }
}

/// Fictional parties, used round-robin by the case plans.
pub const PARTIES: &[Party] = &[
    Party::Org(
        "枣庄市薛城区恒丰便民超市有限公司",
        "91370403MA3C00011",
        "王德明",
        "枣庄市薛城区示例街道长安路18号",
        "0632-0001001",
    ),
    Party::Person(
        "刘春燕",
        "37040319850612042",
        "枣庄市薛城区示例街道新城小区3号楼2单元501室",
        "139-0000-1001",
    ),
    Party::Org(
        "枣庄鼎盛新材料科技有限公司",
        "91370403MA3C00029",
        "赵启航",
        "枣庄市薛城区示例工业园区创业路6号",
        "0632-0001002",
    ),
    Party::Person(
        "陈建设",
        "37040319780305101",
        "枣庄市薛城区示例镇前进村128号",
        "139-0000-1002",
    ),
    Party::Org(
        "枣庄市薛城区味之源餐饮管理有限公司",
        "91370403MA3C00037",
        "孙美玲",
        "枣庄市薛城区示例街道泰山路66号",
        "0632-0001003",
    ),
    Party::Person(
        "张国庆",
        "37040319691001201",
        "枣庄市薛城区示例街道和平路9号",
        "139-0000-1003",
    ),
    Party::Org(
        "枣庄华屹化工有限公司",
        "91370403MA3C00045",
        "李振东",
        "枣庄市薛城区示例化工园区纬二路8号",
        "0632-0001004",
    ),
    Party::Person(
        "王秀兰",
        "37040319900823302",
        "枣庄市薛城区示例街道光明小区7号楼1单元302室",
        "139-0000-1004",
    ),
    Party::Org(
        "枣庄市薛城区金诚机械加工厂",
        "91370403MA3C00053",
        "周长青",
        "枣庄市薛城区示例镇工业路21号",
        "0632-0001005",
    ),
    Party::Person(
        "李明辉",
        "37040319951117151",
        "枣庄市薛城区示例街道临城路55号",
        "139-0000-1005",
    ),
    Party::Org(
        "枣庄市薛城区百味鲜果蔬批发部",
        "91370403MA3C00061",
        "郑海波",
        "枣庄市薛城区示例农贸市场B区12号",
        "0632-0001006",
    ),
    Party::Person(
        "赵红梅",
        "37040319820214262",
        "枣庄市薛城区示例街道复元三路16号",
        "139-0000-1006",
    ),
    Party::Org(
        "枣庄宏达建筑工程有限公司",
        "91370403MA3C0007X",
        "钱志刚",
        "枣庄市薛城区示例街道黄河路88号",
        "0632-0001007",
    ),
    Party::Org(
        "枣庄市薛城区安泰物流有限公司",
        "91370403MA3C00088",
        "吴建国",
        "枣庄市薛城区示例物流园区3号",
        "0632-0001008",
    ),
];

/// The content of one kind of matter.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    /// 案由 (appended to the party's name in the title).
    pub title: &'static str,
    /// 违法事实 / 基本案情 (`{party}` is replaced by the party's name).
    pub facts: &'static str,
    /// The provision violated (or the condition of the measure).
    pub violated: &'static str,
    /// The provision the decision rests on.
    pub basis: &'static str,
    /// The measure or penalty proposed and decided.
    pub measure: &'static str,
    /// 罚款 (分).
    pub fine_fen: u64,
    /// 没收违法所得 (分).
    pub confiscation_fen: u64,
    /// Evidence collected: (name, description).
    pub evidence: &'static [(&'static str, &'static str)],
    /// Goods or objects involved: (name, quantity).
    pub goods: &'static [(&'static str, &'static str)],
    /// Where the act happened (empty: the party's address).
    pub place: &'static str,
}

/// Scenario by key.
pub fn scenario(key: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|(k, _)| *k == key).map(|(_, s)| s)
}

const SCENARIOS: &[(&str, Scenario)] = &[
    (
        "expired_food",
        Scenario {
            title: "销售超过保质期食品案",
            facts: "执法人员在{party}经营场所检查时发现，其货架上陈列销售的“鲜牛奶（250mL/盒）”等食品已超过标签标注的保质期，共计46盒，货值金额386元，已售出12盒，违法所得96元。",
            violated: "《中华人民共和国食品安全法》第三十四条第十项",
            basis: "《中华人民共和国食品安全法》第一百二十四条第一款第五项",
            measure: "没收超过保质期的食品46盒，没收违法所得人民币96元，并处罚款人民币50000元。",
            fine_fen: 5_000_000,
            confiscation_fen: 9_600,
            evidence: &[
                ("现场检查笔录及照片", "货架陈列超过保质期食品的现场情况"),
                ("进货单据", "涉案食品的进货数量、价格"),
                ("销售记录", "收银系统导出的涉案食品销售明细"),
            ],
            goods: &[("鲜牛奶（250mL/盒）", "46盒")],
            place: "",
        },
    ),
    (
        "price_tag",
        Scenario {
            title: "不执行明码标价规定案",
            facts: "{party}在经营场所销售蔬菜、水果等商品，未按规定标示品名、价格和计价单位，涉及商品23种。",
            violated: "《中华人民共和国价格法》第十三条第一款",
            basis: "《中华人民共和国价格法》第四十二条",
            measure: "责令改正，并处罚款人民币2000元。",
            fine_fen: 200_000,
            confiscation_fen: 0,
            evidence: &[
                ("现场检查笔录及照片", "未标价商品的现场情况"),
                ("营业执照复印件", "当事人主体资格"),
            ],
            goods: &[],
            place: "",
        },
    ),
    (
        "illegal_building",
        Scenario {
            title: "未取得建设工程规划许可证进行建设案",
            facts: "{party}未取得建设工程规划许可证，在薛城区示例街道黄河路88号院内擅自建设一层钢结构厂房，建筑面积约420平方米，经测算工程造价约36万元，尚可采取改正措施消除对规划实施的影响。",
            violated: "《中华人民共和国城乡规划法》第四十条第一款",
            basis: "《中华人民共和国城乡规划法》第六十四条",
            measure: "责令限期改正，并处建设工程造价百分之五的罚款，计人民币18000元。",
            fine_fen: 1_800_000,
            confiscation_fen: 0,
            evidence: &[
                ("现场勘验笔录及示意图", "违法建设的位置、结构和面积"),
                ("工程造价测算报告", "违法建设工程造价"),
                ("规划部门复函", "涉案建设未取得建设工程规划许可证"),
            ],
            goods: &[],
            place: "枣庄市薛城区示例街道黄河路88号院内",
        },
    ),
    (
        "road_stall",
        Scenario {
            title: "擅自占用城市道路摆摊经营案",
            facts: "{party}在薛城区示例街道泰山路与临城路交叉口东南角人行道上擅自摆摊销售水果，占用道路面积约6平方米，经劝导后仍拒不改正。",
            violated: "《城市市容和环境卫生管理条例》第十四条",
            basis: "《城市市容和环境卫生管理条例》第三十六条第二项",
            measure: "责令停止违法行为，并处罚款人民币200元。",
            fine_fen: 20_000,
            confiscation_fen: 0,
            evidence: &[("现场照片", "占道经营的位置和范围")],
            goods: &[],
            place: "枣庄市薛城区示例街道泰山路与临城路交叉口",
        },
    ),
    (
        "air_emission",
        Scenario {
            title: "超过大气污染物排放标准排放大气污染物案",
            facts: "经监测，{party}2号燃气锅炉排气筒氮氧化物排放浓度为186mg/m³，超过《锅炉大气污染物排放标准》（DB37/2374—2018）规定的限值（100mg/m³）0.86倍。",
            violated: "《中华人民共和国大气污染防治法》第十八条",
            basis: "《中华人民共和国大气污染防治法》第九十九条第二项",
            measure: "责令改正，并处罚款人民币120000元。",
            fine_fen: 12_000_000,
            confiscation_fen: 0,
            evidence: &[
                ("监测报告", "废气排放浓度监测结果"),
                ("现场检查笔录", "锅炉运行及治污设施情况"),
                ("在线监测数据", "超标时段的自动监测数据"),
            ],
            goods: &[],
            place: "",
        },
    ),
    (
        "dark_pipe",
        Scenario {
            title: "通过暗管逃避监管排放水污染物案",
            facts: "{party}在厂区东侧雨水管网内私设暗管，将未经处理的生产废水直接排入厂外雨水沟，排放口废水化学需氧量浓度为412mg/L。",
            violated: "《中华人民共和国水污染防治法》第三十九条",
            basis: "《中华人民共和国水污染防治法》第八十三条第三项",
            measure: "责令改正，并处罚款人民币200000元。",
            fine_fen: 20_000_000,
            confiscation_fen: 0,
            evidence: &[
                ("现场勘验笔录及示意图", "暗管的位置、走向和排放口"),
                ("采样监测报告", "排放废水的水质"),
                ("询问笔录", "当事人对设置暗管的陈述"),
            ],
            goods: &[],
            place: "",
        },
    ),
    (
        "safety_training",
        Scenario {
            title: "未按规定对从业人员进行安全生产教育和培训案",
            facts: "{party}新招录的8名从业人员未经安全生产教育和培训即上岗作业，企业无法提供培训记录。",
            violated: "《中华人民共和国安全生产法》第二十八条第一款",
            basis: "《中华人民共和国安全生产法》第九十七条第三项",
            measure: "责令限期改正，并处罚款人民币20000元。",
            fine_fen: 2_000_000,
            confiscation_fen: 0,
            evidence: &[
                ("安全生产教育培训档案", "从业人员培训情况"),
                ("员工花名册及劳动合同", "从业人员入职时间"),
            ],
            goods: &[],
            place: "",
        },
    ),
    (
        "summary_stall",
        Scenario {
            title: "占道经营案（当场处罚）",
            facts: "{party}在薛城区示例街道复元三路人行道上摆摊经营，占用人行道约3平方米，妨碍行人通行。",
            violated: "《城市市容和环境卫生管理条例》第十四条",
            basis: "《城市市容和环境卫生管理条例》第三十六条第二项；《中华人民共和国行政处罚法》第五十一条",
            measure: "罚款人民币50元。",
            fine_fen: 5_000,
            confiscation_fen: 0,
            evidence: &[],
            goods: &[],
            place: "枣庄市薛城区示例街道复元三路人行道",
        },
    ),
    (
        "summary_price",
        Scenario {
            title: "未明码标价案（当场处罚）",
            facts: "{party}销售的散装糕点未标示价格和计价单位，涉及商品4种。",
            violated: "《中华人民共和国价格法》第十三条第一款",
            basis: "《中华人民共和国价格法》第四十二条；《中华人民共和国行政处罚法》第五十一条",
            measure: "警告。",
            fine_fen: 0,
            confiscation_fen: 0,
            evidence: &[],
            goods: &[],
            place: "",
        },
    ),
    (
        "food_licence",
        Scenario {
            title: "食品经营许可申请（餐饮服务）",
            facts: "{party}申请食品经营许可，经营项目为热食类食品制售、冷食类食品制售，经营场所面积约260平方米。",
            violated: "《中华人民共和国食品安全法》第三十五条",
            basis: "《中华人民共和国食品安全法》第三十五条；《中华人民共和国行政许可法》第三十八条",
            measure: "准予食品经营许可，经营项目：热食类食品制售、冷食类食品制售，有效期五年。",
            fine_fen: 0,
            confiscation_fen: 0,
            evidence: &[
                ("食品经营许可申请书", "申请事项"),
                ("食品安全管理制度文本", "食品安全自查、进货查验等制度"),
            ],
            goods: &[],
            place: "",
        },
    ),
    (
        "seize_food",
        Scenario {
            title: "涉嫌经营超范围使用食品添加剂食品扣押案",
            facts: "{party}仓库存放的“散装腌制萝卜干”经快速检测疑似超范围使用甜蜜素，有证据证明可能危害人体健康。",
            violated: "《中华人民共和国食品安全法》第三十四条第四项",
            basis: "《中华人民共和国食品安全法》第一百一十条第四项；《中华人民共和国行政强制法》第二十四条",
            measure: "扣押“散装腌制萝卜干”共计320千克，扣押期限三十日。",
            fine_fen: 0,
            confiscation_fen: 0,
            evidence: &[
                ("快速检测记录", "甜蜜素快速检测结果"),
                ("进货单据", "涉案食品来源"),
            ],
            goods: &[("散装腌制萝卜干", "320千克"), ("包装袋（未开封）", "16袋")],
            place: "",
        },
    ),
    (
        "seize_equipment",
        Scenario {
            title: "违法排放污染物设备查封案",
            facts: "{party}在治污设施停运的情况下继续生产，喷漆工序产生的挥发性有机物未经处理直接排放，可能造成严重污染。",
            violated: "《中华人民共和国大气污染防治法》第四十五条",
            basis: "《中华人民共和国环境保护法》第二十五条；《环境保护主管部门实施查封、扣押办法》第四条",
            measure: "查封喷漆生产线1条及配套风机2台，查封期限三十日。",
            fine_fen: 0,
            confiscation_fen: 0,
            evidence: &[
                ("现场检查笔录", "治污设施停运情况"),
                ("生产记录", "停运期间的生产情况"),
            ],
            goods: &[("喷漆生产线", "1条"), ("配套引风机", "2台")],
            place: "",
        },
    ),
    (
        "freeze_mlm",
        Scenario {
            title: "涉嫌组织策划传销资金冻结案",
            facts: "{party}以“消费返利”名义发展会员，要求会员缴纳入门费并按发展下线人数计酬，涉嫌组织策划传销，且有证据证明正在转移违法资金。",
            violated: "《禁止传销条例》第七条",
            basis: "《禁止传销条例》第十四条；《中华人民共和国行政强制法》第二十九条、第三十条",
            measure: "冻结当事人在示例银行薛城支行账户内存款人民币860000元，冻结期限三十日。",
            fine_fen: 0,
            confiscation_fen: 0,
            evidence: &[
                ("会员注册数据", "会员层级及计酬规则"),
                ("银行流水", "涉案资金往来"),
            ],
            goods: &[],
            place: "",
        },
    ),
    (
        "demolish",
        Scenario {
            title: "违法建筑强制拆除案",
            facts: "{party}未取得建设工程规划许可证建设的二层砖混结构房屋（约180平方米），本局已作出限期拆除决定（薛综执罚决字〔2025〕31号），当事人在法定期限内既未申请行政复议或者提起行政诉讼，又未自行拆除。",
            violated: "《中华人民共和国城乡规划法》第六十四条",
            basis: "《中华人民共和国行政强制法》第四十四条；《中华人民共和国城乡规划法》第六十八条",
            measure: "强制拆除当事人违法建设的二层砖混结构房屋（约180平方米）。",
            fine_fen: 0,
            confiscation_fen: 0,
            evidence: &[
                ("限期拆除决定书及送达回证", "原行政决定及送达情况"),
                ("现场勘验笔录", "违法建筑现状"),
            ],
            goods: &[],
            place: "枣庄市薛城区示例镇前进村北侧",
        },
    ),
    (
        "court_fine",
        Scenario {
            title: "申请人民法院强制执行罚款案",
            facts: "本局对{party}作出的行政处罚决定（枣环薛罚决字〔2026〕3号，罚款人民币100000元）已送达，当事人在法定期限内未申请行政复议或者提起行政诉讼，经催告仍未履行。",
            violated: "《中华人民共和国行政处罚法》第七十二条",
            basis: "《中华人民共和国行政强制法》第五十三条、第五十四条",
            measure: "申请薛城区人民法院强制执行罚款人民币100000元及加处罚款。",
            fine_fen: 10_000_000,
            confiscation_fen: 0,
            evidence: &[
                ("行政处罚决定书及送达回证", "原行政决定及送达情况"),
                ("催告书及送达回证", "催告情况"),
            ],
            goods: &[],
            place: "",
        },
    ),
    (
        "inspect_food",
        Scenario {
            title: "食品经营者“双随机”监督检查",
            facts: "依据2026年度“双随机、一公开”抽查计划，对{party}的食品经营许可、进货查验记录、从业人员健康管理、食品贮存等情况进行检查。",
            violated: "《中华人民共和国食品安全法》第五十三条",
            basis: "《中华人民共和国食品安全法》第一百一十条",
            measure: "责令当事人于十日内完善进货查验记录。",
            fine_fen: 0,
            confiscation_fen: 0,
            evidence: &[],
            goods: &[],
            place: "",
        },
    ),
    (
        "inspect_safety",
        Scenario {
            title: "工贸企业安全生产监督检查",
            facts: "依据年度监督检查计划，对{party}的安全生产责任制落实、隐患排查治理、有限空间作业管理和特种作业人员持证情况进行检查。",
            violated: "《中华人民共和国安全生产法》第四十一条",
            basis: "《中华人民共和国安全生产法》第六十五条",
            measure: "责令当事人于十五日内完成有限空间作业场所警示标志设置和应急器材配备。",
            fine_fen: 0,
            confiscation_fen: 0,
            evidence: &[],
            goods: &[],
            place: "",
        },
    ),
    (
        "inspect_city",
        Scenario {
            title: "沿街商户“门前五包”市容检查",
            facts: "对示例街道泰山路沿街商户{party}落实“门前五包”责任制、店外经营、广告设施设置等情况进行检查。",
            violated: "《城市市容和环境卫生管理条例》第九条",
            basis: "《城市市容和环境卫生管理条例》第四条",
            measure: "未发现违法问题。",
            fine_fen: 0,
            confiscation_fen: 0,
            evidence: &[],
            goods: &[],
            place: "",
        },
    ),
    (
        "inspect_pollution",
        Scenario {
            title: "排污单位“双随机”执法检查",
            facts: "依据2026年度污染源“双随机”抽查计划，对{party}排污许可执行、治污设施运行和自行监测情况进行检查。",
            violated: "《中华人民共和国环境保护法》第四十二条",
            basis: "《中华人民共和国环境保护法》第二十四条",
            measure: "责令当事人于二十日内完善废气处理设施运行台账。",
            fine_fen: 0,
            confiscation_fen: 0,
            evidence: &[],
            goods: &[],
            place: "",
        },
    ),
    (
        "requisition",
        Scenario {
            title: "防汛应急处置征用排涝设备",
            facts: "2026年7月强降雨期间，示例街道低洼片区严重积水，区防汛抗旱指挥部启动防汛Ⅲ级应急响应，急需大功率排涝设备，{party}所有的移动式排涝泵车可满足抢险需要。",
            violated: "《中华人民共和国突发事件应对法》第十二条",
            basis: "《中华人民共和国突发事件应对法》第十二条；《中华人民共和国防洪法》第四十五条",
            measure: "征用当事人移动式排涝泵车1台（含操作人员），征用期限自决定送达之日起至应急响应结束，使用完毕后及时返还并依法给予补偿。",
            fine_fen: 0,
            confiscation_fen: 0,
            evidence: &[("防汛应急响应启动通知", "应急响应等级和期间")],
            goods: &[("移动式排涝泵车（3000m³/h）", "1台")],
            place: "枣庄市薛城区示例街道低洼片区",
        },
    ),
];
