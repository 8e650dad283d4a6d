//! Summaries and descriptions in our own words, derived from wire names only: nothing of Alibaba's
//! documentation is copied into a spec. They are plain and short; a curated spec says more.

use super::shape::Ty;

/// Which side of the call a field is on (descriptions of some names differ).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// A request parameter or one of its fields.
    Request,
    /// A response field.
    Response,
}

/// Words written in a fixed form whatever their case on the wire (compared case-insensitively).
const FIXED: &str = "ACK AD AnalyticDB API ARN AZ CA CIDR CLS CPU CSV DAS DB DBs DDoS DDR DNS DTC DTS ECS EIP ESSD GAD \
                     GMT HA HBA HTTP ID IDs IO IOPS IP IPs IPv4 IPv6 KMS NAT OSS PG Postgres RC RCU RDS SLB SLS SQL SSD \
                     SSH SSL STS TDE TLS URL UTC VNC VPC VPCs vSwitch vSwitches ZRS";

/// Operation names the rules below cannot phrase well.
const SUMMARIES: &[(&str, &str)] = &[
    ("ConfirmNotify", "Confirms notifications."),
    ("DeleteRCVCluster", "Deletes an RC virtual cluster."),
    ("DescribeAllWhitelistTemplate", "Describes all whitelist templates."),
    ("DescribeRCVCluster", "Describes an RC virtual cluster."),
    ("DescribeWhitelistTemplateLinkedInstance", "Describes the instances linked to a whitelist template."),
    ("ListRCVClusters", "Lists RC virtual clusters."),
    ("ModifyRCVCluster", "Modifies an RC virtual cluster."),
    ("QueryNotify", "Queries notifications."),
    ("QueryRecommendByCode", "Queries recommendations by code."),
    ("SwitchOverMajorVersionUpgrade", "Switches over to the new major version after an upgrade."),
    ("CheckCreateDdrDBInstance", "Checks whether a DB instance can be created from a DDR backup."),
    ("CheckRdsCustomInit", "Checks the initialization of RDS Custom."),
    ("CheckRegionSupportBackupEncryption", "Checks whether a region supports backup encryption."),
    ("CreateDBInstanceForRebuild", "Creates a DB instance to rebuild another one."),
    ("CreateOrderForCreateDBNodes", "Creates an order to add DB nodes."),
    ("CreateOrderForDeleteDBNodes", "Creates an order to delete DB nodes."),
    ("CreateYouhuiForOrder", "Applies a coupon to an order."),
    ("DescribeDBInstancesAsCsv", "Describes DB instances in CSV form."),
    ("DescribeSupportOnlineResizeDisk", "Describes whether a disk can be resized online."),
    ("MigrateToOtherZone", "Migrates a DB instance to another zone."),
    ("MigrateConnectionToOtherZone", "Migrates a connection to another zone."),
    ("PreCheckCreateOrderForCreateDBNodes", "Prechecks an order to add DB nodes."),
    ("PreCheckCreateOrderForDeleteDBNodes", "Prechecks an order to delete DB nodes."),
    ("PrecheckDuckDBDependency", "Prechecks the DuckDB dependency."),
    ("RdsCustomInit", "Initializes RDS Custom."),
    ("RecoveryDBInstance", "Recovers a DB instance."),
    ("UpgradeDBInstanceMajorVersionPrecheck", "Prechecks a major version upgrade of a DB instance."),
];

/// Nouns named things are instances of: a name ending in one takes "a"; what follows one is an aspect of
/// it ("the attribute of a DB instance").
const THINGS: &[&str] = &["instance", "account", "database", "proxy", "endpoint", "node", "disk", "cluster", "member"];

/// Countable nouns that take "a" rather than "the" when a name ends in one.
const COUNTABLE: &[&str] = &[
    "backup", "command", "file", "group", "image", "link", "order", "pool", "role", "rule", "secret", "set", "slot",
    "snapshot", "task", "template", "table", "member", "resource", "report", "type", "family",
];

/// Words that join two parts of a name.
const PREPOSITIONS: &[&str] = &["to", "from", "for", "with", "by", "between", "as", "in", "on", "of", "into"];

/// Descriptions of names that are the same in every operation.
const KNOWN: &[(&str, &str)] = &[
    ("ClientToken", "Client-chosen token that keeps a retried request from being carried out twice."),
    ("DryRun", "Whether to only check the request, without carrying it out."),
    ("MaxResults", "Number of entries per page (token paging)."),
    ("OwnerAccount", "Name of the owner account."),
    ("OwnerId", "ID of the owner account."),
    ("PageRecordCount", "Number of entries on this page."),
    ("RegionId", "Region ID."),
    ("RequestId", "ID of the request."),
    ("ResourceGroupId", "ID of the resource group."),
    ("ResourceOwnerAccount", "Name of the resource owner account."),
    ("ResourceOwnerId", "ID of the resource owner account."),
    ("SecurityToken", "STS security token."),
    ("Success", "Whether the call succeeded."),
    ("TotalRecordCount", "Number of entries in all pages."),
    ("ZoneId", "Zone ID."),
];

/// The words of a CamelCase wire name, acronyms kept together: `DBInstanceIPArrayList` -> `DB`, `Instance`,
/// `IP`, `Array`, `List`; digits stay with the word before them (`ZoneIdSlave1`); `VSwitch` is one word.
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if boundary && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        out.push(current);
    }
    // `VSwitch` splits as `V`, `Switch`; it is one word.
    let mut merged: Vec<String> = Vec::new();
    for w in out {
        match merged.last_mut() {
            Some(last) if last.eq_ignore_ascii_case("v") && w.starts_with("Switch") => last.push_str(&w),
            _ => merged.push(w),
        }
    }
    merged
}

/// The verb of an operation name: its first word.
pub fn verb(name: &str) -> &str {
    let end = name.char_indices().skip(1).find(|(_, c)| c.is_ascii_uppercase()).map_or(name.len(), |(i, _)| i);
    &name[..end]
}

/// A word as written in prose: acronyms fixed, other words lower case.
fn display(word: &str) -> String {
    if let Some(fixed) = FIXED.split_whitespace().find(|f| f.eq_ignore_ascii_case(word)) {
        return fixed.to_owned();
    }
    // `IPv6`, `Ipv6`, `ipv6`.
    if word.len() > 3 && word[..3].eq_ignore_ascii_case("ipv") {
        return format!("IPv{}", &word[3..]);
    }
    // An acronym we do not know (`XYZ`) stays as it is.
    if word.len() > 1 && word.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
        return word.to_owned();
    }
    word.to_ascii_lowercase()
}

fn is_acronym(shown: &str) -> bool {
    shown.chars().filter(|c| c.is_ascii_alphabetic()).all(|c| c.is_ascii_uppercase()) && shown.len() > 1
}

/// "a" or "an" before a shown word: by sound for acronyms (`an RC instance`, `a DB instance`).
fn article(shown: &str) -> &'static str {
    let first = shown.chars().next().unwrap_or('x');
    let vowel_sound = if is_acronym(shown) {
        "AEFHILMNORSX".contains(first)
    } else {
        "aeiou".contains(first.to_ascii_lowercase()) && !shown.starts_with("us")
    };
    if vowel_sound {
        "an"
    } else {
        "a"
    }
}

fn is_plural(shown: &str) -> bool {
    !is_acronym(shown) && shown.ends_with('s') && !["ss", "us", "is"].iter().any(|end| shown.ends_with(end))
        || shown.ends_with("IDs")
        || shown.ends_with("IPs")
        || shown.ends_with("DBs")
}

fn singular(shown: &str) -> String {
    if let Some(stem) = shown.strip_suffix("ies") {
        format!("{stem}y")
    } else if is_plural(shown) {
        shown[..shown.len() - 1].to_owned()
    } else {
        shown.to_owned()
    }
}

fn plural(shown: &str) -> String {
    if is_plural(shown) {
        shown.to_owned()
    } else if is_acronym(shown) {
        format!("{shown}s")
    } else if shown.ends_with('y') && !shown.ends_with("ay") && !shown.ends_with("ey") {
        format!("{}ies", &shown[..shown.len() - 1])
    } else if ["s", "x", "ch", "sh"].iter().any(|end| shown.ends_with(end)) {
        format!("{shown}es")
    } else {
        format!("{shown}s")
    }
}

/// The third person of a verb: `Modify` -> `Modifies`, `Switch` -> `Switches`.
fn third_person(verb: &str) -> String {
    let lower = verb.to_ascii_lowercase();
    let stem = match lower.as_str() {
        "descibe" => "describe",
        "precheck" | "pre" => "precheck",
        other => other,
    };
    let vowel_y = ["ay", "ey", "oy", "uy"].iter().any(|end| stem.ends_with(end));
    let conjugated = if stem.ends_with('y') && !vowel_y {
        format!("{}ies", &stem[..stem.len() - 1])
    } else if ["s", "x", "z", "ch", "sh"].iter().any(|end| stem.ends_with(end)) {
        format!("{stem}es")
    } else {
        format!("{stem}s")
    };
    capitalize(&conjugated)
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A noun phrase with its determiner: plural phrases stand bare, a phrase ending in a thing or a countable
/// noun takes "a"/"an", others "the".
fn determined(words: &[String]) -> String {
    let Some(last) = words.last() else { return String::new() };
    let phrase = words.join(" ");
    let head = singular(last);
    // A name (`SQL Server`) or a plural stands bare.
    let proper = last.starts_with(|c: char| c.is_ascii_uppercase()) && !is_acronym(last);
    if proper || is_plural(last) {
        phrase
    } else if THINGS.contains(&head.as_str()) || COUNTABLE.contains(&head.as_str()) {
        format!("{} {phrase}", article(&words[0]))
    } else {
        format!("the {phrase}")
    }
}

/// A noun phrase, with "the <aspect> of <thing>" when an aspect follows a thing (`DBInstanceAttribute` ->
/// "the attribute of a DB instance").
fn noun_phrase(words: &[String]) -> String {
    let thing = words[..words.len().saturating_sub(1)].iter().rposition(|w| THINGS.contains(&singular(w).as_str()));
    match thing {
        Some(i) => {
            let aspect = &words[i + 1..];
            let head = aspect.last().map(|w| singular(w)).unwrap_or_default();
            let countable = is_plural(&words[words.len() - 1])
                || THINGS.contains(&head.as_str())
                || COUNTABLE.contains(&head.as_str());
            if countable {
                // Things of things read as one noun: "RC instance types", "an RC node pool".
                determined(words)
            } else {
                format!("the {} of {}", aspect.join(" "), determined(&words[..=i]))
            }
        }
        None => determined(words),
    }
}

/// The one-line summary of an operation: `DescribeDBInstanceAttribute` -> "Describes the attribute of a DB
/// instance."
pub fn summary(name: &str) -> String {
    if let Some((_, s)) = SUMMARIES.iter().find(|(n, _)| *n == name) {
        return (*s).to_owned();
    }
    let mut ws = words(name);
    let mut verb = ws.remove(0);
    // `PreCheck...` is one verb.
    if verb == "Pre" && ws.first().is_some_and(|w| w == "Check") {
        ws.remove(0);
        verb = "Precheck".to_owned();
    }
    let shown: Vec<String> = ws.iter().map(|w| display(w)).collect();
    // "SQL Server" is a name.
    let shown = sql_server(shown);
    let verb = third_person(&verb);
    if shown.is_empty() {
        return format!("{verb}.");
    }
    // Whether-questions: `CheckDBNameAvailable`, `CheckInstanceExist`, `CheckCloudResourceAuthorized`.
    if verb == "Checks" {
        let last = shown.last().map(String::as_str);
        let subject = |n: usize| determined(&shown[..shown.len() - n]);
        match last {
            Some("available") if shown.len() > 1 => return format!("Checks whether {} is available.", subject(1)),
            Some("exist") if shown.len() > 1 => return format!("Checks whether {} exists.", subject(1)),
            Some("authorized") if shown.len() > 1 => {
                return format!("Checks whether {} is authorized.", subject(1));
            }
            _ => {}
        }
    }
    // Split at prepositions: "tags" / "to" / "resource".
    let mut parts: Vec<String> = Vec::new();
    let mut group: Vec<String> = Vec::new();
    for w in shown {
        if PREPOSITIONS.contains(&w.as_str()) {
            if !group.is_empty() {
                parts.push(noun_phrase(&group));
                group.clear();
            }
            parts.push(w);
        } else {
            group.push(w);
        }
    }
    if !group.is_empty() {
        let after = parts.last().map(String::as_str);
        // "by expire time", "as CSV": no determiner after these.
        if matches!(after, Some("by" | "as")) {
            parts.push(group.join(" "));
        } else {
            parts.push(noun_phrase(&group));
        }
    }
    format!("{verb} {}.", parts.join(" "))
}

fn sql_server(mut shown: Vec<String>) -> Vec<String> {
    for i in 1..shown.len() {
        if shown[i - 1] == "SQL" && shown[i] == "server" {
            shown[i] = "Server".to_owned();
        }
    }
    shown
}

/// A one-line description of a field from its name (and, for booleans, its type).
pub fn describe(name: &str, ty: &Ty, side: Side) -> String {
    if let Some((_, d)) = KNOWN.iter().find(|(n, _)| *n == name) {
        return (*d).to_owned();
    }
    match name {
        "PageNumber" if side == Side::Request => return "Page number, from 1.".to_owned(),
        "PageNumber" => return "Number of this page.".to_owned(),
        "PageSize" => return "Number of entries per page.".to_owned(),
        "NextToken" if side == Side::Request => {
            return "Token of the page to read, from the previous response.".to_owned()
        }
        "NextToken" => return "Token of the next page; empty on the last page.".to_owned(),
        _ => {}
    }
    let shown = sql_server(words(name).iter().map(|w| display(w)).collect());
    let Some((last, rest)) = shown.split_last() else { return "Value.".to_owned() };
    let rest_text = rest.join(" ");
    let text = match (last.as_str(), rest.is_empty()) {
        ("ID", false) => format!("ID of the {rest_text}"),
        ("IDs", false) => format!("IDs of the {}", plural_phrase(rest)),
        ("name", false) if !rest.iter().any(|w| w == "name") => format!("Name of the {rest_text}"),
        ("enabled", false) if *ty == Ty::Boolean => format!("Whether {rest_text} is enabled"),
        _ if *ty == Ty::Boolean && shown[0] == "is" && shown.len() > 1 => format!("Whether {}", shown[1..].join(" ")),
        _ if *ty == Ty::Boolean && shown[0] == "enable" && shown.len() > 1 && side == Side::Request => {
            format!("Whether to enable {}", shown[1..].join(" "))
        }
        _ => shown.join(" "),
    };
    format!("{}.", capitalize_first(&text))
}

fn plural_phrase(words: &[String]) -> String {
    match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} {}", rest.join(" "), plural(last)),
        Some((last, _)) => plural(last),
        None => String::new(),
    }
}

/// Capitalizes the first letter unless the phrase starts with a word of fixed form (`vSwitch ID`).
fn capitalize_first(text: &str) -> String {
    if text.starts_with('v') && text.starts_with("vSwitch") {
        text.to_owned()
    } else {
        capitalize(text)
    }
}

/// The deprecation note of an operation withdrawn from the current SDKs.
pub const WITHDRAWN: &str =
    "Withdrawn from Alibaba Cloud's current SDKs; the service may still accept it, but it may go away.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_names_into_words() {
        assert_eq!(words("DBInstanceIPArrayList"), ["DB", "Instance", "IP", "Array", "List"]);
        assert_eq!(words("proxyId"), ["proxy", "Id"]);
        assert_eq!(words("ZoneIdSlave1"), ["Zone", "Id", "Slave1"]);
        assert_eq!(words("VSwitchIds"), ["VSwitch", "Ids"]);
        assert_eq!(words("Ipv6Address"), ["Ipv6", "Address"]);
    }

    #[test]
    fn summaries_read_as_sentences() {
        assert_eq!(summary("DescribeDBInstanceAttribute"), "Describes the attribute of a DB instance.");
        assert_eq!(summary("DescribeDBInstances"), "Describes DB instances.");
        assert_eq!(summary("CreateAccount"), "Creates an account.");
        assert_eq!(summary("ModifyDBInstanceHAConfig"), "Modifies the HA config of a DB instance.");
        assert_eq!(summary("DescribeRCInstanceVncUrl"), "Describes the VNC URL of an RC instance.");
        assert_eq!(summary("CheckDBNameAvailable"), "Checks whether the DB name is available.");
        assert_eq!(summary("AddTagsToResource"), "Adds tags to a resource.");
        assert_eq!(summary("DescibeImportsFromDatabase"), "Describes imports from a database.");
        assert_eq!(
            summary("DescribeDTCSecurityIpHostsForSQLServer"),
            "Describes DTC security IP hosts for SQL Server."
        );
        assert_eq!(summary("PreCheckCreateOrderForDeleteDBNodes"), "Prechecks an order to delete DB nodes.");
        assert_eq!(summary("DescribeDBProxy"), "Describes a DB proxy.");
        assert_eq!(summary("DescribeRCInstanceTypes"), "Describes RC instance types.");
        assert_eq!(summary("CreateRCNodePool"), "Creates an RC node pool.");
        assert_eq!(summary("DestroyDBInstance"), "Destroys a DB instance.");
        assert_eq!(summary("DescribeBackupPolicy"), "Describes the backup policy.");
    }

    #[test]
    fn descriptions_come_from_names() {
        assert_eq!(describe("DBInstanceId", &Ty::String, Side::Request), "ID of the DB instance.");
        assert_eq!(describe("VSwitchIds", &Ty::String, Side::Request), "IDs of the vSwitches.");
        assert_eq!(describe("AccountName", &Ty::String, Side::Request), "Name of the account.");
        assert_eq!(describe("BurstingEnabled", &Ty::Boolean, Side::Response), "Whether bursting is enabled.");
        assert_eq!(describe("DBInstanceStorageType", &Ty::String, Side::Response), "DB instance storage type.");
        assert_eq!(describe("vSwitchId", &Ty::String, Side::Request), "ID of the vSwitch.");
    }
}
