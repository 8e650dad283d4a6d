//! Paging through long lists: what generated paginated requests implement, and the page-number arithmetic
//! they share.

use super::Operation;

/// A request whose response is one page of a longer list (declared by `pagination:` in its spec).
///
/// [`Client::pages`](crate::Client::pages) and [`Client::items`](crate::Client::items) use it to fetch page
/// after page, lazily, until the last one.
pub trait Paginated: Operation + Clone {
    /// One element of a page.
    type Item;

    /// The request for the page after `response` (answered to `self`), or `None` after the last page.
    fn next_page(&self, response: &Self::Response) -> Option<Self>;

    /// The elements of a page, in order.
    fn into_items(response: Self::Response) -> Vec<Self::Item>;

    /// What follows the page `response` answered to `self`: the next page's request, the end, or
    /// [`NextPage::Repeated`] when the service answered with the very request it was sent (a token paginator
    /// returning the token it got), which would otherwise be asked for forever. Every paging loop goes through
    /// it.
    fn following(&self, response: &Self::Response) -> NextPage<Self>
    where
        Self: PartialEq,
    {
        match self.next_page(response) {
            Some(next) if next == *self => NextPage::Repeated,
            Some(next) => NextPage::Page(next),
            None => NextPage::Last,
        }
    }
}

/// What [`Paginated::following`] found after a page.
#[derive(Clone, Debug, PartialEq)]
pub enum NextPage<O> {
    /// The request for the next page.
    Page(O),
    /// That page was the last.
    Last,
    /// The service answered with the same page token it was sent: paging must stop, with an error.
    Repeated,
}

/// The page number after `current` (absent means the first page, 1), or `None` when `current` was the last:
/// it came back empty, or the `total` the service reported is reached, or (without a total) it held fewer
/// than `size` items.
pub fn next_page_number(current: Option<i64>, size: Option<i64>, got: usize, total: Option<i64>) -> Option<i64> {
    let got = i64::try_from(got).unwrap_or(i64::MAX);
    if got == 0 {
        return None;
    }
    let page = current.unwrap_or(1).max(1);
    let last = match (total, size) {
        (Some(total), Some(size)) => page.saturating_mul(size) >= total,
        // Without the page size, the count of items seen so far is unknown: trust a full page.
        (Some(_), None) => false,
        (None, Some(size)) => got < size,
        (None, None) => false,
    };
    (!last).then_some(page + 1)
}

#[cfg(test)]
mod tests {
    use super::next_page_number;

    #[test]
    fn stops_at_an_empty_page_the_total_or_a_short_page() {
        assert_eq!(next_page_number(None, Some(30), 30, Some(250)), Some(2));
        assert_eq!(next_page_number(Some(8), Some(30), 30, Some(250)), Some(9));
        assert_eq!(next_page_number(Some(9), Some(30), 10, Some(250)), None);
        assert_eq!(next_page_number(Some(5), Some(50), 50, Some(250)), None);
        assert_eq!(next_page_number(Some(2), Some(30), 0, None), None);
        assert_eq!(next_page_number(Some(2), Some(30), 12, None), None);
        assert_eq!(next_page_number(Some(2), Some(30), 30, None), Some(3));
        assert_eq!(next_page_number(Some(2), None, 30, None), Some(3));
    }
}
