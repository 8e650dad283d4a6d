//! `--pager`: every page of an operation's answer merged into one JSON document, by the spec's `pagination`.
//!
//! The pages themselves are fetched with the generated `Paginated::next_page` (the SDK's paging rules); this
//! module merges their bodies. The items of every page are concatenated under the same path (`Items`, or
//! `Items.DBInstance` inside Alibaba's wrapper object). Counters then describe the merged document: the page
//! number becomes 1, and the page size and `PageRecordCount`, when the answer has them, the number of items;
//! with token paging the next-token field is removed. The total count is the service's.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::table::Paging;

/// Which paging style a request uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// By page number.
    Number,
    /// By continuation token.
    Token,
}

impl Style {
    /// The style of a request with these parameters: by token when it sets a token-style parameter (the
    /// token or the token-style page size) or the operation only pages by token, else by number.
    pub fn of(paging: &Paging, params: &BTreeMap<String, String>) -> Style {
        let token_params = paging.token.as_ref().map(|t| [Some(t.token), t.size]);
        let sets_token = token_params.into_iter().flatten().flatten().any(|name| params.contains_key(name));
        if sets_token || paging.number.is_none() {
            Style::Token
        } else {
            Style::Number
        }
    }
}

/// The items of one page: the array at `paging.items`, inside its wrapper object when it has one.
fn items_of<'a>(paging: &Paging, page: &'a Map<String, Value>) -> &'a [Value] {
    match (page.get(paging.items), paging.wrapper) {
        (Some(Value::Array(items)), _) => items,
        (Some(Value::Object(wrapper)), Some(key)) => match wrapper.get(key) {
            Some(Value::Array(items)) => items,
            _ => &[],
        },
        _ => &[],
    }
}

/// Merges the bodies of every page (in order) into one document.
pub fn merge(paging: &Paging, style: Style, bodies: &[String]) -> Result<Value, String> {
    let mut pages = Vec::with_capacity(bodies.len());
    for (n, body) in bodies.iter().enumerate() {
        match serde_json::from_str::<Value>(body) {
            Ok(Value::Object(page)) => pages.push(page),
            Ok(_) => return Err(format!("page {} is not a JSON object", n + 1)),
            Err(e) => return Err(format!("page {} is not JSON: {e}", n + 1)),
        }
    }
    let Some(last) = pages.last().cloned() else { return Err("no page was fetched".to_owned()) };
    let items: Vec<Value> = pages.iter().flat_map(|p| items_of(paging, p).iter().cloned()).collect();
    let count = Value::from(items.len());
    // The last page's fields (its RequestId, the latest total), the items of all.
    let mut merged = last;
    let wrapped = match (merged.get(paging.items), paging.wrapper) {
        (Some(Value::Array(_)), _) | (_, None) => Value::Array(items),
        (_, Some(key)) => {
            let mut wrapper = match merged.get(paging.items) {
                Some(Value::Object(w)) => w.clone(),
                _ => Map::new(),
            };
            wrapper.insert(key.to_owned(), Value::Array(items));
            Value::Object(wrapper)
        }
    };
    merged.insert(paging.items.to_owned(), wrapped);
    let mut set_if_present = |key: &str, value: Value| {
        if let Some(slot) = merged.get_mut(key) {
            *slot = value;
        }
    };
    set_if_present("PageRecordCount", count.clone());
    match style {
        Style::Number => {
            if let Some(number) = &paging.number {
                set_if_present(number.page, Value::from(1));
                set_if_present(number.size, count);
            }
        }
        Style::Token => {
            if let Some(token) = &paging.token {
                if let Some(size) = token.size {
                    set_if_present(size, count);
                }
                merged.remove(token.next_token);
            }
        }
    }
    Ok(Value::Object(merged))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paging() -> &'static Paging {
        crate::table::find("DescribeDBInstances").unwrap().paging.as_ref().unwrap()
    }

    #[test]
    fn number_pages_are_concatenated_and_counted() {
        let bodies = [
            json!({"RequestId":"a","PageNumber":1,"PageRecordCount":2,"TotalRecordCount":3,"Items":{"DBInstance":[{"DBInstanceId":"x"},{"DBInstanceId":"y"}]}}),
            json!({"RequestId":"b","PageNumber":2,"PageRecordCount":1,"TotalRecordCount":3,"Items":{"DBInstance":[{"DBInstanceId":"z"}]}}),
        ]
        .map(|b| b.to_string());
        let merged = merge(paging(), Style::Number, &bodies).unwrap();
        assert_eq!(
            merged,
            json!({"RequestId":"b","PageNumber":1,"PageRecordCount":3,"TotalRecordCount":3,
                   "Items":{"DBInstance":[{"DBInstanceId":"x"},{"DBInstanceId":"y"},{"DBInstanceId":"z"}]}})
        );
    }

    #[test]
    fn token_pages_lose_the_token() {
        let bodies = [
            json!({"RequestId":"a","NextToken":"t1","PageRecordCount":1,"Items":{"DBInstance":[{"DBInstanceId":"x"}]}}),
            json!({"RequestId":"b","PageRecordCount":0,"Items":{"DBInstance":[]}}),
        ]
        .map(|b| b.to_string());
        let merged = merge(paging(), Style::Token, &bodies).unwrap();
        assert_eq!(merged, json!({"RequestId":"b","PageRecordCount":1,"Items":{"DBInstance":[{"DBInstanceId":"x"}]}}));
        let params = BTreeMap::from([("MaxResults".to_owned(), "10".to_owned())]);
        assert_eq!(Style::of(paging(), &params), Style::Token);
        assert_eq!(Style::of(paging(), &BTreeMap::new()), Style::Number);
        assert!(merge(paging(), Style::Token, &["[1]".to_owned()]).is_err());
    }
}
