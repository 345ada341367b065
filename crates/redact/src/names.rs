//! Chinese surnames and the D10-d / P9 name mask.
//!
//! The surname list is used for two things only: to split a known person's name into surname and
//! given name (compound surnames such as 欧阳 keep both characters), and to recognise tokens that
//! are already masked (`张某`, `黄某某`, `李XX`). It is not used to guess names in free text:
//! names come from structured fields (KnownEntities) or from labelled fields (`当事人：`).

/// Common single-character surnames (《百家姓》 and the most frequent surnames of the 2020 census).
/// 区 (Ōu) is left out on purpose: as the last character of every district name (历下区某某公司)
/// it would turn 某某 placeholders into masked names.
const SINGLE_SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阎昝";

/// Compound surnames; they are checked before single ones so that 欧阳娜娜 masks as 欧阳某某.
const COMPOUND_SURNAMES: [&str; 24] = [
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "钟离", "澹台", "公冶", "太史", "端木", "独孤", "南宫", "西门", "万俟",
];

/// Whether `c` is a known single-character surname.
pub(crate) fn is_single_surname(c: char) -> bool {
    SINGLE_SURNAMES.contains(c)
}

/// Length in chars of the surname that `name` starts with: 2 for a compound surname, 1 otherwise.
///
/// A name that starts with no known surname still counts its first char as surname: the D10-d
/// rule needs some surname to show, and showing one char of an unusual name is what manual
/// redaction does as well.
pub(crate) fn surname_len(name: &str) -> usize {
    if COMPOUND_SURNAMES
        .iter()
        .any(|compound| name.starts_with(compound))
    {
        2
    } else {
        1
    }
}

/// The surname part of a full name (see [`surname_len`]).
pub(crate) fn surname_of(name: &str) -> &str {
    let end = name
        .char_indices()
        .nth(surname_len(name))
        .map_or(name.len(), |(idx, _)| idx);
    &name[..end]
}

/// Whether `name` starts with a known compound or single surname.
pub(crate) fn starts_with_surname(name: &str) -> bool {
    COMPOUND_SURNAMES
        .iter()
        .any(|compound| name.starts_with(compound))
        || name.chars().next().is_some_and(is_single_surname)
}

/// Whether the text just before a masked-name marker ends with a surname; returns its byte length.
pub(crate) fn surname_before(text_before: &str) -> Option<usize> {
    for compound in COMPOUND_SURNAMES {
        if text_before.ends_with(compound) {
            return Some(compound.len());
        }
    }
    let last = text_before.chars().next_back()?;
    is_single_surname(last).then_some(last.len_utf8())
}

/// The P9 / D10-d mask of a natural person's name: surname + 某 when the given name has one
/// character, surname + 某某 when it has two or more.
///
/// Names written with a middle dot (minority and foreign names, 阿卜杜拉·买买提) have no
/// surname in the Han sense; the first character is kept and 某某 appended, which is what the
/// rule's intent (identify the party without identifying the person) requires.
pub(crate) fn mask_name(name: &str) -> String {
    let name = name.trim();
    let total = name.chars().count();
    if name.contains('·') || name.contains('•') {
        let first: String = name.chars().take(1).collect();
        return format!("{first}某某");
    }
    let surname_chars = surname_len(name).min(total);
    let surname: String = name.chars().take(surname_chars).collect();
    let given = total - surname_chars;
    if given <= 1 {
        format!("{surname}某")
    } else {
        format!("{surname}某某")
    }
}

/// Number of 某 (or mask characters) D10-d expects after the surname of `name`.
pub(crate) fn expected_mask_marks(name: &str) -> usize {
    let total = name.trim().chars().count();
    if name.contains('·') || name.contains('•') {
        return 2;
    }
    if total.saturating_sub(surname_len(name)) <= 1 {
        1
    } else {
        2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, expect: &str) {
        assert_eq!(mask_name(name), expect, "{name}");
    }

    #[test]
    fn one_char_given_name_becomes_surname_mou() {
        check("张三", "张某");
    }

    #[test]
    fn two_char_given_name_becomes_surname_moumou() {
        check("黄晓明", "黄某某");
        check("欧阳娜娜", "欧阳某某");
        check("欧阳修", "欧阳某");
    }

    #[test]
    fn dotted_names_keep_first_char() {
        check("阿卜杜拉·买买提", "阿某某");
    }
}
