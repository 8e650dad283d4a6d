//! "Did you mean …?": the nearest name by edit distance.

/// The Levenshtein distance between `a` and `b`, ignoring ASCII case.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The candidate nearest to `name`, when it is near enough to be a likely typo (at most a third of the
/// longer name's characters differ) or starts like it (a cut-off name); the first of equally near ones.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.trim_start_matches('-');
    let lower = name.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let bare = c.trim_start_matches('-');
            let prefix = name.len() >= 3 && bare.to_ascii_lowercase().starts_with(&lower);
            (if prefix { 0 } else { distance(name, bare) }, prefix, c)
        })
        .filter(|(d, prefix, c)| *prefix || *d <= name.chars().count().max(c.chars().count()) / 3)
        .min_by_key(|(d, _, _)| *d)
        .map(|(_, _, c)| c)
}

/// The candidate nearest to `value` whatever the distance (enum values: there is always a nearest).
pub fn closest<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates.into_iter().map(|c| (distance(value, c), c)).min_by_key(|(d, _)| *d).map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_and_suggestions() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("RegionId", "regionid"), 0);
        assert_eq!(nearest("--RegionID", ["RegionId", "ZoneId"]), Some("RegionId"));
        assert_eq!(nearest("Regio", ["RegionId", "PageSize"]), Some("RegionId"));
        assert_eq!(nearest("Completely", ["RegionId", "PageSize"]), None);
        assert_eq!(closest("sqlserver", ["MySQL", "SQLServer", "PostgreSQL"]), Some("SQLServer"));
    }
}
