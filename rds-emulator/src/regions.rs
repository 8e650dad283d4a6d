//! The regions and zones the emulator knows: Alibaba Cloud's public regions (2024) with their names in
//! Chinese and English, their RDS endpoint and their zones, plus any region or zone an instance of the state
//! is in. DescribeRegions lists them; DescribeDBInstances refuses any other region.

use crate::state::State;

/// A public region.
struct Region {
    id: &'static str,
    /// `LocalName` in Chinese (`AcceptLanguage=zh-CN`, the default).
    name_zh: &'static str,
    /// `LocalName` in English.
    name_en: &'static str,
    /// The city, as zone names start (`杭州 可用区H`, `Hangzhou Zone H`).
    city_zh: &'static str,
    city_en: &'static str,
    /// Served by the central endpoint `rds.aliyuncs.com`; the others by `rds.<region>.aliyuncs.com`.
    central: bool,
    /// Zone letters: `cn-hangzhou-h`, `ap-southeast-1a`.
    zones: &'static str,
}

const fn region(
    id: &'static str,
    name_zh: &'static str,
    name_en: &'static str,
    city_zh: &'static str,
    city_en: &'static str,
    central: bool,
    zones: &'static str,
) -> Region {
    Region { id, name_zh, name_en, city_zh, city_en, central, zones }
}

const REGIONS: &[Region] = &[
    region("cn-qingdao", "华北1（青岛）", "China (Qingdao)", "青岛", "Qingdao", true, "bc"),
    region("cn-beijing", "华北2（北京）", "China (Beijing)", "北京", "Beijing", true, "cdefghijkl"),
    region("cn-zhangjiakou", "华北3（张家口）", "China (Zhangjiakou)", "张家口", "Zhangjiakou", false, "abc"),
    region("cn-huhehaote", "华北5（呼和浩特）", "China (Hohhot)", "呼和浩特", "Hohhot", false, "ab"),
    region("cn-wulanchabu", "华北6（乌兰察布）", "China (Ulanqab)", "乌兰察布", "Ulanqab", false, "abc"),
    region("cn-hangzhou", "华东1（杭州）", "China (Hangzhou)", "杭州", "Hangzhou", true, "bfghijk"),
    region("cn-shanghai", "华东2（上海）", "China (Shanghai)", "上海", "Shanghai", true, "befglmn"),
    region("cn-nanjing", "华东5（南京-本地地域）", "China (Nanjing - Local Region)", "南京", "Nanjing", false, "a"),
    region("cn-fuzhou", "华东6（福州-本地地域）", "China (Fuzhou - Local Region)", "福州", "Fuzhou", false, "a"),
    region("cn-shenzhen", "华南1（深圳）", "China (Shenzhen)", "深圳", "Shenzhen", true, "acdef"),
    region("cn-heyuan", "华南2（河源）", "China (Heyuan)", "河源", "Heyuan", false, "ab"),
    region("cn-guangzhou", "华南3（广州）", "China (Guangzhou)", "广州", "Guangzhou", false, "ab"),
    region("cn-chengdu", "西南1（成都）", "China (Chengdu)", "成都", "Chengdu", false, "ab"),
    region("cn-wuhan-lr", "华中1（武汉-本地地域）", "China (Wuhan - Local Region)", "武汉", "Wuhan", false, "a"),
    region("cn-hongkong", "中国香港", "China (Hong Kong)", "香港", "Hong Kong", true, "bcd"),
    region(
        "cn-shanghai-finance-1",
        "华东2 金融云",
        "China East 2 Finance",
        "上海金融云",
        "Shanghai Finance",
        false,
        "fgz",
    ),
    region(
        "cn-shenzhen-finance-1",
        "华南1 金融云",
        "China South 1 Finance",
        "深圳金融云",
        "Shenzhen Finance",
        false,
        "def",
    ),
    region(
        "cn-beijing-finance-1",
        "华北2 金融云",
        "China North 2 Finance",
        "北京金融云",
        "Beijing Finance",
        false,
        "ab",
    ),
    region(
        "cn-north-2-gov-1",
        "华北2 阿里政务云1",
        "China North 2 Ali Gov 1",
        "北京政务云",
        "Beijing Gov",
        false,
        "ab",
    ),
    region("ap-northeast-1", "日本（东京）", "Japan (Tokyo)", "东京", "Tokyo", false, "abc"),
    region("ap-northeast-2", "韩国（首尔）", "South Korea (Seoul)", "首尔", "Seoul", false, "a"),
    region("ap-southeast-1", "新加坡", "Singapore", "新加坡", "Singapore", true, "abc"),
    region("ap-southeast-2", "澳大利亚（悉尼）", "Australia (Sydney)", "悉尼", "Sydney", false, "ab"),
    region("ap-southeast-3", "马来西亚（吉隆坡）", "Malaysia (Kuala Lumpur)", "吉隆坡", "Kuala Lumpur", false, "ab"),
    region("ap-southeast-5", "印度尼西亚（雅加达）", "Indonesia (Jakarta)", "雅加达", "Jakarta", false, "abc"),
    region("ap-southeast-6", "菲律宾（马尼拉）", "Philippines (Manila)", "马尼拉", "Manila", false, "a"),
    region("ap-southeast-7", "泰国（曼谷）", "Thailand (Bangkok)", "曼谷", "Bangkok", false, "a"),
    region("ap-south-1", "印度（孟买）", "India (Mumbai)", "孟买", "Mumbai", false, "ab"),
    region("us-east-1", "美国（弗吉尼亚）", "US (Virginia)", "弗吉尼亚", "Virginia", true, "ab"),
    region("us-west-1", "美国（硅谷）", "US (Silicon Valley)", "硅谷", "Silicon Valley", true, "ab"),
    region("na-south-1", "墨西哥", "Mexico", "墨西哥", "Mexico", false, "a"),
    region("eu-west-1", "英国（伦敦）", "UK (London)", "伦敦", "London", false, "ab"),
    region("eu-central-1", "德国（法兰克福）", "Germany (Frankfurt)", "法兰克福", "Frankfurt", false, "abc"),
    region("me-east-1", "阿联酋（迪拜）", "UAE (Dubai)", "迪拜", "Dubai", false, "a"),
    region("me-central-1", "沙特（利雅得）", "SAU (Riyadh - Partner Region)", "利雅得", "Riyadh", false, "ab"),
];

/// The language of names, from DescribeRegions' `AcceptLanguage`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Language {
    /// `zh-CN`, the service's default.
    Chinese,
    /// `en-US`, and (**chosen**) any other value, such as `ja`, for which the emulator has no names.
    English,
}

impl Language {
    pub(crate) fn from_accept_language(value: Option<&str>) -> Self {
        match value {
            None | Some("zh-CN") => Language::Chinese,
            Some(_) => Language::English,
        }
    }
}

/// One `RDSRegion` element: a zone of a region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Zone {
    pub(crate) region_id: String,
    pub(crate) zone_id: String,
    pub(crate) local_name: String,
    pub(crate) zone_name: String,
    pub(crate) region_endpoint: String,
}

/// The endpoint of a region outside the central one.
fn regional_endpoint(region: &str) -> String {
    format!("rds.{region}.aliyuncs.com")
}

/// Every zone the emulator knows, in the table's order, then those of the state's instances (by region, then
/// zone) that the table lacks, named by their IDs.
pub(crate) fn zones(state: &State, language: Language) -> Vec<Zone> {
    let mut zones: Vec<Zone> = REGIONS
        .iter()
        .flat_map(|region| {
            region.zones.chars().map(move |letter| {
                // `cn-hangzhou-h`, but `ap-southeast-1a` after a region ending in a digit.
                let separator = if region.id.ends_with(|c: char| c.is_ascii_digit()) { "" } else { "-" };
                let upper = letter.to_ascii_uppercase();
                let (local_name, zone_name) = match language {
                    Language::Chinese => (region.name_zh.to_owned(), format!("{} 可用区{upper}", region.city_zh)),
                    Language::English => (region.name_en.to_owned(), format!("{} Zone {upper}", region.city_en)),
                };
                Zone {
                    region_id: region.id.into(),
                    zone_id: format!("{}{separator}{letter}", region.id),
                    local_name,
                    zone_name,
                    region_endpoint: if region.central {
                        "rds.aliyuncs.com".into()
                    } else {
                        regional_endpoint(region.id)
                    },
                }
            })
        })
        .collect();
    let mut extra: Vec<(&str, &str)> = state
        .accounts
        .iter()
        .flat_map(|account| &account.instances)
        .map(|instance| (instance.region_id.as_str(), instance.zone_id.as_str()))
        .filter(|(region, zone)| !zones.iter().any(|known| known.region_id == *region && known.zone_id == *zone))
        .collect();
    extra.sort_unstable();
    extra.dedup();
    for (region, zone) in extra {
        let known = REGIONS.iter().find(|known| known.id == region);
        let local_name = match (known, language) {
            (Some(known), Language::Chinese) => known.name_zh.to_owned(),
            (Some(known), Language::English) => known.name_en.to_owned(),
            (None, _) => region.to_owned(),
        };
        let region_endpoint = match known {
            Some(known) if known.central => "rds.aliyuncs.com".into(),
            _ => regional_endpoint(region),
        };
        zones.push(Zone {
            region_id: region.into(),
            zone_id: zone.into(),
            local_name,
            zone_name: zone.into(),
            region_endpoint,
        });
    }
    zones
}

/// Whether `region` exists: a public region, or the region of an instance of the state.
pub(crate) fn region_exists(state: &State, region: &str) -> bool {
    REGIONS.iter().any(|known| known.id == region)
        || state.accounts.iter().flat_map(|a| &a.instances).any(|i| i.region_id == region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_public_region_has_zones_and_the_demo_zone_is_known() {
        let state = State::demo();
        let zones = zones(&state, Language::English);
        for region in REGIONS {
            assert!(zones.iter().any(|zone| zone.region_id == region.id), "{}", region.id);
        }
        let hangzhou = zones.iter().find(|zone| zone.zone_id == "cn-hangzhou-h").unwrap();
        assert_eq!(
            (hangzhou.local_name.as_str(), hangzhou.zone_name.as_str(), hangzhou.region_endpoint.as_str()),
            ("China (Hangzhou)", "Hangzhou Zone H", "rds.aliyuncs.com")
        );
        assert!(zones.iter().any(|zone| zone.zone_id == "ap-southeast-1a"));
        let tokyo = zones.iter().find(|zone| zone.region_id == "ap-northeast-1").unwrap();
        assert_eq!(tokyo.region_endpoint, "rds.ap-northeast-1.aliyuncs.com");
        let chinese = super::zones(&state, Language::Chinese);
        assert!(chinese.iter().any(|zone| zone.local_name == "华东1（杭州）" && zone.zone_name == "杭州 可用区H"));
    }

    #[test]
    fn an_instance_outside_the_table_adds_its_zone() {
        let mut state = State::demo();
        state.accounts[0].instances[0].region_id = "xx-private-1".into();
        state.accounts[0].instances[0].zone_id = "xx-private-1a".into();
        let zones = zones(&state, Language::Chinese);
        let last = zones.last().unwrap();
        assert_eq!((last.region_id.as_str(), last.zone_id.as_str()), ("xx-private-1", "xx-private-1a"));
        assert!(region_exists(&state, "xx-private-1"));
        assert!(region_exists(&state, "eu-central-1"));
        assert!(!region_exists(&state, "xx-nowhere-1"));
    }
}
