//! Throughput of `scan` and `redact` on mixed Chinese decision text (issue 4: ≥ 50 MB/s on one
//! core). Run with `cargo bench -p liuhen-redact`; prints one JSON object per measurement with
//! the median over several runs. std::time only (no criterion, per the workspace rules).

use std::hint::black_box;
use std::time::Instant;

use liuhen_redact::policy::{Channel, Policy};
use liuhen_redact::{KnownEntities, Role, redact, scan};

const RUNS: usize = 9;
const TARGET_BYTES: usize = 8 * 1024 * 1024;

/// A 行政处罚决定书-style document: mostly Chinese prose, with the identifiers a real decision
/// carries (about one identifier per 150 bytes), full-width digits, amounts, dates and 文号.
fn document(seq: usize) -> String {
    format!(
        "济南市历下区市场监督管理局\n行政处罚决定书\n济历市监罚〔2023〕{seq}号\n\
         当事人：王小明\n公民身份号码：11010519491231002X\n住址：山东省济南市历下区泉城路街道文化东路{seq}号3单元501室\n\
         联系电话：13812345678，电子邮箱：wangxm@example.com\n统一社会信用代码：91370102MA3C4K2L5X\n\
         经查，当事人于2023年5月12日在其经营场所销售超过保质期的食品，货值金额人民币1,380.00元，违法所得人民币２５６０元。\
         当事人的上述行为违反了《中华人民共和国食品安全法》第三十四条第（十）项的规定。执法人员于2023年5月13日对当事人经营场所进行了现场检查，\
         制作了现场笔录，并对王小明进行了询问，王小明对违法事实供认不讳。本局认为，当事人积极配合调查，主动消除违法行为危害后果，\
         依据《中华人民共和国行政处罚法》第三十二条的规定，可以从轻处罚。依据《中华人民共和国食品安全法》第一百二十四条第一款第（五）项的规定，\
         本局决定对当事人作出如下行政处罚：一、没收违法所得人民币2560元；二、罚款人民币5000元。当事人应当自收到本决定书之日起十五日内，\
         将罚没款缴至指定账户，账号6222021602123456780。逾期不缴纳罚款的，本局可以每日按罚款数额的百分之三加处罚款。\
         驾驶鲁A12345号车辆运输的货物已予扣押。如不服本处罚决定，可以在收到本决定书之日起六十日内向济南市历下区人民政府申请行政复议，\
         也可以在六个月内依法向济南市历下区人民法院提起行政诉讼。\n2023年11月{}日\n\n",
        seq % 28 + 1
    )
}

fn corpus() -> String {
    let mut text = String::with_capacity(TARGET_BYTES + 4096);
    let mut seq = 1;
    while text.len() < TARGET_BYTES {
        text.push_str(&document(seq));
        seq += 1;
    }
    text
}

fn measure(name: &str, bytes: usize, mut run: impl FnMut()) {
    let mut rates: Vec<f64> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            run();
            bytes as f64 / 1_000_000.0 / start.elapsed().as_secs_f64()
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    println!(
        "{{\"bench\":\"{name}\",\"bytes\":{bytes},\"runs\":{RUNS},\"median_mb_per_s\":{:.1},\"min_mb_per_s\":{:.1},\"max_mb_per_s\":{:.1}}}",
        rates[RUNS / 2],
        rates[0],
        rates[RUNS - 1]
    );
}

fn main() {
    let text = corpus();
    let bytes = text.len();
    let none = KnownEntities::new();
    let mut known = KnownEntities::new();
    for (name, role) in [
        ("王小明", Role::Party),
        ("李四", Role::Witness),
        ("欧阳娜娜", Role::Other),
    ] {
        if let Err(err) = known.add_person(name, role) {
            eprintln!("{err}");
            return;
        }
    }
    let policy = Policy::for_channel(Channel::Portal);
    measure("scan_no_entities", bytes, || {
        black_box(scan(black_box(&text), &none));
    });
    measure("scan_three_names", bytes, || {
        black_box(scan(black_box(&text), &known));
    });
    measure("redact_portal", bytes, || {
        black_box(redact(black_box(&text), &policy, &known));
    });
    let plain: String = text
        .chars()
        .filter(|c| !c.is_ascii_alphanumeric())
        .collect();
    measure("scan_plain_chinese", plain.len(), || {
        black_box(scan(black_box(&plain), &none));
    });
}
