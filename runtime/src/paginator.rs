//! Paginators: follow NextToken through every page of a listing.

use crate::client::{Core, SdkError};
use crate::operation::Operation;
use futures_core::Stream;
use std::collections::HashSet;

/// Implemented by generated requests of paginated operations.
pub trait Paginated: Operation {
    type Item: Send + 'static;
    fn set_page_token(&mut self, token: Option<String>);
    fn set_page_size(&mut self, size: i32);
    fn next_page_token(output: &Self::Output) -> Option<&str>;
    fn into_items(output: Self::Output) -> Vec<Self::Item>;
}

/// Pages of a listing, fetched lazily.
#[derive(Debug, Clone)]
pub struct Paginator<O: Paginated> {
    core: Core,
    request: O,
}

struct State<O: Paginated> {
    core: Core,
    request: O,
    seen: HashSet<String>,
    done: bool,
}

impl<O: Paginated> Paginator<O> {
    pub fn new(core: Core, request: O) -> Self {
        Self { core, request }
    }

    /// Items per page (the operation's page size parameter).
    pub fn page_size(mut self, size: i32) -> Self {
        self.request.set_page_size(size);
        self
    }

    /// A stream of pages. It stops after a page with an empty or missing
    /// token, and fails (instead of looping) on a token seen before.
    pub fn pages(self) -> impl Stream<Item = Result<O::Output, SdkError<O::Error>>> + Send {
        let state = State {
            core: self.core,
            request: self.request,
            seen: HashSet::new(),
            done: false,
        };
        futures_util::stream::unfold(state, |mut st| async move {
            if st.done {
                return None;
            }
            let result = st.core.send(st.request.clone()).await;
            match result {
                Err(e) => {
                    st.done = true;
                    Some((Err(e), st))
                }
                Ok(page) => {
                    match O::next_page_token(&page)
                        .filter(|t| !t.is_empty())
                        .map(str::to_string)
                    {
                        None => st.done = true,
                        Some(token) => {
                            if !st.seen.insert(token.clone()) {
                                st.done = true;
                                return Some((
                                    Err(SdkError::PaginationLoop {
                                        operation: O::META.name,
                                        token,
                                    }),
                                    st,
                                ));
                            }
                            st.request.set_page_token(Some(token));
                        }
                    }
                    Some((Ok(page), st))
                }
            }
        })
    }

    /// A stream of the items of every page, in order.
    pub fn items(self) -> impl Stream<Item = Result<O::Item, SdkError<O::Error>>> + Send {
        use futures_util::StreamExt;
        self.pages().flat_map(|page| {
            let items: Vec<Result<O::Item, SdkError<O::Error>>> = match page {
                Ok(p) => O::into_items(p).into_iter().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            };
            futures_util::stream::iter(items)
        })
    }
}
